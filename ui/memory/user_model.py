"""Table model of one user's memory in one bot (``user_memories``), with REMEMBER expiries.

Unlike bot memory (100,000 keys, paged from the store), a user's memory holds the handful of
keys a conversation sets, so the model reads all of that user's (filtered) entries at once
and sorts them here; the store still does the filtering (the same LIKE rule as listings).

Reads and hand edits go through a runner (the panel's store worker: never on the GUI thread);
changes that arrive while a read is under way are applied again on top of its answer.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush

from app.db.database import error_message
from app.memory.user_memory import UserChangeState, UserMemories, UserMemoryChange, UserMemoryEntry

# The bot table's highlight of changed rows, so an outside change looks the same in both scopes.
from .model import FLASH_COLOR, FLASH_SECONDS, full_time, short_time
from .store_worker import StoreRunner, run_now

USER_COLUMNS = ("Key", "Value", "Created", "Updated", "Expires")
KEY_COLUMN = 0
VALUE_COLUMN = 1
EXPIRES_COLUMN = 4
# QTimer intervals are ints of milliseconds: a far expiry is re-checked after this instead.
_MAX_WAIT_MS = 3_600_000
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


class UserMemoryTableModel(QAbstractTableModel):
    """Rows of ``UserMemoryEntry`` for (bot, user); change events update single rows."""

    editFailed = Signal(str)  # a hand edit the store refused, with its reason
    loaded = Signal()  # a reload's rows (or its error) are in

    def __init__(self, memories: UserMemories | None, bot: str, user: str = "",
                 parent: Any = None, runner: StoreRunner = run_now) -> None:
        super().__init__(parent)
        self._run = runner
        self._generation = 0  # of the latest reload: older answers are dropped
        self._loading = False
        self._replay: list[UserMemoryChange] = []
        self._memories = memories
        self._bot, self._user = bot, user
        self._rows: list[UserMemoryEntry] = []
        self._filter = ""
        self._column, self._descending = KEY_COLUMN, False
        self.error = ""  # why user memory cannot be shown ("" when it can)
        self._flash: dict[str, float] = {}  # highlighted key -> when (changed outside)
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(200)
        self._flash_timer.timeout.connect(self._fade)
        # An expired entry leaves listings without any change event: drop it when it expires.
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setSingleShot(True)
        self._expiry_timer.timeout.connect(self.reload)
        self.reload()

    @property
    def bot(self) -> str:
        return self._bot

    @property
    def user(self) -> str:
        return self._user

    @property
    def memories(self) -> UserMemories | None:
        return self._memories

    @property
    def loading(self) -> bool:
        """A reload is being read."""
        return self._loading

    @property
    def filter(self) -> str:
        return self._filter

    def set_source(self, memories: UserMemories | None, bot: str, user: str) -> None:
        if (memories, bot, user) != (self._memories, self._bot, self._user):
            self._memories, self._bot, self._user = memories, bot, user
            self.reload()

    def set_filter(self, text: str) -> None:
        if text != self._filter:
            self._filter = text
            self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation, memories = self._generation, self._memories
        bot, user, text = self._bot, self._user, self._filter
        if memories is None or not user:
            self._loaded(generation, [], "")
            return
        self._loading, self._replay = True, []
        # A UserMemoryError (e.g. General Bots' cross-bot table) says why in ``error``.
        self._run(lambda: memories.list(bot, user, text),
                  lambda rows: self._loaded(generation, rows, ""),
                  lambda exc: self._loaded(generation, [], error_message(exc)))

    def _loaded(self, generation: int, rows: list[UserMemoryEntry], error: str) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows, self.error = list(rows), error
        self._flash.clear()
        self._rows.sort(key=self._sort_key, reverse=self._descending)
        self.endResetModel()
        self._loading = False
        replay, self._replay = self._replay, []
        if replay:
            self.apply_changes(replay)
        self._arm_expiry()
        self.loaded.emit()

    def _arm_expiry(self) -> None:
        soonest = min((e.expires_at for e in self._rows if e.expires_at), default=None)
        if soonest is None:
            self._expiry_timer.stop()
            return
        now = self._memories.clock() if self._memories is not None else dt.datetime.now(dt.UTC)
        wait = (soonest - now).total_seconds() * 1000
        self._expiry_timer.start(int(min(max(wait, 0) + 50, _MAX_WAIT_MS)))

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(USER_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return USER_COLUMNS[section]
        return None

    def entry(self, row: int) -> UserMemoryEntry:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        return next((i for i, e in enumerate(self._rows) if e.key == key), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            expires = short_time(e.expires_at) if e.expires_at else "never"
            return (e.key, e.value, short_time(e.created_at), short_time(e.updated_at), expires)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == EXPIRES_COLUMN:
                return (f"REMEMBERed: gone at {full_time(e.expires_at)}" if e.expires_at
                        else "Kept until deleted")
            if col >= 2:
                return full_time(e.created_at if col == 2 else e.updated_at)
            text = (e.key, e.value[:2000])[col]
            return text + (f" ({e.memory_type})" if e.memory_type != "preference" else "")
        if role == Qt.ItemDataRole.BackgroundRole and e.key in self._flash:
            return QBrush(FLASH_COLOR)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Values only: user memory has no rename (keys are the dialog's GET USER MEMORY names).
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == VALUE_COLUMN else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A hand edit of a value goes to the store; the row follows its change event."""
        if role != Qt.ItemDataRole.EditRole or index.column() != VALUE_COLUMN:
            return False
        entry = self._rows[index.row()]
        if str(value) == entry.value:
            return False
        try:
            self.set_value(entry.key, str(value))
        except ValueError as exc:  # UserMemoryError: told after the editor has closed
            why = str(exc)
            QTimer.singleShot(0, self, lambda: self.editFailed.emit(why))
            return False
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        # Selection and current cell are persistent indexes: they follow their keys.
        persistent = self.persistentIndexList()
        keys = [(self._rows[i.row()].key, i.column()) for i in persistent]
        self._column = column if 0 <= column < len(USER_COLUMNS) else KEY_COLUMN
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=self._sort_key, reverse=self._descending)
        rows = {e.key: i for i, e in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent, [self.index(rows[key], column) for key, column in keys])
        self.layoutChanged.emit()

    def _sort_key(self, e: UserMemoryEntry) -> tuple[Any, str]:
        field: Any = (e.key, e.value, e.created_at or _EPOCH, e.updated_at or _EPOCH,
                      e.expires_at or _NEVER)[self._column]
        return field, e.key

    # -- hand edits (no undo: undo is bot memory's, see MemoryPanel) ------------------------------

    def set_value(self, key: str, value: str) -> None:
        """Set or add ``key``; an existing REMEMBERed key keeps its expiry and its type (a hand
        edit changes the value, unlike SET USER MEMORY, which makes it permanent)."""
        if self._memories is None or not self._user:
            raise ValueError("no user is selected")
        memories, bot, user = self._memories, self._bot, self._user
        shown = next((e for e in self._rows if e.key == key), None)

        def write() -> None:  # on the runner's thread
            old = shown or next((e for e in memories.list(bot, user) if e.key == key), None)
            if old is None:
                memories.set(bot, user, key, value)
            else:
                memories.set(bot, user, key, value, old.memory_type, expires_at=old.expires_at)

        self._run(write, _ignore, lambda exc: self.editFailed.emit(str(exc)))

    def delete_keys(self, keys: list[str]) -> None:
        if self._memories is None or not self._user:
            return
        memories, bot, user = self._memories, self._bot, self._user
        self._run(lambda: memories.delete(bot, user, keys), _ignore,
                  lambda exc: self.editFailed.emit(str(exc)))

    # -- live updates ----------------------------------------------------------------------------

    def apply_changes(self, changes: list[UserMemoryChange]) -> None:
        if self._loading:  # the rows on their way may predate them
            self._replay.extend(changes)
        for change in changes:
            if (change.bot, change.user) == (self._bot, self._user):
                self._apply(change)
        self._arm_expiry()

    def _apply(self, change: UserMemoryChange) -> None:
        row = self.row_of(change.key)
        gone = (change.state is UserChangeState.DELETED or change.new is None
                or not _matches(self._filter, change.key, change.new))
        if gone:
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            return
        assert change.new is not None
        now = dt.datetime.now(dt.UTC)  # the local clock: display only, no read per event
        if row is not None:
            # In place (an open editor or the selection stays on it), even if the new value
            # sorts elsewhere now; the next reload or sort puts it in order.
            old = self._rows[row]
            self._rows[row] = UserMemoryEntry(self._user, change.key, change.new,
                                              change.memory_type, old.created_at, now,
                                              change.expires_at)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(USER_COLUMNS) - 1))
            return
        self._insert(UserMemoryEntry(self._user, change.key, change.new, change.memory_type,
                                     now, now, change.expires_at))

    def _insert(self, entry: UserMemoryEntry) -> None:
        """A new row at its place in the current order."""
        wanted = self._sort_key(entry)
        row = next((i for i, e in enumerate(self._rows)
                    if (self._sort_key(e) < wanted if self._descending
                        else self._sort_key(e) > wanted)), len(self._rows))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, entry)
        self.endInsertRows()


    def merge(self, entries: list[UserMemoryEntry]) -> set[str]:
        """Make the rows ``entries`` (this bot, user and filter read again from the store)
        row by row, keeping the selection and an open editor; returns the keys whose value,
        type or expiry changed (added and removed keys too). Timestamps follow silently."""
        fresh = {e.key: e for e in entries}
        changed: set[str] = set()
        for row in reversed(range(len(self._rows))):
            if self._rows[row].key not in fresh:
                changed.add(self._rows[row].key)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        # Rows left are all in ``fresh``: update them in place, then insert the new keys (a
        # lookup per entry with row_of would make a rescan quadratic in the user's keys).
        for row, old in enumerate(self._rows):
            entry = fresh[old.key]
            if old != entry:
                if (old.value, old.memory_type, old.expires_at) != (
                        entry.value, entry.memory_type, entry.expires_at):
                    changed.add(entry.key)
                self._rows[row] = entry
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(USER_COLUMNS) - 1))
        shown = {e.key for e in self._rows}
        for entry in entries:
            if entry.key not in shown:
                changed.add(entry.key)
                self._insert(entry)
        self._arm_expiry()
        return changed

    def flash(self, keys: set[str]) -> None:
        """Highlight the rows of ``keys`` for a moment (the bot table's look)."""
        now = time.monotonic()
        for key in keys:
            row = self.row_of(key)
            if row is not None:
                self._flash[key] = now
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(USER_COLUMNS) - 1),
                                      [Qt.ItemDataRole.BackgroundRole])
        if self._flash:
            self._flash_timer.start()

    def _fade(self) -> None:
        cutoff = time.monotonic() - FLASH_SECONDS
        for key in [k for k, t in self._flash.items() if t < cutoff]:
            del self._flash[key]
            row = self.row_of(key)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(USER_COLUMNS) - 1),
                                      [Qt.ItemDataRole.BackgroundRole])
        if not self._flash:
            self._flash_timer.stop()


def _ignore(_result: object) -> None:
    """The write's effect reaches the table through the change events."""


def _matches(filter: str, key: str, value: str) -> bool:
    f = filter.lower()
    return not f or f in key.lower() or f in value.lower()
