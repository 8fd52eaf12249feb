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

from ..errors import Diagnostic
from ..syntax import nodes as n
from ..syntax.nesting import MAX_DEPTH
from .analysis import (
    fixed_params,
    names_bound,
    param_ints,
    py_name,
    set_before_calls,
    sub_function,
)
from .expressions import ExpressionEmitters
from .goto import GotoEmitters, has_labels
from .int_locals import counter_spans, int_locals
from .loops import LoopEmitters
from .operators import OperatorEmitters
from .scope import ERROR_STATE, RELOAD_EXPR, RELOAD_STMT, Scope
from .spans import LineKey, Span, SpanNotes
from .statements import StatementEmitters

__all__ = ["GENERATED_PREFIX", "CodeGen", "CompiledProgram", "compile_program", "sub_function"]

GENERATED_PREFIX = "<basic:"
# Debug builds: the hook-free copy of a SUB that never suspends is this prefix + its name.
QUIET_PREFIX = "_quiet"


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
    # Where operators and calls landed in the generated lines (codegen.spans).
    spans: dict[LineKey, tuple[Span, ...]] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return GENERATED_PREFIX + self.program.file + ">"


class CodeGen(StatementEmitters, LoopEmitters, ExpressionEmitters, OperatorEmitters,
              GotoEmitters):
    """Generates the Python source of a Program: this core keeps the output, the scopes
    and the functions of the dialog and its SUBs; the mixins emit statements, loops,
    expressions and operators (the state and output they share: ``codegen_scope.EmitterCore``)."""

    # ------------------------------------------------------------ program

    def generate(self, all_async: bool = False) -> str:
        """The module's Python source. ``all_async`` (release only): one pass with every SUB an
        ``async def`` whose calls are awaited, skipping the pass that finds the SUBs that can be
        plain functions. Checking uses it: the warnings are the same (no emitter's warning
        depends on sync_subs), and when that code compiles so does the release code, which
        only turns some ``async def`` without an ``await`` into ``def`` and some
        ``(await f(...))`` into ``f(...)``; it uses no ``async for``/``with``."""
        if self.program.subs:
            self.in_g = frozenset(k for k in set_before_calls(self.program)
                                  if k.lower() not in ERROR_STATE)
        if all_async and not self.debug:
            self._generate_all(probe=False)
            return "\n".join(self.out) + "\n"
        if self.debug and self.program.subs:
            self.quiet_subs = self._quiet_probe()
            self._reset_output()
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
            self.param_ints = {key: param_ints(sub, self.arg_facts.get(key, []))
                               for key, sub in self.program.subs.items()}
            self._reset_output()
        self._generate_all(probe=False)
        return "\n".join(self.out) + "\n"

    def _quiet_probe(self) -> set[str]:
        """Debug build: the SUBs whose hook-free copy never awaits: its own code does not
        (with every other copy assumed quiet), nor does any SUB it calls (as in release)."""
        self.quiet_subs = set(self.program.subs)
        awaiting = set(self.recursive)
        for key, sub in self.program.subs.items():
            self.scope = Scope(sub)
            start = len(self.out)
            self.function(sub, quiet=True)
            if any("await " in line for line in self.out[start:]):
                awaiting.add(key)
        while more := {k for k, callees in self.calls.items() if callees & awaiting} - awaiting:
            awaiting |= more
        self._reset_output()
        return set(self.program.subs) - awaiting

    def _reset_output(self) -> None:
        self.out, self.line_map, self.counter = [], [], 0
        self.builtins, self.diagnostics, self.spans = {}, [], SpanNotes()
        self.cur, self.locals, self.assigned = (0, 0), {}, set()
        self.guarded = {}

    def _generate_all(self, probe: bool) -> dict[str, bool]:
        """Emit every function; returns, per SUB, whether its code contains an await."""
        awaits: dict[str, bool] = {}
        self.scope = Scope(None)
        self.function(None)
        for key, sub in self.program.subs.items():
            self.scope = Scope(sub)
            start = len(self.out)
            self.function(sub)
            awaits[key] = any("await " in line for line in self.out[start:])
        for key, sub in self.program.subs.items():
            if key in self.quiet_subs:
                self.scope = Scope(sub)
                self.function(sub, quiet=True)
        return awaits

    def function(self, sub: n.SubDef | None, quiet: bool = False) -> None:
        """Emit the function of ``sub``, or of the dialog (``__main__``) when None; with
        ``quiet``, a debug SUB's hook-free copy (see quiet_subs)."""
        self.cur = (sub.line, sub.col) if sub else (1, 1)
        if sub is None:
            self.emit("async def __main__(R, G):")
            self.indent += 1
            self.emit("_n = 256")
            self.emit("L = G")
            self.emit("_dp = 1")  # call depth, passed down for "stack overflow"
            self.main_body(self.program.body)
            self.indent -= 1
            return
        name, params, body = sub_function(sub.name), sub.params, sub.body
        own = [(p, f"_p{i}") for i, p in enumerate(params)]
        if self.debug:
            # The debugger shows and edits L. It finds the call stack on the Python stack
            # when it looks (Runtime.observe), so a call pushes no frame of its own.
            args = "".join(f", _p{i}=None" for i in range(len(params)))
            head = f"def {QUIET_PREFIX}{name}" if quiet else f"async def {name}"
            free = quiet and sub.name.lower() in self.depth_free  # calls nest no deeper
            self.emit(f"{head}(R, G{'' if free else ', _dp'}{args}):")
            self.indent += 1
            self.quiet = quiet
            try:
                if not free:
                    self.emit(f"if _dp > {MAX_DEPTH}: R.overflow({sub.name!r})")
                self.call_tick(sub)
                counter = len(self.out)
                self.emit("_n = 256")
                if sub.is_function:
                    own.append((sub.name, "None"))
                pairs = ", ".join(f"{key!r}: {value}" for key, value in own)
                self.emit(f"L = {{{pairs}}}")
                # Nothing pauses in the hook-free copy: the debugger cannot add to its L,
                # nor change a parameter in it that the SUB never assigns (read from the
                # Python parameter; L keeps it for a post-mortem view).
                self.scope.in_l = None if not quiet or has_labels(body) else set()
                if quiet:
                    self.scope.params = {k: f"_p{i}" for k, i in fixed_params(sub).items()}
                    if sub.is_function and sub.name not in (names_bound(body) or {sub.name}):
                        self.scope.params[sub.name] = "None"  # its result is never set
                self.block(body)
                if sub.end_line:  # a breakpoint on END SUB / END FUNCTION stops here
                    self.debug_hook_at(sub.end_line, 1)
                if not (quiet and body and isinstance(body[-1], n.Return)
                        and not self.scope.resume_next):
                    self.emit(self.sub_return())  # else never reached
            finally:
                self.quiet = False
            if not any(re.search(r"\b_n\b", line) for line in self.out[counter + 1:]):
                del self.out[counter], self.line_map[counter]  # no loop: no yield counter
            if quiet:
                self.lazy_locals(counter)
            self.indent -= 1
            return
        # Release: parameters are the function's own Python parameters; the depth of the
        # call comes in as _dp (no shared counter to restore, so no try/finally).
        # A name given twice (``SUB s(a, A)``) binds its last argument, as in a debug build.
        last = {key: i for i, (key, _) in enumerate(own)}
        args = "".join(f", {self.local(key) if last[key] == i else f'_p{i}'}=None"
                       for i, (key, _) in enumerate(own))
        is_sync = sub.name.lower() in self.sync_subs
        if sub.name.lower() in self.depth_free:  # its calls can never be too deep
            self.emit(f"{'def' if is_sync else 'async def'} {name}(R, G{args}):")
            self.indent += 1
        else:
            self.emit(f"{'def' if is_sync else 'async def'} {name}(R, G, _dp{args}):")
            self.indent += 1
            self.emit(f"if _dp > {MAX_DEPTH}: R.overflow({sub.name!r})")
        self.call_tick(sub)
        self.scope.in_l = None if has_labels(body) else set()
        self.scope.lazy_l = True
        start = len(self.out)
        outer = self.ints
        # Parameters every call passes a known int (param_ints) hold it throughout.
        self.ints = dict(outer)
        for key, (never_negative, span) in self.param_ints.get(sub.name.lower(), {}).items():
            if key.lower() not in ERROR_STATE and (local := self.local(key)) is not None:
                self.ints[key] = (local, never_negative, span)
        try:
            self.block(body)
        finally:
            self.ints = outer
        if not (body and isinstance(body[-1], n.Return) and not self.scope.resume_next):
            self.emit(self.sub_return())  # else never reached
        code = "\n".join(self.out[start:])
        prologue = []
        if re.search(r"\b_n\b", code):
            prologue.append("_n = 256")
        result = self.local(sub.name)
        if sub.is_function and re.search(rf"\b{re.escape(str(result))}\b", code):
            prologue.append(f"{result} = None")
        if re.search(r"\bL\b", code):  # names that are not parameters: SUB locals or globals
            prologue.append("L = None")  # a dict from the first write needing one (lazy_l)
        pad = "    " * self.indent
        self.out[start:start] = [pad + line for line in prologue]
        self.line_map[start:start] = [self.line_map[start - 1]] * len(prologue)
        self.indent -= 1

    def lazy_locals(self, start: int) -> None:
        """A hook-free copy whose code after ``start`` (its ``L = {...}`` line on) never
        uses L: its statements go in a ``try`` whose handler makes L as it would have
        been on the way out of an error, for the post-mortem view of the frame
        (app.dap.postmortem); a dict per call was most of such a call's cost."""
        at = next(i for i in range(start, len(self.out)) if self.out[i].lstrip().startswith("L = {"))
        if any(re.search(r"\bL\b", line) for line in self.out[at + 1:]):
            return
        make_l = self.out[at].lstrip()
        del self.out[at], self.line_map[at]
        pad, where = "    " * self.indent, self.line_map[start - 1]
        self.out[start:] = ["    " + line for line in self.out[start:]]
        self.out.insert(start, pad + "try:")
        self.line_map.insert(start, where)
        self.out += [pad + "except _Exception:", f"{pad}    {make_l}", f"{pad}    raise"]
        self.line_map += [where] * 3

    def call_tick(self, sub: n.SubDef) -> None:
        if sub.name.lower() in self.recursive:
            self.emit("R.calls -= 1")
            self.emit("if R.calls <= 0: R.calls = await R.tick()")

    def main_body(self, body: list[n.Node]) -> None:
        """The dialog's statements; its local variables are loaded from G first and stored
        back on the way out (even on an error or Stop), so G always ends up complete."""
        start = len(self.out)
        self.emit("try:")
        if has_labels(body):
            self.indent += 1
            self.goto_body(body)
            self.indent -= 1
        else:  # debug: the user may set any variable while paused (see self.guarded)
            self.indent += 1
            self.main_statements(body)
            self.indent -= 1
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

    def main_statements(self, body: list[n.Node]) -> None:
        """No labels: the dialog's statements; a variable that holds an int from its first
        assignment on (int_locals) joins self.ints after that statement (a debug build:
        self.guarded, as the user may set it to anything while paused)."""
        starts: dict[int, list[str]] = {}
        ints = int_locals(body, self.shared, self.program.subs)
        for key, i in ints.items():
            starts.setdefault(i, []).append(key)
        spans = counter_spans(body, set(ints), self.shared)
        if not body:
            self.emit("pass")
        for i, stmt in enumerate(body):
            self.statement(stmt)
            for key in starts.get(i, ()):
                if (local := self.local(key)) is None:
                    continue
                if self.debug:
                    self.guarded[key] = local
                else:
                    span = spans.get(key)
                    self.ints[key] = (local, span is not None and span[0] >= 0, span)

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
            if RELOAD_STMT in line or RELOAD_EXPR in line:
                self.out[i] = line.replace(RELOAD_STMT, stmt).replace(RELOAD_EXPR, expr)

    def local(self, key: str) -> str | None:
        """The Python local holding variable ``key``, or None when it lives in a dict.

        In a SUB, its parameters (and a FUNCTION's result) are always its own, so they can
        be locals; other names are looked up at run time (SUB local or dialog variable).
        """
        if not self.scope.is_main:
            if self.debug:  # the debugger shows and edits a SUB's L: its variables stay there
                return None
            return py_name("p", key, self.scope.own) if key in self.scope.own else None
        if key in self.shared or (self.bound is not None and key not in self.bound):
            return None  # shared with SUBs, or never assigned (read with _found)
        name = self.locals.get(key)
        if name is None:
            # ASCII names map to readable locals; others get a number, as Python would
            # NFKC-fold two different Unicode spellings into one identifier.
            name = self.locals[key] = py_name("v", key, self.locals)
        return name

    def quiet_function(self, name: str) -> str:
        """The Python name of the hook-free copy of SUB ``name`` (debug builds)."""
        return QUIET_PREFIX + sub_function(name)

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

    # ------------------------------------------------------------ debugger

    def debug_hook(self, s: n.Node) -> None:
        self.debug_hook_at(s.line, s.col)

    def debug_hook_at(self, line: int, col: int) -> None:
        # The check stays one list lookup; in the dialog, the locals are reloaded when the
        # user set a variable while paused in the hook.
        self.cur = (line, col)
        if self.quiet:
            return
        if self.scope.is_main:  # the hook returns R.edited
            self.emit(f"if _B[{line}] and await R.debug_hook({line}, {col}, 1): "
                      f"{RELOAD_STMT}")
        else:
            self.emit(f"if _B[{line}]: await R.debug_hook({line}, {col}, _dp)")

    def reload_after_call(self) -> None:
        """Debug build, in the dialog: after something that may have paused (a SUB call, a
        memory breakpoint), reload the locals if the user edited a variable meanwhile."""
        if self.debug and self.scope.is_main and not self.quiet:
            self.emit(f"if R.edited: {RELOAD_STMT}")


def compile_program(program: n.Program, debug: bool = False) -> CompiledProgram:
    """Generate and compile the Python code of ``program``."""
    gen = CodeGen(program, debug)
    source = gen.generate()
    code = compile(source, GENERATED_PREFIX + program.file + ">", "exec")
    return CompiledProgram(program, code, source, gen.line_map, debug, gen.builtins,
                           gen.diagnostics, tuple(gen.locals.items()), gen.spans.by_line)
