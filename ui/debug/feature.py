"""Debugging in the main window: the controller, its docks, the Debug menu's commands and the
state of their actions. Kept apart so ``main_window`` only declares the actions and calls here.

The debug docks start hidden and are shown at the first debug start ever (remembered in the
settings); after that the window's saved state decides, as for every other dock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QScrollArea, QToolBar, QWidget

from ..workbench import MenuName
from .breakpoints import BreakpointsPanel
from .console import DebugConsole
from .controller import DebugController, describe_pause
from .panels import CallStackPanel, VariablesPanel, WatchPanel

if TYPE_CHECKING:
    from ..workbench import Workbench

SHOWN_KEY = "debug/docksShown"
# Actions usable only while paused, and only while a debug run is going on.
PAUSED_ONLY = ("step_over", "step_into", "step_out", "run_to_cursor")
# Widths of the Variables column and the chat/memory column at the first debug start, as
# shares of the window: the editor between them keeps more than half.
LEFT_SHARE, RIGHT_SHARE = 0.21, 0.26
# A left dock opened from the menu gets at least this width: the column starts as narrow as
# its widest minimum (~110 px), which cuts the breakpoint tables and forms off.
DOCK_MIN_WIDTH = 380


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class DebugUi:
    def __init__(self, window: Workbench) -> None:
        self.window = window
        self.controller = DebugController(window.runner, window.widget)
        self.variables = VariablesPanel(self.controller)
        self.watch = WatchPanel(self.controller)
        self.call_stack = CallStackPanel(self.controller)
        self.breakpoints = BreakpointsPanel(self.controller)
        self.console = DebugConsole(self.controller)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.docks = [
            window.add_dock("Variables", self.variables, left),
            window.add_dock("Call Stack", self.call_stack, left, "callStackDock"),
            window.add_dock("Watch", self.watch, left),
            # Scrolls: with the conversation box it is taller than the column has room for.
            window.add_dock("Breakpoints", _scrolling(self.breakpoints), left),
            window.add_dock("Debug Console", self.console, Qt.DockWidgetArea.BottomDockWidgetArea,
                         "debugConsoleDock"),
        ]
        window.tabifyDockWidget(self.docks[2], self.docks[3])  # Watch | Breakpoints
        output = window.findChild(QDockWidget, "outputDock")
        if output is not None:  # the console shares the bottom tabs with Output
            window.tabifyDockWidget(output, self.docks[4])
        self.docks[2].raise_()
        for dock in self.docks:
            dock.hide()

        c = self.controller
        c.paused.connect(lambda state: window.show_run_status(describe_pause(state)))
        c.resumed.connect(self._show_running)
        c.stateChanged.connect(window.refresh_run_actions)
        self.variables.editFailed.connect(self._report)
        self.breakpoints.jumpRequested.connect(window.jump_to)
        window.tabs.currentChanged.connect(self._follow_current_editor)

    def add_menu_extras(self) -> None:
        """After the generated menus exist: Stop in the Debug menu and toolbar, the dock
        toggles, and the toolbar's look."""
        menu = self.window.menu(MenuName.DEBUG)
        stop = self.window.actions_by_name["stop"]
        toolbar = self.window.findChild(QToolBar, "debugToolbar")
        if isinstance(menu, QMenu):
            first = menu.actions()[1] if len(menu.actions()) > 1 else None
            if first is None:
                menu.addAction(stop)
            else:
                menu.insertAction(first, stop)
            menu.addSeparator()
            windows = menu.addMenu("&Windows")
            for dock in self.docks:
                action = dock.toggleViewAction()
                action.triggered.connect(lambda on, d=dock: self.show_dock(d) if on else None)
                windows.addAction(action)
        if toolbar is not None:
            toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    def show_dock(self, dock: QDockWidget) -> None:
        """Show ``dock`` in front of the docks it shares tabs with, wide enough to use."""
        dock.show()
        dock.raise_()
        # Once the shown dock is laid out (next loop turn) its width is known; with the dock
        # as context, a dock deleted meanwhile (its window closed) drops the call.
        QTimer.singleShot(0, dock, lambda: self._widen(dock))

    def _widen(self, dock: QDockWidget) -> None:
        area = self.window.dockWidgetArea(dock)
        sideways = area in (Qt.DockWidgetArea.LeftDockWidgetArea,
                            Qt.DockWidgetArea.RightDockWidgetArea)
        if sideways and not dock.isFloating() and dock.width() < DOCK_MIN_WIDTH:
            self.window.resizeDocks([dock], [DOCK_MIN_WIDTH], Qt.Orientation.Horizontal)

    # -- commands (the Debug menu's handlers) --------------------------------------------------

    def start_or_continue(self) -> None:
        """F5: continue a paused run, else start debugging the current tab."""
        if self.controller.is_paused:
            self.controller.continue_()
        elif not self.controller.debugging:
            self.window.run(debug=True)

    def start(self, editor, source: str, file: str) -> None:
        """Called by ``MainWindow.run(debug=True)``; raises BasicSyntaxError."""
        self._show_docks_first_time()
        self.controller.start(editor, source, file)

    def restart(self) -> None:
        """Stop and run the same tab again, in the same mode, with the current breakpoints."""
        tab = self.window.run_tab()
        debug = self.window.runner.debugger is not None
        if tab is not None and self.window.tabs.indexOf(tab) >= 0:
            self.window.tabs.setCurrentWidget(tab)
        self.window.run(debug=debug)

    def toggle_breakpoint(self) -> None:
        editor = self.window.editor()
        if editor is not None:
            editor.toggle_breakpoint(editor.textCursor().blockNumber() + 1)

    def run_to_cursor(self) -> None:
        editor = self.controller.run_editor
        if editor is not None:
            self.controller.run_to_line(editor.textCursor().blockNumber() + 1)

    # -- state ----------------------------------------------------------------------------------

    def update_actions(self, actions: dict[str, QAction]) -> None:
        debugging, paused = self.controller.debugging, self.controller.is_paused
        if "debug" in actions:
            actions["debug"].setText("&Continue" if paused else "Start &Debugging")
            actions["debug"].setToolTip("Continue (F5)" if paused else "Start debugging (F5)")
            actions["debug"].setEnabled(paused or not debugging)
        for name in PAUSED_ONLY:
            if name in actions:
                actions[name].setEnabled(paused)
        if "pause" in actions:
            actions["pause"].setEnabled(debugging and not paused)
        if "restart" in actions:
            actions["restart"].setEnabled(self.window.runner.running)

    def _show_running(self) -> None:
        if self.window.runner.running and not self.controller.run_ended:
            self.window.show_run_status("Running…")

    def _report(self, text: str) -> None:
        self.console.write(text)
        self.window.show_run_status(text)

    def _follow_current_editor(self, _index: int) -> None:
        editor = self.window.editor()
        if editor is not None:
            self.controller.watch_editor(editor)

    def _show_docks_first_time(self) -> None:
        if self.window.settings.value(SHOWN_KEY, False, type=bool):
            return
        self.window.settings.setValue(SHOWN_KEY, True)
        for dock in self.docks:
            dock.show()
        self.docks[2].raise_()
        self.docks[4].raise_()
        # Sizes apply once the just-shown docks are laid out, hence the next loop turn.
        QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        # Three columns share the width now: the side columns get LEFT_SHARE and RIGHT_SHARE
        # of it so the code keeps at least half; Variables gets the height (Call Stack is
        # short, Watch mostly empty).
        window = self.window
        chat = window.findChild(QDockWidget, "chatDock")
        wide = [self.docks[0]] + ([chat] if chat is not None else [])
        shares = [LEFT_SHARE, RIGHT_SHARE][: len(wide)]
        window.resizeDocks(wide, [int(window.width() * s) for s in shares],
                           Qt.Orientation.Horizontal)
        window.resizeDocks(self.docks[:3], [330, 110, 160], Qt.Orientation.Vertical)
