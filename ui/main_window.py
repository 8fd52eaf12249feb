"""The main window: editor tabs, chat, memory, output and problems docks, actions as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.database import DatabaseError, describe_url
from app.dialog_session import DialogRunner
from app.memory_store import MemoryStore
from interpreter import BasicSyntaxError, check_source
from interpreter.events import Failed, Finished, Printed, RunStarted, Stopped

from .bridge import Bridge
from .chat_panel import ChatPanel
from .editor import CodeEditor, Mark
from .memory_panel import MemoryPanel
from .output_panel import OutputPanel, ProblemsPanel

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SAMPLES = RESOURCES / "samples"
ICON = RESOURCES / "icons" / "talkbench.svg"
CHECK_DELAY_MS = 300
MAX_RECENT = 8
NEW_FILE_TEXT = '\' A new dialog\nTALK "Hello!"\n'


@dataclass(frozen=True)
class ActionSpec:
    """One menu/toolbar command, declared as data so menus and toolbar are generated."""

    name: str
    text: str
    shortcut: str
    handler: Callable[[], object]
    menu: str
    toolbar: bool = False
    tip: str = ""
    icon: QStyle.StandardPixmap | None = None


class EditorTab(QWidget):
    """One open file: the editor plus its path (None until saved)."""

    def __init__(self, text: str, path: Path | None) -> None:
        super().__init__()
        self.path = path
        self.editor = CodeEditor(self)
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.bas"

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()


class FindBar(QWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self._window = window
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find (Enter: next, Shift+Enter: previous, Esc: close)")
        self.field.returnPressed.connect(lambda: self.find(backward=False))
        close = QToolButton()
        close.setText("✕")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.field, 1)
        layout.addWidget(close)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.find(backward=True)
        else:
            super().keyPressEvent(event)

    def find(self, backward: bool = False) -> bool:
        editor = self._window.editor()
        if editor is None or not self.field.text():
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if editor.find(self.field.text(), flags):
            return True
        cursor = editor.textCursor()  # wrap around once
        cursor.movePosition(cursor.MoveOperation.End if backward else cursor.MoveOperation.Start)
        editor.setTextCursor(cursor)
        return editor.find(self.field.text(), flags)


class MainWindow(QMainWindow):
    def __init__(self, store: MemoryStore, db_url: str, bot: str, settings: QSettings) -> None:
        super().__init__()
        self.store = store
        self.db_url = db_url
        self.settings = settings
        self.setWindowTitle("Talkbench")
        if ICON.exists():
            self.setWindowIcon(QIcon(str(ICON)))

        self.bridge = Bridge(self)
        self.chat = ChatPanel()
        self.runner = DialogRunner(store, bot, self.chat)
        self.runner.subscribe(self.bridge.post_event)
        self._unsubscribe_store = store.subscribe(self.bridge.post_change)
        self.memory = MemoryPanel(store, bot)
        self.output = OutputPanel()
        self.problems = ProblemsPanel()

        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(lambda _i: self._check_now())
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.find_bar)
        self.setCentralWidget(central)

        chat = self._dock("Chat", self.chat, Qt.DockWidgetArea.RightDockWidgetArea)
        memory = self._dock("Memory", self.memory, Qt.DockWidgetArea.RightDockWidgetArea)
        out = self._dock("Output", self.output, Qt.DockWidgetArea.BottomDockWidgetArea)
        prob = self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(prob, out)
        out.raise_()
        self._default_sizes = ([chat, memory, out], [460, 460, 150])

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._check_now)

        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self.db_label = QLabel()
        self.bot_label = QLabel()
        self.run_label = QLabel("Ready")
        self.statusBar().addWidget(self.run_label, 1)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.bot_label)
        self._update_status()

        self.bridge.runEvent.connect(self._on_run_event)
        self.bridge.memoryChanged.connect(self.memory.apply_change)
        self.memory.botChanged.connect(self._set_bot)
        self.output.jumpRequested.connect(self.jump_to)
        self.problems.jumpRequested.connect(self.jump_to)
        self._update_run_actions()
        self._restore_layout()

    # -- construction -----------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower() + "Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

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
            ActionSpec("open_db", "Open &Database…", "", self.ask_database, "&File"),
            ActionSpec("quit", "&Quit", "Ctrl+Q", self.close, "&File"),
            ActionSpec("find", "&Find…", "Ctrl+F", self.show_find, "&Edit"),
            ActionSpec("comment", "Toggle &Comment", "", self._toggle_comment, "&Edit"),
            ActionSpec("goto", "&Go to Line…", "", self._go_to_line, "&Edit"),
            ActionSpec(
                "run", "&Run", "F5", self.run, "&Run", True, "Run the dialog (F5)", SP.SP_MediaPlay
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
                "Start a fresh conversation (bot memory stays)",
                SP.SP_BrowserReload,
            ),
        ]

    def _build_actions(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        menus: dict[str, QMenu] = {}
        for spec in self.action_specs():
            action = QAction(spec.text, self)
            if spec.icon is not None:
                action.setIcon(self.style().standardIcon(spec.icon))
            if spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.setToolTip(spec.tip or spec.text.replace("&", "").rstrip("…"))
            action.triggered.connect(lambda _=False, h=spec.handler: h())
            self.actions_by_name[spec.name] = action
            menu = menus.get(spec.menu) or menus.setdefault(
                spec.menu, self.menuBar().addMenu(spec.menu)
            )
            menu.addAction(action)
            if spec.toolbar:
                toolbar.addAction(action)
            if spec.name == "open":
                self.samples_menu = menu.addMenu("Open &Sample")
                for sample in sorted(SAMPLES.glob("*.bas")):
                    menu_action = self.samples_menu.addAction(sample.name)
                    menu_action.triggered.connect(lambda _=False, p=sample: self.open_file(p))
                self.recent_menu = menu.addMenu("Open &Recent")
                self._fill_recent()

    # -- files and tabs ---------------------------------------------------------------------------

    def current_tab(self) -> EditorTab | None:
        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, EditorTab) else None

    def editor(self) -> CodeEditor | None:
        tab = self.current_tab()
        return tab.editor if tab else None

    def add_tab(self, text: str, path: Path | None) -> EditorTab:
        tab = EditorTab(text, path)
        index = self.tabs.addTab(tab, tab.title)
        self.tabs.setTabToolTip(index, str(path) if path else "not saved yet")
        tab.editor.textChanged.connect(self._check_timer.start)
        tab.editor.document().modificationChanged.connect(lambda _m, t=tab: self._retitle(t))
        self.tabs.setCurrentWidget(tab)
        self._check_now()
        return tab

    def _retitle(self, tab: EditorTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.title + (" •" if tab.modified else ""))

    def new_file(self) -> EditorTab:
        return self.add_tab(NEW_FILE_TEXT, None)

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open dialog", "", "BASIC dialogs (*.bas);;All files (*)"
        )
        for path in paths:
            self.open_file(Path(path))

    def open_file(self, path: Path | str) -> EditorTab | None:
        path = Path(path).resolve()
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, EditorTab) and tab.path == path:
                self.tabs.setCurrentIndex(i)
                return tab
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Open failed", f"Cannot open {path}:\n{exc}")
            return None
        self._remember_recent(path)
        return self.add_tab(text, path)

    def save(self, tab: EditorTab | None = None) -> bool:
        tab = tab or self.current_tab()
        if tab is None:
            return False
        if tab.path is None:
            return self.save_as(tab)
        try:
            tab.path.write_text(tab.editor.toPlainText(), encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, "Save failed", f"Cannot save {tab.path}:\n{exc}")
            return False
        tab.editor.document().setModified(False)
        self._retitle(tab)
        return True

    def save_as(self, tab: EditorTab | None = None) -> bool:
        tab = tab or self.current_tab()
        if tab is None:
            return False
        path, _ = QFileDialog.getSaveFileName(
            self, "Save dialog", tab.title, "BASIC dialogs (*.bas)"
        )
        if not path:
            return False
        tab.path = Path(path).resolve()
        self._remember_recent(tab.path)
        return self.save(tab)

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

    def close_tab(self, index: int) -> bool:
        tab = self.tabs.widget(index)
        if isinstance(tab, EditorTab) and not self._confirm_discard(tab):
            return False
        self.tabs.removeTab(index)
        tab.deleteLater()
        return True

    def _remember_recent(self, path: Path) -> None:
        recent = [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recentFiles", [str(path)] + recent[: MAX_RECENT - 1])
        self._fill_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    # -- editing helpers ----------------------------------------------------------------------

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.field.setFocus()
        self.find_bar.field.selectAll()

    def _toggle_comment(self) -> None:
        if self.editor():
            self.editor().toggle_comment()

    def _go_to_line(self) -> None:
        if self.editor():
            self.editor().ask_go_to_line()

    def jump_to(self, line: int, col: int) -> None:
        if self.editor():
            self.editor().go_to_line(line, col)

    def _check_now(self) -> None:
        """Live diagnostics of the current tab (debounced by ``_check_timer``)."""
        tab = self.current_tab()
        if tab is None:
            self.problems.set_diagnostics([])
            return
        diagnostics = check_source(tab.editor.toPlainText(), tab.title)
        self.problems.set_diagnostics(diagnostics)
        tab.editor.set_marks(
            [
                Mark(d.line, d.col, d.end_col or 0, d.message, d.severity.name == "ERROR")
                for d in diagnostics
            ]
        )

    # -- running ------------------------------------------------------------------------------

    def run(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        tab.editor.set_runtime_error(None)
        self._run_tab = tab
        try:
            self.runner.start(tab.editor.toPlainText(), tab.title)
        except BasicSyntaxError as exc:
            self._check_now()
            for d in exc.diagnostics:
                self.output.add(
                    f"{d.file}:{d.line}:{d.col}: error: {d.message}", "error", d.line, d.col
                )
            self.run_label.setText("Syntax errors: not run")
            return
        self._update_run_actions()

    def stop(self) -> None:
        self.runner.stop()

    def new_session(self) -> None:
        self.runner.new_session()
        self.chat.clear()
        self.chat.add_note("New session")
        self._update_run_actions()

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, RunStarted):
            self.output.add(f"▶ Running {event.file}", "status")
            self.chat.add_note(f"Running {event.file}")
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
            tab = getattr(self, "_run_tab", None)
            if tab is not None and err.line:
                tab.editor.set_runtime_error(Mark(err.line, err.col or 1, 0, err.message))
            self._end_run("Failed")
        elif isinstance(event, Finished):
            self.output.add("■ Finished", "status")
            self._end_run("Finished")
        elif isinstance(event, Stopped):
            self.output.add(f"■ Stopped at line {event.line}", "status", event.line)
            self._end_run("Stopped")

    def _end_run(self, status: str) -> None:
        self.run_label.setText(status)
        self.chat.add_note(status)
        # The task is still finishing when its last event arrives: update once it is done.
        QTimer.singleShot(0, self._update_run_actions)

    def _update_run_actions(self) -> None:
        running = self.runner.running
        self.actions_by_name["run"].setEnabled(True)  # Run restarts a running dialog
        self.actions_by_name["stop"].setEnabled(running)

    # -- database and bot ---------------------------------------------------------------------

    def _set_bot(self, bot: str) -> None:
        self.runner.bot = bot
        self._update_status()

    def _update_status(self) -> None:
        self.db_label.setText(f"DB: {describe_url(self.db_url)}")
        self.bot_label.setText(f"Bot: {self.runner.bot}")

    def ask_database(self) -> None:
        url, ok = QInputDialog.getText(
            self, "Open database", "SQLite file path or postgresql:// URL:", text=self.db_url
        )
        if ok and url.strip():
            self.open_database(url.strip())

    def open_database(self, url: str) -> bool:
        try:
            store = MemoryStore(url)
        except DatabaseError as exc:
            QMessageBox.warning(self, "Open database failed", str(exc))
            return False
        self.runner.stop()
        self._unsubscribe_store()
        self.store.flush(5.0)
        self.store.close()
        self.store, self.db_url = store, url
        self.runner.store = store
        self._unsubscribe_store = store.subscribe(self.bridge.post_change)
        self.memory.set_store(store, self.runner.bot)
        self._update_status()
        return True

    # -- window state ---------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("windowState")
        if state is None or not self.restoreState(state):
            docks, sizes = self._default_sizes
            self.resizeDocks(docks[:1], sizes[:1], Qt.Orientation.Horizontal)
            self.resizeDocks(docks, [430, 330, 150], Qt.Orientation.Vertical)

    def closeEvent(self, event) -> None:
        """Synchronous on purpose (qasync's asyncClose hangs when closed from a task)."""
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, EditorTab) and not self._confirm_discard(tab):
                event.ignore()
                return
        self.runner.stop()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.sync()
        self.store.flush(10.0)
        event.accept()
