"""The main window: editor tabs, chat, memory, output and problems docks, actions as data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QStyle,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.files.atomic_file import (
    DEFAULT_FORMAT,
    TextFormat,
    read_text_file,
    write_text_atomic,
)
from app.files.recovery import area_beside

from .deferred_parts import DeferredParts
from .editor import session_restore
from .editor.code_editor import CodeEditor, Mark
from .editor.disk_changes import DiskWatcher, ReloadBar, file_digest
from .editor.encoding_question import (
    as_utf8,
    ask_save_as_utf8,
    first_unencodable,
    production_reads,
)
from .editor.live_check import LiveChecker
from .editor.recovery import UnsavedTextKeeper
from .editor.themes import ApplicationTheme, Theme, ThemeMenu, editor_colors, themed_icon
from .help_menu import HelpMenu
from .run.engine_check import engine_options, install_engine_errors_action
from .run.output_panel import OutputPanel, ProblemsPanel, problems_title
from .turns import Job, Turns, run_per_turn
from .view_menu import ViewMenu
from .workbench import MenuName

if TYPE_CHECKING:
    from app.memory.history import MemoryHistory
    from app.memory.snapshots import Snapshots
    from app.memory.store import MemoryStore
    from app.run.dialog_session import DialogRunner
    from interpreter.compat import EngineOptions
    from interpreter.errors import Diagnostic

    from .bot.tools import BotTools
    from .debug.conversation import ConversationTools
    from .debug.feature import DebugUi
    from .editor.find_bar import FindBar
    from .flow.install import FlowFeature
    from .memory.history_panel import HistoryFeature
    from .memory.panel import MemoryPanel
    from .run.bridge import Bridge
    from .run.chat_panel import ChatPanel
    from .run.tests_panel import TestsPanel

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SAMPLES = RESOURCES / "samples"
CHECK_DELAY_MS = 300
MAX_RECENT = 8
NEW_FILE_TEXT = '\' A new dialog\nTALK "Hello!"\n'
FIRST_SIZE = (1280, 800)
# First-run heights of Chat, Memory (right column) and Output (bottom), as window shares.
DOCK_HEIGHT_SHARES = (0.36, 0.30, 0.17)
OPENING_TEXT = "opening the memory database…"
SKIP_UNSUPPORTED_KEY = "run/skipUnsupportedKeywords"
# The same override ``talkbench run --skip-unsupported`` passes (app.run.headless).
SKIP_UNSUPPORTED_SETTINGS = {"unsupported_keywords": "skip"}
# The window's attributes built after its first paint, and the part (``MainWindow.parts``)
# that builds each.
# What the parts import, dependencies first: imported after the first paint
# (ui.deferred_parts), before the parts are built; the modules that make no Qt object in the
# worker thread of ui.background_imports, the ``ui`` ones one per loop turn on the GUI thread,
# each after everything it imports that is not ``ui`` (tests/ui/test_idle_imports.py keeps
# these lists complete). The checker first: the first
# tab's problems are checked a moment after start-up. (``interpreter.keywords`` imports all
# its families at once: any module of the package runs its ``__init__``, which registers
# every family. The libraries and interpreter modules they use go first, so that turn runs
# only the families' own bodies; the checker's lexer, engine rules, parser
# and compiler each get their own turn before it, one import of all of them took ~60 ms.)
WARM_IMPORTS = (
    "email.parser", "http.client", "urllib.request", "xml.sax.saxutils",
    "xml.etree.ElementTree", "html.parser", "mimetypes", "interpreter.ports.services",
    "interpreter.syntax.nodes", "interpreter.library.hear_types", "interpreter.library.builtins",
    "interpreter.ports.where", "interpreter.ports.data", "interpreter.keywords",
    "interpreter.syntax.lexer", "interpreter.compat.findings", "interpreter.compat",
    "interpreter.syntax.parser.core", "interpreter.codegen.expressions",
    "interpreter.codegen.compiler", "interpreter.checking", "interpreter.values",
    "interpreter.debug.model", "interpreter.debug.debugger",
    "app.services.registry", "app.run.dialog_session", "ui.debug.controller",
    "ui.debug.breakpoints", "ui.debug.console", "ui.debug.panels", "ui.debug.feature",
    "app.conversation.chat_format", "app.run.turns", "app.conversation.channel",
    "app.conversation.chat_parser", "interpreter.debug.conversation", "ui.run.turns_view",
    "ui.debug.conversation_panels", "ui.debug.conversation",
    "app.conversation.replay", "ui.run.tests_panel",
    "interpreter.library.cron", "app.schedules.plan", "app.schedules.clock", "app.memory.session",
    "app.run.stdio_channel", "app.schedules.runner",
    "ui.bot.schedules_panel", "app.services.tables", "ui.bot.tables_panel", "ui.bot.tools",
    "app.memory.outside_watch", "app.memory.sandbox", "app.memory.undo", "ui.memory.history_panel",
    "interpreter.flow.model", "interpreter.flow.source", "interpreter.flow.spans",
    "interpreter.flow.classify", "interpreter.flow.fields", "interpreter.flow.build",
    "interpreter.flow.edits", "interpreter.flow.coverage", "grandalf.graphs", "grandalf.layouts",
    "grandalf.routing", "ui.flow.layout", "multiprocessing", "multiprocessing.connection",
    "multiprocessing.queues", "concurrent.futures.process", "ui.flow.process_runner",
    "PySide6.QtSvg", "ui.flow.export", "ui.flow.items", "ui.flow.node_editor", "ui.flow.scene",
    "ui.flow.panel", "ui.flow.install",
)
# Built first after the first paint, each after its modules (imported one per turn): the
# chat (its dock is empty until then), the memory store (the database drivers, the store),
# then the Memory panel. (peewee imports psycopg2 when it is installed, PostgreSQL or not;
# psycopg2 imports ssl, decimal and json.) Before the store the bridge from the runtime and
# the store to the widgets (the runtime's events are ~15 ms of dataclasses).
FIRST_PARTS = (
    ("chat", ("dataclasses", "ui.run.chat.messages", "ui.run.chat.bubbles", "ui.run.chat.view",
              "ui.run.chat_panel")),
    ("bridge", ("interpreter.ports.host", "interpreter.events", "ui.run.bridge")),
    ("store", ("sqlite3", "socket", "ssl", "decimal", "json", "psycopg2?", "peewee",
               "app.db.database", "concurrent.futures", "subprocess", "asyncio",
               "_strptime",
               "app.memory.writer", "app.memory.queries", "app.memory.files",
               "app.memory.store", "app.memory.user_memory")),
    ("memory", ("app.memory.history", "app.memory.snapshots", "ui.file_dialogs",
                "ui.memory.key_rename", "ui.memory.history_dialogs", "ui.memory.conflicts",
                "queue", "concurrent.futures.thread", "ui.memory.store_worker",
                "ui.memory.model", "ui.memory.user_model", "ui.memory.user_scope",
                "ui.memory.panel")),
)
# What a live check needs here (``_check_now``): the child process's machinery (starting
# it imports these; the check itself loads the keyword catalogue in the child).
CHECKER_MODULES = (
    "multiprocessing", "multiprocessing.connection", "multiprocessing.queues",
    "multiprocessing.synchronize", "multiprocessing.resource_tracker", "runpy",
    "multiprocessing.spawn", "multiprocessing.popen_fork", "multiprocessing.popen_spawn_posix",
    "concurrent.futures.process", "ui.child_pool", "ui.editor.check_job",
)
PART_OF = {"chat": "chat", "bridge": "bridge", "store": "store", "db_url": "store", "_unsubscribe_store": "store",
           "_unsubscribe_users": "store", "memory": "memory", "runner": "run", "debug": "run", "conversation": "run", "tests": "tests",
           "bot_tools": "bot_tools", "history_feature": "history", "flow": "flow"}


class ActionSpec(NamedTuple):
    """One menu/toolbar command, declared as data so menus and toolbar are generated."""

    name: str
    text: str
    shortcut: str
    handler: Callable[[], object]
    menu: str
    toolbar: bool = False
    tip: str = ""
    icon: QStyle.StandardPixmap | None = None
    separator: bool = False  # a menu separator before this entry
    # The focused text field handles the key itself (Ctrl+C in the chat input copies there):
    # the menu only shows the shortcut, a window-wide one would steal the key from it.
    shown_shortcut_only: bool = False


class EditorTab(QWidget):
    """One open file: the editor plus its path (None until saved), how its text is stored,
    and the digest of the bytes last read or written (to notice another program's change)."""

    def __init__(self, text: str, path: Path | None) -> None:
        super().__init__()
        self.path = path
        self.text_format = DEFAULT_FORMAT
        self.disk_digest: str | None = None
        # The last live check's findings: shown at once when the tab comes to the front,
        # until its new check lands (a big dialog's takes seconds).
        self.diagnostics: list[Diagnostic] = []
        self.editor = CodeEditor(self)
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.reload_bar = ReloadBar(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.reload_bar)
        layout.addWidget(self.editor)

    def changed_on_disk(self) -> bool:
        """True when the file's bytes are no longer the ones last read or written here, unless
        they now hold exactly the text of this unmodified editor (a memory-key rename writes
        the file and the editor alike): then there is nothing to reload or to protect."""
        if self.path is None:
            return False
        digest = file_digest(self.path)
        if digest == self.disk_digest:
            return False
        if digest is not None and not self.modified and self._file_shows_editor_text():
            self.disk_digest = digest
            return False
        return True

    def _file_shows_editor_text(self) -> bool:
        if self.path is None:
            return False
        try:
            text, _format = read_text_file(self.path)
        except (OSError, ValueError):
            return False
        return text == self.editor.toPlainText()

    def replace_text(self, text: str) -> None:
        """Load ``text`` (a reload), keeping the cursor's line and column where they fit."""
        cursor = self.editor.textCursor()
        line, col = cursor.blockNumber() + 1, cursor.positionInBlock() + 1
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.editor.go_to_line(min(line, self.editor.blockCount()), col)

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.bas"

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()


class MainWindow(QMainWindow):
    # The bot dialogs run as changed (chosen in the Memory panel, or a package's own):
    # features that show one bot's data follow it.
    botChanged = Signal(str)

    # Built after the first paint (ui.deferred_parts), or when first read: see __getattr__.
    chat: ChatPanel
    bridge: Bridge
    store: MemoryStore
    memory: MemoryPanel
    db_url: str
    runner: DialogRunner
    tests: TestsPanel
    bot_tools: BotTools
    debug: DebugUi
    history_feature: HistoryFeature
    conversation: ConversationTools
    flow: FlowFeature

    # The memory database could not be opened (the message): the IDE says so and ends.
    storeFailed = Signal(str)

    def __init__(self, open_store: Callable[[], MemoryStore], db_url: str | None, bot: str,
                 settings: QSettings) -> None:
        """``open_store`` opens the memory database at ``db_url`` (None: the default one;
        raising DatabaseError): right after the first paint, or at once when something
        needs ``store``, ``memory`` or ``db_url`` earlier."""
        super().__init__()
        self._open_store = open_store
        self.store_error: str | None = None
        if db_url:
            self.db_url = db_url
        self.settings = settings
        self._first_bot = bot  # the runner's bot until the runner is built
        self.setWindowTitle("Talkbench")
        self.parts = DeferredParts(self, {
            "chat": self._build_chat,
            "bridge": self._build_bridge,
            "store": self._build_store,
            "memory": self._build_memory,
            "run": self._build_run,
            "tests": self._build_tests,
            "bot_tools": self._build_bot_tools,
            "history": self._build_history,
            "flow": self._build_flow,
        }, WARM_IMPORTS, FIRST_PARTS)
        self.parts.failed.connect(self._part_failed)
        self._staged: dict[str, object] = {}  # see _stage
        self._layout_restored = False  # a saved layout: docks built later take their place

        self._run_tab: EditorTab | None = None  # the tab whose dialog the last run started
        self.output = OutputPanel()
        self.problems = ProblemsPanel()

        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(lambda _i: self._check_shown_tab())
        self.disk_watcher = DiskWatcher(self)
        self.disk_watcher.changed.connect(self._on_disk_change)
        # Unsaved text outlives a killed IDE (offered back by build_window's next start).
        self.unsaved = UnsavedTextKeeper(self, area_beside(settings.fileName()))
        self._find_bar: FindBar | None = None  # see find_bar
        central = QWidget()
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        chat = self._dock("Chat", QWidget(), Qt.DockWidgetArea.RightDockWidgetArea)
        self._chat_dock = chat
        memory = self._dock("Memory", QLabel(OPENING_TEXT, alignment=Qt.AlignmentFlag.AlignCenter),
                            Qt.DockWidgetArea.RightDockWidgetArea)
        self._memory_dock = memory
        out = self._dock("Output", self.output, Qt.DockWidgetArea.BottomDockWidgetArea)
        prob = self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.problems.countChanged.connect(lambda n: prob.setWindowTitle(problems_title(n)))
        self.tabifyDockWidget(prob, out)
        out.raise_()
        self._default_sizes = ([chat, memory, out], [460, 460, 150])

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._check_when_loaded)
        self._checker_loading: Turns | None = None
        self._check_after_parts = False
        self.live_check = LiveChecker(self)
        self.live_check.checked.connect(self._show_check)

        self.actions_by_name: dict[str, QAction] = {}
        self._icons: dict[str, QStyle.StandardPixmap] = {}
        self._build_actions()
        # right-clicking a problem (the Windows-1252 or BOM warning) offers the conversion
        self.problems.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.problems.addAction(self.actions_by_name["save_utf8"])
        self._add_skip_unsupported_action()
        install_engine_errors_action(self)
        self.theme_menu = ThemeMenu(self.settings, self)
        self.app_theme = ApplicationTheme()
        self.theme_menu.themeChanged.connect(self._apply_theme)
        self._apply_theme(self.theme_menu.current())
        self.view_menu = ViewMenu(self, [self.theme_menu], self.finish_startup)
        self.menuBar().addMenu(self.view_menu)
        self.help_menu = HelpMenu(self)
        self.db_label = QLabel()
        self.bot_label = QLabel()
        self.bot_origin = ""  # why the bot in use is in use: a package's folder name, or ""
        self.run_label = QLabel("Ready")
        self.statusBar().addWidget(self.run_label, 1)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.bot_label)
        self._update_status()

        self.output.jumpRequested.connect(self.jump_to)
        self.problems.jumpRequested.connect(self.jump_to)
        self._update_run_actions()
        # First-run layout (a saved one replaces it): the memory table keeps the right
        # column's height, Output is the bottom tab in front; the later docks join them.
        memory.raise_()
        out.raise_()
        self._restore_layout()
        self._build_parts_before_menus()
        self.parts.start_after_first_paint(self)

    def __getattr__(self, name: str) -> object:
        """A part of the window not built yet (``self.parts``) is built when first read:
        everything that uses the window keeps working whether its idle build ran or not."""
        parts = self.__dict__.get("parts")
        part = PART_OF.get(name)
        if parts is not None and part is not None:
            if parts.building(part):  # its own builder: what it has built so far
                staged = self.__dict__.get("_staged", {})
                if name in staged:
                    return staged[name]
            else:
                parts.build(part)
                if name in self.__dict__:
                    return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _stage(self, name: str, value: object) -> None:
        """Keep ``value`` as the attribute ``name`` of a part built in pieces: its builder
        sees it, anything else finishes the part first (``_publish``)."""
        self._staged[name] = value

    def _publish(self) -> None:
        """The part built in pieces is complete: its attributes become the window's."""
        self.__dict__.update(self._staged)
        self._staged.clear()

    def finish_startup(self) -> None:
        """Build every part not built yet (a menu opened early, closing, a test)."""
        self.parts.build_all()

    def _build_parts_before_menus(self) -> None:
        """A menu opened before the idle build is done lists everything: features add their
        entries to the menus (Debug ▸ Windows, File ▸ Open Package…, the sandbox runs)."""
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu):
                menu.aboutToShow.connect(self.finish_startup)

    # -- the parts built after the first paint -------------------------------------------------
    # Each imports its feature here, not at the top of the module: the import is part of
    # what the first window no longer waits for (the runner alone pulls in the compiler,
    # the debugger and the service registry).

    def _build_part_docks(self, build: Callable[[], None]) -> None:
        """Run ``build``; the docks it adds take their places in a restored layout. Qt keeps
        a placeholder for each dock of a restored state not made yet, and saves it again,
        but adding a dock drops its placeholder and the features lay their docks out as on
        a first run: the state from just before (this session's moves included) goes back
        on after."""
        if not self._layout_restored:
            build()
            return
        state = self.saveState()
        build()
        self.restoreState(state)

    def _build_bridge(self) -> None:
        """What carries the runtime's events and the store's changes to the widgets: only
        the runner and the store post to it, and both are built after the first paint."""
        from .run.bridge import Bridge

        self.bridge = Bridge(self)
        self.bridge.runEvent.connect(self._on_run_event)

    def _build_store(self) -> Iterator[Job]:
        """Open the memory database: in the worker thread, unless something needs the store
        at once (the file's schema check and peewee building the store's statements were a
        10 ms step on the GUI thread). A failure is reported by ``storeFailed`` (the
        launcher says so and ends); the window then has no store, and what needs one fails
        as it would have without a database."""
        from app.db.database import DatabaseError, default_url
        from app.memory.user_memory import user_memories

        db_url = self.__dict__.get("db_url") or default_url()
        opening = Job(partial(_open_checked, self._open_store, self.bot))
        yield opening
        try:
            store, unusable = cast("tuple[MemoryStore, str | None]", opening.result())
        except DatabaseError as exc:
            self.db_url, self.store_error = db_url, str(exc)
            raise
        self.db_url = db_url
        self.store = store
        self._unsubscribe_store = store.subscribe(self.bridge.post_change,
                                                  self.bridge.post_changes)
        self._unsubscribe_users = user_memories(store).subscribe(self.bridge.post_user_change)
        self._update_status()
        if unusable is not None:
            self._say_bot_unusable(unusable)

    def _build_chat(self) -> None:
        """The chat, in place of its dock's empty stand-in (its modules and widgets cost the
        first paint ~8 ms), in the window's theme."""
        from .run.chat_panel import ChatPanel

        chat = ChatPanel()
        chat.set_dark(editor_colors(self.theme_menu.current()).dark)
        placeholder = self._chat_dock.widget()
        self._chat_dock.setWidget(chat)
        placeholder.deleteLater()
        self.chat = chat

    def _build_memory(self) -> Iterator[None]:
        """The Memory panel, in place of its dock's "opening…" label: made in pieces (its
        first construction was one 10-15 ms step), shown when complete."""
        from .memory.panel import MemoryPanel

        memory = yield from MemoryPanel.in_pieces(self.store, self.bot)
        memory.current_user = lambda: self.runner.session.user_id
        self.bridge.memoryChanged.connect(memory.apply_changes)
        self.bridge.userMemoryChanged.connect(memory.apply_user_changes)
        memory.botChanged.connect(self._set_bot)
        placeholder = self._memory_dock.widget()
        self._memory_dock.setWidget(memory)
        placeholder.deleteLater()
        self.memory = memory

    def _part_failed(self, name: str, error: object) -> None:
        """The idle build could not build ``name``: a database that cannot be opened ends
        the IDE (``storeFailed``); another part's error is shown in Output."""
        if name == "store" and self.store_error is not None:
            self.storeFailed.emit(self.store_error)
        else:
            self.output.add(f"error: building {name} failed: {error}", "error")

    def _say_bot_unusable(self, why: str) -> None:
        """The bot named at start names no bot of a General Bots database, or two: say so at
        once (runs are refused with the same message; the bot box picks another)."""
        self.output.add(f"error: {why}", "error")
        self.statusBar().showMessage(
            f"Bot {self.bot!r} cannot be used: pick one in the bot box", 15000)

    def _build_run(self) -> Iterator[None]:
        """The runner, with the debugger and the conversation tools: they set how it runs
        (its chat channel, memory recorder and debugger), so none is usable without them.
        Built in two pieces (the runner and the debugger, then the conversation tools),
        published together."""
        from app.run.dialog_session import DialogRunner

        runner = DialogRunner(self.store, self._first_bot, self.chat)
        runner.subscribe(self.bridge.post_event)
        _skip_unsupported(runner, self.actions_by_name["skip_unsupported"].isChecked())
        self._stage("runner", runner)
        self._build_debug()
        yield
        self._build_conversation()
        self._publish()

    def _build_tests(self) -> None:
        from .run.tests_panel import TestsPanel

        def build() -> None:
            self.tests = TestsPanel(self)
            tests = self._dock("Tests", self.tests, Qt.DockWidgetArea.BottomDockWidgetArea)
            out = self.findChild(QDockWidget, "outputDock")
            if out is not None:
                self.tabifyDockWidget(out, tests)
                out.raise_()

        self._build_part_docks(build)

    def _build_bot_tools(self) -> Iterator[None]:
        """The Tables and Schedules panels, then (a turn later: adding docks relays the
        window out) their docks and the package commands."""
        from .bot.tools import BotTools, make_panels

        bot, panels = self.runner.bot, make_panels(self)
        yield

        def build() -> None:  # Tables and Schedules docks, .gbai packages
            # Another bot chosen in the turn between: panels of that one.
            self.bot_tools = BotTools(self, panels if self.runner.bot == bot else None)
            self.bot_tools.add_menu_items()

        self._build_part_docks(build)

    def _build_debug(self) -> None:
        from .debug.feature import DebugUi

        def build() -> None:
            debug = DebugUi(self)
            self._stage("debug", debug)
            debug.add_menu_extras()
            # The editors opened before: their gutters' breakpoints are listed and followed.
            current = self.editor()
            for tab in self.editor_tabs():
                if tab.editor is not current:
                    debug.controller.watch_editor(tab.editor)
            if current is not None:
                debug.controller.watch_editor(current)
            debug.update_actions(self.actions_by_name)

        self._build_part_docks(build)

    def _build_history(self) -> Iterator[Job]:
        """History, the sandbox and the outside watcher; the recorder and the snapshots
        (their tables checked or created: ~5 ms) are made in the worker thread first."""
        from .memory.history_panel import install_memory_history, open_history

        opening = Job(partial(open_history, self.store))
        yield opening

        def build() -> None:
            opened = cast("tuple[MemoryHistory, Snapshots]", opening.result())
            self.history_feature = install_memory_history(self, opened)
            memory = self.findChild(QDockWidget, "memoryDock")
            if memory is not None:  # History shares the memory table's tabs
                self.tabifyDockWidget(memory, self.history_feature.dock)
                memory.raise_()

        self._build_part_docks(build)

    def _build_conversation(self) -> None:
        from .debug.conversation import install_conversation_tools

        def build() -> None:  # turns, rewind, answers
            self._stage("conversation", install_conversation_tools(self))

        self._build_part_docks(build)

    def _build_flow(self) -> None:
        from .flow.install import install_flow_panel

        def build() -> None:
            self.flow = install_flow_panel(self)  # the dialog as a live, editable flowchart

        self._build_part_docks(build)

    # -- construction -----------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              name: str = "") -> QDockWidget:
        """The one place docks are made (the features call it too); ``name`` is the object
        name saved layouts refer to, by default derived from the title."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name or title.lower() + "Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- the Workbench protocol (ui/workbench.py): what features use of the window ----------------

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
                 name: str = "") -> QDockWidget:
        return self._dock(title, widget, area, name)

    @property
    def widget(self) -> QWidget:
        return self

    def menu(self, name: MenuName) -> QMenu | None:
        return self._menus.get(name)

    def run_tab(self) -> EditorTab | None:
        return self._run_tab

    def refresh_run_actions(self) -> None:
        self._update_run_actions()

    def refresh_diagnostics(self) -> None:
        self._check_now()

    def action_specs(self) -> list[ActionSpec]:
        SP = QStyle.StandardPixmap
        return [
            ActionSpec(
                "new", "&New", "Ctrl+N", self.new_file, "&File", True, "New dialog", SP.SP_FileIcon
            ),
            ActionSpec(
                "open",
                "&Open…",
                "Ctrl+O",
                self.open_dialog,
                "&File",
                True,
                "",
                SP.SP_DialogOpenButton,
            ),
            ActionSpec(
                "save", "&Save", "Ctrl+S", self.save, "&File", True, "", SP.SP_DialogSaveButton
            ),
            ActionSpec("save_as", "Save &As…", "Ctrl+Shift+S", self.save_as, "&File"),
            ActionSpec("save_utf8", "Save as &UTF-8", "", self.save_as_utf8, "&File",
                       tip="Save this dialog as UTF-8 without a byte-order mark, the only "
                           "form General Bots reads (its Windows-1252 or BOM warning goes)"),
            ActionSpec("close_tab", "&Close Tab", "Ctrl+W", self.close_current_tab, "&File"),
            ActionSpec("open_db", "Open &Database…", "", self.ask_database, "&File"),
            ActionSpec("quit", "&Quit", "Ctrl+Q", self.close, "&File"),
            *self._edit_specs(),
            ActionSpec(
                "run",
                "&Run Without Debugging",
                "Ctrl+F5",
                self.run,
                "&Run",
                True,
                "Run the dialog at full speed, no debugger (Ctrl+F5)",
                SP.SP_MediaPlay,
            ),
            ActionSpec(
                "stop",
                "S&top",
                "Shift+F5",
                self.stop,
                "&Run",
                True,
                "Stop the dialog (Shift+F5)",
                SP.SP_MediaStop,
            ),
            ActionSpec(
                "new_session",
                "New &Session",
                "",
                self.new_session,
                "&Run",
                True,
                "Start a fresh conversation as the same user (bot and user memory stay; "
                "Run ▸ New User talks as someone else)",
                SP.SP_BrowserReload,
            ),
            ActionSpec("save_test", "Save Conversation as &Test", "",
                       lambda: self.tests.save_conversation(), "&Run", False,
                       "Write the last run's chat and memory changes as NAME.chat"),
            *self._debug_specs(),
        ]

    def _edit_specs(self) -> list[ActionSpec]:
        E = "&Edit"

        def text_command(name: str, text: str, key: str, separator: bool = False) -> ActionSpec:
            return ActionSpec(name, text, key, lambda: self.edit_command(name), E,
                              separator=separator, shown_shortcut_only=True)

        return [
            text_command("undo", "&Undo", "Ctrl+Z"),
            text_command("redo", "&Redo", "Ctrl+Shift+Z"),
            text_command("cut", "Cu&t", "Ctrl+X", separator=True),
            text_command("copy", "&Copy", "Ctrl+C"),
            text_command("paste", "&Paste", "Ctrl+V"),
            text_command("selectAll", "Select &All", "Ctrl+A"),
            ActionSpec("find", "&Find…", "Ctrl+F", self.show_find, E, separator=True),
            ActionSpec("replace", "&Replace…", "Ctrl+H", lambda: self.find_bar.show_replace(), E),
            ActionSpec("comment", "Toggle Co&mment", "Ctrl+/", self._toggle_comment, E,
                       separator=True),
            ActionSpec("goto", "&Go to Line…", "Ctrl+G", self._go_to_line, E),
        ]

    def _debug_specs(self) -> list[ActionSpec]:
        # Handlers look the debugger up when triggered: it is built after the first paint.
        SP, D = QStyle.StandardPixmap, MenuName.DEBUG

        def debug() -> DebugUi:
            return self.debug

        return [
            ActionSpec("debug", "Start &Debugging", "F5", lambda: debug().start_or_continue(),
                       D, True, "Start debugging (F5)", SP.SP_MediaPlay),
            ActionSpec("pause", "&Pause", "F6", lambda: debug().controller.pause(), D, True,
                       "Pause at the next statement (F6)", SP.SP_MediaPause),
            ActionSpec("restart", "&Restart", "Ctrl+Shift+F5", lambda: debug().restart(), D,
                       True, "Stop and run again (Ctrl+Shift+F5)", SP.SP_BrowserReload),
            ActionSpec("step_over", "Step &Over", "F10", lambda: debug().controller.step_over(),
                       D, True, "Step over (F10)", SP.SP_ArrowRight),
            ActionSpec("step_into", "Step &Into", "F11", lambda: debug().controller.step_into(),
                       D, True, "Step into SUB/FUNCTION calls (F11)", SP.SP_ArrowDown),
            ActionSpec("step_out", "Step O&ut", "Shift+F11", lambda: debug().controller.step_out(),
                       D, True, "Step out of the current SUB/FUNCTION (Shift+F11)",
                       SP.SP_ArrowUp),
            ActionSpec("run_to_cursor", "Run to &Cursor", "Ctrl+F10",
                       lambda: debug().run_to_cursor(), D),
            ActionSpec("toggle_breakpoint", "Toggle &Breakpoint", "F9",
                       lambda: debug().toggle_breakpoint(), D),
        ]

    def _build_actions(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbars: dict[str, QToolBar] = {MenuName.DEBUG: self.addToolBar("Debug")}
        toolbars[MenuName.DEBUG].setObjectName("debugToolbar")
        self._menus: dict[str, QMenu] = {}  # by ActionSpec.menu, which MenuName spells
        menus = self._menus
        for spec in self.action_specs():
            action = QAction(spec.text, self)
            if spec.icon is not None:
                action.setIcon(self.style().standardIcon(spec.icon))
                self._icons[spec.name] = spec.icon  # redrawn for a dark theme
            if spec.shortcut and spec.shown_shortcut_only:
                shown = QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
                action.setText(f"{spec.text}\t{shown}")  # the menu's shortcut column
            elif spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.setToolTip(spec.tip or spec.text.replace("&", "").rstrip("…"))
            action.triggered.connect(lambda _=False, h=spec.handler: h())
            self.actions_by_name[spec.name] = action
            menu = menus.get(spec.menu) or menus.setdefault(
                spec.menu, self.menuBar().addMenu(spec.menu)
            )
            if spec.separator:
                menu.addSeparator()
            menu.addAction(action)
            if spec.toolbar:
                toolbars.get(spec.menu, toolbar).addAction(action)
            if spec.name == "open":
                self.samples_menu = menu.addMenu("Open &Sample")
                for sample in sorted(SAMPLES.glob("*.bas")):
                    menu_action = self.samples_menu.addAction(sample.name)
                    menu_action.triggered.connect(lambda _=False, p=sample: self.open_file(p))
                self.recent_menu = menu.addMenu("Open &Recent")
                self._fill_recent()

    def _add_skip_unsupported_action(self) -> None:
        """Run ▸ Skip keywords without a local service: a checkable preference kept in the
        settings, applied to the runs started afterwards (services are built at each start)."""
        action = QAction("S&kip Keywords Without a Local Service", self)
        action.setCheckable(True)
        tip = ("On: RUN PYTHON, ADD BOT, POST TO, TRANSFER TO HUMAN… used as statements write "
               "a warning to Output and the run goes on (like talkbench run "
               "--skip-unsupported). Off: they stop the run with an error, unless the bot's "
               "config.csv (unsupported-keywords) or TALKBENCH_UNSUPPORTED_KEYWORDS says skip")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setChecked(bool(self.settings.value(SKIP_UNSUPPORTED_KEY, False, type=bool)))
        action.toggled.connect(self.set_skip_unsupported)
        menu = self._menus[MenuName.RUN]
        menu.addSeparator()
        menu.addAction(action)
        self.actions_by_name["skip_unsupported"] = action
        self.set_skip_unsupported(action.isChecked())

    def set_skip_unsupported(self, on: bool) -> None:
        self.settings.setValue(SKIP_UNSUPPORTED_KEY, on)
        if "runner" in self.__dict__:  # else the runner takes the checked state when built
            _skip_unsupported(self.runner, on)

    # -- files and tabs ---------------------------------------------------------------------------

    def current_tab(self) -> EditorTab | None:
        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, EditorTab) else None

    def editor(self) -> CodeEditor | None:
        tab = self.current_tab()
        return tab.editor if tab else None

    def add_tab(self, text: str, path: Path | None,
                text_format: TextFormat = DEFAULT_FORMAT) -> EditorTab:
        """A tab for ``text``, stored in its file as ``text_format``, brought to the front
        (which checks it, and offers Save as UTF-8 by that format)."""
        tab = EditorTab(text, path)
        tab.text_format = text_format
        tab.editor.set_theme(self.theme_menu.current())
        tab.editor.set_memory_keys(self._memory_keys)
        index = self.tabs.addTab(tab, tab.title)
        self.tabs.setTabToolTip(index, str(path) if path else "not saved yet")
        tab.editor.textChanged.connect(self._check_timer.start)
        tab.reload_bar.reloadRequested.connect(lambda t=tab: self.reload(t))
        tab.editor.document().modificationChanged.connect(lambda _m, t=tab: self._retitle(t))
        self._bring_forward(tab)  # its currentChanged checks it
        return tab

    def _bring_forward(self, tab: EditorTab) -> None:
        """Show ``tab`` with the keyboard in its editor: after New, Open or a recent file the
        author types into it, not into the panel that had the focus (the memory table)."""
        self.tabs.setCurrentWidget(tab)
        tab.editor.setFocus()

    def _retitle(self, tab: EditorTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.title + (" •" if tab.modified else ""))

    def new_file(self) -> EditorTab:
        return self.add_tab(NEW_FILE_TEXT, None)

    def open_dialog(self) -> None:
        from . import file_dialogs

        tab = self.current_tab()  # start beside the dialog in front, not in the start folder
        folder = str(tab.path.parent) if tab is not None and tab.path is not None else ""
        paths = file_dialogs.open_file_names(
            self, "Open dialog", folder, "BASIC dialogs (*.bas);;All files (*)"
        )
        for path in paths:
            self.open_file(Path(path))

    def open_file(self, path: Path | str) -> EditorTab | None:
        path = Path(path).resolve()
        if path.is_dir():  # a .gbai bot package
            return self.bot_tools.open_package(path)
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, EditorTab) and tab.path == path:
                self._bring_forward(tab)
                return tab
        try:
            text, text_format = read_text_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            # The OS's reason alone ("No such file or directory"), the path once, in full.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            QMessageBox.warning(self, "Open failed",
                                f"Cannot open {path.name}: {reason.rstrip('.')}.\n\n{path}")
            return None
        if "\0" in text and not self._open_binary_anyway(path):
            return None
        self._remember_recent(path)
        tab = self.add_tab(text, path, text_format)  # saved back the same way
        tab.disk_digest = file_digest(path)
        self.disk_watcher.watch(path)
        return tab

    def _open_binary_anyway(self, path: Path) -> bool:
        """A file with NUL bytes is no dialog (an image, a database picked by mistake): its
        text would be noise and thousands of problems, so ask first (No by default)."""
        answer = QMessageBox.question(
            self, "Not a text file",
            f"{path.name} does not look like a dialog: it holds NUL bytes, as binary files "
            "do. Open it anyway?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Open

    def reload(self, tab: EditorTab) -> bool:
        """Replace ``tab``'s text with its file as it is on disk now."""
        path = tab.path
        if path is None:  # an untitled tab has no file to reload
            return False
        try:
            text, text_format = read_text_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Reload failed", f"Cannot read {path}:\n{exc}")
            return False
        tab.replace_text(text)
        tab.text_format, tab.disk_digest = text_format, file_digest(path)
        tab.reload_bar.hide()
        return True

    def tabs_of(self, path: Path) -> list[EditorTab]:
        return [t for t in self.editor_tabs() if t.path == path]

    def editor_tabs(self) -> list[EditorTab]:
        tabs = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [t for t in tabs if isinstance(t, EditorTab)]

    def _on_disk_change(self, path: Path) -> None:
        for tab in self.tabs_of(path):
            if tab.changed_on_disk():  # not our own save
                tab.reload_bar.offer(tab.title, tab.modified, not path.exists())

    def save(self, tab: EditorTab | None = None) -> bool:
        tab = tab or self.current_tab()
        if tab is None:
            return False
        if tab.path is None:
            return self.save_as(tab)
        if tab.changed_on_disk() and not self._confirm_overwrite(tab):
            return False
        text = tab.editor.toPlainText()
        if (where := first_unencodable(text, tab.text_format.encoding)) is not None:
            if not ask_save_as_utf8(self, tab.title, tab.text_format.encoding, where):
                tab.editor.go_to_line(where.line, where.col)  # show the character
                return False
            tab.text_format = as_utf8(tab.text_format)
            self._check_timer.start()  # the warning that production reads UTF-8 only goes
        try:
            write_text_atomic(tab.path, text, tab.text_format)
        except OSError as exc:
            QMessageBox.warning(self, "Save failed", f"Cannot save {tab.path}:\n{exc}")
            return False
        tab.disk_digest = file_digest(tab.path)
        tab.reload_bar.hide()
        self.disk_watcher.watch(tab.path)
        tab.editor.document().setModified(False)
        self._retitle(tab)
        return True

    def save_as_utf8(self, tab: EditorTab | None = None) -> bool:
        """File ▸ Save as UTF-8: the tab's text saved as UTF-8 without a BOM, through the
        usual save (it asks before overwriting another program's change); the text and its
        undo history stay as they are. A save that fails keeps the old format."""
        tab = tab or self.current_tab()
        if tab is None:
            return False
        before, tab.text_format = tab.text_format, as_utf8(tab.text_format)
        if not self.save(tab):
            tab.text_format = before
            return False
        self._check_timer.start()  # the warning that production reads UTF-8 only goes
        return True

    def save_as(self, tab: EditorTab | None = None) -> bool:
        tab = tab or self.current_tab()
        if tab is None:
            return False
        from . import file_dialogs

        # A saved dialog's own path: the picker opens in its folder (else the start folder).
        path = file_dialogs.ask_save_path(self, str(tab.path) if tab.path else tab.title)
        if path is None:
            return False
        if tab.path is not None:
            self.disk_watcher.unwatch(tab.path)
        # The file dialog already asked before replacing an existing file.
        tab.path, tab.disk_digest = path, file_digest(path)
        self._retitle(tab)
        self.tabs.setTabToolTip(self.tabs.indexOf(tab), str(path))
        self._remember_recent(tab.path)
        return self.save(tab)

    def _confirm_overwrite(self, tab: EditorTab) -> bool:
        """The file changed on disk since it was read: overwrite it only when the user says so."""
        box = QMessageBox(QMessageBox.Icon.Warning, "File changed on disk",
                          f"{tab.title} was changed by another program since it was opened "
                          "here. Overwrite that change with the editor's text?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("overwriteQuestion")
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is overwrite

    def _confirm_discard(self, tab: EditorTab) -> bool:
        """Ask before losing unsaved changes; True when it is fine to close ``tab``."""
        if not tab.modified:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save changes to {tab.title}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save(tab)
        return answer == QMessageBox.StandardButton.Discard

    def _confirm_close_all(self) -> bool:
        """Before the window closes: one question for all modified files (Save All, Don't
        Save, Cancel); the usual per-file one when only one is modified."""
        modified = [t for t in self.editor_tabs() if t.modified]
        if len(modified) <= 1:
            return all(self._confirm_discard(t) for t in modified)
        names = "\n".join(f"  {t.title}" for t in modified)
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"{len(modified)} files have unsaved changes:\n{names}",
                          QMessageBox.StandardButton.SaveAll
                          | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("closeAllQuestion")
        box.button(QMessageBox.StandardButton.Discard).setText("Don't Save")
        box.setDefaultButton(QMessageBox.StandardButton.SaveAll)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.SaveAll:
            return all(self.save(t) for t in modified)
        return answer == QMessageBox.StandardButton.Discard

    def close_current_tab(self) -> bool:
        """File ▸ Close Tab (Ctrl+W): the tab in front, asking first when it has changes."""
        return self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int) -> bool:
        tab = self.tabs.widget(index)
        if isinstance(tab, EditorTab) and not self._confirm_discard(tab):
            return False
        self.tabs.removeTab(index)
        if isinstance(tab, EditorTab) and tab.path is not None and not self.tabs_of(tab.path):
            self.disk_watcher.unwatch(tab.path)
        if tab is not None:
            tab.deleteLater()
        if (front := self.current_tab()) is not None:
            front.editor.setFocus()  # Ctrl+W again closes the next one, typing goes there
        return True

    def _remember_recent(self, path: Path) -> None:
        recent = [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recentFiles", [str(path)] + recent[: MAX_RECENT - 1])
        self._fill_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):  # QSettings returns one item as a plain string
            return [value]
        return list(value) if isinstance(value, (list, tuple)) else []

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    # -- editing helpers ----------------------------------------------------------------------

    def edit_command(self, name: str) -> None:
        """Edit ▸ undo, redo, cut, copy, paste or selectAll: on the focused text field (chat
        input, filter, console), the memory table or the chat's messages, else on the current
        editor."""
        target = QApplication.focusWidget()
        if target is not None and self.memory.isAncestorOf(target) \
                and self.memory.edit_command(name):
            return  # the memory table's own undo, redo, copy
        if self.chat.edit_command(name):
            return  # the selected messages' text
        if not isinstance(target, (QLineEdit, QPlainTextEdit, QTextEdit)):
            target = self.editor()
        if target is not None:
            getattr(target, name)()

    def show_find(self) -> None:
        self.find_bar.show_find()

    @property
    def find_bar(self) -> FindBar:
        """The find/replace bar under the tabs, made when first shown: hidden until then, its
        module and widgets would only lengthen the first paint."""
        if self._find_bar is None:
            from .editor import find_bar

            self._find_bar = find_bar.FindBar(self.editor)
            self._find_bar.hide()
            self._column.addWidget(self._find_bar)
        return self._find_bar

    def _apply_theme(self, theme: Theme) -> None:
        """The theme for the whole window: palette, editors, chat bubbles, output colours."""
        colors = self.app_theme.apply(theme)
        for tab in self.editor_tabs():
            tab.editor.set_theme(theme)
        for name, pixmap in self._icons.items():
            self.actions_by_name[name].setIcon(themed_icon(self.style(), pixmap, colors.dark))
        if "chat" in self.__dict__:  # else it is built in this theme
            self.chat.set_dark(colors.dark)
        self.output.set_dark(colors.dark)
        self.problems.set_dark(colors.dark)

    def _memory_keys(self, prefix: str) -> list[str]:
        """Completion inside strings: the current bot's keys the Memory panel has loaded that
        contain ``prefix`` (no database read while typing: it may be a slow server)."""
        return self.memory.model.loaded_keys(prefix)

    def _toggle_comment(self) -> None:
        if editor := self.editor():
            editor.toggle_comment()

    def _go_to_line(self) -> None:
        if editor := self.editor():
            editor.ask_go_to_line()

    def jump_to(self, line: int, col: int) -> None:
        if editor := self.editor():
            editor.go_to_line(line, col)

    def _check_shown_tab(self) -> None:
        """A new or chosen tab shows its last problems at once and is checked again; before
        the window is first shown (the tabs of a start-up) the check waits for the debounce
        timer, which waits for the idle build (see _check_when_loaded)."""
        tab = self.current_tab()  # never the problems of the tab that was in front before
        self.problems.set_diagnostics(tab.diagnostics if tab is not None else [])
        self._offer_save_as_utf8(tab)  # also before a start-up's first check
        if self.isVisible():
            self._check_now()
        else:
            self._check_timer.start()

    def _offer_save_as_utf8(self, tab: EditorTab | None) -> None:
        """File ▸ Save as UTF-8 only where it changes something: a Windows-1252 or BOM file."""
        self.actions_by_name["save_utf8"].setEnabled(
            tab is not None and not production_reads(tab.text_format))

    def _check_when_loaded(self) -> None:
        """The debounce timer's check, once the modules that start the checker's child are
        loaded (the first time, by the worker thread of ui.background_imports). A start-up's
        first check also waits for the window's idle build: starting the child (a Python that
        loads the checker, ~0.3 s of CPU) next to it slowed that build by half on two cores."""
        if not self.parts.done:
            if not self._check_after_parts:
                self._check_after_parts = True
                self.parts.allBuilt.connect(self._check_timer.start)
            return
        if all(name in sys.modules for name in CHECKER_MODULES):
            self._check_now()
        elif self._checker_loading is None:
            self._checker_loading = run_per_turn(self, CHECKER_MODULES)
            self._checker_loading.finished.connect(self._check_now)
            # An import that failed raises again in the check, where it always did.
            self._checker_loading.failed.connect(lambda _name, _error: self._check_now())

    def _check_now(self) -> None:
        """Live diagnostics of the current tab (debounced by ``_check_timer``)."""
        from .editor.check_job import check_dialog

        tab = self.current_tab()
        self._offer_save_as_utf8(tab)
        if tab is None:
            self.problems.set_diagnostics([])
            return
        source = tab.editor.toPlainText()
        check = partial(check_dialog, source, tab.title, self._engine_options(tab), tab.path,
                        tab.text_format)  # how a save stores it: production reads UTF-8 only
        self.live_check.request((tab, source), check)

    def _show_check(self, key: tuple[EditorTab, str], result: object) -> None:
        """A live check's result, unless its tab is no longer in front or its text changed
        since (then a newer check is under way or about to start)."""
        tab, source = key
        if tab is not self.current_tab() or tab.editor.toPlainText() != source:
            return
        if isinstance(result, Exception):
            raise result
        tab.diagnostics = diagnostics = cast("list[Diagnostic]", result)
        self.problems.set_diagnostics(diagnostics)
        tab.editor.set_marks(
            [
                Mark(d.line, d.col, d.end_col or 0, d.message, d.severity.name == "ERROR")
                for d in diagnostics
            ]
        )

    def _engine_options(self, tab: EditorTab) -> EngineOptions | None:
        """The General Bots build and engine-errors setting for the tab (ui.run.engine_check)."""
        return engine_options(self, tab.path.parent if tab.path else "")

    # -- running ------------------------------------------------------------------------------

    def run(self, debug: bool = False) -> None:
        """Run the current tab: plain (full speed) or under the debugger."""
        from app.db.database import DatabaseError  # loaded with the store (the runner's)
        from interpreter.errors import BasicSyntaxError

        tab = self.current_tab()
        if tab is None:
            return
        tab.editor.set_runtime_error(None)
        self._run_tab = tab
        self.runner.folder = str(tab.path.parent) if tab.path else ""
        self._note_confinement(self.runner.folder)
        try:
            if debug:
                self.debug.start(tab.editor, tab.editor.toPlainText(), tab.title)
            else:
                self.runner.start(tab.editor.toPlainText(), tab.title)
        except BasicSyntaxError as exc:
            self._check_now()
            for d in exc.diagnostics:
                self.output.add(
                    f"{d.file}:{d.line}:{d.col}: error: {d.message}", "error", d.line, d.col
                )
            self.run_label.setText("Syntax errors: not run")
            return
        except DatabaseError as exc:  # e.g. the bot is not in this General Bots database
            self.output.add(f"error: {exc}", "error", 0, 0)
            self.run_label.setText("Bot not usable: not run")
            return
        self._update_run_actions()

    def _note_confinement(self, folder: str) -> None:
        """Say where the files of a dialog kept in the home folder go
        (app.services.providers.storage)."""
        from app.services.providers.storage import confinement_note

        note = confinement_note(folder) if folder else None
        if note:
            self.output.add(note, "warning")
            self.statusBar().showMessage(note, 15000)

    def stop(self) -> None:
        self.runner.stop()

    def new_session(self) -> None:
        session = self.runner.new_session()
        self.chat.clear()
        self.chat.add_note(f"New session, same user {session.user_id}")
        self._update_run_actions()

    def _on_run_event(self, event: object) -> None:
        from interpreter.events import Failed, Finished, Printed, RunStarted, Stopped

        if isinstance(event, RunStarted):
            self.output.add(f"▶ Running {event.file} as bot {self.runner.bot}", "status")
            self.chat.start_run(f"Running {event.file} as bot {self.runner.bot}")
            self.run_label.setText(f"Running {event.file}…")
        elif isinstance(event, Printed):
            self.output.add(event.text, event.level, event.line)
        elif isinstance(event, Failed):
            err = event.error
            self.output.add(
                f"{err.file}:{err.line}:{err.col}: runtime error: {err.message}",
                "error",
                err.line,
                err.col,
            )
            tab = self._run_tab
            if tab is not None and err.line:
                tab.editor.set_runtime_error(Mark(err.line, err.col or 1, 0, err.message))
            # The chat says why: the Output dock with the error may be behind another tab.
            self._end_run("Failed", f"Failed at {err.file}:{err.line}:{err.col}: {err.message}")
        elif isinstance(event, Finished):
            self.output.add("■ Finished", "status")
            self._end_run("Finished")
        elif isinstance(event, Stopped):
            self.output.add(f"■ Stopped at line {event.line}", "status", event.line)
            self._end_run("Stopped")

    def show_run_status(self, text: str) -> None:
        """The status bar's run message (Running…, Paused at line N, Stopped, …)."""
        self.run_label.setText(text)

    def run_status(self) -> str:
        return self.run_label.text()

    def _end_run(self, status: str, note: str = "") -> None:
        self.run_label.setText(status)
        self.chat.add_note(note or status)
        self._keyboard_back_to_editor()

    def _keyboard_back_to_editor(self) -> None:
        """The last answer was typed in the chat and Qt parked the keyboard on the next
        widget (the Output list): give it to the dialog's editor, unless the author has put
        it somewhere since."""
        parked, self.chat.keyboard_parked_on = self.chat.keyboard_parked_on, None
        tab = self.current_tab()
        if parked is not None and QApplication.focusWidget() is parked and tab is not None:
            tab.editor.setFocus()
        # The task is still finishing when its last event arrives: update once it is done.
        QTimer.singleShot(0, self._update_run_actions)

    def _update_run_actions(self) -> None:
        running = self.parts.built("run") and self.runner.running
        self.actions_by_name["run"].setEnabled(True)  # Run restarts a running dialog
        self.actions_by_name["stop"].setEnabled(running)
        if self.parts.built("run"):
            self.debug.update_actions(self.actions_by_name)
        else:  # what the debugger shows before any run: start it, nothing to step
            for name in ("pause", "restart", "step_over", "step_into", "step_out",
                         "run_to_cursor"):
                self.actions_by_name[name].setEnabled(False)

    # -- database and bot ---------------------------------------------------------------------

    @property
    def bot(self) -> str:
        """The bot dialogs run as (the runner's, once it is built)."""
        return self.runner.bot if "runner" in self.__dict__ else self._first_bot

    def _set_bot(self, bot: str) -> None:
        self.use_bot(bot)  # chosen in the Memory panel's bot box

    def use_bot(self, bot: str, origin: str = "") -> None:
        """Run dialogs as ``bot`` from now on; ``origin`` (a package's folder name) says why,
        next to the bot in the status bar. The Memory panel shows that bot's memory."""
        changed = bot != self.runner.bot
        self.runner.bot, self.bot_origin = bot, origin
        if self.memory.bot != bot:
            self.memory.show_bot(bot)
        self._update_status()
        if changed:
            self.botChanged.emit(bot)

    def _update_status(self) -> None:
        if "store" in self.__dict__:  # its module imports the database driver
            from app.db.database import describe_url

            self.db_label.setText(f"DB: {describe_url(self.db_url)}")
        else:
            self.db_label.setText(f"DB: {OPENING_TEXT}")
        origin = self.bot_origin
        self.bot_label.setText(f"Bot: {self.bot}" + (f" ({origin})" if origin else ""))
        self.bot_label.setToolTip(
            "Dialogs run as this bot: its memory, tables and schedules. Choose it in the "
            "Memory panel; the dialogs of an open .gbai package run as the package's bot.")

    def ask_database(self) -> None:
        """File ▸ Open Database…: a SQLite file (picker), a PostgreSQL server, or a recent one."""
        from .bot.database_dialog import DatabaseDialog, recent_databases

        dialog = DatabaseDialog(self, self.db_url, recent_databases(self.settings))
        if dialog.exec() and dialog.url():
            self.open_database(dialog.url())

    def open_database(self, url: str) -> bool:
        """Switch the memory database: the old store is flushed and closed — every thread's
        connection — before the new one opens, so no connection of this process is left on
        a file another process may be using. On failure the previous database is reopened."""
        from app.db.database import DatabaseError
        from app.memory.store import MemoryStore

        from .bot.database_dialog import remember_database

        previous = self.db_url
        self.runner.stop()
        self._detach_store()
        try:
            store = MemoryStore(url)
        except DatabaseError as exc:
            QMessageBox.warning(self, "Open database failed", str(exc))
            self._attach_store(MemoryStore(previous), previous)
            return False
        self._attach_store(store, url)
        remember_database(self.settings, url)
        return True

    def _detach_store(self) -> None:
        from app.db.database import describe_url

        self._unsubscribe_store()
        self._unsubscribe_users()
        self.history_feature.shutdown()  # its threads use the store's database
        self.memory.release_store()
        if not self.store.close(timeout=30.0):
            QMessageBox.warning(self, "Unsaved memory writes",
                                f"Some memory writes could not be saved to "
                                f"{describe_url(self.db_url)}: {self.store.last_error}")

    def _attach_store(self, store: MemoryStore, url: str) -> None:
        from app.memory.user_memory import user_memories

        self.store, self.db_url = store, url
        self.runner.store = store
        self._unsubscribe_store = store.subscribe(self.bridge.post_change,
                                                  self.bridge.post_changes)
        self._unsubscribe_users = user_memories(store).subscribe(self.bridge.post_user_change)
        self.memory.set_store(store, self.runner.bot)
        self.bot_tools.set_store(store)
        self.history_feature.set_store(store)
        self._update_status()

    def restore_session(self) -> None:
        """Reopen the files, cursors, breakpoints and watches of the last session."""
        session_restore.restore(self, session_restore.load(self.settings))

    # -- window state ---------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        self._first_size: tuple[int, int] | None = None
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self._first_size = FIRST_SIZE
            self.resize(*FIRST_SIZE)
        state = self.settings.value("windowState")
        self._layout_restored = state is not None and self.restoreState(state)
        if not self._layout_restored:
            docks, sizes = self._default_sizes
            self.resizeDocks(docks[:1], sizes[:1], Qt.Orientation.Horizontal)
            # Shares of the window's height: fixed sizes that add up to more than it has made
            # Qt grow the window past a 1280x800 screen (888 px tall, the bottom cut off).
            height = self.height()
            self.resizeDocks(docks, [int(height * share) for share in DOCK_HEIGHT_SHARES],
                             Qt.Orientation.Vertical)

    def showEvent(self, event) -> None:
        """On a first start, the default size once the docks are laid out: laying them out
        grew the window past its size (888 px tall on a 1280x800 screen, the bottom cut off);
        never larger than the screen."""
        super().showEvent(event)
        if self._first_size is not None:
            width, height = self._first_size
            self._first_size = None
            screen = self.screen().availableGeometry() if self.screen() else None
            if screen is not None:
                width, height = min(width, screen.width()), min(height, screen.height())
            self.resize(width, height)

    def closeEvent(self, event) -> None:
        """Synchronous on purpose (qasync's asyncClose hangs when closed from a task)."""
        if not self._confirm_close_all():
            event.ignore()
            return
        self.finish_startup()  # the saved layout and the shutdowns below cover every part
        session_restore.save(self.settings, session_restore.capture(self))
        self.runner.stop()
        self.conversation.shutdown()
        self.bot_tools.shutdown()
        self.history_feature.shutdown()
        self.memory.release_store()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.sync()
        self.store.flush(10.0)
        self.unsaved.close()
        event.accept()


def _skip_unsupported(runner: DialogRunner, on: bool) -> None:
    # Updated in place: runners sharing this dict (other chat tabs) follow it.
    runner.service_settings.clear()
    if on:
        runner.service_settings.update(SKIP_UNSUPPORTED_SETTINGS)


def _open_checked(open_store: Callable[[], MemoryStore], bot: str
                  ) -> tuple[MemoryStore, str | None]:
    """Open the store (in the worker thread, or at once when needed early) and check the
    bot: the store, and why the bot is unusable (None when it can be used). Raises
    DatabaseError when the database cannot be opened. The connection this thread opened is
    closed after: each thread has its own (peewee), and one left open in a thread that
    never uses the store again kept the files in use after ``close`` and stopped SQLite
    from checkpointing its WAL when the last connection closed."""
    from app.db.database import DatabaseError

    store = open_store()
    try:
        store.check_bot(bot)
        unusable = None
    except DatabaseError as exc:
        unusable = str(exc)
    finally:
        store.release_thread_connection()
    return store, unusable
