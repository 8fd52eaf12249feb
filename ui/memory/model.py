"""Table model of one bot's memory: loads pages lazily, then follows the store's change events.

Sorting and filtering happen in the store (SQL ORDER BY / LIKE with paging), never over the
loaded rows, so they stay correct and cheap with 100,000 keys of which only a page is loaded.

Every read goes through a runner: in the panel a :class:`~ui.memory.store_worker.StoreWorker`, so
the GUI thread never waits for the database. A load answers later; the changes that arrive
meanwhile are applied to the rows shown and again on top of the loaded page (the page may have
been read before them), and an answer to an older request (the filter changed again) is
dropped.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.db.database import error_message
from app.memory.store import ChangeState, MemoryChange, MemoryEntry, MemoryStore

from .store_worker import StoreRunner, run_now

COLUMNS = ("Key", "Value", "Created", "Updated")
ORDER_FIELDS = ("key", "value", "created_at", "updated_at")  # MemoryStore.list order_by
KEY_COLUMN = 0
VALUE_COLUMN = 1
PAGE_SIZE = 500
FLASH_SECONDS = 0.8
_PENDING_COLOR = QColor("#8a8a8a")
REFUSED_COLOR = QColor("#c0392b")
FLASH_COLOR = QColor(255, 214, 0, 80)  # translucent: light text stays readable on dark
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the table's only parent; immutable, so one instance is enough
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)
_PENDING = ChangeState.PENDING
_LANDED = ChangeState.LANDED
_new_entry = object.__new__
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_ANSWERED = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _FOREGROUND, _FONT, _BACKGROUND))


def _entry(
    key: str, value: str, created: dt.datetime | None, updated: dt.datetime | None, pending: bool
) -> MemoryEntry:
    """``MemoryEntry(...)`` without the frozen dataclass ``__init__`` (one ``object.__setattr__``
    per field): the model rebuilds an entry per change, thousands a second during a loop."""
    entry = _new_entry(MemoryEntry)
    d = entry.__dict__
    d["key"], d["value"], d["created_at"], d["updated_at"], d["pending"] = (
        key, value, created, updated, pending)
    return entry


def short_time(value: dt.datetime | None) -> str:
    """Compact: the time for today's changes, else the date (full stamp in the tooltip)."""
    if value is None:
        return ""
    return _short_time(value, dt.date.today())


@functools.lru_cache(maxsize=2048)
def _short_time(value: dt.datetime, today: dt.date) -> str:
    # Cached: a repaint asks for every visible row's two stamps, and during a write loop the
    # rows share a handful of stamps (one per batch); astimezone + strftime are ~5 µs each.
    local = value.astimezone()
    return local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d")


def full_time(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if value else ""


class MemoryTableModel(QAbstractTableModel):
    """Rows of ``MemoryEntry``; a change event updates only the affected row."""

    loaded = Signal()  # a reload's rows are in
    loadFailed = Signal(str)  # why the rows could not be read

    def __init__(self, store: MemoryStore, bot: str, parent: Any = None,
                 runner: StoreRunner = run_now) -> None:
        super().__init__(parent)
        self._store = store
        self._bot = bot
        self._run = runner
        self._generation = 0  # of the latest reload: older answers are dropped
        self._loading = False
        self._fetching = False
        self._replay: list[MemoryChange] = []  # changes seen while a reload was under way
        self._rows: list[MemoryEntry] = []
        self._row_of: dict[str, int] = {}
        self._total = 0
        # Keys written live that sort after the loaded rows, already counted in _total once.
        self._counted_unloaded: set[str] = set()
        self._flash: dict[str, float] = {}
        # Keys whose last write the database refused for good: key -> its reason. The row
        # shows the refused value in red until the key is written again or reloaded.
        self.refused: dict[str, str] = {}
        # Keys whose write failed for now (e.g. the database stayed locked): retried, shown
        # in red with the reason until they land.
        self.failing: dict[str, str] = {}
        # Inside apply_changes, repaints wait for its end: the (first, last) row touched so far.
        self._batching = False
        self._dirty: tuple[int, int] | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(200)
        self._flash_timer.timeout.connect(self._fade)
        self._flags: dict[int, Qt.ItemFlag] = {}  # a valid index's flags by column
        self._filter = ""
        self._order_by = "key"
        self._descending = False
        self.rows_read = 0  # rows read from the store since the last reload (lazy loading)
        # Who applies hand edits: the panel routes them through its undo stack.
        self.apply_set: Callable[[str, str | None, str], None] = lambda key, _old, new: (
            self._store.set(self._bot, key, new)
        )
        self.apply_rename: Callable[[str, str], bool] = self._rename_directly
        self.reload()

    @property
    def bot(self) -> str:
        return self._bot

    def set_source(self, store: MemoryStore, bot: str) -> None:
        changed = (store, bot) != (self._store, self._bot)
        self._store, self._bot = store, bot
        if changed:  # another bot's rows must not stay on show while this one's load
            self.beginResetModel()
            self._rows, self._row_of, self._total = [], {}, 0
            self.endResetModel()
        self.reload()

    @property
    def loading(self) -> bool:
        """A reload or a page is being read."""
        return self._loading or self._fetching

    @property
    def total(self) -> int:
        """Entries matching the filter in the store, loaded or not."""
        return self._total

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def order(self) -> tuple[str, bool]:
        """(store column, descending) of the current sort."""
        return self._order_by, self._descending

    def set_filter(self, text: str) -> None:
        """Show only keys or values containing ``text`` (case-insensitive, in the store)."""
        if text != self._filter:
            self._filter = text
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        order_by = ORDER_FIELDS[column] if 0 <= column < len(ORDER_FIELDS) else "key"
        descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) != (self._order_by, self._descending):
            self._order_by, self._descending = order_by, descending
            self.reload()

    def _page_reader(self, offset: int) -> Callable[[], list[MemoryEntry]]:
        """A call that reads one page as the model is now (run on the worker thread, so it
        takes copies, never ``self``)."""
        store, bot, text = self._store, self._bot, self._filter
        order_by, descending = self._order_by, self._descending
        return lambda: store.list(bot, filter=text, offset=offset, limit=PAGE_SIZE,
                                  order_by=order_by, descending=descending)

    def reload(self) -> None:
        """Start over from the database (bot switch, import, sort, filter); later pages come
        on scroll."""
        self._generation += 1
        generation, store, bot, text = self._generation, self._store, self._bot, self._filter
        read_page = self._page_reader(0)
        self._loading, self._fetching, self._replay = True, False, []
        self._run(lambda: (store.count(bot, text), read_page()),
                  lambda result: self._loaded(generation, *result),
                  lambda exc: self._failed(generation, exc))

    def _loaded(self, generation: int, total: int, page: list[MemoryEntry]) -> None:
        if generation != self._generation:
            return  # a later reload is under way
        self.beginResetModel()
        self.rows_read = len(page)
        self._total = total
        self._counted_unloaded.clear()
        self.refused.clear()
        self.failing.clear()
        self._rows = page
        self._row_of = {e.key: i for i, e in enumerate(self._rows)}
        self.endResetModel()
        self._loading = False
        replay, self._replay = self._replay, []
        if replay:
            self.apply_changes(replay)
        self.loaded.emit()

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self._loading = self._fetching = False
            self._replay = []
            self.loadFailed.emit(error_message(exc))

    # -- lazy loading: 100k keys must not be read at once ----------------------------------------

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return (not parent.isValid() and not self._loading and not self._fetching
                and len(self._rows) < self._total)

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if self._loading or self._fetching:
            return
        self._fetching = True
        generation = self._generation
        self._run(self._page_reader(len(self._rows)),
                  lambda page: self._fetched(generation, page),
                  lambda exc: self._failed(generation, exc))

    def _fetched(self, generation: int, page: list[MemoryEntry]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self.rows_read += len(page)
        page = [e for e in page if e.key not in self._row_of]  # added live meanwhile
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for entry in page:
            self._row_of[entry.key] = len(self._rows)
            self._rows.append(entry)
        self.endInsertRows()

    # -- Qt model API ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def entry(self, row: int) -> MemoryEntry:
        return self._rows[row]

    def loaded_keys(self, containing: str = "") -> list[str]:
        """Keys of the loaded rows containing ``containing`` (any case)."""
        wanted = containing.lower()
        return [e.key for e in self._rows if wanted in e.key.lower()]

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    # What data() returns for a pending or flashing row, made once, when first shown: the
    # first QBrush of the process makes PySide's Python enums of QBrush and QColor (~3 ms),
    # which the panel's construction in the IDE's idle build does not need to pay.
    @functools.cached_property
    def _pending_brush(self) -> QBrush:
        return QBrush(_PENDING_COLOR)

    @functools.cached_property
    def _pending_font(self) -> QFont:
        font = QFont()
        font.setItalic(True)
        return font

    @functools.cached_property
    def _flash_brush(self) -> QBrush:
        return QBrush(FLASH_COLOR)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Qt asks for ~10 roles per visible cell at every repaint, and during a write loop the
        # table repaints 25 times a second between the dialog's slices: roles this model never
        # answers return first, and roles are compared as ints (PySide's enum members are
        # Python objects, two attribute lookups each) with the brushes and font made once.
        if role not in _ANSWERED or not index.isValid():
            return None
        entry = self._rows[index.row()]
        col = index.column()
        if (self.refused or self.failing) and (entry.key in self.refused
                                               or entry.key in self.failing):
            refused = self._refused_data(entry, col, role)
            if refused is not None:
                return refused
        if role == _DISPLAY or role == _EDIT:
            return (entry.key, entry.value, short_time(entry.created_at),
                    short_time(entry.updated_at))[col]
        if role == _TOOLTIP:
            if col >= 2:
                return full_time(entry.created_at if col == 2 else entry.updated_at)
            return (entry.key, entry.value[:2000])[col] + (
                " (not yet saved)" if entry.pending else ""
            )
        if role == _FOREGROUND:
            return self._pending_brush if entry.pending else None
        if role == _FONT:
            return self._pending_font if entry.pending else None
        if role == _BACKGROUND and entry.key in self._flash:
            return self._flash_brush
        return None

    def _refused_data(self, entry: MemoryEntry, col: int, role: int) -> Any:
        refused = self.refused.get(entry.key)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(REFUSED_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole and col < 2:
            if refused is not None:
                return (f"{entry.value[:2000]}\nNot saved: the database refused this write "
                        f"({refused})")
            return (f"{entry.value[:2000]}\nNot saved yet, retrying: "
                    f"{self.failing[entry.key]}")
        if role == Qt.ItemDataRole.DisplayRole and col == 3:
            return "refused" if refused is not None else "not saved yet"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return super().flags(index)
        # Asked per visible cell at every repaint: a valid index's flags depend only on its
        # column (Qt's base flags, editable for key and value), made once per column.
        col = index.column()
        flags = self._flags.get(col)
        if flags is None:
            base = super().flags(index)
            flags = base | Qt.ItemFlag.ItemIsEditable if col in (KEY_COLUMN, VALUE_COLUMN) \
                else base
            self._flags[col] = flags
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A hand edit goes through the store (value: set, key: rename); the row updates from
        the store's change event, not here."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        entry = self._rows[index.row()]
        text = str(value)
        if index.column() == VALUE_COLUMN and text != entry.value:
            self.apply_set(entry.key, entry.value, text)
            return True
        if index.column() == KEY_COLUMN and text and text != entry.key:
            return self.apply_rename(entry.key, text)
        return False

    def _rename_directly(self, old: str, new: str) -> bool:
        try:
            self._store.rename(self._bot, old, new)
        except (KeyError, ValueError):
            return False
        return True

    # -- live updates -------------------------------------------------------------------------------

    def apply_changes(self, changes: list[MemoryChange]) -> None:
        """Apply a batch of store events with one repaint of the rows they touched.

        A dialog writing in a loop sends ~1,000 changes per delivery, nearly all a new value
        (PENDING) or a landed one (LANDED) of a row already shown: those are applied inline
        with one clock read and one flash-timer start per batch, since this runs on the GUI
        thread between the dialog's slices and its cost is directly the UI's latency."""
        if self._loading:  # the page on its way may predate them: apply them again on it
            self._replay.extend(c for c in changes if c.bot == self._bot)
        self._batching, self._dirty = True, None
        bot, rows, row_of, flash = self._bot, self._rows, self._row_of, self._flash
        now = dt.datetime.now(dt.UTC)
        stamp = time.monotonic()
        first = last = -1
        # Writes of keys without a row, newest value per key: inserted together (see
        # _insert_new), before any other kind of change and at the end.
        new: dict[str, tuple[str, bool]] = {}
        try:
            for change in changes:
                if change.bot != bot:
                    continue
                state = change.state
                row = row_of.get(change.key) if state is _PENDING or state is _LANDED else None
                if row is None:
                    if first >= 0:
                        self._merge_dirty(first, last)
                        first = last = -1
                    if state is _PENDING or state is _LANDED:
                        self.refused.pop(change.key, None)
                        if state is _LANDED:
                            self.failing.pop(change.key, None)
                        new.pop(change.key, None)
                        new[change.key] = (change.new or "", state is _PENDING)
                        continue
                    if new:  # removals, renames, failures: the general path, in order
                        self._insert_new(new, now)
                        new = {}
                    self.apply_change(change)
                    continue
                pending = state is _PENDING
                if self.refused:
                    self.refused.pop(change.key, None)
                if self.failing and not pending:
                    self.failing.pop(change.key, None)
                value = change.new or ""
                old = rows[row]
                # Timestamps are the local clock's: close enough for display, no database read.
                updated = now if (pending or old.pending or old.value != value) else old.updated_at
                rows[row] = _entry(old.key, value, old.created_at or now, updated, pending)
                flash[old.key] = stamp
                if first < 0:
                    first = last = row
                elif row < first:
                    first = row
                elif row > last:
                    last = row
            if first >= 0:
                self._merge_dirty(first, last)
            if new:
                self._insert_new(new, now)
        finally:
            self._batching = False
        if flash and not self._flash_timer.isActive():
            self._flash_timer.start()
        if self._dirty is not None:
            (first, last), self._dirty = self._dirty, None
            self._repaint(first, min(last, len(self._rows) - 1))

    def _insert_new(self, new: dict[str, tuple[str, bool]], now: dt.datetime) -> None:
        """Add rows for keys written live, one insertion per run of adjacent new rows.

        A loop's first pass over a thousand keys used to insert them one at a time, and each
        insert renumbered every row below it: ~40 ms on the GUI thread for one delivery."""
        rows, flash, stamp = self._rows, self._flash, time.monotonic()
        entries = [_entry(key, value, now, now, pending) for key, (value, pending) in new.items()
                   if _matches(self._filter, key, value)]
        entries.sort(key=self._sort_key, reverse=self._descending)
        all_loaded = len(rows) >= self._total
        runs: list[tuple[int, list[MemoryEntry]]] = []
        for entry in entries:
            row = self._insert_position(entry)
            if row >= len(rows) and not all_loaded:
                # Sorts after the loaded rows: it arrives with a later page. Count it once,
                # however often a write loop changes it (the last page corrects the total).
                if entry.key not in self._counted_unloaded:
                    self._counted_unloaded.add(entry.key)
                    self._total += 1
                continue
            flash[entry.key] = stamp
            if runs and runs[-1][0] == row:
                runs[-1][1].append(entry)
            else:
                runs.append((row, [entry]))
        if not runs:
            return
        self._total += sum(len(run) for _, run in runs)
        self._flash_timer.start()
        # From the bottom up, so the rows each insertion finds above it have not moved.
        for row, run in reversed(runs):
            self.beginInsertRows(_ROOT, row, row + len(run) - 1)
            rows[row:row] = run
            self.endInsertRows()
        top = runs[0][0]
        row_of = self._row_of
        for i in range(top, len(rows)):
            row_of[rows[i].key] = i
        self._rows_moved_from(top)

    def _merge_dirty(self, first: int, last: int) -> None:
        if self._dirty is None:
            self._dirty = (first, last)
        else:
            self._dirty = (min(self._dirty[0], first), max(self._dirty[1], last))

    def _repaint(self, first: int, last: int) -> None:
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _touch(self, row: int) -> None:
        """Repaint ``row``: now, or with the rest of the batch inside apply_changes."""
        if not self._batching:
            self._repaint(row, row)
        else:
            self._merge_dirty(row, row)

    def _rows_moved_from(self, row: int) -> None:
        # An insert or removal at ``row`` shifts the rows below it: repaint from there down.
        if self._dirty is not None:
            self._dirty = (min(self._dirty[0], row), len(self._rows) - 1)

    def apply_change(self, change: MemoryChange) -> None:
        """Update the one row a store event is about (GUI thread only)."""
        if change.bot != self._bot:
            return
        if change.state is ChangeState.DELETED:
            self._remove(change.key)
        elif change.state is ChangeState.RENAMED:
            if change.old_key is not None:
                self._remove(change.old_key)
            self._upsert(change.key, change.new or "", pending=False)
        elif change.state is ChangeState.PENDING:
            self.refused.pop(change.key, None)
            self._upsert(change.key, change.new or "", pending=True)
        elif change.state is ChangeState.LANDED:
            self.refused.pop(change.key, None)
            self.failing.pop(change.key, None)
            self._upsert(change.key, change.new or "", pending=False)
        elif change.state is ChangeState.FAILED:
            self.failing[change.key] = change.error or "write failed"
            row = self._row_of.get(change.key)
            if row is not None:
                self._touch(row)
        elif change.state is ChangeState.REFUSED:
            self.failing.pop(change.key, None)
            self.refused[change.key] = change.error or "refused"
            self._upsert(change.key, change.new or "", pending=False)

    def apply_entries(self, entries: list[MemoryEntry]) -> None:
        """Show rows as the store holds them, timestamps included (rows put back by an undo
        keep their Created time; a live event alone would show the time it arrived)."""
        for entry in entries:
            self._upsert(entry.key, entry.value, False, entry.created_at)

    def _upsert(self, key: str, value: str, pending: bool,
                created: dt.datetime | None = None) -> None:
        now = dt.datetime.now(dt.UTC)
        row = self._row_of.get(key)
        if row is None:
            if not _matches(self._filter, key, value):
                return
            entry = MemoryEntry(key, value, created or now, now, pending)
            row = self._insert_position(entry)
            all_loaded = len(self._rows) >= self._total
            if row >= len(self._rows) and not all_loaded:
                # Sorts after the loaded rows: it arrives with a later page. Count it once,
                # however often a write loop changes it (the last page corrects the total).
                if key not in self._counted_unloaded:
                    self._counted_unloaded.add(key)
                    self._total += 1
                return
            self._total += 1
            self._flash[key] = time.monotonic()
            self._flash_timer.start()
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, entry)
            for i in range(row, len(self._rows)):
                self._row_of[self._rows[i].key] = i
            self.endInsertRows()
            self._rows_moved_from(row)
            return
        self._flash[key] = time.monotonic()
        self._flash_timer.start()
        old = self._rows[row]
        # Timestamps are the local clock's: close enough for display, no database read per event.
        updated = now if (pending or old.pending or old.value != value) else old.updated_at
        self._rows[row] = MemoryEntry(key, value, created or old.created_at or now, updated,
                                      pending)
        self._touch(row)

    def _sort_key(self, entry: MemoryEntry) -> tuple[Any, str]:
        # The store's order: code points for text, ties broken by key.
        if self._order_by in ("key", "value"):
            return getattr(entry, self._order_by), entry.key
        return getattr(entry, self._order_by) or _EPOCH, entry.key

    def _insert_position(self, entry: MemoryEntry) -> int:
        """Where ``entry`` goes among the loaded rows (binary search in the current order;
        rows edited in place since loading may be slightly out of order, which is harmless)."""
        wanted = self._sort_key(entry)
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            here = self._sort_key(self._rows[mid])
            if (here > wanted) if self._descending else (here < wanted):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _remove(self, key: str) -> None:
        row = self._row_of.get(key)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._total -= 1
        del self._row_of[key]
        for i in range(row, len(self._rows)):
            self._row_of[self._rows[i].key] = i
        self.endRemoveRows()
        self._rows_moved_from(row)

    def _fade(self) -> None:
        cutoff = time.monotonic() - FLASH_SECONDS
        for key in [k for k, t in self._flash.items() if t < cutoff]:
            del self._flash[key]
            row = self._row_of.get(key)
            if row is not None:
                self.dataChanged.emit(
                    self.index(row, 0),
                    self.index(row, len(COLUMNS) - 1),
                    [Qt.ItemDataRole.BackgroundRole],
                )
        if not self._flash:
            self._flash_timer.stop()


def _matches(filter: str, key: str, value: str) -> bool:
    """The store's filter rule (case-insensitive substring of key or value)."""
    f = filter.lower()
    return not f or f in key.lower() or f in value.lower()
