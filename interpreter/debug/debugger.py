"""The debugger engine: breakpoints, stepping, pause/resume, evaluation. Stdlib only.

Split as stdlib ``bdb`` is:

* mechanics — ``line_flags`` (read by generated code as ``_B[line]``) decides whether the
  hook is called at all; :meth:`Debugger.on_statement` is that hook;
* policy — :func:`should_pause` is a pure function of the step state, line and depth;
* interaction — the front end receives a frozen :class:`PausedState` through ``on_paused``
  and answers with a command (:meth:`resume`, :meth:`step_over`, ...).

With no breakpoints and no pending step every flag is False, so an attached debugger costs
one list lookup per statement. While paused only the run's coroutine waits (on an
``asyncio.Event``); the event loop, the UI and the memory store keep going.

Commands must be called from the event-loop thread. Stop: call :meth:`stop` and cancel the
run's task (a woken hook also raises ``CancelledError`` so a forgotten cancel still ends
the run). Restart is the caller's job: stop, cancel, then start a new Runtime; call
:meth:`Debugger.reset` first to reuse this Debugger (its breakpoints stay).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..library.operators import setv
from ..runtime.engine import FRAME_LINE, FRAME_NAME, FRAME_VARIABLES
from ..syntax.nodes import Program
from ..values import BasicValueError, repr_value, to_display, truthy, type_name
from .evaluate import CompiledExpression, compile_expression, run_expression
from .model import (
    Breakpoint,
    BreakpointSpec,
    DebugMessage,
    FrameSnapshot,
    MemoryBreakpointSpec,
    MessageKind,
    PausedState,
    PauseReason,
    StepMode,
    StepState,
    WatchResult,
    parse_hit_condition,
    session_snapshot,
    snapshot_value,
)

PausedObserver = Callable[[PausedState], None]
MessageObserver = Callable[[DebugMessage], None]
_LOG_PART = re.compile(r"\{([^{}]+)\}")


def should_pause(state: StepState, line: int, depth: int) -> PauseReason | None:
    """The stop rule of each step mode (pure; breakpoints are decided separately)."""
    mode = state.mode
    if mode is StepMode.NONE:
        return None
    if mode is StepMode.ENTRY:
        return PauseReason.ENTRY
    if mode is StepMode.PAUSE:
        return PauseReason.PAUSE
    if mode is StepMode.INTO:
        return PauseReason.STEP
    if mode is StepMode.OVER:
        return PauseReason.STEP if depth <= state.depth else None
    if mode is StepMode.OUT:
        return PauseReason.STEP if depth < state.depth else None
    return PauseReason.RUN_TO_LINE if line == state.target_line else None


def verify_line(line: int, statement_lines: list[int]) -> int | None:
    """The first statement line at or after ``line``; None past the last statement."""
    return next((s for s in statement_lines if s >= line), None)


class Debugger:
    """Implements ``runtime.DebugHooks`` for one program; reusable across its runs."""

    def __init__(self, program: Program, *, on_paused: PausedObserver | None = None,
                 on_message: MessageObserver | None = None, stop_on_entry: bool = False):
        self.program = program
        self.on_paused = on_paused or (lambda state: None)
        self.on_message = on_message or (lambda message: None)
        self.statement_lines = _stoppable_lines(program)
        self.closer_lines = program.closer_lines
        last = max(self.statement_lines, default=0)
        self.line_flags: list[bool] = [False] * (max(last, program.source.count("\n") + 1) + 2)
        # [True] while no flag is set and no memory breakpoint exists: debug builds then
        # call hook-free copies of the SUBs that never suspend (read as ``_Q[0]``).
        self.quiet: list[bool] = [False]
        self.breakpoints: dict[int, Breakpoint] = {}
        self.memory_breakpoints: dict[str, list[MemoryBreakpointSpec]] = {}
        self._hits: dict[int, int] = {}
        self._reported: set[int] = set()  # breakpoints whose failing condition was reported
        self._compiled: dict[str, CompiledExpression] = {}
        self._next_id = 1
        self._step = StepState(StepMode.ENTRY if stop_on_entry else StepMode.NONE)
        self._stopped = False
        self._resume: asyncio.Event | None = None
        self._wake: asyncio.Event | None = None  # set by pause() to cut a WAIT short
        self._runtime: Any = None  # the paused runtime, for evaluate/set_variable
        self.state: PausedState | None = None
        self._refresh_flags()

    # ------------------------------------------------------------ breakpoints

    def set_breakpoints(self, specs: list[BreakpointSpec]) -> list[Breakpoint]:
        """Replace all line breakpoints; returns them verified, in the order given."""
        self.breakpoints = {}
        self._hits, self._reported = {}, set()
        result = [self._verify(spec) for spec in specs]
        self.breakpoints = {bp.id: bp for bp in result}
        self._refresh_flags()
        return result

    def set_breakpoint_enabled(self, breakpoint_id: int, enabled: bool) -> Breakpoint:
        bp = self.breakpoints[breakpoint_id]
        bp = replace(bp, spec=replace(bp.spec, enabled=enabled))
        self.breakpoints[breakpoint_id] = bp
        self._refresh_flags()
        return bp

    def set_memory_breakpoints(self, specs: list[MemoryBreakpointSpec]) -> None:
        """Replace all memory breakpoints (pauses after SET BOT MEMORY writes the key)."""
        self.memory_breakpoints = {}
        for spec in specs:
            self.memory_breakpoints.setdefault(spec.key, []).append(spec)
        self._refresh_flags()

    def _verify(self, spec: BreakpointSpec) -> Breakpoint:
        bp_id, self._next_id = self._next_id, self._next_id + 1
        line = verify_line(spec.line, self.statement_lines)
        if line is None:
            return Breakpoint(bp_id, spec, spec.line, False, "no statement at or after line")
        try:
            hit = parse_hit_condition(spec.hit_condition)
        except BasicValueError as e:
            return Breakpoint(bp_id, spec, line, False, str(e))
        moved = f"moved to line {line}, the next statement" if line != spec.line else ""
        return Breakpoint(bp_id, spec, line, True, moved, hit)

    def _refresh_flags(self) -> None:
        """Flags are the only per-statement cost: all on while a step is pending."""
        self._mark_lines(self.line_flags)
        self.quiet[0] = not self.memory_breakpoints and not any(self.line_flags)

    def _mark_lines(self, flags: list[bool]) -> None:
        """Set the flag of each line whose statement must call the hook."""
        everywhere = self._step.mode is not StepMode.NONE or self._stopped
        for i in range(len(flags)):
            flags[i] = everywhere
        if not everywhere:
            for bp in self.breakpoints.values():
                if bp.verified and bp.enabled:
                    flags[bp.line] = True

    # ------------------------------------------------------------ commands

    @property
    def paused(self) -> bool:
        return self._resume is not None

    def pause(self) -> None:
        """Stop at the next statement the running script reaches."""
        self._command(StepState(StepMode.PAUSE), release=False)
        if self._wake is not None:
            self._wake.set()

    def resume(self) -> None:
        self._command(StepState(), release=True)

    def step_into(self) -> None:
        self._command(StepState(StepMode.INTO), release=True)

    def step_over(self) -> None:
        self._command(StepState(StepMode.OVER, self._depth()), release=True)

    def step_out(self) -> None:
        self._command(StepState(StepMode.OUT, self._depth()), release=True)

    def run_to_line(self, line: int) -> int | None:
        """Continue until ``line`` (moved to its statement line); None if nothing is there."""
        target = verify_line(line, self.statement_lines)
        if target is None:
            return None
        self._command(StepState(StepMode.TO_LINE, target_line=target), release=True)
        return target

    def stop(self) -> None:
        """Mark stopped and release a paused hook; the caller cancels the run's task."""
        self._stopped = True
        self._command(StepState(), release=True)

    def reset(self, stop_on_entry: bool = False) -> None:
        """Prepare for a new run of the same program (restart): breakpoints stay."""
        self._stopped = False
        self._hits, self._reported = {}, set()
        self._resume, self._runtime, self.state = None, None, None
        self._step = StepState(StepMode.ENTRY if stop_on_entry else StepMode.NONE)
        self._refresh_flags()

    def _depth(self) -> int:
        return len(self._runtime.frames) if self._runtime is not None else 1

    def _command(self, step: StepState, release: bool) -> None:
        self._step = step
        self._refresh_flags()
        if release and self._resume is not None:
            event, self._resume = self._resume, None
            self._runtime, self.state = None, None
            event.set()

    # ------------------------------------------------------------ hooks (DebugHooks)

    async def on_statement(self, runtime: Any, line: int, col: int) -> None:
        if self._stopped:
            raise asyncio.CancelledError("the debugger stopped the run")
        hit = self._breakpoints_hit(runtime, line)
        if hit:
            await self._pause(runtime, PauseReason.BREAKPOINT, line, col, hit)
            return
        reason = should_pause(self._step, line, runtime.depth)
        if reason is not None and (line not in self.closer_lines
                                   or reason is PauseReason.RUN_TO_LINE):
            await self._pause(runtime, reason, line, col)

    async def on_memory_write(self, runtime: Any, key: str, value: str, line: int) -> None:
        specs = self.memory_breakpoints.get(key)
        if not specs or self._stopped:
            return
        _observe(runtime)  # conditions may read the variables
        extra = {"key": key, "value": value}
        if any(self._holds(runtime, s.condition, -1, line, extra) for s in specs):
            await self._pause(runtime, PauseReason.MEMORY, line, 0, memory_key=key)

    async def wait(self, runtime: Any, seconds: float, line: int) -> None:
        """WAIT under the debugger: a pause request stops the run at the WAIT line at once
        instead of after the wait; the rest of the wait follows the resume."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            wake = self._wake = asyncio.Event()
            try:
                await asyncio.wait_for(wake.wait(), left)
            except TimeoutError:
                return
            finally:
                self._wake = None
            if self._stopped:
                raise asyncio.CancelledError("the debugger stopped the run")
            if self._step.mode is StepMode.PAUSE:
                await self._pause(runtime, PauseReason.PAUSE, line, 1)

    async def _pause(self, runtime: Any, reason: PauseReason, line: int, col: int,
                     hit: tuple[int, ...] = (), memory_key: str = "") -> None:
        self._step = StepState()  # a pause ends the pending step; the next command sets one
        self._refresh_flags()
        event = self._resume = asyncio.Event()
        self._runtime = runtime
        _observe(runtime)  # the call stack and G, for the panels, evaluate and edits
        self.state = PausedState(reason, line, col, _frames(runtime, self.program.names),
                                 hit, memory_key, session_snapshot(runtime.session))
        self.on_paused(self.state)  # may answer at once with a command; then wait() returns
        await event.wait()
        if self._stopped:
            raise asyncio.CancelledError("the debugger stopped the run")

    # ------------------------------------------------------------ breakpoint decisions

    def _breakpoints_hit(self, runtime: Any, line: int) -> tuple[int, ...]:
        """Ids of the breakpoints on ``line`` that stop now; logpoints log instead."""
        stopping = []
        published = False
        for bp in self.breakpoints.values():
            if bp.line != line or not bp.verified or not bp.enabled:
                continue
            if not published and (bp.spec.condition or bp.is_logpoint):
                _observe(runtime)  # conditions and log messages read the variables
                published = True
            if not self._holds(runtime, bp.spec.condition, bp.id, line):
                continue
            self._hits[bp.id] = count = self._hits.get(bp.id, 0) + 1
            if bp.hit is not None and not bp.hit.matches(count):
                continue
            if bp.is_logpoint:
                self.on_message(DebugMessage(MessageKind.LOG, line,
                                             self._log_text(runtime, bp.spec.log_message)))
            else:
                stopping.append(bp.id)
        return tuple(stopping)

    def _holds(self, runtime: Any, condition: str | None, report_id: int, line: int,
               extra: dict[str, Any] | None = None) -> bool:
        """A condition's truth; a failing one counts as true and is reported once."""
        if condition is None or not condition.strip():
            return True
        try:
            return truthy(self._eval(runtime, condition, 0, extra))
        except Exception as e:  # noqa: BLE001 - a broken condition must not crash the run
            if report_id not in self._reported:
                self._reported.add(report_id)
                self.on_message(DebugMessage(MessageKind.WARNING, line,
                                             f"condition '{condition}' failed: {e}"))
            return True

    def _log_text(self, runtime: Any, template: str | None) -> str:
        def part(m: re.Match[str]) -> str:
            try:
                return to_display(self._eval(runtime, m.group(1), 0))
            except Exception as e:  # noqa: BLE001 - a logpoint never stops the run
                return f"<error: {e}>"
        return _LOG_PART.sub(part, template or "")

    # ------------------------------------------------------------ evaluation while paused

    def evaluate(self, expression: str, frame_index: int = 0) -> Any:
        """Value of a BASIC expression in a frame (0 = current). Raises BasicSyntaxError /
        BasicValueError; never resumes or changes the run."""
        return self._eval(self._paused_runtime(), expression, frame_index)

    def watch(self, expressions: list[str], frame_index: int = 0) -> tuple[WatchResult, ...]:
        """Evaluate each watch; an error becomes that watch's ``error`` text."""
        return tuple(self._watch(e, frame_index) for e in expressions)

    def _watch(self, expression: str, frame_index: int) -> WatchResult:
        try:
            value = self.evaluate(expression, frame_index)
        except Exception as e:  # noqa: BLE001 - one bad watch must not hide the others
            return WatchResult(expression, error=str(e))
        return WatchResult(expression, repr_value(value), type_name(value))

    def variables(self, frame_index: int = 0) -> list[tuple[str, Any]]:
        """The live (name, value) pairs of a frame while paused: for views that page through
        lists too big for a snapshot. The run cannot change them until it is resumed."""
        variables = _frame_at(self._paused_runtime(), frame_index)[FRAME_VARIABLES]
        names = self.program.names
        return [(names.get(k, k), v) for k, v in variables.items()]

    def set_variable(self, name: str, value_text: str, frame_index: int = 0) -> FrameSnapshot:
        """Assign the value of ``value_text`` to ``name`` in a frame (its local, else a
        global); returns that frame's new snapshot. The run sees it when resumed."""
        runtime = self._paused_runtime()
        value = self._eval(runtime, value_text, frame_index)
        variables = _frame_at(runtime, frame_index)[FRAME_VARIABLES]
        key = name.strip()
        if variables is runtime.globals:
            runtime.globals[key] = value
        else:
            setv(variables, runtime.globals, key, value)
        # The dialog keeps its own variables in Python locals: it reloads them from G when
        # it continues (after the hook, or after the SUB call it is in).
        runtime.edited = True
        if self.state is None:  # paused runs have a state; a run that ended has neither
            raise BasicValueError("the run is not paused")
        self.state = replace(self.state, frames=_frames(runtime, self.program.names))
        return self.state.frames[frame_index]

    def _eval(self, runtime: Any, text: str, frame_index: int,
              extra: dict[str, Any] | None = None) -> Any:
        compiled = self._compiled.get(text)
        if compiled is None:
            compiled = self._compiled[text] = compile_expression(self.program, text)
        local = _frame_at(runtime, frame_index)[FRAME_VARIABLES]
        if extra:
            local = {**local, **extra}  # a copy: bound names must not leak into the script
        return run_expression(compiled, runtime, local, runtime.globals)

    def _paused_runtime(self) -> Any:
        if self._runtime is None:
            raise BasicValueError("the run is not paused")
        return self._runtime


def _stoppable_lines(program: Program) -> list[int]:
    """Statement lines that get a hook: SUB headers, DESCRIPTION and TABLE run no code."""
    silent = {s.line for s in program.subs.values()}
    silent |= {d.line for d in program.descriptions} | {t.line for t in program.tables}
    return sorted((program.statement_lines | program.closer_lines) - silent)


def _observe(runtime: Any) -> None:
    """Bring the runtime's call stack and G up to date (see Runtime.observe)."""
    observe = getattr(runtime, "observe", None)
    if observe is not None:
        observe()


def _frame_at(runtime: Any, frame_index: int) -> Any:
    frames = runtime.frames
    if not 0 <= frame_index < len(frames):
        raise BasicValueError(f"there is no frame {frame_index}")
    return frames[len(frames) - 1 - frame_index]


def _frames(runtime: Any, names: dict[str, str]) -> tuple[FrameSnapshot, ...]:
    """Immutable copies of the call stack, innermost first."""
    return tuple(
        FrameSnapshot(f[FRAME_NAME], f[FRAME_LINE],
                      tuple(snapshot_value(names.get(k, k), v)
                            for k, v in f[FRAME_VARIABLES].items()))
        for f in reversed(runtime.frames))
