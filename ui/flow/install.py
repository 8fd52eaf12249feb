"""Puts the Flow dock into the main window (one call from ``MainWindow``) and wires it: the
current editor, the run's events and hook, the debugger's pauses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from app.run.turns import Turn

from .live import FlowLive
from .panel import FlowPanel

if TYPE_CHECKING:
    from ..workbench import Workbench


class FlowFeature:
    def __init__(self, window: Workbench) -> None:
        self.window = window
        self.panel = FlowPanel()
        self.panel.setObjectName("flowPanel")
        self.dock = window.add_dock("Flow", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        memory = window.findChild(QDockWidget, "memoryDock")
        if memory is not None:
            window.tabifyDockWidget(memory, self.dock)
            memory.raise_()
        self.live = FlowLive(self.panel, self.panel)
        window.bridge.runEvent.connect(self.live.on_event)
        window.debug.controller.paused.connect(self.live.on_paused)
        window.debug.controller.resumed.connect(self.live.on_resumed)
        self.panel.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self._follow_conversation()
        # Shown = its tab is the selected one (a dock behind another tab still says
        # isVisible()): only then is the flow drawn, so a hidden panel costs nothing.
        self.shown = False
        window.tabs.currentChanged.connect(lambda _i: self.follow_editor())
        self.dock.visibilityChanged.connect(self._visibility_changed)

    def _visibility_changed(self, shown: bool) -> None:
        self.shown = shown
        self.follow_editor()

    def follow_editor(self) -> None:
        """Draw the current tab's dialog while the dock is shown (nothing to do otherwise)."""
        self.panel.set_editor(self.window.editor() if self.shown else None)

    def _follow_conversation(self) -> None:
        """Follow the conversation debugger's lines, and a clicked chat bubble's turn."""
        self.window.conversation.follow(self._show_turn, self.live.trace.on_line)

    def _show_turn(self, turn: Turn) -> None:
        self.live.show_turn(frozenset(turn.lines))


def install_flow_panel(window: Workbench) -> FlowFeature:
    return FlowFeature(window)
