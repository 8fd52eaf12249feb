"""The memory panel's user scope: one user's memory of the bot (``user_memories``).

:class:`UserScope` owns the user picker, the user table's model and the user-only parts of
the panel's toolbar, context menu and hand edits (values set, added and deleted directly: no
undo, history or conflict questions, which are bot memory's).

Writes of this process (SET USER MEMORY / REMEMBER of the IDE's runner, hand edits) arrive
through the bridge's ``userMemoryChanged``. Writes of another process (``talkbench`` in a
terminal, a second Talkbench, a General Bots server) have no event: while the scope is shown
it polls the database's cheap change probe (``UserMemories.probe``: SQLite's data_version,
on PostgreSQL the bot's row count and newest stamp, like the outside watcher of bot memory),
and when it moves re-reads the user's rows and the bot's users, diffing them with the table.
Rows changed by nothing of ours are highlighted like the bot table's outside changes.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QMessageBox,
    QTableView,
    QToolButton,
    QWidget,
)

from app.memory.user_memory import UserMemories, UserMemoryChange, UserMemoryEntry

from .store_worker import StoreRunner, run_now
from .user_model import VALUE_COLUMN, UserMemoryTableModel

log = logging.getLogger(__name__)

POLL_MS = 300  # outside writes show within about a second; a probe costs microseconds
BOT_ONLY = "{} covers bot memory only (switch the scope to Bot memory)"
_UNSET = object()


class _OwnWrites:
    """This process's user memory writes not yet seen in the table: (bot, user, key) -> new
    value (None: deleted). Plain Python, called on the writing thread under UserMemories'
    lock (no Qt object is touched there), so a re-read under that lock can tell them apart."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str, str], str | None] = {}

    def record(self, change: UserMemoryChange) -> None:
        with self._lock:
            self._values[(change.bot, change.user, change.key)] = change.new

    def delivered(self, change: UserMemoryChange) -> None:
        with self._lock:
            key = (change.bot, change.user, change.key)
            if self._values.get(key, _UNSET) == change.new:
                del self._values[key]

    def explains(self, bot: str, user: str, key: str, value: str | None) -> bool:
        """Whether ``value`` (read from the database) is a write of ours; consumes it."""
        with self._lock:
            if self._values.get((bot, user, key), _UNSET) == value:
                del self._values[(bot, user, key)]
                return True
            return False

    def keep_only(self, bot: str, user: str) -> None:
        """Other users' writes no longer matter: switching to them reloads the table."""
        with self._lock:
            self._values = {k: v for k, v in self._values.items() if k[:2] == (bot, user)}


class UserScope(QObject):
    """User picker + user table model of the panel's bot, followed live (see module doc)."""

    outsideChanged = Signal(list)  # keys of the shown user changed by another process

    def __init__(self, memories: UserMemories | None, bot: str, current_user: Callable[[], str],
                 make_view: Callable[[QAbstractItemModel], QTableView], parent: QWidget,
                 runner: StoreRunner = run_now) -> None:
        super().__init__(parent)
        self._parent = parent
        self._run = runner  # every read and edit: the panel's worker, off the GUI thread
        self._current_user = current_user  # the conversation's user, offered in the picker
        self._active = False
        self._probing = False  # a probe is under way: the poll timer does not ask again
        self.model = UserMemoryTableModel(memories, bot, "", self, runner=runner)
        self.model.editFailed.connect(lambda why: QMessageBox.warning(parent, "Set value", why))
        self.model.loaded.connect(self._show_note)
        self.view = make_view(self.model)

        self.box = QComboBox()
        self.box.setEditable(True)
        self.box.setToolTip("User whose memory is shown (type a new user id to add one)")
        self.box.activated.connect(lambda _i: self.select_user(self.box.currentText()))
        edit = self.box.lineEdit()
        assert edit is not None  # an editable combo box has its line edit
        edit.editingFinished.connect(lambda: self.select_user(self.box.currentText()))
        self.box.hide()
        self.note = QLabel()  # why user memory is unavailable, when it is
        self.note.setWordWrap(True)
        self.note.hide()

        self._own = _OwnWrites()
        # A list the destroyed handler shares: the handler must not touch ``self`` (its C++
        # side is gone by then) yet must end whichever subscription is current.
        subscription: list[Callable[[], None]] = [lambda: None]
        self._subscription = subscription
        self.destroyed.connect(lambda *_: subscription[0]())
        self._subscribe(memories)
        self._probe: object = _UNSET
        # Polls whose probe had not moved since the last re-read: two more than a moment ago
        # means every commit before that moment has been looked at (tests wait on it).
        self.settled = 0
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._poll)

    @property
    def active(self) -> bool:
        return self._active

    @property
    def user(self) -> str:
        return self.model.user

    # -- source, scope and user -------------------------------------------------------------------

    def set_active(self, active: bool) -> None:
        """The panel's scope switch: show the picker and start following outside writes."""
        self._active = active
        self.box.setVisible(active)
        self.note.setVisible(active and bool(self.model.error))
        if active:
            self.fill_users()
            self._probe = _UNSET  # the first poll re-reads: writes made while hidden show too
            self._poll_timer.start()
        else:
            self._poll_timer.stop()

    def set_source(self, memories: UserMemories | None, bot: str) -> None:
        """Another database (``memories``) or bot; the chosen user stays."""
        if memories is not self.model.memories:
            self._subscribe(memories)
        self.model.set_source(memories, bot, self.model.user)
        self._probe = _UNSET
        if self._active:
            self.fill_users()

    def reload(self) -> None:
        self.model.reload()
        if self._active:
            self.fill_users()

    def fill_users(self) -> None:
        """Users with memory in the bot, plus the conversation's user; keeps the choice."""
        memories, bot = self.model.memories, self.model.bot
        if memories is None:
            self._show_users(bot, set())
            return
        # A failure (UserMemoryError): the model's reload says why.
        self._run(lambda: set(memories.users(bot)), lambda users: self._show_users(bot, users),
                  lambda _exc: self._show_users(bot, set()))

    def _show_users(self, bot: str, users: set[str]) -> None:
        if bot != self.model.bot:
            return  # another bot is shown now
        chosen = self.model.user or self._current_user()
        users |= {u for u in (chosen, self._current_user()) if u}
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItems(sorted(users))
        self.box.setCurrentText(chosen)
        self.box.blockSignals(False)
        self.select_user(chosen)

    def select_user(self, user: str) -> None:
        """Show ``user``'s memory of the current bot (a new id shows an empty table)."""
        user = user.strip()
        if user != self.box.currentText():
            self.box.setCurrentText(user)
        self.model.set_source(self.model.memories, self.model.bot, user)
        self._show_note()

    def _show_note(self) -> None:
        self.note.setText(f"User memory is unavailable: {self.model.error}")
        self.note.setVisible(self._active and bool(self.model.error))

    def _add_users(self, users: list[str]) -> None:
        """New users join the picker in order; the text being typed or shown stays."""
        known = [self.box.itemText(i) for i in range(self.box.count())]
        new = sorted({u for u in users if u and u not in known})
        if not new:
            return
        text = self.box.currentText()
        self.box.blockSignals(True)
        for user in new:
            index = bisect.bisect(known, user) if known == sorted(known) else len(known)
            self.box.insertItem(index, user)
            known.insert(index, user)
        if self.box.currentText() != text:
            self.box.setEditText(text)
        self.box.blockSignals(False)

    # -- live updates -----------------------------------------------------------------------------

    def apply_changes(self, changes: list[UserMemoryChange]) -> None:
        """This process's writes (SET USER MEMORY, REMEMBER, hand edits), from the bridge."""
        for change in changes:
            self._own.delivered(change)
        self.model.apply_changes(changes)
        self._add_users([c.user for c in changes if c.bot == self.model.bot])

    def _subscribe(self, memories: UserMemories | None) -> None:
        # Directly, not through the bridge: the record must exist before the write's lock is
        # released, or a re-read could see our own write and call it an outside one.
        self._subscription[0]()
        self._subscription[0] = (memories.subscribe(self._own.record) if memories
                                 else lambda: None)

    def _poll(self) -> None:
        memories = self.model.memories
        # Hidden (dock closed or behind another tab, window closing): nothing to show; the
        # probe has moved when it is shown again, so the re-read catches up then.
        if memories is None or not self._parent.isVisible() or self._probing:
            return
        bot = self.model.bot
        self._probing = True

        def moved(probe: object) -> None:
            self._probing = False
            if probe == self._probe:
                self.settled += 1
            elif bot == self.model.bot:
                self._probe = probe
                self.rescan()

        def failed(exc: Exception) -> None:
            self._probing = False
            log.debug("user memory probe failed: %s", exc)

        self._run(lambda: memories.probe(bot), moved, failed)

    def rescan(self) -> None:
        """Re-read the shown user's rows and the bot's users; show what changed, highlighting
        the rows no write of this process explains."""
        memories, bot, user = self.model.memories, self.model.bot, self.model.user
        if memories is None:
            return
        text = self.model.filter
        self._run(lambda: memories.snapshot(bot, user, text),
                  lambda found: self._rescanned(bot, user, text, *found),
                  # e.g. General Bots' table: the note says why
                  lambda exc: log.debug("user memory re-read failed: %s", exc))

    def _rescanned(self, bot: str, user: str, text: str, users: list[str],
                   entries: list[UserMemoryEntry]) -> None:
        if (bot, user, text) != (self.model.bot, self.model.user, self.model.filter):
            return  # another user, bot or filter is shown now: its own read follows
        if not self._active:
            return  # bot scope was chosen meanwhile: coming back re-reads (set_active)
        self._add_users(users)
        if not user or self.model.error or self.model.loading:
            return  # (loading: the reload under way brings the rows)
        self._own.keep_only(bot, user)
        values = {e.key: e.value for e in entries}
        changed = self.model.merge(entries)
        outside = {k for k in changed if not self._own.explains(bot, user, k, values.get(k))}
        if outside:
            self.model.flash(outside)
            self.outsideChanged.emit(sorted(outside))

    # -- hand edits, menu, selection --------------------------------------------------------------

    def edit(self, action: str, edit: Callable[[], object]) -> None:
        """Run a hand edit; a refusal (no user, NUL, unavailable table) is shown, not raised."""
        try:
            edit()
        except ValueError as exc:  # UserMemoryError, or no user selected
            QMessageBox.warning(self._parent, action, str(exc))

    def where(self) -> str:
        return f"user '{self.model.user}' in bot '{self.model.bot}'"

    def fill_menu(self, menu: QMenu, pos: QPoint, add_row: Callable[[], None],
                  actions: list[QAction]) -> QMenu:
        """The user table's context menu at viewport position ``pos`` (no rename, no undo)."""
        index = self.view.indexAt(pos)
        if index.isValid():
            value_index = index.siblingAtColumn(VALUE_COLUMN)
            menu.addAction("Edit value", lambda: self.view.edit(value_index))
            menu.addSeparator()
        menu.addAction("Add key…", add_row)
        menu.addActions(actions)
        return menu

    def selected_entries(self) -> list[UserMemoryEntry]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.entry(r) for r in sorted(rows)]


def update_scope_buttons(buttons: dict[str, QToolButton], bot_tips: dict[str, str],
                         undo: QAction, redo: QAction, user: bool) -> None:
    """Undo, redo, export and import are bot memory's: disabled in user scope, saying why."""
    for text, action, what in (("↶", undo, "Undo"), ("↷", redo, "Redo")):
        buttons[text].setEnabled(action.isEnabled() and not user)
        buttons[text].setToolTip(BOT_ONLY.format(what) if user else action.text())
    for text in ("Export…", "Import…"):
        buttons[text].setEnabled(not user)
        buttons[text].setToolTip(BOT_ONLY.format(text.rstrip("…")) if user else bot_tips[text])
