"""The flow while a dialog runs or is paused: the active node, the visited nodes and the
taken branches (turn coverage), from the debugger's per-statement hook and the run's events.

The hook only records lines (:class:`RunTrace`); a timer redraws the tints a few times a
second, and only when something changed, so a fast run is not slowed by drawing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from interpreter.events import Failed, Finished, HearStarted, Printed, RunStarted, Stopped, Talked
from interpreter.flow.coverage import RunTrace, coverage

from .panel import FlowPanel

REDRAW_MS = 150


class FlowLive(QObject):
    def __init__(self, panel: FlowPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.trace = RunTrace()
        self.run_editor: Any = None  # the editor whose text is running
        self.paused_line = 0
        self.running = False
        self._drawn: tuple[object, ...] = ()
        self.turn_lines: frozenset[int] | None = None  # a clicked turn's lines, else None
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.redraw)
        panel.flowShown.connect(self.redraw)

    def on_event(self, event: object) -> None:
        if isinstance(event, RunStarted):
            self.trace.reset()
            self.turn_lines = None
            self.run_editor = self.panel.editor
            self.running, self.paused_line = True, 0
            self._timer.start()
        elif isinstance(event, (Talked, HearStarted, Printed)):
            self.trace.note_line(event.line)
        elif isinstance(event, (Finished, Failed, Stopped)):
            self.running, self.paused_line = False, 0
            self._timer.stop()
            self.redraw()

    def on_paused(self, state: Any) -> None:
        self.paused_line = state.line
        self.redraw()

    def on_resumed(self) -> None:
        self.paused_line = 0
        self.redraw()

    def show_turn(self, lines: frozenset[int]) -> None:
        """A chat bubble was clicked: tint only what its turn ran (until the next run)."""
        self.turn_lines = frozenset(lines)
        self.redraw()

    def redraw(self) -> None:
        panel = self.panel
        if panel.drawn is None or panel.editor is not self.run_editor:
            return
        current = self.paused_line or (self.trace.last if self.running else 0)
        key = (self.trace.version, current, panel.routine, panel.drawn, self.turn_lines)
        if key == self._drawn:
            return
        self._drawn = key
        lines = frozenset(self.trace.lines)
        steps = frozenset(self.trace.transitions)
        if self.turn_lines is not None:
            lines = self.turn_lines
            steps = frozenset((a, b) for a, b in steps if a in lines and b in lines)
        panel.set_coverage(coverage(panel.drawn.graph, panel.routine, lines, steps, current))
