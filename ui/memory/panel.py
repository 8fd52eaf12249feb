"""The memory dock: the bot's keys and values, live, with undoable hand edits, import, export.

Every hand edit (set, add, delete, rename) is a QUndoCommand whose redo and undo both go
through the store, so a running script sees an undone value at its next GET exactly like an
edited one; the table then follows the store's change events.

A scope switch shows one user's memory of the bot instead (``user_memories``, SET USER
MEMORY / REMEMBER) in a second table, run by :class:`~ui.memory.user_scope.UserScope`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterator, Mapping

from PySide6.QtCore import QAbstractItemModel, QIdentityProxyModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.db.database import error_message
from app.memory.changes import HAND
from app.memory.store import MemoryChange, MemoryEntry, MemoryStore
from app.memory.user_memory import UserMemoryChange, UserMemoryEntry, user_memories

from .. import file_dialogs
from .conflicts import ConflictGuard, SeenDelegate
from .model import VALUE_COLUMN, MemoryTableModel
from .store_worker import OnError, StoreRunner, StoreWorker
from .user_scope import BOT_ONLY, UserScope, update_scope_buttons

Values = Mapping[str, "str | None"]  # key -> value, None = absent
Rows = Mapping[str, "MemoryEntry | None"]  # key -> stored row, None = absent


def _values(rows: Rows) -> dict[str, str | None]:
    return {k: None if row is None else row.value for k, row in rows.items()}
# A store-side filter costs a LIKE scan (~0.1 s at 100,000 keys): big tables filter after a
# pause in typing, small ones as you type.
FILTER_DELAY_MS = 250
FILTER_AT_ONCE_BELOW = 5000
BOT_SCOPE, USER_SCOPE = 0, 1  # scope_box indexes
__all__ = ["BOT_ONLY", "BOT_SCOPE", "USER_SCOPE", "MemoryPanel"]


def _apply(store: MemoryStore, bot: str, values: Values,
           rows: Mapping[str, MemoryEntry] | None = None) -> list[MemoryEntry]:
    """Make ``values`` true in the store: delete the absent ones, put back the ones ``rows``
    has as deleted rows (keeping their Created time), set the rest. Returns the put-back rows."""
    gone = [k for k, v in values.items() if v is None]
    if gone:
        store.delete(bot, gone)
    back = [rows[k] for k, v in values.items()
            if rows and v is not None and k in rows and rows[k].value == v]
    if back:
        store.restore(bot, back)
    restored = {e.key for e in back}
    for key, value in values.items():
        if value is not None and key not in restored:
            store.set(bot, key, value)
    return back


def _ignore(_result: object) -> None:
    """The write's effect reaches the table through the store's change events."""


class SetValuesCommand(QUndoCommand):
    """Set, add or delete keys: redo writes ``after``, undo writes ``before`` (on the
    panel's store worker, never on the GUI thread).

    With ``guard``, an undo (and a later redo) whose keys another writer changed or deleted
    since asks first, as the edit itself did: undoing must not silently overwrite a newer
    value nor bring back a row General Bots deleted. The question comes before the undo stack
    moves (:meth:`MemoryPanel.step`): Cancel, or Keep with no other key left to write, leaves
    the stack exactly as it was."""

    def __init__(self, run: StoreRunner, store: MemoryStore, bot: str, before: Values,
                 after: Values, text: str, failed: OnError,
                 rows: Mapping[str, MemoryEntry] | None = None,
                 restored: Callable[[list[MemoryEntry]], None] = _ignore,
                 guard: ConflictGuard | None = None) -> None:
        super().__init__(text)
        self.run, self.failed, self.restored = run, failed, restored
        self.store, self.bot = store, bot
        self.before, self.after = dict(before), dict(after)
        self.rows = dict(rows or {})  # the rows a delete removed: undo puts them back as were
        self.guard = guard
        self._done_once = False  # the first redo is the edit, checked before it was pushed
        self._keys: list[str] | None = None  # the next write's keys, as the answer left them

    def asks(self, undo: bool) -> bool:
        """Whether undoing (redoing) it asks about outside changes first."""
        return self.guard is not None and (undo or self._done_once)

    def ask(self, undo: bool, proceed: Callable[[list[str]], None]) -> None:
        """Compare the stored values with what the step expects (asking on a clash); then
        ``proceed(keys)`` with the keys to write, unless the answer leaves none."""
        assert self.guard is not None
        action, expected, target = (("Undo", self.after, self.before) if undo
                                    else ("Redo", self.before, self.after))
        self.guard.guarded(f"{action} {self.text()}", expected, target,
                           lambda keys, _stored: proceed(keys))

    def landed_as(self, landed: Mapping[str, list[tuple[str, str | None]]]) -> None:
        """Writes of ``{key: [(sent, held), ...]}`` landed as ``held`` (a trigger changed
        them), in that order: a redo's (``after``) or an undo's (``before``, and the row a
        delete's undo puts back, so the next undo still restores it with its Created time)."""
        for key in self.before.keys() & landed.keys():  # (walks the smaller of the two)
            for sent, held in landed[key]:
                if self.after.get(key) == sent:
                    self.after[key] = held
                if self.before[key] == sent:
                    self.before[key] = held
                    row = self.rows.get(key)
                    if row is not None and held is not None and row.value == sent:
                        self.rows[key] = dataclasses.replace(row, value=held)

    def only(self, keys: list[str]) -> None:
        """The next undo or redo writes these keys only (the others keep their value)."""
        self._keys = keys

    def redo(self) -> None:
        self._done_once = True
        self._write(self.after, {}, _ignore)

    def undo(self) -> None:
        self._write(self.before, self.rows, self.restored)

    def _write(self, target: Values, rows: Mapping[str, MemoryEntry],
               done: Callable[[list[MemoryEntry]], None]) -> None:
        keys, self._keys = self._keys, None
        values = {k: target[k] for k in (target if keys is None else keys)}
        store, bot = self.store, self.bot
        self.run(lambda: _apply(store, bot, values, rows), done, self.failed)


class RenameCommand(QUndoCommand):
    def __init__(self, run: StoreRunner, store: MemoryStore, bot: str, old: str, new: str,
                 failed: OnError) -> None:
        super().__init__(f"rename {old} to {new}")
        self.run, self.failed = run, failed
        self.store, self.bot, self.old, self.new = store, bot, old, new

    def redo(self) -> None:
        store, bot, old, new = self.store, self.bot, self.old, self.new
        self.run(lambda: store.rename(bot, old, new), _ignore, self.failed)

    def undo(self) -> None:
        store, bot, old, new = self.store, self.bot, self.old, self.new
        self.run(lambda: store.rename(bot, new, old), _ignore, self.failed)


class MemoryPanel(QWidget):
    botChanged = Signal(str)
    scopeChanged = Signal(int)  # BOT_SCOPE or USER_SCOPE
    conflict_answered = Signal(str)  # a ConflictChoice value, after the question was answered

    def __init__(self, store: MemoryStore, bot: str, parent: QWidget | None = None) -> None:
        for _piece in self._pieces(store, bot, parent):
            pass

    @classmethod
    def in_pieces(cls, store: MemoryStore, bot: str) -> Generator[None, None, MemoryPanel]:
        """The panel made in pieces (a few ms each), for the window's idle build: it yields
        between them (the event loop may turn there) and returns the panel when complete."""
        panel = cls.__new__(cls)
        yield from panel._pieces(store, bot, None)
        return panel

    def _pieces(self, store: MemoryStore, bot: str, parent: QWidget | None
                ) -> Iterator[None]:
        """The constructor, in the pieces ``in_pieces`` yields between. The panel is nobody's
        until its last piece: between two, only its model's load may reach it."""
        super().__init__(parent)
        self._store = store
        # Every database call of the bot table (listing, filtering, checks, hand edits)
        # runs here, off the GUI thread: a slow or remote PostgreSQL never freezes the window.
        self.worker = StoreWorker(self)
        self.undo_stack = QUndoStack(self)
        self.error_note = QLabel()
        self.error_note.setWordWrap(True)
        self.error_note.setStyleSheet("color:#c62828;")
        self.error_note.hide()
        self.model = MemoryTableModel(store, bot, self, runner=self.worker)
        self.model.loadFailed.connect(self._show_error)
        self.model.loaded.connect(self.error_note.hide)
        self.model.apply_set = self.set_value
        self.model.apply_rename = self.rename_key
        # Sorting and filtering are the store's (see MemoryTableModel); the identity proxy only
        # passes them through, and keeps a proxy/source split for the view code.
        self.proxy = QIdentityProxyModel(self)
        self.proxy.setSourceModel(self.model)
        # The conversation's user, offered in user scope (the window reads its runner's).
        self.current_user: Callable[[], str] = lambda: ""

        self.scope_box = QComboBox()
        self.scope_box.addItems(["Bot memory", "User memory"])
        self.scope_box.setToolTip("Show the bot's memory, or one user's memory of the bot")
        self.scope_box.currentIndexChanged.connect(self._scope_changed)

        self.bot_box = QComboBox()
        self.bot_box.setEditable(True)
        self.bot_box.setToolTip("Bot whose memory is shown (and used by Run)")
        self.bot_box.activated.connect(lambda _i: self._select_bot(self.bot_box.currentText()))
        bot_edit = self.bot_box.lineEdit()
        assert bot_edit is not None  # an editable combo box has its line edit
        bot_edit.editingFinished.connect(lambda: self._select_bot(self.bot_box.currentText()))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter keys and values")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        yield

        self.view = self._table(self.proxy)
        # A reload (filter, sort, bot) shows its first page from the top; left scrolled to the
        # old bottom, the view would at once ask for the page after it.
        self.model.loaded.connect(self.view.scrollToTop)
        self.seen_delegate = SeenDelegate(self, self)
        self.view.setItemDelegate(self.seen_delegate)
        self.guard = ConflictGuard(self, self.seen_delegate)
        yield
        # Two tables rather than one view switching models: the History dock follows the
        # bot table's current row, and each table keeps its own sort, selection and scroll.
        self.user_scope = UserScope(user_memories(store), bot, lambda: self.current_user(),
                                    self._table, self, runner=self.worker)
        self.user_model, self.user_view = self.user_scope.model, self.user_scope.view
        self.user_box, self.user_note = self.user_scope.box, self.user_scope.note
        self.tables = QStackedWidget()
        self.tables.addWidget(self.view)
        self.tables.addWidget(self.user_view)
        yield

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo memory edit")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo memory edit")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, undo in ((self.undo_action, True), (self.redo_action, False)):
            # The stack keeps the actions' text and state; a step goes through the question.
            action.triggered.disconnect()
            action.triggered.connect(lambda _=False, undo=undo: self.step(undo))
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
        self.user_view.addActions([self.copy_action, self.delete_action])  # no undo there

        # Two rows (scope and bot, then the buttons): one row made the column too wide for
        # the editor to keep half of a 1280-pixel window while debugging.
        choices = QHBoxLayout()
        choices.addWidget(self.scope_box)
        choices.addWidget(self.bot_box, 1)
        choices.addWidget(self.user_box, 1)
        tools = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        self._bot_tips: dict[str, str] = {}  # tooltips of buttons that change with the scope
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
            self.buttons[text], self._bot_tips[text] = button, tip
        for action, text in ((self.undo_action, "↶"), (self.redo_action, "↷")):
            # Not the action as default action: the button's state and tooltip also follow
            # the scope (undo is bot memory's), see _update_buttons.
            button = QToolButton()
            button.setText(text)
            button.clicked.connect(action.trigger)
            action.changed.connect(self._update_buttons)
            tools.addWidget(button)
            self.buttons[text] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        tools.addStretch(1)
        layout.addLayout(choices)
        layout.addLayout(tools)
        layout.addWidget(self.filter)
        layout.addWidget(self.user_note)
        layout.addWidget(self.error_note)
        layout.addWidget(self.tables, 1)
        self._fill_bots(bot)
        self._update_buttons()

    def _table(self, model: QAbstractItemModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(22)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        view.setColumnWidth(0, 130)
        for column in range(2, model.columnCount()):
            view.setColumnWidth(column, 72)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda pos: self.context_menu(pos).exec(view.viewport().mapToGlobal(pos)))
        return view

    @property
    def bot(self) -> str:
        return self.model.bot

    @property
    def store(self) -> MemoryStore:
        return self._store

    @property
    def widget(self) -> QWidget:
        return self  # for the EditedPanel protocol: the parent of the conflict question

    @property
    def scope(self) -> int:
        return self.scope_box.currentIndex()

    def release_store(self) -> None:
        """Before the store closes (database switch, exit): the worker thread's connection
        goes first, so nothing of this process keeps the database files open."""
        self.worker.run_last(self._store.release_thread_connection)

    def set_store(self, store: MemoryStore, bot: str) -> None:
        self._store = store
        self.undo_stack.clear()  # the commands hold the old store
        self.model.set_source(store, bot)
        self.user_scope.set_source(user_memories(store), bot)
        self._fill_bots(bot)

    def apply_change(self, change: MemoryChange) -> None:
        self.apply_changes([change])

    def apply_changes(self, changes: list[MemoryChange]) -> None:
        self.model.apply_changes(changes)
        self._landed_as(changes)
        for bot in {c.bot for c in changes}:
            if self.bot_box.findText(bot) < 0:
                self.bot_box.addItem(bot)

    def _landed_as(self, changes: list[MemoryChange]) -> None:
        """Hand edits a trigger changed as they were written: the edits that wrote them
        expect what the database holds, so their undo does not ask about a change nobody
        else made. Hand edits only, and the undo stack walked once per delivery: a dialog's
        writes a trigger changed (~1,000 a delivery), each looked for in the whole stack,
        held the GUI thread ~160 ms with 200 edits in it."""
        landed: dict[str, dict[str, list[tuple[str, str | None]]]] = {}
        for c in changes:
            if c.sent is not None and c.source == HAND:
                landed.setdefault(c.bot, {}).setdefault(c.key, []).append((c.sent, c.new))
        if not landed:
            return
        stack = self.undo_stack
        for i in range(stack.count()):
            command = stack.command(i)
            if isinstance(command, SetValuesCommand) and command.bot in landed:
                command.landed_as(landed[command.bot])

    def apply_user_changes(self, changes: list[UserMemoryChange]) -> None:
        """User memory writes of this process, from the bridge (other processes' writes are
        the user scope's own polling, see UserScope)."""
        self.user_scope.apply_changes(changes)

    def select_user(self, user: str) -> None:
        self.user_scope.select_user(user)

    # -- scope ------------------------------------------------------------------------------------

    def _scope_changed(self, scope: int) -> None:
        self.tables.setCurrentIndex(scope)
        self.user_scope.set_active(scope == USER_SCOPE)
        self.apply_filter()  # the filter box is shared; each model keeps its own filter
        self._update_buttons()
        self.scopeChanged.emit(scope)

    def _update_buttons(self) -> None:
        update_scope_buttons(self.buttons, self._bot_tips, self.undo_action, self.redo_action,
                             self.scope == USER_SCOPE)

    def step(self, undo: bool) -> None:
        """Undo (redo) the next memory edit; one whose keys changed outside asks first, and
        the stack moves only when the answer writes something (it stays on Cancel)."""
        stack = self.undo_stack
        index = stack.index()
        if not (stack.canUndo() if undo else stack.canRedo()):
            return
        command = stack.command(index - 1 if undo else index)
        move = stack.undo if undo else stack.redo
        if not (isinstance(command, SetValuesCommand) and command.asks(undo)):
            move()
            return

        def proceed(keys: list[str]) -> None:
            if stack.index() != index or stack.command(index - 1 if undo else index) \
                    is not command:
                return  # the stack moved while the question was open: it no longer applies
            command.only(keys)
            move()

        command.ask(undo, proceed)

    def _filter_changed(self, _text: str) -> None:
        if self.scope == USER_SCOPE or self.model.total < FILTER_AT_ONCE_BELOW:
            self.apply_filter()
        else:
            self._filter_timer.start()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        model = self.user_model if self.scope == USER_SCOPE else self.model
        model.set_filter(self.filter.text())

    def reload(self) -> None:
        self.model.reload()
        self._fill_bots(self.bot)
        self.user_scope.reload()

    def _fill_bots(self, current: str) -> None:
        """The bot list: ``current`` at once, the database's bots when the worker has them."""
        self._set_bots([current], current)
        self.worker(self._store.bots,
                    lambda bots: self._set_bots(sorted(set(bots) | {self.bot}), self.bot),
                    self._show_error)

    def _set_bots(self, names: list[str], current: str) -> None:
        edit = self.bot_box.lineEdit()
        if edit is not None and edit.hasFocus():
            return  # the user is typing a bot name: the list can wait
        self.bot_box.blockSignals(True)
        self.bot_box.clear()
        self.bot_box.addItems(names)
        self.bot_box.setCurrentText(current)
        self.bot_box.blockSignals(False)

    def _show_error(self, error: Exception | str) -> None:
        text = error if isinstance(error, str) else error_message(error)
        self.error_note.setText(f"Cannot read the memory: {text}")
        self.error_note.show()

    def _edit_failed(self, action: str) -> OnError:
        return lambda exc: QMessageBox.warning(self, action, error_message(exc))

    def _select_bot(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.bot:
            return
        check = getattr(self._store, "check_bot", None)
        if check is None:
            self._use_bot(name)
            return
        # app.db.bots may ask the database whether the bot exists: off the GUI thread, like
        # every other store call of the panel.
        self.worker(lambda: check(name), lambda _found: self._use_bot(name), self._refuse_bot)

    def _use_bot(self, name: str) -> None:
        self.show_bot(name)
        self.botChanged.emit(name)  # the user's explicit choice

    def _refuse_bot(self, error: Exception | str) -> None:
        """The bot does not exist and may not be added (a General Bots database names its
        bots; a name two bots share is ambiguous): say why and keep the current one."""
        self.bot_box.blockSignals(True)
        self.bot_box.setCurrentText(self.bot)
        self.bot_box.blockSignals(False)
        QMessageBox.warning(self, "Bot", str(error))

    def show_bot(self, name: str) -> None:
        """Show ``name``'s memory (the window chose the bot; no botChanged)."""
        self.model.set_source(self._store, name)
        self.user_scope.set_source(self.user_model.memories, name)
        if self.bot_box.currentText() != name:
            self._fill_bots(name)

    # -- hand edits ---------------------------------------------------------------------------

    def set_value(self, key: str, old: str | None, new: str) -> None:
        """Set (or add) ``key`` as one undoable step; ``old`` is the value the user saw (asks
        first when the store holds another value now)."""
        seen = self.seen_delegate.seen_value(key)
        seen = old if seen is None else seen

        def apply(_keys: list[str], rows: Rows) -> None:
            before = _values(rows)[key]  # undo restores what the edit replaced
            what = "add" if before is None else "set"
            self.undo_stack.push(
                SetValuesCommand(self.worker, self._store, self.bot, {key: before}, {key: new},
                                 f"{what} {key}", self._edit_failed("Set value"),
                                 guard=self.guard))

        self.guard.guarded("Set value", {key: seen}, {key: new}, apply)

    def rename_key(self, old: str, new: str) -> bool:
        """Rename as one undoable step; a clash or a missing key is reported, not applied; a
        value changed by another writer since it was shown is asked about first."""
        new = new.strip()
        if not new or new == old:
            return False

        def check(store: MemoryStore, bot: str) -> None:  # on the worker
            if store.get_entry(bot, new) is not None:
                raise ValueError(f"Key '{new}' already exists in bot '{bot}'.")
            if store.get_entry(bot, old) is None:
                raise ValueError(f"Key '{old}' no longer exists.")

        def apply(_keys: list[str], _rows: Rows) -> None:
            self.undo_stack.push(RenameCommand(self.worker, self._store, self.bot, old, new,
                                               self._edit_failed("Rename key")))

        return self.guard.guarded("Rename key", {old: self.guard.shown(old)}, {old: None},
                                  apply, label=f"renamed to {new!r}, keeping the outside value",
                                  check=check)

    def delete_keys(self, keys: list[str]) -> None:
        """Delete ``keys`` as one undoable step (undo writes their values back); keys whose
        value changed since shown are asked about first."""

        def apply(chosen: list[str], rows: Rows) -> None:
            kept = {k: row for k in chosen if (row := rows[k]) is not None}
            if kept:
                self.undo_stack.push(SetValuesCommand(
                    self.worker, self._store, self.bot, _values(kept), dict.fromkeys(kept),
                    f"delete {len(kept)} key(s)", self._edit_failed("Delete keys"),
                    rows=kept, restored=self.model.apply_entries, guard=self.guard))

        seen = {k: self.guard.shown(k) for k in keys}
        self.guard.guarded("Delete keys", seen, dict.fromkeys(keys), apply)

    def add_row(self) -> None:
        key, ok = QInputDialog.getText(self, "Add key", "Key:")
        if not ok or not key:
            return
        value, ok = QInputDialog.getText(self, "Add key", f"Value of {key}:")
        if not ok:
            return
        if self.scope == USER_SCOPE:
            self.user_scope.edit("Add key", lambda: self.user_model.set_value(key, value))
        else:
            shown = self.guard.shown(key)  # a key not loaded counts as unseen: asks if stored
            self.set_value(key, shown, value)

    def ask_rename(self, key: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename key", f"New name for '{key}':", text=key)
        if ok:
            self.rename_key(key, new)

    def context_menu(self, pos: QPoint) -> QMenu:
        """The table's context menu for the row at viewport position ``pos``."""
        menu = QMenu(self)
        if self.scope == USER_SCOPE:
            return self.user_scope.fill_menu(menu, pos, self.add_row,
                                             [self.copy_action, self.delete_action])
        index = self.view.indexAt(pos)
        if index.isValid():
            key = self.model.entry(self.proxy.mapToSource(index).row()).key
            menu.addAction("Rename key…", lambda: self.ask_rename(key))
            value_index = index.siblingAtColumn(VALUE_COLUMN)
            menu.addAction("Edit value", lambda: self.view.edit(value_index))
            menu.addSeparator()
        menu.addAction("Add key…", self.add_row)
        menu.addActions([self.copy_action, self.delete_action])
        menu.addSeparator()
        menu.addActions([self.undo_action, self.redo_action])
        return menu

    def edit_command(self, name: str) -> bool:
        """Edit menu's undo, redo or copy while the table has focus; False for the others."""
        action = {"undo": self.undo_action, "redo": self.redo_action,
                  "copy": self.copy_action}.get(name)
        if action is None or self.view.state() == QAbstractItemView.State.EditingState:
            return False
        action.trigger()
        return True

    def copy_selected(self) -> None:
        """Selected rows as tab-separated key/value lines on the clipboard."""
        entries = self._selected_entries()
        if entries:
            QGuiApplication.clipboard().setText("\n".join(f"{e.key}\t{e.value}" for e in entries))

    def _selected_entries(self) -> list[MemoryEntry] | list[UserMemoryEntry]:
        """The selected rows' entries (bot or user memory, as the scope shows)."""
        if self.scope == USER_SCOPE:
            return self.user_scope.selected_entries()
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.entry(r) for r in sorted(rows)]

    def selected_keys(self) -> list[str]:
        return [e.key for e in self._selected_entries()]

    def delete_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        user = self.scope == USER_SCOPE
        where = self.user_scope.where() if user else f"bot '{self.bot}'"
        listed = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
        answer = QMessageBox.question(self, "Delete keys",
                                      f"Delete {len(keys)} key(s) from {where}?\n{listed}")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if user:
            self.user_scope.edit("Delete keys", lambda: self.user_model.delete_keys(keys))
        else:
            self.delete_keys(keys)

    def export(self) -> None:
        path = file_dialogs.save_file_name(
            self, "Export memory", f"{self.bot}.json", "JSON (*.json);;CSV (*.csv)")
        self._transfer("Export", path, self._store.export_csv, self._store.export_json,
                       lambda count: QMessageBox.information(
                           self, "Export", f"Exported {count} entries to {path}"))

    def import_(self) -> None:
        path = file_dialogs.open_file_name(self, "Import memory", "",
                                              "JSON or CSV (*.json *.csv)")
        self._transfer("Import", path, self._store.import_csv, self._store.import_json,
                       lambda _count: self.reload())

    def _transfer(self, what: str, path: str, csv: Callable[[str, str], int],
                  json: Callable[[str, str], int], done: Callable[[int], object]) -> None:
        """Export or import this bot's memory as ``path``'s format on the worker; ``done(count)``
        after, a failure is shown."""
        if not path:
            return
        transfer, bot = (csv if path.lower().endswith(".csv") else json), self.bot
        self.worker(lambda: transfer(bot, path), done,
                    lambda exc: QMessageBox.warning(self, f"{what} failed", str(exc)))
