"""Compiles a Program into Python source for one ``async def`` per dialog and SUB.

Why generate Python: a tree walker pays a call per node; generated code runs loops and
arithmetic at CPython speed. Safety: a BASIC name never becomes a Python name — variables
live in dicts keyed by string literals, members go through ``values.get_member``, and the
code runs with empty ``__builtins__``, so scripts cannot reach Python objects.

Loops yield to the event loop through ``R.tick()`` every few hundred iterations, so the
GUI stays responsive without slowing straight-line code. A debug build also awaits the
debugger hook before statements whose line is flagged (breakpoints, or every line while
stepping).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from . import nodes as n
from .builtins import lookup_builtin
from .errors import Diagnostic, Severity
from .nesting import MAX_DEPTH
from .operators import MAX_STRING
from .values import parse_number, to_display
from .vocabulary import ERROR_STATE_NAMES, EXPRESSION_PHRASES

GENERATED_PREFIX = "<basic:"
# A plain Python name (a local such as v_total / p_n, or a temp): nothing a BASIC expression
# does can rebind it, so reading it twice is safe and cheaper than a temp bound with ``:=``.
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BOOL_OPS = {"=", "<>", "<", "<=", ">", ">=", "LIKE", "CONTAINS", "IN", "AND", "OR"}
_ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "\\": "_idiv", "MOD": "_mod",
          "^": "_pow", "&": "_cat", "LIKE": "_like", "??": "_nvl"}
_CMP = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
# Keywords compiled to direct runtime calls; every other keyword goes through the registry.
_DIRECT = {"TALK", "PRINT", "SET BOT MEMORY", "WAIT"}


@dataclass
class CompiledProgram:
    program: n.Program
    code: CodeType
    source: str  # the generated Python, kept for debugging Talkbench itself
    line_map: list[tuple[int, int]]  # generated line (index) -> BASIC (line, col)
    debug: bool
    builtins: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (BASIC name, Python local) of each variable the dialog keeps in a local of __main__:
    # the debugger copies them into G when it looks (runtime.Runtime.observe).
    main_locals: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return GENERATED_PREFIX + self.program.file + ">"


@dataclass
class _Loop:
    kind: str  # FOR, DO, WHILE
    label: int
    needs_catch: bool = False


class _Scope:
    """Where names live: the dialog's globals, or a SUB's locals falling back to globals."""

    def __init__(self, sub: n.SubDef | None):
        self.sub = sub
        self.loops: list[_Loop] = []
        self.resume_next = False  # after ON ERROR RESUME NEXT, until ON ERROR GOTO 0
        # Names always present in a SUB's locals: read them without the global fallback.
        self.own: set[str] = set()
        if sub is not None:
            self.own = {p.lower() for p in sub.params}
            if sub.is_function:
                self.own.add(sub.name.lower())

    @property
    def is_main(self) -> bool:
        return self.sub is None


class CodeGen:
    def __init__(self, program: n.Program, debug: bool):
        self.program = program
        self.debug = debug
        self.out: list[str] = []
        self.line_map: list[tuple[int, int]] = []
        self.indent = 0
        self.counter = 0
        self.scope = _Scope(None)
        self.builtins: dict[str, Any] = {}
        self.diagnostics: list[Diagnostic] = []
        self.cur: tuple[int, int] = (0, 0)
        # Both builds keep the dialog's own variables in Python locals (a dict lookup per
        # read was most of the interpreter's cost). Names a SUB touches stay in G, where SUBs
        # look them up. A debug build syncs the locals with G wherever the debugger can look
        # or edit: the debugger copies them into G when it looks (Runtime.observe), and the
        # dialog reloads them after a hook or a SUB call that may have paused.
        self.shared = _names_in_subs(program)
        self.locals: dict[str, str] = {}  # lower-case name -> Python local of __main__
        self.assigned: set[str] = set()  # the locals the dialog assigns
        # Release SUBs that can never suspend (no loop, keyword, HEAR or call of one that
        # does) compile to a plain ``def`` called without ``await``; see generate().
        # Empty by default, so an expression compiled on its own (debug_eval) awaits calls.
        self.sync_subs: set[str] = set()
        self.calls: dict[str, set[str]] = {}  # SUB (lower-case) -> SUBs it calls
        # SUBs that can call themselves (directly or through others): with no loop, a deep
        # recursion would never reach a loop's tick, so each of their calls counts as one
        # loop iteration (the window stays responsive, Stop and the step budget still work).
        self.recursive = _recursive_subs(program)
        # Release FOR EACH whose body never assigns its variable: name -> a local holding the
        # item when it is a map, else an empty map, bound once per iteration (see ex_Member).
        self.maps: dict[str, str] = {}
        # Release FOR loops over range() whose body never assigns the variable, started at an
        # int: name -> (its local, whether it is never negative). The variable holds an int
        # (int start + int step) throughout the body, so its reads need no class test.
        self.ints: dict[str, tuple[str, bool]] = {}

    # ------------------------------------------------------------ output

    def emit(self, code: str, node: n.Node | None = None) -> None:
        if node is not None:
            self.cur = (node.line, node.col)
        self.out.append("    " * self.indent + code)
        self.line_map.append(self.cur)

    def temp(self, prefix: str) -> str:
        self.counter += 1
        return f"_{prefix}{self.counter}"

    def warn(self, node: n.Node, message: str, severity: Severity = Severity.WARNING) -> None:
        self.diagnostics.append(
            Diagnostic(self.program.file, node.line, node.col, severity, message))

    # ------------------------------------------------------------ program

    def generate(self) -> str:
        if not self.debug and self.program.subs:
            # First pass with every SUB assumed synchronous: a SUB whose own code still
            # awaits (loop tick, keyword, HEAR...) suspends, and so does any SUB calling one.
            self.sync_subs = set(self.program.subs)
            awaits = self._generate_all(probe=True)
            suspending = {k for k, has_await in awaits.items() if has_await} | self.recursive
            while True:
                more = {k for k, callees in self.calls.items() if callees & suspending}
                if more <= suspending:
                    break
                suspending |= more
            self.sync_subs = set(self.program.subs) - suspending
            self.__init_output()
        self._generate_all(probe=False)
        return "\n".join(self.out) + "\n"

    def __init_output(self) -> None:
        self.out, self.line_map, self.counter = [], [], 0
        self.scope, self.builtins, self.diagnostics = _Scope(None), {}, []
        self.cur, self.locals, self.assigned = (0, 0), {}, set()

    def _generate_all(self, probe: bool) -> dict[str, bool]:
        """Emit every function; returns, per SUB, whether its code contains an await."""
        awaits: dict[str, bool] = {}
        self.scope = _Scope(None)
        self.function("__main__", [], self.program.body, None)
        for key, sub in self.program.subs.items():
            self.scope = _Scope(sub)
            start = len(self.out)
            self.function(_sub_fn(sub.name), sub.params, sub.body, sub)
            awaits[key] = any("await " in line for line in self.out[start:])
        return awaits

    def function(self, name: str, params: list[str], body: list[n.Node],
                 sub: n.SubDef | None) -> None:
        self.cur = (sub.line, sub.col) if sub else (1, 1)
        if sub is None:
            self.emit(f"async def {name}(R, G):")
            self.indent += 1
            self.emit("_n = 256")
            self.emit("L = G")
            self.emit("_dp = 1")  # call depth, passed down for "stack overflow"
            self.main_body(body)
            self.indent -= 1
            return
        own = [(p.lower(), f"_p{i}") for i, p in enumerate(params)]
        if self.debug:
            # The debugger shows and edits L. It finds the call stack on the Python stack
            # when it looks (Runtime.observe), so a call pushes no frame of its own.
            args = "".join(f", _p{i}=None" for i in range(len(params)))
            self.emit(f"async def {name}(R, G, _dp{args}):")
            self.indent += 1
            self.emit(f"if _dp > {MAX_DEPTH}: R.overflow({sub.name!r})")
            self.call_tick(sub)
            self.emit("_n = 256")
            if sub.is_function:
                own.append((sub.name.lower(), "None"))
            pairs = ", ".join(f"{key!r}: {value}" for key, value in own)
            self.emit(f"L = {{{pairs}}}")
            self.block(body)
            self.emit(self.sub_return())
            self.indent -= 1
            return
        # Release: parameters are the function's own Python parameters; the depth of the
        # call comes in as _dp (no shared counter to restore, so no try/finally).
        # A name given twice (``SUB s(a, A)``) binds its last argument, as in a debug build.
        last = {key: i for i, (key, _) in enumerate(own)}
        args = "".join(f", {self.local(key) if last[key] == i else f'_p{i}'}=None"
                       for i, (key, _) in enumerate(own))
        is_sync = sub.name.lower() in self.sync_subs
        self.emit(f"{'def' if is_sync else 'async def'} {name}(R, G, _dp{args}):")
        self.indent += 1
        self.emit(f"if _dp > {MAX_DEPTH}: R.overflow({sub.name!r})")
        self.call_tick(sub)
        start = len(self.out)
        self.block(body)
        self.emit(self.sub_return())
        code = "\n".join(self.out[start:])
        prologue = []
        if re.search(r"\b_n\b", code):
            prologue.append("_n = 256")
        if sub.is_function:
            prologue.append(f"{self.local(sub.name.lower())} = None")
        if re.search(r"\bL\b", code):  # names that are not parameters: SUB locals or globals
            prologue.append("L = {}")
        pad = "    " * self.indent
        self.out[start:start] = [pad + line for line in prologue]
        self.line_map[start:start] = [self.line_map[start - 1]] * len(prologue)
        self.indent -= 1

    def call_tick(self, sub: n.SubDef) -> None:
        if sub.name.lower() in self.recursive:
            self.emit("R.calls -= 1")
            self.emit("if R.calls <= 0: R.calls = await R.tick()")

    def main_body(self, body: list[n.Node]) -> None:
        """The dialog's statements; its local variables are loaded from G first and stored
        back on the way out (even on an error or Stop), so G always ends up complete."""
        start = len(self.out)
        self.emit("try:")
        self.nested(body)
        self.emit("    return None")
        # Only assigned variables can differ from G; they are stored even when NULL.
        names = tuple(k for k in self.locals if k in self.assigned)
        values = "".join(f"{self.locals[k]}, " for k in names)
        self.emit("finally:")
        if not self.debug:
            self.emit(f"    _store(G, {names!r}, ({values}))" if names else "    pass")
        elif names:
            # As the debugger shows them: a NULL never assigned is no variable. After an edit
            # made while paused in a SUB that then failed, G holds the newest values already.
            self.emit(f"    if not R.edited: _publish(G, {names!r}, ({values}))")
        else:
            self.emit("    pass")
        pad = "    " * self.indent
        prologue = [f"{pad}{var} = G.get({k!r})" for k, var in self.locals.items()]
        if self.debug:
            self.fill_reloads(start)
            if len(self.locals) > 1:
                keys = ", ".join(repr(k) for k in self.locals)
                prologue.append(f"{pad}_K = _itemgetter({keys})")
        self.out[start:start] = prologue
        self.line_map[start:start] = [self.line_map[start]] * len(prologue)

    def fill_reloads(self, start: int) -> None:
        """Debug build: replace the reload markers in __main__ (emitted before its locals
        were all known) by code that reloads every local from G and clears ``R.edited``."""
        names = list(self.locals.values())
        if len(names) > 1:
            stmt = f"R.edited = False; {', '.join(names)} = _K(G)"
        elif names:
            stmt = f"R.edited = False; {names[0]} = G[{next(iter(self.locals))!r}]"
        else:
            stmt = "R.edited = False"
        expr = "".join(f"({var} := G[{k!r}]), " for k, var in self.locals.items())
        for i in range(start, len(self.out)):
            line = self.out[i]
            if _RELOAD_STMT in line or _RELOAD_EXPR in line:
                self.out[i] = line.replace(_RELOAD_STMT, stmt).replace(_RELOAD_EXPR, expr)

    def local(self, key: str) -> str | None:
        """The Python local holding variable ``key``, or None when it lives in a dict.

        In a SUB, its parameters (and a FUNCTION's result) are always its own, so they can
        be locals; other names are looked up at run time (SUB local or dialog variable).
        """
        if not self.scope.is_main:
            if self.debug:  # the debugger shows and edits a SUB's L: its variables stay there
                return None
            return _py_name("p", key, self.scope.own) if key in self.scope.own else None
        if key in self.shared:
            return None
        name = self.locals.get(key)
        if name is None:
            # ASCII names map to readable locals; others get a number, as Python would
            # NFKC-fold two different Unicode spellings into one identifier.
            name = self.locals[key] = _py_name("v", key, self.locals)
        return name

    def sub_return(self) -> str:
        sub = self.scope.sub
        if sub is not None and sub.is_function:
            return f"return {self.read_var(sub.name)}"
        return "return None"

    def block(self, body: list[n.Node]) -> None:
        if not body:
            self.emit("pass")
            return
        for stmt in body:
            self.statement(stmt)

    def nested(self, body: list[n.Node]) -> None:
        """The body of an ``if``/``elif``/``else`` just emitted, one level deeper."""
        self.indent += 1
        self.block(body)
        self.indent -= 1

    # ------------------------------------------------------------ statements

    def statement(self, s: n.Node) -> None:
        if self.debug and not isinstance(s, (n.SubDef, n.Description, n.TableDef, _RawAssign)):
            self.debug_hook(s)
        method = getattr(self, "stmt_" + type(s).__name__)
        self.cur = (s.line, s.col)
        if not self.scope.resume_next or isinstance(s, _BLOCKS):
            method(s)
            return
        # ON ERROR RESUME NEXT: a failing simple statement is recorded and skipped. Blocks
        # are not wrapped (their statements are), so Python's nesting limit is not reached.
        self.emit("try:", s)
        self.indent += 1
        method(s)
        self.indent -= 1
        self.emit("except (_LoopExit, _EndDialog):")
        self.emit("    raise")
        self.emit("except _Exception as _e:")
        self.emit(f"    R.error_resumed(_e, {s.line})")
        self.indent += 1
        self.reload_after_call()  # the failing statement may have paused in a SUB first
        self.indent -= 1

    def debug_hook(self, s: n.Node) -> None:
        # The check stays one list lookup; in the dialog, the locals are reloaded when the
        # user set a variable while paused in the hook.
        if self.scope.is_main:  # the hook returns R.edited
            self.emit(f"if _B[{s.line}] and await R.debug_hook({s.line}, {s.col}, 1): "
                      f"{_RELOAD_STMT}", s)
        else:
            self.emit(f"if _B[{s.line}]: await R.debug_hook({s.line}, {s.col}, _dp)", s)

    def reload_after_call(self) -> None:
        """Debug build, in the dialog: after something that may have paused (a SUB call, a
        memory breakpoint), reload the locals if the user edited a variable meanwhile."""
        if self.debug and self.scope.is_main:
            self.emit(f"if R.edited: {_RELOAD_STMT}")

    def stmt_Assign(self, s: n.Assign) -> None:
        self.assign(s.target, self.expr(s.value), s, nullable=not _never_null(s.value))

    def assign(self, target: n.Node, value: str, node: n.Node, nullable: bool = True) -> None:
        if isinstance(target, n.Name):
            key = target.name.lower()
            if (var := self.local(key)) is not None:
                self.assigned.add(key)
                self.emit(f"{var} = {value}", node)
                if nullable:
                    self.null_assigned(key, var)
            elif self.scope.is_main:
                self.emit(f"G[{key!r}] = {value}", node)
            else:  # as operators.setv: a local or a new name stays local, else the global
                self.emit(f"(L if {key!r} in L or {key!r} not in G else G)[{key!r}] = {value}",
                          node)
        elif isinstance(target, n.Member):
            self.emit(f"_setmem({self.container(target.obj, 'map')}, {target.name!r}, {value})",
                      node)
        elif isinstance(target, n.Index):
            self.emit(f"_setidx({self.container(target.obj, 'list')}, "
                      f"{self.expr(target.index)}, {value})", node)
        else:
            self.emit("R.fail('cannot assign to this expression')", node)

    def null_assigned(self, key: str, var: str) -> None:
        """Debug build: a variable assigned NULL is shown as one (a local merely loaded as
        NULL is not), so that assignment also reaches G; others reach G when the debugger
        looks (Runtime.publish_locals)."""
        if self.debug:
            self.emit(f"if {var} is None: G[{key!r}] = None")

    def container(self, node: n.Node, kind: str) -> str:
        """The object an assignment writes into, created when missing (``x.a = 1``)."""
        if isinstance(node, n.Name):
            key = node.name.lower()
            if (var := self.local(key)) is not None:
                self.assigned.add(key)
                return f"({var} := _ensure_value({var}, {kind!r}))"
            return f"_ensure(L, G, {key!r}, {kind!r})"
        if isinstance(node, n.Member):
            return f"_child({self.container(node.obj, 'map')}, {node.name!r}, {kind!r})"
        if isinstance(node, n.Index):
            return f"_child({self.container(node.obj, 'list')}, {self.expr(node.index)}, " \
                   f"{kind!r})"
        return self.expr(node)

    def stmt_If(self, s: n.If) -> None:
        for i, (cond, body) in enumerate(s.branches):
            self.cur = (cond.line, cond.col)
            self.emit(f"{'if' if i == 0 else 'elif'} {self.cond(cond)}:")
            self.nested(body)
        if s.else_body is not None:
            self.emit("else:")
            self.nested(s.else_body)

    def loop_body(self, loop: _Loop, body: list[n.Node], header: str, node: n.Node,
                  tail: list[str] | None = None, else_tail: list[str] | None = None,
                  first: list[str] | None = None,
                  chunks: tuple[str, str] | None = None) -> None:
        """Emit a loop; wraps it in try/except when an inner loop EXITs this one.

        ``chunks`` (target, chunked iterable): a ``for`` over chunks of CHUNK items whose
        inner ``for`` runs the body with no yield counter; the counter is paid once per
        chunk, in the inner loop's ``else`` (a ``break`` in the body skips it; the outer
        ``break`` that follows pays for the items taken, then ends both loops)."""
        start = len(self.out)
        self.scope.loops.append(loop)
        chunk = it = ""
        if chunks is not None:
            chunk, it = self.temp("c"), self.temp("it")
            self.emit(f"for {chunk} in {chunks[1]}:", node)
            self.indent += 1
            header = f"for {chunks[0]} in ({it} := _iter({chunk})):"
        self.emit(header, node)
        self.indent += 1
        for line in first or ():
            self.emit(line)
        self.block(body)
        if self.debug and not getattr(node, "test_at_end", False):
            # Debugger: revisit the loop's header line after each iteration, as the loop
            # test runs there (a step shows FOR, body, FOR, body, ..., FOR, after the loop).
            self.debug_hook(node)
        self.cur = (node.line, node.col)
        if chunk:
            self.indent -= 1
            self.emit("else:")
            # A whole chunk may take the counter below 0: the tick's 256 pay that debt too.
            self.emit(f"    _n -= _len({chunk})")
            self.emit("    if _n <= 0: _n += await R.tick()")
            self.emit("    continue")
            # A break: the iterations run before it count too (the breaking one does not,
            # as in an unchunked loop), or an early EXIT FOR would escape the step budget.
            self.emit(f"_n -= _len({chunk}) - _hint({it}) - 1")
            self.emit("if _n <= 0: _n += await R.tick()")
            self.emit("break")
        else:
            self.emit("_n -= 1")
            self.emit("if _n <= 0: _n = await R.tick()")
        for line in tail or ():
            self.emit(line)
        self.indent -= 1
        if else_tail:  # runs when the loop ends without a break
            self.emit("else:")
            for line in else_tail:
                self.emit("    " + line)
        self.scope.loops.pop()
        if loop.needs_catch:
            pad = "    " * self.indent
            lines = [pad + "    " + line[len(pad):] if line.startswith(pad) else line
                     for line in self.out[start:]]
            maps = self.line_map[start:]
            del self.out[start:], self.line_map[start:]
            self.emit("try:", node)
            self.out.extend(lines)
            self.line_map.extend(maps)
            self.emit("except _LoopExit as _e:")
            self.emit(f"    if _e.label != {loop.label}: raise")

    def stmt_ForEach(self, s: n.ForEach) -> None:
        loop = _Loop("FOR", self.counter + 1)
        last = f", {self.expr(s.last)}" if s.last is not None else ""
        chunked = f"_each_chunks({self.expr(s.iterable)}{last})"
        self.cur = (s.line, s.col)
        key = s.var.lower()
        if (local := self.local(key)) is not None:  # the loop binds it directly
            self.assigned.add(key)
            self.counter += 1
            first = [f"if {local} is None: G[{key!r}] = None"] if self.debug else []
            if (not self.debug and key not in self.maps and key not in _ERROR_STATE
                    and _reads_members(s.body, key)
                    and not _assigns(s.body, key)):
                # The item's class cannot change during the body (nothing rebinds the
                # local; a debug build is excluded, as the user may set it while paused):
                # test it once per iteration for all of the body's member reads.
                m = self.maps[key] = self.temp("m")
                first = [f"{m} = {local} if {local}.__class__ is _dict else _nomap"]
                try:
                    self.loop_body(loop, s.body, "", s, first=first,
                                   chunks=(local, chunked))
                finally:
                    del self.maps[key]
                return
            self.loop_body(loop, s.body, "", s, first=first, chunks=(local, chunked))
            return
        item = self.temp("it")
        var = n.Name(s.line, s.col, s.var)
        self.loop_body(loop, [_RawAssign(s.line, s.col, var, item, True)] + s.body,
                       "", s, chunks=(item, chunked))

    def stmt__RawAssign(self, s: "_RawAssign") -> None:
        self.assign(s.target, s.code, s, nullable=s.nullable)

    def stmt_ForTo(self, s: n.ForTo) -> None:
        i, end, step = self.temp("i"), self.temp("end"), self.temp("step")
        loop = _Loop("FOR", self.counter)
        var = n.Name(s.line, s.col, s.var)
        self.emit(f"{i} = _num({self.expr(s.start)})", s)
        self.emit(f"{end} = _num({self.expr(s.end)})")
        const_step = _int_literal(s.step) if s.step is not None else 1
        if const_step:  # the direction is known: no per-iteration test of the step's sign
            self.emit(f"{step} = {const_step}")
            header = f"while {i} {'<=' if const_step > 0 else '>='} {end}:"
        else:
            self.emit(f"{step} = _num({self.expr(s.step)})")
            self.emit(f"if {step} == 0: R.fail('STEP cannot be 0')")
            header = f"while ({i} <= {end}) if {step} > 0 else ({i} >= {end}):"
        local = self.local(s.var.lower())
        if (const_step and local is not None and not self.debug
                and not _assigns(s.body, s.var.lower())):
            # Release, and nothing in the body assigns the variable: Python's own for loop
            # over range() (floats: an equivalent iterator) runs it, without the re-read and
            # re-test below. After the loop the variable holds the first value past the end.
            self.assigned.add(s.var.lower())
            rng = self.temp("r")
            self.emit(f"{rng} = _forto({i}, {end}, {step})")
            key, start = s.var.lower(), self.int_kind(s.start)
            outer = self.ints.get(key)
            if start is not None and key not in _ERROR_STATE:
                self.ints[key] = (local, start and const_step > 0)
            try:
                self.loop_body(loop, s.body, "", s, chunks=(local, f"_chunks({rng})"),
                               else_tail=[f"{local} = {local} + {step} if {rng} else {i}"])
            finally:
                self.ints.pop(key, None)
                if outer is not None:
                    self.ints[key] = outer
            return
        read, cur = self.read_var(s.var), self.temp("t")
        # The body may have changed the loop variable (even to text): re-read it.
        tail = [f"{i} = ({cur} if ({cur} := {read}).__class__ is _int else _num({cur})) + {step}"]
        self.loop_body(loop, [_RawAssign(s.line, s.col, var, i, False)] + s.body, header, s,
                       tail)
        self.assign(var, i, s, nullable=False)

    def stmt_DoLoop(self, s: n.DoLoop) -> None:
        loop = _Loop(s.kind, self.counter + 1)
        self.counter += 1
        if s.cond is None:
            self.loop_body(loop, s.body, "while True:", s)
            return
        test = self.cond(s.cond)
        if not s.test_at_end:
            header = f"while not {test}:" if s.until else f"while {test}:"
            self.loop_body(loop, s.body, header, s)
            return
        stop = test if s.until else f"not {test}"
        self.loop_body(loop, s.body, "while True:", s, [f"if {stop}: break"])

    def stmt_Exit(self, s: n.Exit) -> None:
        if s.kind in ("FOR", "DO", "WHILE"):
            kinds = ("DO", "WHILE") if s.kind in ("DO", "WHILE") else ("FOR",)
            for depth, loop in enumerate(reversed(self.scope.loops)):
                if loop.kind in kinds:
                    if depth == 0:
                        self.emit("break", s)
                    else:
                        loop.needs_catch = True
                        self.emit(f"raise _LoopExit({loop.label})", s)
                    return
            self.warn(s, f"EXIT {s.kind} outside a {s.kind} loop", Severity.ERROR)
            self.emit(f"R.fail('EXIT {s.kind} outside a {s.kind} loop')", s)
        elif s.kind in ("SUB", "FUNCTION"):
            if self.scope.is_main:
                self.warn(s, f"EXIT {s.kind} outside a {s.kind}", Severity.ERROR)
                self.emit(f"R.fail('EXIT {s.kind} outside a {s.kind}')", s)
            else:
                self.emit(self.sub_return(), s)
        else:
            self.emit("raise _EndDialog(None)", s)

    def stmt_Return(self, s: n.Return) -> None:
        value = self.expr(s.value) if s.value is not None else "None"
        if self.scope.is_main:
            self.emit(f"return {value}", s)
        elif self.scope.sub is not None and self.scope.sub.is_function:
            self.emit(f"return {value}" if s.value is not None else self.sub_return(), s)
        else:
            self.emit(f"return {value}", s)

    def case_test(self, subject: str, cls: str, values: list[n.Node]) -> str:
        """``CASE a, b``: Python's ``==`` / ``in`` when every value is a literal of the
        subject's type (its class is read once per SELECT, into ``cls``), else ``_eq``."""
        kinds = {type(v.value) for v in values if isinstance(v, n.Literal)}
        if len(kinds) == 1 and kinds <= {int, str} and all(
                isinstance(v, n.Literal) for v in values):
            kind = "_int" if kinds == {int} else "_str"
            codes = [self.expr(v) for v in values]
            fast = (f"{subject} == {codes[0]}" if len(codes) == 1
                    else f"{subject} in ({', '.join(codes)})")
            general = " or ".join(f"_eq({subject}, {c})" for c in codes)
            return f"({fast} if {cls} is {kind} else {general})"
        return " or ".join(f"_eq({subject}, {self.expr(v)})" for v in values)

    def stmt_Select(self, s: n.Select) -> None:
        subj, cls = self.temp("sel"), self.temp("cls")
        self.emit(f"{cls} = ({subj} := {self.expr(s.subject)}).__class__", s)
        first = True
        for values, body in s.cases:
            test = self.case_test(subj, cls, values) if values else "False"
            self.cur = (values[0].line, values[0].col) if values else (s.line, s.col)
            self.emit(f"{'if' if first else 'elif'} {test}:")
            first = False
            self.nested(body)
        if s.else_body is not None:
            if first:
                self.block(s.else_body)
            else:
                self.emit("else:")
                self.nested(s.else_body)

    def stmt_SubDef(self, s: n.SubDef) -> None:
        self.warn(s, "SUB and FUNCTION must be defined at the top level", Severity.ERROR)

    def stmt_CallSub(self, s: n.CallSub) -> None:
        self.emit(self.call_user(s, s.name, s.args, statement=True), s)
        if s.name.lower() in self.program.subs:
            self.reload_after_call()

    def call_user(self, node: n.Node, name: str, args: list[n.Node], statement: bool) -> str:
        sub = self.program.subs.get(name.lower())
        if sub is None:
            b = lookup_builtin(name)
            if b is not None:
                return self.call_builtin(node, b, args)
            self.warn(node, f"unknown SUB or keyword '{name}'")
            return f"R.fail_unknown({name!r})"
        if len(args) > len(sub.params):
            self.warn(node, f"{sub.name} takes {len(sub.params)} argument(s), got {len(args)}",
                      Severity.ERROR)
        argv = "".join(", " + self.expr(a) for a in args[: len(sub.params)])
        if self.scope.sub is not None:
            self.calls.setdefault(self.scope.sub.name.lower(), set()).add(sub.name.lower())
        if self.debug:
            call = f"await {_sub_fn(sub.name)}(R, G, _dp + 1{argv})"
            if not statement and self.scope.is_main:
                # The result first, then the locals reloaded if the user edited a variable
                # while paused inside (``(t := x) is t`` is always true: x evaluated first).
                t = self.temp("t")
                return (f"({t} if ({t} := {call}) is {t} and not R.edited "
                        f"else ({_RELOAD_EXPR}R.unedit(), {t})[-1])")
        elif sub.name.lower() in self.sync_subs:  # never suspends: a plain call
            return f"{_sub_fn(sub.name)}(R, G, _dp + 1{argv})"
        else:
            call = f"await {_sub_fn(sub.name)}(R, G, _dp + 1{argv})"
        return call if statement else f"({call})"

    def stmt_With(self, s: n.With) -> None:
        obj = self.temp("with")
        self.emit(f"{obj} = {self.container(s.target, 'map')}", s)
        for name, value, line, col in s.fields:
            self.cur = (line, col)
            self.emit(f"_setmem({obj}, {name!r}, {self.expr(value)})")

    def stmt_TextBlockStmt(self, s: n.TextBlockStmt) -> None:
        if s.kind == "TALK":
            self.emit(f"await R.talk({self.expr(s.text)}, {s.line})", s)
        else:
            self.emit(f"await R.keyword({s.kind!r}, [{self.expr(s.text)}], {{}}, {s.line})", s)

    def stmt_TableDef(self, s: n.TableDef) -> None:
        self.emit("pass", s)

    def stmt_Description(self, s: n.Description) -> None:
        self.emit("pass", s)

    def stmt_OnBlock(self, s: n.OnBlock) -> None:
        args = ", ".join(self.expr(a) for a in s.args)
        self.emit(f"R.on_block({s.event!r}, [{args}], {s.line})", s)

    def stmt_Param(self, s: n.Param) -> None:
        key = s.name.lower()
        if self.debug and self.scope.is_main and (var := self.local(key)) is not None:
            # R.param reads the variable's value in G: make it the current one first.
            self.emit(f"if {var} is not None or {key!r} in G: G[{key!r}] = {var}", s)
        default = self.expr(s.default) if s.default is not None else "None"
        value = (f"await R.param({s.name!r}, {s.type!r}, {s.description!r}, {s.like!r}, "
                 f"{default}, {s.optional!r}, {s.line})")
        self.assign(n.Name(s.line, s.col, s.name), value, s)

    def stmt_Hear(self, s: n.Hear) -> None:
        options = "(" + "".join(self.expr(o) + ", " for o in s.options) + ")"
        prompt = self.expr(s.prompt) if s.prompt is not None else "None"
        default = self.expr(s.default) if s.default is not None else "None"
        var = _target_name(s.target)
        value = (f"await R.hear({var!r}, {s.kind!r}, {options}, {prompt}, {default}, "
                 f"{s.line})")
        self.assign(s.target, value, s)

    def stmt_KeywordStmt(self, s: n.KeywordStmt) -> None:
        p = s.phrase
        if p in ("ON ERROR RESUME NEXT", "ON ERROR GOTO"):
            self.on_error(s)
            return
        args = [self.expr(a) for a in s.args]
        if p == "TALK" and len(args) == 1:
            self.emit(f"await R.talk({args[0]}, {s.line})", s)
        elif p == "PRINT":
            self.emit(f"R.print_([{', '.join(args)}], {s.line})", s)
        elif p == "SET BOT MEMORY" and len(args) == 2:
            call = f"R.memset({args[0]}, {args[1]}, {s.line})"
            self.emit(f"await R.debug_memset({args[0]}, {args[1]}, {s.line})" if self.debug
                      else call, s)
            self.reload_after_call()  # a memory breakpoint may have paused
        elif p == "WAIT" and len(args) == 1:
            self.emit(f"await R.wait({args[0]}, {s.line})", s)
        elif p == "GET BOT MEMORY" and "INTO" in s.clauses:
            self.assign(s.clauses["INTO"][0], self.memget(s.args[0], args[0]), s)
        else:
            into = s.clauses.get("INTO")
            clauses = {k: v for k, v in s.clauses.items() if k != "INTO"}
            call = (f"await R.keyword({p!r}, [{', '.join(args)}], {self.clauses(clauses)}, "
                    f"{s.line})")
            if into:
                self.assign(into[0], call, s)
            else:
                self.emit(call, s)

    def memget(self, key: n.Node, code: str) -> str:
        if isinstance(key, n.Interp) or isinstance(key, n.Literal) and isinstance(key.value, str) or (
                isinstance(key, n.Binary) and self.is_concat(key)):
            return f"_memget({code})"  # the key is text already
        return f"R.memget({code})"

    def on_error(self, s: n.KeywordStmt) -> None:
        """Error handling is decided where the code is generated: it lasts, in this dialog
        or SUB, from the statement to the next ON ERROR GOTO 0 below it."""
        if s.phrase == "ON ERROR RESUME NEXT":
            self.scope.resume_next = True
        elif len(s.args) == 1 and isinstance(s.args[0], n.Literal) and s.args[0].value == 0:
            self.scope.resume_next = False
        else:
            self.warn(s, "ON ERROR GOTO label is not supported: use ON ERROR RESUME NEXT and "
                         "check ERR_NUMBER", Severity.ERROR)
            self.emit("R.fail('ON ERROR GOTO label is not supported')", s)
            return
        self.emit("pass", s)

    def clauses(self, clauses: dict[str, list[n.Node]]) -> str:
        items = ", ".join(f"{k!r}: [{', '.join(self.expr(v) for v in vs)}]"
                          for k, vs in clauses.items())
        return "{" + items + "}"

    def stmt_ExprStmt(self, s: n.ExprStmt) -> None:
        self.emit(self.expr(s.expr), s)

    # ------------------------------------------------------------ expressions

    def read_var(self, name: str) -> str:
        key = name.lower()
        if (var := self.local(key)) is not None:
            return var
        if self.scope.is_main:
            return f"G[{key!r}]"  # G is a runtime.Variables: a missing name reads as NULL
        if key in self.scope.own:
            return f"L[{key!r}]"
        return f"(L[{key!r}] if {key!r} in L else G.get({key!r}))"  # as operators.getv

    def cond(self, node: n.Node) -> str:
        code = self.expr(node)
        return code if _is_bool(node) else f"_truthy({code})"

    def expr(self, e: n.Node) -> str:
        return getattr(self, "ex_" + type(e).__name__)(e)

    def ex_Literal(self, e: n.Literal) -> str:
        return repr(e.value)

    def ex_Interp(self, e: n.Interp) -> str:
        return self.join_text(e.parts)

    def concat(self, e: n.Binary) -> str:
        """``a & b & c`` (or a ``+`` that must concatenate) as one Python string sum."""
        parts: list[Any] = []
        stack: list[n.Node] = [e]
        while stack:  # left to right, without recursing down long chains
            node = stack.pop()
            if isinstance(node, n.Binary) and self.is_concat(node):
                stack += (node.right, node.left)
            elif isinstance(node, n.Literal):
                parts.append(to_display(node.value))
            else:
                parts.append(node)
        return self.join_text(parts)

    def join_text(self, parts: list[Any]) -> str:
        """Text parts (str) and expressions (nodes) joined in their display forms.

        The length cap is checked only when two or more parts are variable: a variable
        plus constants grows by a constant, so only those sums can double in a loop.
        """
        code: list[str] = []
        dynamic = 0
        for part in parts:
            if isinstance(part, str):
                if not part:
                    continue
                if code and code[-1][0] in "'\"":  # merge adjacent constants
                    part = eval(code.pop()) + part  # noqa: S307 - our own repr() output
                code.append(repr(part))
            else:
                t, first = self.operand(self.expr(part))
                code.append(f"({t} if {first}.__class__ is _str "
                            f"else f'{{{t}}}' if {t}.__class__ is _int else _d({t}))")
                dynamic += 1
        if not code:
            return "''"
        text = " + ".join(code)
        if len(code) == 1 and dynamic:
            return text
        if dynamic < 2:
            return f"({text})"
        t = self.temp("t")
        return f"({t} if _len({t} := {text}) <= {MAX_STRING} else _toolong({t}))"

    def is_concat(self, e: n.Binary) -> bool:
        """Whether this operator always yields text: ``&``, or a ``+`` one of whose sides
        can never be a number (so BASIC's ``+`` would concatenate whatever the other is)."""
        if e.op == "&":
            return True
        if e.op != "+":
            return False
        for side in (e.left, e.right):
            if (isinstance(side, n.Literal) and isinstance(side.value, str)
                    and parse_number(side.value) is None):
                return True
        return _text_prefix(e.left)

    def ex_Name(self, e: n.Name) -> str:
        if e.name.lower() in _ERROR_STATE:
            return _ERROR_STATE[e.name.lower()]
        return self.read_var(e.name)

    def ex_Member(self, e: n.Member) -> str:
        key = repr(e.name)  # inline: a map that has the exact key
        if isinstance(e.obj, n.Name) and (m := self.maps.get(e.obj.name.lower())) is not None:
            # FOR EACH's item, its map-ness tested once per iteration (stmt_ForEach)
            return f"({m}[{key}] if {key} in {m} else _mem({self.expr(e.obj)}, {key}))"
        t, first = self.operand(self.expr(e.obj))
        return f"({t}[{key}] if {first}.__class__ is _dict and {key} in {t} else _mem({t}, {key}))"

    def ex_Index(self, e: n.Index) -> str:
        # Inline: a list and an int in range. Both operands are evaluated first, in order.
        t, first_t = self.operand(self.expr(e.obj))
        kind = self.int_kind(e.index)
        k, first_k = self.operand(self.expr(e.index))
        if kind is not None and first_t == t:
            # An index known to be an int: no class test for it; the list (a plain name,
            # read after the index as nothing can rebind it) is tested and measured.
            low = "" if kind and first_k == k else f"{first_k} >= 0 and "
            return (f"({t}[{k}] if {low}{t}.__class__ is _list and {k} < _len({t}) "
                    f"else _idx({t}, {k}))")
        return (f"({t}[{k}] if {first_t}.__class__ is "
                f"(_list if {first_k}.__class__ is _int else None) "
                f"and 0 <= {k} < _len({t}) else _idx({t}, {k}))")

    def ex_Call(self, e: n.Call) -> str:
        if e.name.lower() in _ERROR_STATE and not e.args:
            return _ERROR_STATE[e.name.lower()]
        if e.name.lower() in self.program.subs:
            return self.call_user(e, e.name, e.args, statement=False)
        b = lookup_builtin(e.name)
        phrase = " ".join(e.name.upper().replace("_", " ").split())
        keyword = phrase in EXPRESSION_PHRASES or phrase == "HEAR"
        # A name that is both (JOIN(list, sep) and JOIN(left, right, "key")): the arity picks.
        if b is not None and not (keyword and not _fits(b, len(e.args))):
            return self.call_builtin(e, b, e.args)
        if keyword:
            return self.ex_KeywordExpr(n.KeywordExpr(e.line, e.col, phrase, e.args))
        self.warn(e, f"unknown function '{e.name}'")
        return f"R.fail_unknown({e.name!r}, 'function')"

    def call_builtin(self, node: n.Node, b: Any, args: list[n.Node]) -> str:
        if not _fits(b, len(args)):
            want = str(b.min_args) if b.min_args == b.max_args else (
                f"at least {b.min_args}" if b.max_args is None
                else f"{b.min_args} to {b.max_args}")
            self.warn(node, f"{b.name} expects {want} argument(s), got {len(args)}",
                      Severity.ERROR)
            return f"R.fail({f'{b.name} expects {want} argument(s), got {len(args)}'!r})"
        fn = "_b_" + "".join(c if c.isalnum() else "_" for c in b.name)
        self.builtins[fn] = b.fn
        if b.name == "LEN" and len(args) == 1:  # text: Python's len, without two calls
            t, code = self.operand(self.expr(args[0]))
            return f"(_len({t}) if {code}.__class__ is _str else {fn}({t}))"
        return f"{fn}({', '.join(self.expr(a) for a in args)})"

    def operand(self, code: str) -> tuple[str, str]:
        """(how to read the value again, how to evaluate it first): a temp bound with
        ``:=``, or the code itself when it is a plain name or number (see _SIMPLE)."""
        if _SIMPLE.fullmatch(code):
            return code, code
        t = self.temp("t")
        return t, f"({t} := {code})"

    def ex_MethodCall(self, e: n.MethodCall) -> str:
        args = ", ".join(self.expr(a) for a in e.args)
        return f"_meth({self.expr(e.obj)}, {e.name!r}, [{args}])"

    def ex_Unary(self, e: n.Unary) -> str:
        operand = self.expr(e.operand)
        if e.op == "NOT":
            return f"(not {operand})" if _is_bool(e.operand) else f"(not _truthy({operand}))"
        if e.op == "-":
            return f"_neg({operand})"
        return f"_num({operand})"

    def ex_Binary(self, e: n.Binary) -> str:
        if self.is_concat(e):
            return self.concat(e)
        if e.op in ("+", "-", "*") and not self.debug and (fused := self.fused(e)):
            return fused
        a, b = self.expr(e.left), self.expr(e.right)
        op = e.op
        if op in ("AND", "OR"):
            left = a if _is_bool(e.left) else f"_truthy({a})"
            right = b if _is_bool(e.right) else f"_truthy({b})"
            return f"({left} {op.lower()} {right})"
        if op == "=":
            return self.int_fast_path(e, a, b, "==", "_eq({}, {})")
        if op == "<>":
            return self.int_fast_path(e, a, b, "!=", "(not _eq({}, {}))")
        if op in _CMP:
            return self.int_fast_path(e, a, b, _CMP[op], f"(_cmp({{}}, {{}}) {_CMP[op]} 0)")
        if op in ("+", "-", "*"):
            return self.int_fast_path(e, a, b, op, f"{_ARITH[op]}({{}}, {{}})")
        if op == "MOD" and (k := _int_literal(e.right)) is not None and k > 0:
            kind = self.int_kind(e.left)
            if kind:  # a known non-negative int
                return f"({a} % {k})"
            t, first = self.operand(a)  # Python's % equals BASIC's MOD for a >= 0, b > 0
            if kind is not None:
                return f"({t} % {k} if {first} >= 0 else _mod({t}, {k}))"
            return f"({t} % {k} if {first}.__class__ is _int and {t} >= 0 else _mod({t}, {k}))"
        if op == "CONTAINS":
            return f"_contains({a}, {b})"
        if op == "IN":
            return f"_contains({b}, {a})"
        return f"{_ARITH[op]}({a}, {b})"

    def int_kind(self, e: n.Node) -> bool | None:
        """Whether ``e`` always yields an int (exactly; not a bool): None when not known,
        else True when it is also never negative, False when it may be.

        Known: int literals, loop variables in self.ints, and + - * MOD of known ints
        (their operators on two ints give Python's int result)."""
        if isinstance(e, n.Literal):
            return e.value >= 0 if type(e.value) is int else None
        if isinstance(e, n.Name):
            key = e.name.lower()
            known = self.ints.get(key)
            if known is None or key in _ERROR_STATE or self.local(key) != known[0]:
                return None
            return known[1]
        if not isinstance(e, n.Binary) or e.op not in ("+", "-", "*", "MOD"):
            return None
        left = self.int_kind(e.left)
        if left is None or self.is_concat(e):
            return None
        if e.op == "MOD":
            k = _int_literal(e.right)
            return None if k is None or k < 0 else left
        right = self.int_kind(e.right)
        if right is None:
            return None
        return left and right and e.op != "-"

    def int_fast_path(self, e: n.Binary, a: str, b: str, py_op: str, general: str) -> str:
        """Python's own operator when both sides are ints, else the language's operator.

        Loop counters, sums and comparisons are int on int far more often than anything
        else; the check inline saves a call per operation. ``^`` is left out on purpose: its
        general function refuses results that would exhaust memory. A side known to be an
        int (int_kind) is not tested.
        """
        left, first = self.operand(a)
        kind = type(e.right.value).__name__ if isinstance(e.right, n.Literal) else ""
        left_int = self.int_kind(e.left) is not None
        right_int = self.int_kind(e.right) is not None
        if left_int and right_int:
            return f"({a} {py_op} {b})"
        if kind == "int" or (kind == "str" and py_op in ("==", "!=")):
            # A literal: one class test, and = / <> on text is Python's (exact) comparison.
            test = f"{first}.__class__ is _{kind}"
            right = b
        else:
            right, second = self.operand(b)
            if left_int and first == left:  # a plain name: read again after the right side
                test = f"{second}.__class__ is _int"
            elif right_int and second == right:
                test = f"{first}.__class__ is _int"
            else:
                test = f"{first}.__class__ is {second}.__class__ is _int"
        return f"({left} {py_op} {right} if {test} else {general.format(left, right)})"

    def plain(self, e: n.Node) -> bool:
        """Whether ``e`` compiles to a plain name or number (read twice at no risk)."""
        if isinstance(e, n.Literal):
            return type(e.value) is int
        return (isinstance(e, n.Name) and e.name.lower() not in _ERROR_STATE
                and self.local(e.name.lower()) is not None)

    def fused(self, e: n.Binary) -> str | None:
        """A release build's ``a + b * c`` (two or more of + - * on numbers): one class test
        of all its operands, then Python's arithmetic, else the language's operators nested.

        The operands are evaluated first, left to right, each once: at most two that are
        not plain names, bound by ``:=`` at the head of the ``is`` chain, whose first two
        terms are always evaluated. Plain names are read after them (nothing rebinds them).
        """
        leaves: list[n.Node] = []
        first_op: list[int] = []  # how many leaves were evaluated when an operator first ran

        def shape(node: n.Node) -> Any:
            if (isinstance(node, n.Binary) and node.op in ("+", "-", "*")
                    and not self.is_concat(node)):
                tree = (node.op, shape(node.left), shape(node.right))
                first_op.append(len(leaves))
                return tree
            leaves.append(node)
            return len(leaves) - 1

        tree = shape(e)
        # Decided before any code is generated (generating twice would warn twice).
        if len(leaves) < 3 or any(isinstance(x, n.Literal) and type(x.value) is not int
                                  for x in leaves):
            return None
        bound_at = [i for i, x in enumerate(leaves) if not self.plain(x)]
        # An operator may fail (text * 2): no operand that is not a plain name may be
        # evaluated after it in the nested order (``F() * x + G()`` stays nested).
        if len(bound_at) > 2 or (bound_at and bound_at[-1] >= first_op[0]):
            return None
        reads: list[str] = []
        bound: list[str] = []
        plain: list[str] = []
        for leaf in leaves:
            code = self.expr(leaf)
            if self.plain(leaf) and self.int_kind(leaf) is not None:
                reads.append(code)  # a known int: no test
                continue
            t, first = self.operand(code)
            reads.append(t)
            (plain if first == t else bound).append(f"{first}.__class__")
        assert len(bound) <= 2, bound

        def build(node: Any, fast: bool) -> str:
            if isinstance(node, int):
                return reads[node]
            op, left, right = node
            if fast:
                return f"({build(left, True)} {op} {build(right, True)})"
            return f"{_ARITH[op]}({build(left, False)}, {build(right, False)})"

        tests = bound + plain
        if not tests:
            return build(tree, True)
        return f"({build(tree, True)} if {' is '.join(tests)} is _int else {build(tree, False)})"

    def ex_IsNull(self, e: n.IsNull) -> str:
        return f"({self.expr(e.operand)} is {'not ' if e.negate else ''}None)"

    def ex_ArrayLit(self, e: n.ArrayLit) -> str:
        return "[" + ", ".join(self.expr(i) for i in e.items) + "]"

    def ex_MapLit(self, e: n.MapLit) -> str:
        return "{" + ", ".join(f"{k!r}: {self.expr(v)}" for k, v in e.pairs) + "}"

    def ex_KeywordExpr(self, e: n.KeywordExpr) -> str:
        args = [self.expr(a) for a in e.args]
        if e.phrase == "GET BOT MEMORY" and len(args) == 1:
            return self.memget(e.args[0], args[0])
        if e.phrase == "HEAR":
            prompt = args[0] if args else "None"
            return f"(await R.hear('', 'STRING', (), {prompt}, None, {e.line}))"
        if e.phrase in ("FIRST", "LAST", "FORMAT"):
            b = lookup_builtin(e.phrase)
            if b is not None:
                return self.call_builtin(e, b, e.args + e.clauses.get("AS", []))
        return (f"(await R.keyword({e.phrase!r}, [{', '.join(args)}], "
                f"{self.clauses(e.clauses)}, {e.line}))")


_ERROR_STATE = {name: "R." + attr for name, attr in ERROR_STATE_NAMES.items()}


@dataclass(slots=True)
class _RawAssign(n.Node):
    """Internal: assign already-generated code (a loop item) to a target."""

    target: n.Node
    code: str
    nullable: bool


# Placeholders in a debug build's __main__ until its locals are all known (fill_reloads).
_RELOAD_STMT = "\x00reload\x00"
_RELOAD_EXPR = "\x00reload-expr\x00"

_BLOCKS = (n.If, n.ForEach, n.ForTo, n.DoLoop, n.Select, n.SubDef, n.OnBlock)


def _is_bool(node: n.Node) -> bool:
    if isinstance(node, n.Binary):
        return node.op in _BOOL_OPS
    if isinstance(node, n.Unary):
        return node.op == "NOT"
    if isinstance(node, n.IsNull):
        return True
    return isinstance(node, n.Literal) and isinstance(node.value, bool)


def _never_null(node: n.Node) -> bool:
    """Whether an expression's value can never be NULL (text, numbers, booleans, lists...)."""
    if isinstance(node, n.Literal):
        return node.value is not None
    if isinstance(node, n.Binary):
        return node.op != "??"
    return isinstance(node, (n.Interp, n.Unary, n.IsNull, n.ArrayLit, n.MapLit))


def _fits(builtin: Any, count: int) -> bool:
    return builtin.min_args <= count and (builtin.max_args is None or count <= builtin.max_args)


def _text_prefix(node: n.Node) -> bool:
    """Whether ``node`` is text that starts with a constant no number can start with, so
    it stays non-numeric whatever is appended (``"Item " + i`` then ``+ ": "``)."""
    while True:
        if isinstance(node, n.Literal):
            text = node.value.strip() if isinstance(node.value, str) else ""
            return bool(text) and not text[0].isdigit() and text[0] not in "+-."
        if isinstance(node, n.Interp) and node.parts and isinstance(node.parts[0], str):
            text = node.parts[0].strip()
            return bool(text) and not text[0].isdigit() and text[0] not in "+-."
        if isinstance(node, n.Binary) and node.op in ("&", "+"):
            node = node.left  # text only if the whole chain is text: checked by the caller
            continue
        return False


def _assigns(body: list[n.Node], key: str) -> bool:
    """Whether a statement in ``body`` may assign variable ``key`` (or write into it):
    assignment, WITH and HEAR targets, loop variables, PARAM and INTO clauses."""
    for node in n.walk(body):
        targets: list[n.Node] = []
        for attr in ("target",):
            value = getattr(node, attr, None)
            if isinstance(value, n.Node):
                targets.append(value)
        clauses = getattr(node, "clauses", None)
        if isinstance(clauses, dict):
            targets += clauses.get("INTO", [])
        for attr in ("var",):
            value = getattr(node, attr, None)
            if isinstance(value, str) and value.lower() == key:
                return True
        if isinstance(node, n.Param) and node.name.lower() == key:
            return True
        for target in targets:
            while isinstance(target, (n.Member, n.Index)):
                target = target.obj
            if not isinstance(target, n.Name) or target.name.lower() == key:
                return True
    return False


def _reads_members(body: list[n.Node], key: str) -> bool:
    """Whether ``body`` reads a member of variable ``key`` (``item.price``)."""
    return any(isinstance(node, n.Member) and isinstance(node.obj, n.Name)
               and node.obj.name.lower() == key for node in n.walk(body))


def _target_name(target: n.Node) -> str:
    while not isinstance(target, n.Name):
        target = target.obj  # type: ignore[attr-defined]
    return target.name


def _int_literal(node: n.Node) -> int | None:
    """The value of a non-zero integer literal (``STEP 2``; the parser folds ``STEP -1``
    into a literal too), else None."""
    if isinstance(node, n.Literal) and type(node.value) is int and node.value:
        return node.value
    return None


def _names_in_subs(program: n.Program) -> set[str]:
    """Every name a SUB mentions (variables, loop variables; member names too, which only
    errs on the safe side): the dialog keeps these in G, where SUBs find them."""
    names: set[str] = set()
    for node in n.walk(list(program.subs.values())):
        for attr in ("name", "var"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                names.add(value.lower())
    return names


def _recursive_subs(program: n.Program) -> set[str]:
    """The SUBs (lower-case) on a cycle of the call graph."""
    callees = {key: {node.name.lower() for node in n.walk(sub.body)
                     if isinstance(node, (n.Call, n.CallSub))
                     and node.name.lower() in program.subs}
               for key, sub in program.subs.items()}
    found = set()
    for start in callees:
        seen, todo = set(), list(callees[start])
        while todo:
            key = todo.pop()
            if key == start:
                found.add(start)
                break
            if key not in seen:
                seen.add(key)
                todo.extend(callees[key])
    return found


def _py_name(prefix: str, key: str, taken: Any) -> str:
    """A Python local for BASIC name ``key``: readable for ASCII names; numbered otherwise,
    as Python would NFKC-fold two different Unicode spellings into one identifier."""
    if key.isascii():
        return f"{prefix}_{key}"
    return f"{prefix}{sorted(taken).index(key) if key in taken else len(taken)}_"


def sub_function(name: str) -> str:
    """The Python name of the generated function of SUB/FUNCTION ``name``."""
    return _sub_fn(name)


def _sub_fn(name: str) -> str:
    return "_sub_" + name.lower()


def compile_program(program: n.Program, debug: bool = False) -> CompiledProgram:
    """Generate and compile the Python code of ``program``."""
    gen = CodeGen(program, debug)
    source = gen.generate()
    code = compile(source, GENERATED_PREFIX + program.file + ">", "exec")
    return CompiledProgram(program, code, source, gen.line_map, debug, gen.builtins,
                           gen.diagnostics, tuple(gen.locals.items()))
