"""The code generator's shared bookkeeping: its typed base with the state and output every
part uses (EmitterCore), where names live (Scope), the loops being generated (Loop), its
internal statement node (RawAssign), its code markers and the Python code reading the
error-state names (ERROR_STATE).

Kept apart from ``compiler`` so that the generator's parts (statements, loops,
expressions, operators) can use them without importing the class they are mixed into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, Severity
from ..syntax import nodes as n
from ..syntax.nesting import MAX_DEPTH
from ..syntax.vocabulary import ERROR_STATE_NAMES
from .analysis import program_facts
from .spans import SpanNotes

ERROR_STATE = {name: "R." + attr for name, attr in ERROR_STATE_NAMES.items()}

# What is known of an int: whether it is never negative, and its (lowest, highest) value.
IntFact = tuple[bool, "tuple[int, int] | None"]


@dataclass
class Loop:
    kind: str  # FOR, DO, WHILE
    label: int
    needs_catch: bool = False
    # what the end of a pass runs (the step counter, a test at the end): CONTINUE runs it
    # before Python's ``continue``, which would skip it
    pass_end: tuple[str, ...] = ()


class Scope:
    """Where names live: the dialog's globals, or a SUB's locals falling back to globals."""

    def __init__(self, sub: n.SubDef | None):
        self.sub = sub
        self.loops: list[Loop] = []
        self.resume_next = False  # after ON ERROR RESUME NEXT, until ON ERROR GOTO 0
        # Names always present in a SUB's locals: read them without the global fallback.
        self.own: set[str] = set()
        # Release SUBs and debug builds' hook-free copies: the names besides ``own`` that
        # may be in L by now (L starts with ``own`` only and gains a name only when the SUB
        # binds it); None when unknown (GOTO can jump back).
        # Emission follows the source, and a block's bindings are added before its body, so
        # a name outside this set is read from G and written to G or L without testing L.
        self.in_l: set[str] | None = None
        # Release SUBs: L starts as None and becomes a dict at the first write that needs
        # one (most SUBs only read and update the dialog's variables: no dict per call).
        self.lazy_l = False
        # Debug builds' hook-free copies: parameter -> the Python parameter holding it,
        # for those the SUB never assigns (analysis.fixed_params).
        self.params: dict[str, str] = {}
        if sub is not None:
            self.own = set(sub.params)
            if sub.is_function:
                self.own.add(sub.name)

    @property
    def is_main(self) -> bool:
        return self.sub is None


@dataclass(slots=True)
class RawAssign(n.Node):
    """Internal: assign already-generated code (a loop item) to a target."""

    target: n.Node
    code: str
    nullable: bool


@dataclass(slots=True)
class RawValue(n.Node):
    """Internal: an operand already evaluated into a temp (ex_Binary)."""

    code: str


# Placeholders in a debug build's __main__ until its locals are all known (fill_reloads).
RELOAD_STMT = "\x00reload\x00"
RELOAD_EXPR = "\x00reload-expr\x00"


class EmitterCore:
    """What the generator's parts share: the program, the output with its line map, the
    scopes and the analyses that decide where variables live. ``compiler.CodeGen`` is this
    core plus the emitter mixins (statements, loops, expressions, operators, GOTO), each of
    which derives from it; the methods one mixin calls in another are declared at the end of
    the class for the type checker only."""

    def __init__(self, program: n.Program, debug: bool) -> None:
        self.program = program
        self.debug = debug
        self.out: list[str] = []
        self.line_map: list[tuple[int, int]] = []
        self.indent = 0
        self.counter = 0
        self.scope = Scope(None)
        self.builtins: dict[str, Any] = {}
        self.diagnostics: list[Diagnostic] = []
        self.cur: tuple[int, int] = (0, 0)
        self.spans = SpanNotes()
        # Both builds keep the dialog's own variables in Python locals (a dict lookup per
        # read was most of the interpreter's cost). Names a SUB touches stay in G, where SUBs
        # look them up. A debug build syncs the locals with G wherever the debugger can look
        # or edit: the debugger copies them into G when it looks (Runtime.observe), and the
        # dialog reloads them after a hook or a SUB call that may have paused.
        facts = program_facts(program)
        self.shared = facts.shared
        self.bound = facts.bound
        self.locals: dict[str, str] = {}  # lower-case name -> Python local of __main__
        self.assigned: set[str] = set()  # the locals the dialog assigns
        # Release SUBs that can never suspend (no loop, keyword, HEAR or call of one that
        # does) compile to a plain ``def`` called without ``await``; see generate().
        # Empty by default, so an expression compiled on its own (debug.evaluate) awaits calls.
        self.sync_subs: set[str] = set()
        # Debug builds: the SUBs that also get a hook-free plain ``def`` copy (QUIET_PREFIX),
        # called instead while the debugger has nothing to stop at (``_Q[0]``, see
        # Debugger.quiet): with no flag set the debug SUB runs no hook, so the copy does the
        # same without a coroutine. The copy keeps the debug SUB's L (post-mortem frames).
        self.quiet_subs: set[str] = set()
        # Debug builds: emitting code without hooks (a quiet SUB copy, or the hook-free body
        # of a loop, loops.quiet_body): nothing in it may await.
        self.quiet = False
        # Emitting the ${…} of an inert n.Interp, which production never evaluates: warnings
        # about what production would call there do not apply (ex_Interp).
        self.inert_text = False
        self.dropped_lines: frozenset[int] | None = None  # see engine_evaluates
        self.calls: dict[str, set[str]] = {}  # SUB (lower-case) -> SUBs it calls
        # The dialog's variables in G whenever a SUB runs (analysis.set_before_calls): SUBs
        # read and write them in G directly. Empty by default (an expression compiled on
        # its own, debug.evaluate, may run before the dialog set them).
        self.in_g: frozenset[str] = frozenset()
        # Release: each call of a SUB seen in the first pass (generate), per argument its
        # int facts (int_kind, int_bounds) or None; from them, per SUB, its parameters
        # that every call passes a known int (name -> (never negative, bounds)).
        self.arg_facts: dict[str, list[tuple[IntFact | None, ...]]] = {}
        self.param_ints: dict[str, dict[str, IntFact]] = {}
        # SUBs that can call themselves (directly or through others): with no loop, a deep
        # recursion would never reach a loop's tick, so each of their calls counts as one
        # loop iteration (the window stays responsive, Stop and the step budget still work).
        self.recursive = facts.recursive
        # SUBs called without the call depth ``_dp`` (ProgramFacts.depth_free): in release
        # builds, and the hook-free copies of debug builds (the hooked SUBs report it).
        self.depth_free: set[str] = facts.depth_free(MAX_DEPTH)
        # Release FOR EACH whose body never assigns its variable: name -> a local holding the
        # item when it is a map, else an empty map, bound once per iteration (see ex_Member).
        self.maps: dict[str, str] = {}
        # Release FOR loops over range() whose body never assigns the variable, started at an
        # int: name -> (its local, whether it is never negative, its (lowest, highest) value
        # when both bounds are int literals). The variable holds an int (int start + int
        # step) throughout the body, so its reads need no class test.
        self.ints: dict[str, tuple[str, bool, tuple[int, int] | None]] = {}
        # Debug builds: the dialog variables that would be in self.ints in a release build
        # (name -> local). Only a pass that cannot pause may trust them, after testing that
        # they still hold ints (loops.quiet_range).
        self.guarded: dict[str, str] = {}
        # Release: emitting the first try of a statement whose member reads are plain
        # subscripts (statements.speculate); a miss raises and the general code runs.
        self.direct = False


    # ------------------------------------------------------------ output

    def emit(self, code: str, node: n.Node | None = None) -> None:
        if node is not None:
            self.cur = (node.line, node.col)
        line = "    " * self.indent + code
        self.out.append(line)
        self.line_map.append(self.cur)
        self.spans.emitted(line, self.cur)

    def temp(self, prefix: str) -> str:
        self.counter += 1
        return f"_{prefix}{self.counter}"

    def warn(self, node: n.Node, message: str, severity: Severity = Severity.WARNING,
             own_line: bool = False) -> None:
        self.diagnostics.append(Diagnostic(self.program.file, node.line, node.col, severity,
                                           message, own_line=own_line))

    if TYPE_CHECKING:
        # Methods of CodeGen and of the mixins that the other mixins call.
        def local(self, key: str) -> str | None: ...
        def block(self, body: list[n.Node]) -> None: ...
        def nested(self, body: list[n.Node]) -> None: ...
        def sub_return(self) -> str: ...
        def quiet_function(self, name: str) -> str: ...
        def debug_hook(self, s: n.Node) -> None: ...
        def debug_hook_at(self, line: int, col: int) -> None: ...
        def reload_after_call(self) -> None: ...
        def statement(self, s: n.Node) -> None: ...
        def assign(self, target: n.Node, value: str, node: n.Node,
                   nullable: bool = True) -> None: ...
        def read_var(self, name: str) -> str: ...
        def may_be_in_l(self, key: str) -> bool: ...
        def cond(self, node: n.Node) -> str: ...
        def expr(self, e: n.Node) -> str: ...
        def concat(self, e: n.Binary) -> str: ...
        def is_concat(self, e: n.Binary) -> bool: ...
        def operand(self, code: str) -> tuple[str, str]: ...
        def method_call(self, helper: str, e: n.MethodCall, *extra: str) -> str: ...
        def stored_at(self, target: n.Node, value: str) -> str: ...
        def call_user(self, node: n.Node, name: str, args: list[n.Node],
                      statement: bool) -> str: ...
        def clause_value(self, node: n.Node) -> str: ...
        def memget(self, key: n.Node, code: str) -> str: ...
        def clauses(self, clauses: dict[str, list[n.Node]]) -> str: ...
        def int_kind(self, e: n.Node) -> bool | None: ...
        def int_bounds(self, e: n.Node) -> tuple[int, int] | None: ...
        def goto_body(self, body: list[n.Node]) -> None: ...
