"""The IDE side of a debug run: owns its breakpoints, turns debugger callbacks into signals.

The engine (``interpreter.debug.debugger``) calls ``on_paused``/``on_message`` from inside the run's
task on the GUI thread (qasync), so they are re-emitted here as Qt signals directly. Panels
never touch the Debugger: they call this controller, which knows the selected frame.

Breakpoints: the editor's gutter (``CodeEditor.breakpoints``) says *which lines* have one;
their details (condition, hit count, log message, enabled) live here, per editor, and are sent
to the runner whenever either changes, so a debug run and a later restart see them at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from weakref import WeakKeyDictionary

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

from app.run.dialog_session import DebugOptions, DialogRunner
from interpreter.debug.model import (
    Breakpoint,
    BreakpointSpec,
    FrameSnapshot,
    MemoryBreakpointSpec,
    PausedState,
    WatchResult,
)
from interpreter.events import Failed, Finished, RunStarted, Stopped
from interpreter.values import BasicValueError, repr_value

from ..editor.code_editor import CodeEditor

REASON_TEXT = {
    "entry": "entry",
    "pause": "paused",
    "step": "step",
    "breakpoint": "breakpoint",
    "run_to_line": "run to cursor",
    "memory": "memory breakpoint",
}
_DISABLED = QColor("#9e9e9e")
_CONDITIONAL = QColor("#ff8f00")
_LOGPOINT = QColor("#1e88e5")


def describe_pause(state: PausedState) -> str:
    """The status bar text of a pause: "Paused at line 7 (breakpoint)"."""
    reason = REASON_TEXT.get(state.reason.value, state.reason.value)
    if state.memory_key:
        reason += f" on '{state.memory_key}'"
    return f"Paused at line {state.line} ({reason})"


class DebugController(QObject):
    paused = Signal(object)  # PausedState: a new stop, or new values after an edit
    resumed = Signal()  # the run continues (or ended): nothing is paused
    frameSelected = Signal(int)  # index into PausedState.frames (0 = innermost)
    message = Signal(object)  # DebugMessage from a logpoint or a failing condition
    breakpointsChanged = Signal()  # lines, details or verification changed
    stateChanged = Signal()  # debugging/paused changed: actions need updating

    def __init__(self, runner: DialogRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.state: PausedState | None = None
        self.frame_index = 0
        self.run_editor: CodeEditor | None = None  # the editor of the (last) debug run
        self.editor: CodeEditor | None = None  # the editor whose breakpoints are listed
        self.memory_breakpoints: list[MemoryBreakpointSpec] = []
        # Set once the run reports its end: its task is still finishing (runner.running) while
        # the end is handled, and nothing may then say "Running…".
        self.run_ended = False
        self._details: WeakKeyDictionary[CodeEditor, dict[int, BreakpointSpec]] = (
            WeakKeyDictionary()
        )
        runner.subscribe(self._on_run_event)

    # -- state ------------------------------------------------------------------------------

    @property
    def debugging(self) -> bool:
        return self.runner.debugging

    @property
    def is_paused(self) -> bool:
        return self.state is not None and self.runner.paused

    def frame(self) -> FrameSnapshot | None:
        if self.state is None or not 0 <= self.frame_index < len(self.state.frames):
            return None
        return self.state.frames[self.frame_index]

    # -- running ------------------------------------------------------------------------------

    def start(self, editor: CodeEditor, source: str, file: str) -> None:
        """Start ``source`` under the debugger (raises BasicSyntaxError, nothing started)."""
        self.run_editor = editor
        self.runner.start(source, file, DebugOptions(
            breakpoints=tuple(self.specs(editor)),
            memory_breakpoints=tuple(self.memory_breakpoints),
            on_paused=self._on_paused,
            on_message=self.message.emit,
        ))
        self.breakpointsChanged.emit()  # now with verification
        self.stateChanged.emit()

    def continue_(self) -> None:
        self._command(lambda dbg: dbg.resume())

    def step_over(self) -> None:
        self._command(lambda dbg: dbg.step_over())

    def step_into(self) -> None:
        self._command(lambda dbg: dbg.step_into())

    def step_out(self) -> None:
        self._command(lambda dbg: dbg.step_out())

    def run_to_line(self, line: int) -> None:
        self._command(lambda dbg: dbg.run_to_line(line))

    def pause(self) -> None:
        debugger = self.runner.debugger
        if self.debugging and not self.is_paused and debugger is not None:
            debugger.pause()

    def stop(self) -> None:
        self.runner.stop()

    def _command(self, command: Any) -> None:
        if not self.is_paused:
            return
        self._clear_pause()
        command(self.runner.debugger)
        self.stateChanged.emit()

    def _on_paused(self, state: PausedState) -> None:
        self.state, self.frame_index = state, 0
        if self.run_editor is not None:
            self.run_editor.set_execution_line(state.line)
        self.paused.emit(state)
        self.stateChanged.emit()

    def _clear_pause(self) -> None:
        self.state, self.frame_index = None, 0
        if self.run_editor is not None:
            self.run_editor.set_execution_line(0)
        self.resumed.emit()

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, (Finished, Failed, Stopped)):
            self.run_ended = True
            if self.state is not None or (self.run_editor and self.run_editor.execution_line):
                self._clear_pause()
            self.stateChanged.emit()
        elif isinstance(event, RunStarted):
            self.run_ended = False
            self.stateChanged.emit()

    # -- inspecting and editing while paused -------------------------------------------------

    def select_frame(self, index: int) -> None:
        """Show frame ``index``: its variables, and its line in the editor."""
        if self.state is None or not 0 <= index < len(self.state.frames):
            return
        self.frame_index = index
        if self.run_editor is not None:
            self.run_editor.go_to_line(self.state.frames[index].line)
        self.frameSelected.emit(index)

    def evaluate(self, expression: str) -> str:
        """The value of ``expression`` in the selected frame, as the language shows it;
        raises BasicSyntaxError/BasicValueError with the reason."""
        return repr_value(self._debugger().evaluate(expression, self.frame_index))

    def watch(self, expressions: list[str]) -> tuple[WatchResult, ...]:
        return self._debugger().watch(expressions, self.frame_index)

    def set_variable(self, name: str, value_text: str, frame_index: int | None = None) -> None:
        """Assign a BASIC expression's value to ``name`` in a frame (default: the selected
        one); the script sees it when it continues. Raises like :meth:`evaluate`."""
        index = self.frame_index if frame_index is None else frame_index
        debugger = self._debugger()
        debugger.set_variable(name, value_text, index)
        self.state = debugger.state
        self.paused.emit(self.state)

    def _debugger(self) -> Any:
        if not self.is_paused:
            raise BasicValueError("the run is not paused")
        return self.runner.debugger

    # -- breakpoints ----------------------------------------------------------------------------

    def watch_editor(self, editor: CodeEditor) -> None:
        """Follow ``editor``'s gutter (once per editor) and list its breakpoints."""
        if editor not in self._details:
            self._details[editor] = {}
            editor.breakpointsChanged.connect(lambda _lines, e=editor: self._gutter_changed(e))
        self.editor = editor
        self.breakpointsChanged.emit()

    def set_breakpoints_of(self, editor: CodeEditor, specs: list[BreakpointSpec]) -> None:
        """Give ``editor`` exactly these breakpoints, conditions included (a restored
        session)."""
        self.watch_editor(editor)  # follows its gutter from now on
        for line in sorted(editor.breakpoints ^ {s.line for s in specs}):
            editor.toggle_breakpoint(line)
        self._details[editor] = {s.line: s for s in specs}
        self._breakpoints_edited(editor)

    def specs(self, editor: CodeEditor | None = None) -> list[BreakpointSpec]:
        editor = editor or self.editor
        if editor is None:
            return []
        details = self._details.get(editor, {})
        return [details.get(line, BreakpointSpec(line)) for line in sorted(editor.breakpoints)]

    def verified(self) -> dict[int, Breakpoint]:
        """Verification of the listed editor's breakpoints by the debug run, by asked line."""
        if self.editor is None or self.editor is not self.run_editor:
            return {}
        return {bp.spec.line: bp for bp in self.runner.verified}

    def update_breakpoint(self, line: int, **changes: Any) -> None:
        """Change a breakpoint's enabled/condition/hit_condition/log_message (blank = none)."""
        editor = self.editor
        if editor is None or line not in editor.breakpoints:
            return
        clean: dict[str, Any] = {k: (v.strip() or None) if isinstance(v, str) else v
                                 for k, v in changes.items()}
        details = self._details.setdefault(editor, {})
        details[line] = replace(details.get(line, BreakpointSpec(line)), **clean)
        self._breakpoints_edited(editor)

    def remove_breakpoint(self, line: int) -> None:
        if self.editor is not None and line in self.editor.breakpoints:
            self.editor.toggle_breakpoint(line)  # the gutter signal does the rest

    def set_memory_breakpoints(self, specs: list[MemoryBreakpointSpec]) -> None:
        self.memory_breakpoints = list(specs)
        self.runner.set_memory_breakpoints(self.memory_breakpoints)
        self.breakpointsChanged.emit()

    def _gutter_changed(self, editor: CodeEditor) -> None:
        details = self._details.setdefault(editor, {})
        for line in [line for line in details if line not in editor.breakpoints]:
            del details[line]
        self._breakpoints_edited(editor)

    def _breakpoints_edited(self, editor: CodeEditor) -> None:
        editor.set_breakpoint_colors({s.line: c for s in self.specs(editor) if (c := _color(s))})
        if editor is self.run_editor:
            self.runner.set_breakpoints(self.specs(editor))
        self.breakpointsChanged.emit()


def _color(spec: BreakpointSpec) -> QColor | None:
    """Gutter dot: grey when disabled, blue for a logpoint, amber when conditional."""
    if not spec.enabled:
        return _DISABLED
    if spec.log_message is not None:
        return _LOGPOINT
    if spec.condition or spec.hit_condition:
        return _CONDITIONAL
    return None
