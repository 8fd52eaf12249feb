"""The memory dock: the bot's keys and values, live, with undoable hand edits, import, export.

Every hand edit (set, add, delete, rename) is a QUndoCommand whose redo and undo both go
through the store, so a running script sees an undone value at its next GET exactly like an
edited one; the table then follows the store's change events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import (
    QAbstractItemModel,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.database import DatabaseError
from app.memory_store import ChangeState, MemoryChange, MemoryStore
from app.outside_watch import changed_since
from interpreter.ports import WriteSource

from .memory_history_dialogs import Conflict, ConflictChoice, ask_conflict
from .memory_model import VALUE_COLUMN, MemoryTableModel

Values = Mapping[str, "str | None"]  # key -> value, None = absent
# A store-side filter costs a LIKE scan (~0.1 s at 100,000 keys): big tables filter after a
# pause in typing, small ones as you type.
FILTER_DELAY_MS = 250
FILTER_AT_ONCE_BELOW = 5000


def _apply(store: MemoryStore, bot: str, values: Values) -> None:
    """Make ``values`` true in the store: set the present ones, delete the absent ones."""
    gone = [k for k, v in values.items() if v is None]
    if gone:
        store.delete(bot, gone)
    for key, value in values.items():
        if value is not None:
            store.set(bot, key, value)


class SetValuesCommand(QUndoCommand):
    """Set, add or delete keys: redo writes ``after``, undo writes ``before``."""

    def __init__(
        self, store: MemoryStore, bot: str, before: Values, after: Values, text: str
    ) -> None:
        super().__init__(text)
        self.store, self.bot = store, bot
        self.before, self.after = dict(before), dict(after)

    def redo(self) -> None:
        _apply(self.store, self.bot, self.after)

    def undo(self) -> None:
        _apply(self.store, self.bot, self.before)


class RenameCommand(QUndoCommand):
    def __init__(self, store: MemoryStore, bot: str, old: str, new: str) -> None:
        super().__init__(f"rename {old} to {new}")
        self.store, self.bot, self.old, self.new = store, bot, old, new

    def redo(self) -> None:
        self.store.rename(self.bot, self.old, self.new)

    def undo(self) -> None:
        self.store.rename(self.bot, self.new, self.old)


class _SeenDelegate(QStyledItemDelegate):
    """Remembers the row's key and value when an editor opens: the row may update under an
    open editor (an outside write), yet the edit is based on what the user saw then."""

    def __init__(self, panel: MemoryPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.seen: tuple[str, str] | None = None
        self.closeEditor.connect(self._closed)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        entry = self.panel.model.entry(self.panel.proxy.mapToSource(index).row())
        self.seen = (entry.key, entry.value)
        return super().createEditor(parent, option, index)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().setModelData(editor, model, index)
        self.seen = None  # only this edit was based on it

    def _closed(self, *_args: object) -> None:
        self.seen = None

    def seen_value(self, key: str) -> str | None:
        """The value shown when the open edit of ``key`` began, None when none is open."""
        return self.seen[1] if self.seen is not None and self.seen[0] == key else None


class MemoryPanel(QWidget):
    botChanged = Signal(str)
    conflict_answered = Signal(str)  # a ConflictChoice value, after the question was answered

    def __init__(self, store: MemoryStore, bot: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.undo_stack = QUndoStack(self)
        self.model = MemoryTableModel(store, bot, self)
        self.model.apply_set = self.set_value
        self.model.apply_rename = self.rename_key
        # Sorting and filtering are the store's (see MemoryTableModel); the identity proxy only
        # passes them through, and keeps a proxy/source split for the view code.
        self.proxy = QIdentityProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self.bot_box = QComboBox()
        self.bot_box.setEditable(True)
        self.bot_box.setToolTip("Bot whose memory is shown (and used by Run)")
        self.bot_box.activated.connect(lambda _i: self._select_bot(self.bot_box.currentText()))
        self.bot_box.lineEdit().editingFinished.connect(
            lambda: self._select_bot(self.bot_box.currentText())
        )
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter keys and values")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.seen_delegate = _SeenDelegate(self)
        self.view.setItemDelegate(self.seen_delegate)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, 130)
        self.view.setColumnWidth(2, 72)
        self.view.setColumnWidth(3, 72)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo memory edit")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo memory edit")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.copy_action = QAction("&Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.triggered.connect(self.copy_selected)
        self.delete_action = QAction("&Delete…", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.triggered.connect(self.delete_selected)
        for action in (self.undo_action, self.redo_action, self.copy_action, self.delete_action):
            # Only while the table has focus: Ctrl+Z in the editor stays the editor's.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)

        tools = QHBoxLayout()
        tools.addWidget(self.bot_box, 1)
        for text, tip, slot in (
            ("+", "Add a key", self.add_row),
            ("−", "Delete the selected keys", self.delete_selected),
            ("⟳", "Reload from the database", self.reload),
            ("Export…", "Export this bot's memory as JSON or CSV", self.export),
            ("Import…", "Import JSON or CSV into this bot's memory", self.import_),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            tools.addWidget(button)
        for action, text in ((self.undo_action, "↶"), (self.redo_action, "↷")):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setText(text)
            tools.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(tools)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        self._fill_bots(bot)

    @property
    def bot(self) -> str:
        return self.model.bot

    def set_store(self, store: MemoryStore, bot: str) -> None:
        self._store = store
        self.undo_stack.clear()  # the commands hold the old store
        self.model.set_source(store, bot)
        self._fill_bots(bot)

    def apply_change(self, change: MemoryChange) -> None:
        self.apply_changes([change])

    def apply_changes(self, changes: list[MemoryChange]) -> None:
        self.model.apply_changes(changes)
        for bot in {c.bot for c in changes}:
            if self.bot_box.findText(bot) < 0:
                self.bot_box.addItem(bot)

    def _filter_changed(self, _text: str) -> None:
        if self.model.total < FILTER_AT_ONCE_BELOW:
            self.apply_filter()
        else:
            self._filter_timer.start()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.filter.text())

    def reload(self) -> None:
        self.model.reload()
        self._fill_bots(self.bot)

    def _bot_names(self) -> list[str]:
        return [self.bot_box.itemText(i) for i in range(self.bot_box.count())]

    def _fill_bots(self, current: str) -> None:
        self.bot_box.blockSignals(True)
        self.bot_box.clear()
        self.bot_box.addItems(sorted(set(self._store.bots()) | {current}))
        self.bot_box.setCurrentText(current)
        self.bot_box.blockSignals(False)

    def _select_bot(self, name: str) -> None:
        name = name.strip()
        if name and name != self.bot:
            self.model.set_source(self._store, name)
            self.botChanged.emit(name)

    # -- hand edits ---------------------------------------------------------------------------

    def _current(self, key: str) -> str | None:
        return self._store.value(self.bot, key)

    # -- conflicts with other writers ----------------------------------------------------------
    # An edit is based on the value the panel showed. When the store holds something else by
    # the time it is applied (another process, a running dialog), the user chooses: Overwrite,
    # Keep the outside value, or Cancel. The question is asked after the table's editor has
    # closed (a modal box inside the view's commit would nest in its focus handling).

    def _shown(self, key: str) -> str | None:
        """The value the user saw for ``key``: at the start of the open edit, else the row."""
        seen = self.seen_delegate.seen_value(key)
        if seen is not None:
            return seen
        row = self.model.row_of(key)
        return None if row is None else self.model.entry(row).value

    def _conflicts(self, seen: dict[str, str | None], new: dict[str, str | None], label: str
                   ) -> list[Conflict]:
        """Keys whose stored value is no longer the one the user saw, unless it already is
        what the edit would make it (DatabaseError)."""
        out = []
        for key, was in seen.items():
            if changed_since(self._store, self.bot, key, was):
                outside = self._current(key)
                if outside != new[key] or label:
                    out.append(Conflict(key, outside, was, new[key], label))
        return out

    def _show_stored(self, keys: list[str]) -> None:
        """Keep outside value: the rows show the stored values now, without waiting for the
        outside watcher."""
        changes = []
        for key in keys:
            value = self._current(key)
            state = ChangeState.DELETED if value is None else ChangeState.LANDED
            changes.append(MemoryChange(self.bot, key, None, value, WriteSource(kind="outside"),
                                        state))
        self.model.apply_changes(changes)

    def _guarded(self, action: str, seen: dict[str, str | None], new: dict[str, str | None],
                 apply: Callable[[list[str]], None], label: str = "") -> bool:
        """``apply(keys)`` now when nothing conflicts (True); else ask first, soon (False).
        Overwrite applies all keys; Keep outside value applies the keys without a conflict.
        ``label`` describes the edit when it is not a new value (a rename)."""
        try:
            conflicts = self._conflicts(seen, new, label)
        except DatabaseError as exc:
            QMessageBox.warning(self, action, str(exc))
            return False
        if not conflicts:
            apply(list(seen))
            return True
        bot = self.bot

        def ask() -> None:
            if self.bot != bot:
                return  # another bot is shown now: the edit no longer applies
            choice = ask_conflict(self, action, conflicts)
            self.conflict_answered.emit(choice.value)
            clashing = {c.key for c in conflicts}
            try:
                if choice is ConflictChoice.OVERWRITE:
                    apply(list(seen))
                elif choice is ConflictChoice.KEEP:
                    rest = [k for k in seen if k not in clashing]
                    if rest:
                        apply(rest)
                    self._show_stored(sorted(clashing))
            except (ValueError, KeyError, DatabaseError) as exc:
                QMessageBox.warning(self, action, str(exc))

        QTimer.singleShot(0, ask)
        return False

    # -- hand edit operations -------------------------------------------------------------------

    def set_value(self, key: str, old: str | None, new: str) -> None:
        """Set (or add) ``key`` as one undoable step; ``old`` is the value the user saw (asks
        first when the store holds another value now)."""
        seen = self.seen_delegate.seen_value(key)
        seen = old if seen is None else seen

        def apply(_keys: list[str]) -> None:
            before = self._current(key)  # undo restores what the edit replaced
            what = "add" if before is None else "set"
            self.undo_stack.push(
                SetValuesCommand(self._store, self.bot, {key: before}, {key: new},
                                 f"{what} {key}"))

        self._guarded("Set value", {key: seen}, {key: new}, apply)

    def rename_key(self, old: str, new: str) -> bool:
        """Rename as one undoable step; a clash or a missing key is reported, not applied; a
        value changed by another writer since it was shown is asked about first."""
        new = new.strip()
        if not new or new == old:
            return False
        try:
            if self._store.get_entry(self.bot, new) is not None:
                raise ValueError(f"Key '{new}' already exists in bot '{self.bot}'.")
            if self._store.get_entry(self.bot, old) is None:
                raise ValueError(f"Key '{old}' no longer exists.")
        except (ValueError, KeyError, DatabaseError) as exc:
            QMessageBox.warning(self, "Rename key", str(exc))
            return False

        def apply(_keys: list[str]) -> None:
            self.undo_stack.push(RenameCommand(self._store, self.bot, old, new))

        return self._guarded("Rename key", {old: self._shown(old)}, {old: None}, apply,
                             label=f"renamed to {new!r}, keeping the outside value")

    def delete_keys(self, keys: list[str]) -> None:
        """Delete ``keys`` as one undoable step (undo writes their values back); keys whose
        value changed since shown are asked about first."""

        def apply(chosen: list[str]) -> None:
            before = {k: self._current(k) for k in chosen}
            before = {k: v for k, v in before.items() if v is not None}
            if before:
                self.undo_stack.push(
                    SetValuesCommand(
                        self._store,
                        self.bot,
                        before,
                        dict.fromkeys(before),
                        f"delete {len(before)} key(s)",
                    )
                )

        seen = {k: self._shown(k) for k in keys}
        self._guarded("Delete keys", seen, dict.fromkeys(keys), apply)

    def add_row(self) -> None:
        key, ok = QInputDialog.getText(self, "Add key", "Key:")
        if not ok or not key:
            return
        value, ok = QInputDialog.getText(self, "Add key", f"Value of {key}:")
        if ok:
            self.set_value(key, self._current(key), value)

    def ask_rename(self, key: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename key", f"New name for '{key}':", text=key)
        if ok:
            self.rename_key(key, new)

    def context_menu(self, pos: QPoint) -> QMenu:
        """The table's context menu for the row at viewport position ``pos``."""
        menu = QMenu(self)
        index = self.view.indexAt(pos)
        if index.isValid():
            key = self.model.entry(self.proxy.mapToSource(index).row()).key
            menu.addAction("Rename key…", lambda: self.ask_rename(key))
            value_index = index.siblingAtColumn(VALUE_COLUMN)
            menu.addAction("Edit value", lambda: self.view.edit(value_index))
            menu.addSeparator()
        menu.addAction("Add key…", self.add_row)
        menu.addAction(self.copy_action)
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        self.context_menu(pos).exec(self.view.viewport().mapToGlobal(pos))

    def copy_selected(self) -> None:
        """Selected rows as tab-separated key/value lines on the clipboard."""
        rows = sorted(
            {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        )
        lines = [f"{self.model.entry(r).key}\t{self.model.entry(r).value}" for r in rows]
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))

    def selected_keys(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.entry(r).key for r in sorted(rows)]

    def delete_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        answer = QMessageBox.question(
            self,
            "Delete keys",
            f"Delete {len(keys)} key(s) from bot '{self.bot}'?\n"
            + ", ".join(keys[:10])
            + (" …" if len(keys) > 10 else ""),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_keys(keys)

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export memory", f"{self.bot}.json", "JSON (*.json);;CSV (*.csv)"
        )
        if not path:
            return
        try:
            write = (
                self._store.export_csv if path.lower().endswith(".csv") else self._store.export_json
            )
            count = write(self.bot, path)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never fatal
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        QMessageBox.information(self, "Export", f"Exported {count} entries to {path}")

    def import_(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import memory", "", "JSON or CSV (*.json *.csv)"
        )
        if not path:
            return
        try:
            read = (
                self._store.import_csv if path.lower().endswith(".csv") else self._store.import_json
            )
            read(self.bot, path)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Import failed", str(exc))
            return
        self.reload()
