"""Loop emitters of the code generator: FOR EACH, FOR ... TO, DO/WHILE, and EXIT.

Loops yield to the event loop through ``R.tick()`` (see loop_body); release builds run
FOR loops as Python ``for`` loops over chunks of items where the body allows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import Severity
from ..library.operators import each_windows
from ..syntax import nodes as n
from .analysis import assigns, int_literal, reads_members
from .fast_each import FastEach
from .int_locals import counter_moves
from .scope import ERROR_STATE, EmitterCore, Loop, RawAssign


class LoopEmitters(EmitterCore):
    """Mixed into ``compiler.CodeGen``, which provides the state and output (emit,
    temp, warn), the scopes (scope, local), the debug hooks, and the other
    emitters' methods used here (expr, assign, ...)."""

    def loop_body(self, loop: Loop, body: list[n.Node], header: str, node: n.Node,
                  tail: list[str] | None = None, else_tail: list[str] | None = None,
                  first: list[str] | None = None,
                  chunks: tuple[str, str] | None = None,
                  fast: Callable[[], bool] | None = None,
                  fast_pass: Callable[[str, str, str], bool] | None = None) -> None:
        """Emit a loop; wraps it in try/except when an inner loop EXITs this one.

        ``chunks`` (target, chunked iterable): a ``for`` over chunks of CHUNK items whose
        inner ``for`` runs the body with no yield counter; the counter is paid once per
        chunk, in the inner loop's ``else`` (a ``break`` in the body skips it; the outer
        ``break`` that follows pays for the items taken, then ends both loops).

        ``fast`` (debug builds): emits, first in the loop, a branch that runs passes without
        hooks, returning whether it did (see quiet_range); this pass then goes under else.

        ``fast_pass`` (chunk, iterator, its size), with ``chunks``: emits the iterator over the chunk
        and a specialised loop over it that hands the rest of the chunk to the loop emitted
        here on a miss (fast_each.FastEach.emit); returns whether it did."""
        start = len(self.out)
        self.scope.loops.append(loop)
        chunk = it = ""
        size = "_len({})"
        windows = chunks is not None and chunks[1].startswith("_each_windows(")
        counted = ("_n -= 1", "if _n <= 0: _n = await R.tick()")
        # a chunk's counter is paid once per chunk, after its inner loop
        loop.pass_end = counted if windows else () if chunks else (*counted, *(tail or ()))
        if chunks is not None:
            chunk, it = self.temp("c"), self.temp("it")
            if windows:  # (iterator, size) pairs
                size = self.temp("k")
                self.emit(f"for {chunk}, {size} in {chunks[1]}:", node)
            else:
                self.emit(f"for {chunk} in {chunks[1]}:", node)
            size = size.format(chunk)
            self.indent += 1
            header = f"for {chunks[0]} in ({it} := _iter({chunk})):"
            if fast_pass is not None and fast_pass(chunk, it, size):
                header = f"for {chunks[0]} in {it}:"
        self.emit(header, node)
        self.indent += 1
        for line in first or ():
            self.emit(line)
        hooked_pass = fast is not None and fast()
        if hooked_pass:
            self.emit("else:")
            self.indent += 1
            self.hooked_body(body, node)
        elif self.quiet_body(body):
            self.emit("else:")
            self.indent += 1
            self.hooked_body(body, node)
            self.indent -= 1
        else:
            self.hooked_body(body, node)
        self.cur = (node.line, node.col)
        if windows:
            # What the window's fast pass handed over, or a window it did not take, runs
            # the general code, whose items may be slow: counted one by one, as in an
            # unchunked loop, not a whole window between two ticks.
            for line in counted:
                self.emit(line)
            self.indent -= 1
            self.emit("else:")
            self.emit("    continue")
            self.emit("break")
        elif chunk:
            self.indent -= 1
            self.emit("else:")
            # A whole chunk may take the counter below 0: the tick's 256 pay that debt too.
            self.emit(f"    _n -= {size}")
            self.emit("    if _n <= 0: _n += await R.tick()")
            self.emit("    continue")
            # A break: the iterations run before it count too (the breaking one does not,
            # as in an unchunked loop), or an early EXIT FOR would escape the step budget.
            self.emit(f"_n -= {size} - _hint({it}) - 1")
            self.emit("if _n <= 0: _n += await R.tick()")
            self.emit("break")
        else:
            for line in counted:
                self.emit(line)
        for line in tail or ():
            self.emit(line)
        if hooked_pass:
            self.indent -= 1
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

    def hooked_body(self, body: list[n.Node], node: n.Node) -> None:
        """A loop's body; in a debug build with the hooks of its statements, NEXT and header."""
        self.block(body)
        end_line: int = getattr(node, "end_line", 0)
        if self.debug and end_line:
            # A breakpoint on NEXT stops at the end of every pass, inside the loop.
            self.debug_hook_at(end_line, 1)
        if self.debug and not getattr(node, "test_at_end", False):
            # Debugger: revisit the loop's header line after each iteration, as the loop
            # test runs there (a step shows FOR, body, FOR, body, ..., FOR, after the loop).
            self.debug_hook(node)

    def quiet_body(self, body: list[n.Node]) -> bool:
        """Debug build: emit ``if _Q[0]:`` and the loop's body without hooks (SUBs called
        as their hook-free copies) when that code never awaits; the caller then emits the
        hooked body under ``else:``. The debugger's flags change only while the run
        awaits, so a pass that starts quiet would have run no hook anyway."""
        if not self.debug or self.quiet:
            return False
        start, notes = len(self.out), len(self.diagnostics)
        self.emit("if _Q[0]:")
        self.quiet = True
        self.indent += 1
        try:
            self.block(body)
        finally:
            self.quiet = False
            self.indent -= 1
        del self.diagnostics[notes:]  # the hooked body reports them
        if any("await " in line for line in self.out[start:]):
            del self.out[start:], self.line_map[start:]
            return False
        return True

    def quiet_range(self, s: n.ForTo, i: str, end: str, step: int) -> bool:
        """Debug build, ``FOR v = a TO b STEP k`` (k a constant) whose body never assigns
        v: emit ``if _Q[0]`` (and int bounds) with a Python ``for`` over ``range()`` that
        runs up to the yield counter's passes without hooks, as a release build would; it
        leaves the loop at an EXIT FOR, else continues it after a tick. Returns False (and
        emits nothing) when the body would await. No pause can happen during the range, so
        the variable holds the range's int throughout (self.ints), but a user may have set
        it to anything before: no sign or bounds are assumed."""
        key, local = s.var, self.local(s.var)
        if local is None:  # a variable SUBs share lives in G: no range over a Python local
            return False
        start, notes = len(self.out), len(self.diagnostics)
        # At most _n passes (the counter is at least 1 here; max() keeps the range non-empty).
        rng, last = self.temp("r"), ("min", "+ 1") if step > 0 else ("max", "- 1")
        self.emit(f"if _Q[0] and {i}.__class__ is {end}.__class__ is _int:", s)
        self.emit(f"    for {local} in ({rng} := _range({i}, _{last[0]}({end}, "
                  f"{i} + (_max(_n, 1) - 1) * {step}) {last[1]}, {step})):")
        self.indent += 2
        saved, self.quiet = dict(self.ints), True
        guarded = {k: v for k, v in self.guarded.items() if k != key}
        self.ints.update((k, (v, False, None)) for k, v in guarded.items())
        bounded = self.pass_counters(s, guarded)
        # Counting up from a literal >= 0: the variable is >= 0 unless the user set it
        # while paused (tested below, with the classes: such a range runs hooked).
        upward = step > 0 and isinstance(s.start, n.Literal) and type(s.start.value) is int \
            and s.start.value >= 0
        self.ints[key] = (local, upward, None)
        body = len(self.out)
        try:
            self.block(s.body)
        finally:
            self.quiet = False
            self.ints = saved
        self.indent -= 2
        code = "\n".join(self.out[body:])
        if "await " in code:
            del self.out[start:], self.line_map[start:], self.diagnostics[notes:]
            return False
        del self.diagnostics[notes:]  # the hooked pass reports them
        # The dialog's int variables the body reads must still hold ints (nothing in the
        # range can change that: the body assigns them only ints); else the hooked pass runs.
        tested = "".join(f"{v}.__class__ is " for v in guarded.values()
                         if re.search(rf"\b{v}\b", code))
        # The counters start the range inside GUARD: the range keeps them inside SPAN.
        limits = "".join(f" and {-_GUARD} <= {v} <= {_GUARD}" for v in bounded)
        limits += f" and {i} >= 0" if upward else ""
        self.out[start] = self.out[start].replace(" is _int:", f" is {tested}_int{limits}:")
        self.cur = (s.line, s.col)
        self.emit("    else:")
        self.emit(f"        _n -= _len({rng})")
        self.emit(f"        {i} = {local} + {step}")
        self.emit("        if _n <= 0: _n = await R.tick()")
        self.emit("        continue")
        # EXIT FOR: the passes before it count, as in the hooked loop; the variable stays.
        self.emit(f"    _n -= ({local} - {i}) // {step}")
        self.emit(f"    {i} = {local}")
        self.emit("    break")
        return True

    def pass_counters(self, s: n.ForTo, guarded: dict[str, str]) -> list[str]:
        """Debug build, quiet range of ``s``: the dialog's int variables that are counters
        of its body (int_locals.counter_moves), moving at most _MOVE per pass and set to
        literals within _GUARD. The range makes at most ``max(_n, 1)`` passes (the yield
        counter, at most a tick's chunk, 256), so a counter that starts it within _GUARD
        (tested with the classes) stays within _SPAN, where adding a step cannot leave
        i64: they join self.ints with that span. Returns their locals."""
        literals, moves = counter_moves(s.body, set(guarded), self.shared)
        found = [k for k in guarded if k in moves  # in a set order: the same code each time
                 and moves[k] <= _MOVE and all(abs(x) <= _GUARD for x in literals[k])]
        for k in found:
            self.ints[k] = (guarded[k], False, (-_SPAN, _SPAN))
        return [guarded[k] for k in found]

    def stmt_ForEach(self, s: n.ForEach) -> None:
        loop = Loop("FOR", self.counter + 1)
        last = f", {self.expr(s.last)}" if s.last is not None else ""
        chunked = f"_each_chunks({self.expr(s.iterable)}{last})"
        self.cur = (s.line, s.col)
        key = s.var
        if (local := self.local(key)) is not None:  # the loop binds it directly
            self.assigned.add(key)
            self.counter += 1
            first = [f"if {local} is None: G[{key!r}] = None"] if self.debug else []
            fast_each = FastEach(self, s, local, first)  # type: ignore[arg-type]
            fast = fast_each.emit
            if fast_each.ok and not self.debug:
                # Its body cannot change the list (a debug build's pause could): no copy.
                self.builtins["_each_windows"] = each_windows
                chunked = "_each_windows" + chunked[len("_each_chunks"):]
            if (not self.debug and key not in self.maps and key not in ERROR_STATE
                    and reads_members(s.body, key)
                    and not assigns(s.body, key)):
                # The item's class cannot change during the body (nothing rebinds the
                # local; a debug build is excluded, as the user may set it while paused):
                # test it once per iteration for all of the body's member reads.
                m = self.maps[key] = self.temp("m")
                first = [f"{m} = {local} if {local}.__class__ is _dict else _nomap"]
                start = len(self.out)
                try:
                    self.loop_body(loop, s.body, "", s, first=first,
                                   chunks=(local, chunked), fast_pass=fast)
                finally:
                    del self.maps[key]
                uses = [i for i in range(start, len(self.out))
                        if re.search(rf"\b{m}\b", self.out[i])]
                if len(uses) == 1:  # every member read was speculated: no map test
                    del self.out[uses[0]], self.line_map[uses[0]]
                return
            self.loop_body(loop, s.body, "", s, first=first, chunks=(local, chunked),
                           fast_pass=fast)
            return
        item = self.temp("it")
        var = n.Name(s.line, s.col, s.var)
        self.loop_body(loop, [RawAssign(s.line, s.col, var, item, True)] + s.body,
                       "", s, chunks=(item, chunked))

    def stmt_RawAssign(self, s: RawAssign) -> None:
        self.assign(s.target, s.code, s, nullable=s.nullable)

    def stmt_ForTo(self, s: n.ForTo) -> None:
        i, end, step = self.temp("i"), self.temp("end"), self.temp("step")
        loop = Loop("FOR", self.counter)
        var = n.Name(s.line, s.col, s.var)
        self.emit(f"{i} = _num({self.expr(s.start)})", s)
        self.emit(f"{end} = _num({self.expr(s.end)})")
        const_step = int_literal(s.step) if s.step is not None else 1
        if const_step:  # the direction is known: no per-iteration test of the step's sign
            self.emit(f"{step} = {const_step}")
            header = f"while {i} {'<=' if const_step > 0 else '>='} {end}:"
        else:
            assert s.step is not None  # no STEP is a constant step of 1
            self.emit(f"{step} = _num({self.expr(s.step)})")
            self.emit(f"if {step} == 0: R.fail('STEP cannot be 0')")
            header = f"while ({i} <= {end}) if {step} > 0 else ({i} >= {end}):"
        local = self.local(s.var)
        if (const_step and local is not None and not self.debug
                and not assigns(s.body, s.var)):
            # Release, and nothing in the body assigns the variable: Python's own for loop
            # over range() (floats: an equivalent iterator) runs it, without the re-read and
            # re-test below. After the loop the variable holds the first value past the end.
            self.assigned.add(s.var)
            rng = self.temp("r")
            self.emit(f"{rng} = _forto({i}, {end}, {step})")
            key, start = s.var, self.int_kind(s.start)
            outer = self.ints.get(key)
            if start is not None and key not in ERROR_STATE:
                self.ints[key] = (local, start and const_step > 0, literal_span(s))
            try:
                self.loop_body(loop, s.body, "", s, chunks=(local, f"_chunks({rng}, R)"),
                               else_tail=[f"{local} = {local} + {step} if {rng} else {i}"])
            finally:
                self.ints.pop(key, None)
                if outer is not None:
                    self.ints[key] = outer
            return
        read, cur = self.read_var(s.var), self.temp("t")
        # The body may have changed the loop variable (even to text): re-read it.
        tail = [f"{i} = ({cur} if ({cur} := {read}).__class__ is _int else _num({cur})) + {step}"]
        fast = None
        if (self.debug and not self.quiet and const_step and local is not None
                and s.var not in ERROR_STATE and not assigns(s.body, s.var)):
            def fast() -> bool:
                return self.quiet_range(s, i, end, const_step)
        self.loop_body(loop, [RawAssign(s.line, s.col, var, i, False)] + s.body, header, s,
                       tail, fast=fast)
        self.assign(var, i, s, nullable=False)

    def stmt_DoLoop(self, s: n.DoLoop) -> None:
        loop = Loop(s.kind, self.counter + 1)
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
        if s.kind in ("BREAK", "CONTINUE"):
            self.loop_jump(s)
        elif s.kind in ("FOR", "DO", "WHILE"):
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

    def loop_jump(self, s: n.Exit) -> None:
        """BREAK / CONTINUE: Rhai's ``break`` / ``continue`` of the innermost loop. Outside
        any loop production cannot compile it (compat/loop_jumps.py warns): it does nothing."""
        if not self.scope.loops:
            self.emit("pass", s)
        elif s.kind == "BREAK":
            self.emit("break", s)
        else:
            for line in self.scope.loops[-1].pass_end:
                self.emit(line, s)
            self.emit("continue", s)


# Debug quiet ranges (pass_counters): _GUARD + passes * _MOVE stays below _SPAN for up to
# 2**20 passes, and _SPAN plus a step of at most _MOVE is inside i64.
_GUARD, _SPAN, _MOVE = 2**61, 2**62, 2**40


def literal_span(s: n.ForTo) -> tuple[int, int] | None:
    """The lowest and highest value the variable of ``FOR v = a TO b`` takes in its body when
    ``a`` and ``b`` are int literals (the values lie between them, whatever the step)."""
    a, b = s.start, s.end
    if not (isinstance(a, n.Literal) and isinstance(b, n.Literal)
            and type(a.value) is int and type(b.value) is int):
        return None
    return min(a.value, b.value), max(a.value, b.value)
