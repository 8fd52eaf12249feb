"""The History dock: the selected memory key's timeline, undo, snapshots, key references,
outside-writer notices and "Run in Sandbox".

The engine lives in ``app/`` (memory/ history and undo, snapshots, outside_watch, sandbox,
key_xref); this module adapts it to Qt. :func:`install_memory_history` wires it into the main
window so the window itself needs only one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.memory.history import MemoryEvent, MemoryHistory
from app.memory.outside_watch import OutsideChange, OutsideWatcher, WatchHealth
from app.memory.sandbox import SandboxChange, SandboxMemory, SandboxProvider, SeededProvider
from app.memory.snapshots import MemoryDiff, Snapshots, resolve_snapshot
from app.memory.store import ChangeState, DatabaseError, MemoryChange, MemoryStore
from app.memory.undo import (
    CannotRevert,
    RevertStep,
    preview_event,
    preview_run,
    revert_event,
    revert_run,
    reverted_events,
)
from interpreter.ports.host import WriteSource

from .. import file_dialogs
from ..workbench import MenuName
from .history_dialogs import KeyRefsDialog, SnapshotsDialog, confirm_table

if TYPE_CHECKING:
    from ..workbench import Workbench

HEADERS = ("Time", "Old", "New", "Source", "Where")
REFRESH_DELAY_MS = 150
SANDBOX_BUTTONS = ("Commit", "Discard")
SANDBOX_TITLE = " — sandboxed run (memory writes go to a copy)"


def _short(value: str | None) -> str:
    if value is None:
        return "∅"
    return value if len(value) <= 60 else value[:57] + "…"


def _source(event: MemoryEvent) -> str:
    """Kind, run and conversation turn: "script 3f2a9c, turn 3"."""
    text = event.kind + (f" {event.run_id}" if event.run_id else "")
    return text + (f", turn {event.turn}" if event.turn is not None else "")


def _where(event: MemoryEvent) -> str:
    if event.file and event.line:
        return f"{Path(event.file).name}:{event.line}"
    return event.file or (f"renamed from {event.old_key}" if event.old_key else "")


class MemoryHistoryPanel(QWidget):
    """Timeline of one key; double-clicking an event with a line emits ``openAt``."""

    openAt = Signal(str, int)  # file, line
    outsideChanged = Signal(object)  # OutsideChange, posted from the watcher thread
    memoryReverted = Signal()
    runFromSnapshot = Signal(str)  # snapshot name, chosen in the Snapshots dialog

    def __init__(
        self, history: MemoryHistory, snapshots: Snapshots, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.history = history
        self.snapshots = snapshots
        self.bot = ""
        self.key = ""
        self.events: list[MemoryEvent] = []
        self.dialog_files: Callable[[], list[str]] = list
        # The open editors by file, so a key rename reaches them too.
        self.open_editors: Callable[[], dict[str, Any]] = dict
        # Replaceable for tests: ask before changing memory (title, rows[, button names])
        # -> bool.
        self.confirm: Callable[..., bool] = (
            lambda title, rows, buttons=("OK", "Cancel"): confirm_table(self, title, rows,
                                                                        buttons))
        self.title = QLabel("Select a memory key to see its history")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # Columns fit their text; the last one takes the remaining width.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.cellDoubleClicked.connect(self._open_row)
        buttons = QGridLayout()
        self.revert_button = QPushButton("Revert event")
        self.revert_button.setToolTip("Put the key back as it was before the selected event")
        self.revert_button.clicked.connect(self.revert_selected)
        self.revert_run_button = QPushButton("Revert run")
        self.revert_run_button.setToolTip("Undo every write of the selected event's run")
        self.revert_run_button.clicked.connect(self.revert_selected_run)
        self.snapshots_button = QPushButton("Snapshots…")
        self.snapshots_button.clicked.connect(self.show_snapshots)
        self.refs_button = QPushButton("Key references…")
        self.refs_button.clicked.connect(self.show_key_refs)
        # Two by two: in one row they made the right column too wide for the editor to keep
        # half of a 1280-pixel window while debugging.
        for i, b in enumerate((self.revert_button, self.revert_run_button,
                               self.snapshots_button, self.refs_button)):
            buttons.addWidget(b, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)

    # -- timeline ------------------------------------------------------------------------------

    def set_key(self, bot: str, key: str) -> None:
        self.bot, self.key = bot, key
        self.refresh()

    def refresh(self) -> None:
        """Reload the timeline; the selected event stays selected (new events come on top,
        so keeping the row number would select another one)."""
        selected = self.selected_event()
        if not self.key:
            self.events = []
        else:
            self.history.flush(2.0)
            self.events = self.history.timeline(self.bot, self.key, limit=200)
            self.title.setText(f"{self.key} — {len(self.events)} change(s)")
        reverted = reverted_events(self.history, self.events)
        self.table.setRowCount(len(self.events))
        for row, e in enumerate(self.events):
            when = dt.datetime.fromtimestamp(e.at).strftime("%H:%M:%S")
            source = _source(e) + (" (reverted)" if e.id in reverted else "")
            cells = (when, _short(e.old) if e.old_known else "?", _short(e.new),
                     source, _where(e))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self._select_event(selected.id if selected is not None else None)
        self._update_buttons()

    def _select_event(self, event_id: int | None) -> None:
        row = next((r for r, e in enumerate(self.events) if e.id == event_id), None)
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)

    def apply_change(self, change: MemoryChange) -> None:
        """A store change (GUI thread): refresh soon when it concerns the shown key."""
        if change.state is ChangeState.PENDING:
            return
        if change.bot == self.bot and self.key in (change.key, change.old_key):
            self._refresh_timer.start()

    def apply_changes(self, changes: list[MemoryChange]) -> None:
        """A batch of store changes from the bridge (up to ~1,000 per delivery while a dialog
        writes): one call instead of one per change, and nothing to look at without a key."""
        if not self.key:
            return
        bot, key = self.bot, self.key
        for change in changes:
            if (change.bot == bot and key in (change.key, change.old_key)
                    and change.state is not ChangeState.PENDING):
                self._refresh_timer.start()
                return

    def selected_event(self) -> MemoryEvent | None:
        rows = self.table.selectionModel().selectedRows()
        return self.events[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.revert_button.setEnabled(bool(self.events))
        self.revert_run_button.setEnabled(bool(self.events))

    def _open_row(self, row: int, _col: int) -> None:
        event = self.events[row]
        if event.file and event.line:
            self.openAt.emit(event.file, event.line)

    # -- undo ----------------------------------------------------------------------------------

    def revert_selected(self) -> bool:
        event = self.selected_event() or (self.events[0] if self.events else None)
        if event is None:
            return False
        try:
            step = preview_event(self.history, event)
            if not step.changes:
                raise CannotRevert(f"{event.key!r} already holds its value from before "
                                   "this change: nothing to revert")
            if not self.confirm("Revert event", _rows([step])):
                return False
            revert_event(self.history, event.id, step)  # not if the key changed meanwhile
        except (CannotRevert, KeyError, DatabaseError) as exc:
            QMessageBox.information(self, "Revert", str(exc))
            return False
        self.refresh()
        self.memoryReverted.emit()
        return True

    def revert_selected_run(self) -> bool:
        event = self.selected_event() or (self.events[0] if self.events else None)
        if event is None or not event.run_id:
            QMessageBox.information(self, "Revert run", "The selected event belongs to no run.")
            return False
        try:
            steps = preview_run(self.history, event.run_id)
            if not any(s.changes for s in steps):
                raise CannotRevert(f"the keys of run {event.run_id} already hold their values "
                                   "from before it: nothing to revert")
        except CannotRevert as exc:
            QMessageBox.information(self, "Revert run", str(exc))
            return False
        if not self.confirm(f"Revert run {event.run_id}", _rows(steps)):
            return False
        try:
            revert_run(self.history, event.run_id, steps)  # not if a key changed meanwhile
        except (CannotRevert, DatabaseError) as exc:
            QMessageBox.information(self, "Revert run", str(exc))
            return False
        self.refresh()
        self.memoryReverted.emit()
        return True

    # -- dialogs -------------------------------------------------------------------------------

    def show_snapshots(self) -> None:
        dlg = SnapshotsDialog(self.snapshots, self.bot, self)
        chosen: list[str] = []
        dlg.runRequested.connect(chosen.append)
        dlg.exec()
        if chosen:  # after the dialog has closed, so the run is not under a modal dialog
            self.runFromSnapshot.emit(chosen[0])
        self.refresh()
        self.memoryReverted.emit()

    def show_key_refs(self) -> None:
        dlg = KeyRefsDialog(self.dialog_files(), self.history.store, self.bot, self,
                            editors=self.open_editors())
        dlg.openAt.connect(self.openAt)
        dlg.exec()


def _rows(steps: list[RevertStep]) -> list[tuple[str, str, str]]:
    return [(s.key, _short(s.current), _short(s.restored)) for s in steps]


class _OutsideBridge(QObject):
    changed = Signal(object)
    health = Signal(object, object)  # the watcher, its WatchHealth


def open_history(store: MemoryStore) -> tuple[MemoryHistory, Snapshots]:
    """The history recorder and the snapshots of ``store``: no Qt object, and their tables
    are created or checked in the database, so the window's idle build makes them in the
    worker thread. The connection this thread opened for that is closed after (each thread
    has its own; see ``MemoryStore.release_thread_connection``)."""
    try:
        history = MemoryHistory(store)
        return history, Snapshots(store, history)
    finally:
        store.release_thread_connection()


class HistoryFeature:
    """Owns the engine objects for one store and their wiring into the main window."""

    def __init__(self, win: Workbench, opened: tuple[MemoryHistory, Snapshots]) -> None:
        """``opened``: what ``open_history`` made of the window's store."""
        self.win = win
        self.history, self.snapshots = opened
        self.panel = MemoryHistoryPanel(self.history, self.snapshots)
        self.panel.bot = win.runner.bot  # Snapshots… works before any key is selected
        self.bridge = _OutsideBridge()
        self.bridge.changed.connect(self._on_outside)
        self.bridge.health.connect(self._on_watch_health)
        # A problem line in the status bar while outside changes cannot be noticed.
        self.watch_problem = QLabel()
        self.watch_problem.setObjectName("outsideWatchProblem")
        self.watch_problem.setStyleSheet("color: #c03030;")
        win.statusBar().addPermanentWidget(self.watch_problem)
        self.watch_problem.hide()
        self.watcher = self._start_watcher(win.store)
        self.sandbox: SandboxProvider | None = None
        self.panel.dialog_files = self._dialog_files
        self.panel.open_editors = self._open_editors
        self.panel.openAt.connect(self._open_at)
        self.panel.memoryReverted.connect(win.memory.reload)
        win.bridge.memoryChanged.connect(self.panel.apply_changes)
        view = win.memory.view
        view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select(cur))
        win.botChanged.connect(self._bot_changed)
        self.dock = win.add_dock("History", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.sandbox_action = QAction("Run in &Sandbox", win.widget)
        self.sandbox_action.setStatusTip(
            "Run the dialog against a copy of memory, then commit or discard its changes")
        self.sandbox_action.triggered.connect(self.run_in_sandbox)
        self.snapshot_action = QAction("Run from S&napshot…", win.widget)
        self.snapshot_action.setStatusTip(
            "Run the dialog from a saved memory snapshot; its writes stay out of the memory")
        self.snapshot_action.triggered.connect(self.ask_run_from_snapshot)
        self.panel.runFromSnapshot.connect(self.run_from_snapshot)
        self.seeded: SandboxMemory | None = None  # the last "Run from snapshot" memory
        # Shown in the status bar while a sandboxed run goes on (with the window title).
        self.sandbox_badge = QLabel(" SANDBOX ")
        self.sandbox_badge.setObjectName("sandboxBadge")
        self.sandbox_badge.setStyleSheet(
            "background: #f0a030; color: #202020; font-weight: bold; border-radius: 3px;")
        self.sandbox_badge.setToolTip(
            "This run writes to a copy of memory; at its end you commit or discard the changes")
        win.statusBar().addPermanentWidget(self.sandbox_badge)
        self.sandbox_badge.hide()
        run_menu = win.menu(MenuName.RUN)
        if run_menu is not None:
            run_menu.addAction(self.sandbox_action)
            run_menu.addAction(self.snapshot_action)

    def _start_watcher(self, store: MemoryStore) -> OutsideWatcher:
        watcher = OutsideWatcher(store, self.history)
        watcher.subscribe(self.bridge.changed.emit)  # queued to the GUI thread
        watcher.subscribe_health(lambda health: self.bridge.health.emit(watcher, health))
        bot = self.win.runner.bot
        watcher.watch(bot)
        self.history.watch(bot)
        return watcher

    def _select(self, index: Any) -> None:
        model = self.win.memory.model
        if index.isValid() and index.row() < model.rowCount():
            self.panel.set_key(self.win.runner.bot, model.entry(index.row()).key)

    def _bot_changed(self, bot: str) -> None:
        self.watcher.watch(bot)
        self.history.watch(bot)
        self.panel.set_key(bot, "")

    def _on_outside(self, change: OutsideChange) -> None:
        if change.bot != self.win.runner.bot:
            return
        state = ChangeState.DELETED if change.new is None else ChangeState.LANDED
        # Through the table model: the row updates and flashes like any change.
        self.win.memory.model.apply_change(MemoryChange(
            change.bot, change.key, change.old, change.new, WriteSource(kind="outside"), state))
        self.win.statusBar().showMessage(f"Memory key {change.key!r} changed outside", 5000)
        if change.key == self.panel.key:
            self.panel.refresh()

    def _on_watch_health(self, watcher: OutsideWatcher, health: WatchHealth) -> None:
        if watcher is not self.watcher:
            return  # from the watcher of a database closed since
        if health.error is None:
            self.watch_problem.hide()
            return
        self.watch_problem.setText("Outside changes not watched")
        self.watch_problem.setToolTip(
            f"Changes other programs make to the memory are not noticed: {health.error}")
        self.watch_problem.show()
        self.win.statusBar().showMessage(
            f"Outside changes are not being watched: {health.error}", 10000)

    def _open_at(self, file: str, line: int) -> None:
        tab = self.win.current_tab()
        if tab is None or (file and Path(file).name != tab.title and Path(file).exists()):
            self.win.open_file(file)
        self.win.jump_to(line, 1)

    def _dialog_files(self) -> list[str]:
        files: list[str] = []
        for tab in self.win.editor_tabs():
            path = tab.path
            if path is not None:
                files.extend(str(p) for p in Path(path).parent.glob("*.bas"))
        return sorted(set(files))

    def _open_editors(self) -> dict[str, Any]:
        editors = {}
        for tab in self.win.editor_tabs():
            if tab.path is not None:
                editors[str(tab.path)] = tab.editor
        return editors

    def set_store(self, store: MemoryStore) -> None:
        """The window opened another database."""
        self.shutdown()
        self.history = self.panel.history = MemoryHistory(store)
        self.snapshots = self.panel.snapshots = Snapshots(store, self.history)
        self.watch_problem.hide()
        self.watcher = self._start_watcher(store)
        self.panel.set_key(self.win.runner.bot, "")

    def shutdown(self) -> None:
        self.watcher.close()
        self.history.close()

    # -- sandbox -------------------------------------------------------------------------------

    def run_in_sandbox(self) -> None:
        tab = self.win.current_tab()
        if tab is None:
            return
        runner = self.win.runner
        real = runner.store
        self.sandbox = SandboxProvider(real)
        runner.store = self.sandbox  # the run takes its memory at start, then we switch back
        try:
            task = runner.start(tab.editor.toPlainText(), tab.title)
        except Exception as exc:  # noqa: BLE001 - syntax errors: show them like Run does
            QMessageBox.warning(self.win.widget, "Run in sandbox", str(exc))
            return
        finally:
            runner.store = real
        self.win.refresh_run_actions()
        self.mark_sandboxed(True)
        self.win.chat.add_note("Sandboxed run: memory writes go to a copy; commit or discard "
                               "them when it ends")
        box = self.sandbox.bot(runner.bot)

        def done(_task: Any) -> None:
            self.mark_sandboxed(False)
            self.review(box)

        task.add_done_callback(lambda _t: QTimer.singleShot(0, lambda: done(_t)))

    def mark_sandboxed(self, on: bool) -> None:
        """Title and status bar say a sandboxed run is going on."""
        title = self.win.windowTitle().removesuffix(SANDBOX_TITLE)
        self.win.setWindowTitle(title + SANDBOX_TITLE if on else title)
        self.sandbox_badge.setVisible(on)

    # -- run from a snapshot -----------------------------------------------------------------

    def ask_run_from_snapshot(self) -> None:
        """Run menu: pick a saved snapshot of the bot (or a snapshot file) and run from it."""
        bot = self.win.runner.bot
        names = [s.name for s in self.snapshots.list(bot)]
        from_file = "Snapshot file…"
        name, ok = QInputDialog.getItem(self.win.widget, "Run from snapshot",
                                        f"Snapshot of bot '{bot}':", [*names, from_file], 0,
                                        False)
        if not ok:
            return
        if name != from_file:
            self.run_from_snapshot(name)
            return
        path = file_dialogs.open_file_name(self.win.widget, "Run from snapshot file", "",
                                              "JSON (*.json)")
        if path:
            self.run_from_snapshot(path)

    def run_from_snapshot(self, spec: str) -> bool:
        """Run the open dialog with memory starting as snapshot ``spec`` (a saved name or a
        file). The run's writes stay in an overlay: the bot's memory is left as it is."""
        tab = self.win.current_tab()
        if tab is None:
            return False
        runner = self.win.runner
        try:
            snap = resolve_snapshot(spec, bot=runner.bot, snapshots=self.snapshots)
        except ValueError as exc:
            QMessageBox.warning(self.win.widget, "Run from snapshot", str(exc))
            return False
        real = runner.store
        provider = SeededProvider(real, snap.entries)
        runner.store = provider  # the run takes its memory at start, then we switch back
        try:
            task = runner.start(tab.editor.toPlainText(), tab.title)
        except Exception as exc:  # noqa: BLE001 - syntax errors: show them like Run does
            QMessageBox.warning(self.win.widget, "Run from snapshot", str(exc))
            return False
        finally:
            runner.store = real
        self.win.refresh_run_actions()
        self.seeded = box = provider.bot(runner.bot)
        label = snap.name or spec

        def done(_task: Any) -> None:
            count = len(box.written)
            self.win.statusBar().showMessage(
                f"Ran from snapshot '{label}': {count} key(s) written to its own copy; "
                "the bot's memory is unchanged", 8000)

        task.add_done_callback(done)
        return True

    def review(self, box: Any) -> bool:
        """Show the sandbox's diff; Commit writes it, anything else discards. True if committed."""
        changes: list[SandboxChange] = box.diff()
        if not changes:
            box.discard()
            self.win.statusBar().showMessage("Sandboxed run changed no memory", 5000)
            return False
        rows = [(c.key, _short(c.current), _short(c.new)) for c in changes]
        if self.panel.confirm("Sandboxed run: commit these memory changes?", rows,
                              SANDBOX_BUTTONS):
            box.commit()
            self.win.memory.reload()
            return True
        box.discard()
        return False


def install_memory_history(win: Workbench, opened: tuple[MemoryHistory, Snapshots]
                           ) -> HistoryFeature:
    return HistoryFeature(win, opened)


__all__ = ["HistoryFeature", "MemoryDiff", "MemoryHistoryPanel", "install_memory_history",
           "open_history"]
