"""What a feature of the IDE may use of the main window: the ``Workbench`` protocol.

Features (debugging, conversation tools, bot tools, the engine-errors toggle, session
restore) get the window as a ``Workbench``, so they need not import ``main_window`` (which
imports them) nor reach into its private members. ``MainWindow`` implements it.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QSettings, Qt, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QStatusBar, QTabWidget, QWidget

if TYPE_CHECKING:
    from app.memory.store import MemoryStore
    from app.run.dialog_session import DialogRunner

    from .bot.tools import BotTools
    from .debug.conversation import ConversationTools
    from .debug.feature import DebugUi
    from .editor.code_editor import CodeEditor
    from .memory.history_panel import HistoryFeature
    from .memory.panel import MemoryPanel
    from .run.bridge import Bridge
    from .run.chat_panel import ChatPanel
    from .run.output_panel import OutputPanel


class MenuName(enum.StrEnum):
    """The window's menus a feature may add to (their labels, with the ``&`` accelerator)."""

    FILE = "&File"
    EDIT = "&Edit"
    RUN = "&Run"
    DEBUG = "&Debug"


class Workbench(Protocol):
    # the window's parts a feature works with
    runner: DialogRunner
    bridge: Bridge
    chat: ChatPanel
    memory: MemoryPanel
    output: OutputPanel
    debug: DebugUi
    conversation: ConversationTools  # turns, answers, more users (installed before the Flow)
    tabs: QTabWidget
    settings: QSettings
    store: MemoryStore  # the open memory database (replaced when another one is opened)
    bot_tools: BotTools
    history_feature: HistoryFeature
    run_label: QLabel
    actions_by_name: dict[str, QAction]
    botChanged: SignalInstance

    @property
    def widget(self) -> QWidget:
        """The window as a Qt widget: the parent of a feature's dialogs, actions and
        QObjects."""

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
                 name: str = "") -> QDockWidget:
        """A dock of the window (``name``: the object name saved layouts refer to)."""

    def menu(self, name: MenuName) -> QMenu | None:
        """The menu bar's menu ``name`` (None until the window has built its menus)."""

    def current_tab(self) -> Any:
        """The editor tab in front, or None."""

    def run_tab(self) -> Any:
        """The editor tab whose dialog the last run started, or None."""

    def editor(self) -> CodeEditor | None: ...

    def editor_tabs(self) -> list[Any]: ...

    def run(self, debug: bool = False) -> None:
        """Run the current tab's dialog (``debug``: under the debugger)."""

    def refresh_run_actions(self) -> None:
        """Enable Run/Stop/Debug actions for the current run state."""

    def refresh_diagnostics(self) -> None:
        """Check the current editor's dialog again (Problems dock, underlines)."""

    def show_run_status(self, text: str) -> None: ...

    def open_file(self, path: Any) -> Any: ...

    def add_tab(self, text: str, path: Any, text_format: Any = ...) -> Any:
        """A new editor tab holding ``text`` (``path``: the file it saves to, or None;
        ``text_format``: how it stores the text there)."""

    def reload(self, tab: Any) -> bool:
        """Replace ``tab``'s text with its file as it is on disk now."""

    def close_tab(self, index: int) -> bool:
        """Close the tab at ``index``, asking first when it has unsaved changes."""

    def jump_to(self, line: int, col: int) -> None: ...

    def use_bot(self, bot: str, origin: str = "") -> None: ...

    # the QMainWindow calls features make to lay out their docks
    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget) -> None: ...

    def resizeDocks(self, docks: Any, sizes: Any, orientation: Qt.Orientation) -> None: ...

    def dockWidgetArea(self, dock: QDockWidget) -> Qt.DockWidgetArea: ...

    def findChild(self, *args: Any) -> Any: ...

    def width(self) -> int: ...

    def statusBar(self) -> QStatusBar: ...

    def windowTitle(self) -> str: ...

    def setWindowTitle(self, title: str) -> None: ...
