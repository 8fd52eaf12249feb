"""Provenance of bot memory: every landed change of a key, with where it came from.

:class:`MemoryHistory` subscribes to a :class:`~app.memory.store.MemoryStore` and records each
landed write, delete and rename in the ``memory_events`` table (Talkbench's own table, created
next to General Bots' ``bot_memories``, which is never touched). Store callbacks must be quick,
so the subscriber only appends to a queue; a recorder thread (its own database
connection: peewee connections are per thread) turns the queue into rows in batches.

Old values: a LANDED change does not carry the value it replaced, and the store coalesces
repeated writes of a key into one LANDED. The recorder therefore pairs the PENDING changes of a
key with the LANDED that covers them (one event per ``set``) and chains old values from the
previous event of the key, from the key's last recorded event, or from a baseline read by
:meth:`MemoryHistory.watch` before any write. Where none of these is known, ``old_known`` is
False and the event cannot be undone.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import peewee

from interpreter.ports.host import WriteSource

from ..db.database import (
    DatabaseError,
    is_sqlite,
    read_reconnecting,
    reset_connection,
    translate_error,
    tuple_rows,
)
from ..db.models import create_tables
from .background import background_thread
from .changes import HAND
from .event_rows import insert_rows
from .store import ChangeState, MemoryChange, MemoryStore

log = logging.getLogger(__name__)

EVENTS_TABLE = "memory_events"
KINDS = ("script", "hand", "cli", "import", "outside", "undo", "restore")


class MemoryEventRow(peewee.Model):
    """One change of one key (``new`` is NULL for a delete)."""

    id = peewee.AutoField()
    bot = peewee.TextField()
    key = peewee.TextField()
    old_value = peewee.TextField(null=True)
    old_known = peewee.BooleanField(default=True)
    new_value = peewee.TextField(null=True)
    kind = peewee.TextField()
    file = peewee.TextField(default="")
    line = peewee.IntegerField(default=0)
    run_id = peewee.TextField(default="")
    turn = peewee.IntegerField(null=True)
    old_key = peewee.TextField(null=True)  # a rename: the former name of ``key``
    at = peewee.DoubleField()  # seconds since the epoch (UTC)
    # A delete (or the old name of a rename): the removed row's Created time, in seconds
    # since the epoch, so a revert that adds the row back keeps it.
    old_created = peewee.DoubleField(null=True)

    class Meta:
        table_name = EVENTS_TABLE
        database = None  # every query is bound to the store's database explicitly
        indexes = ((("bot", "key", "id"), False), (("run_id",), False))


@dataclass(frozen=True)
class MemoryEvent:
    id: int
    bot: str
    key: str
    old: str | None
    new: str | None
    kind: str
    file: str
    line: int
    run_id: str
    at: float
    old_known: bool = True
    turn: int | None = None
    old_key: str | None = None
    old_created: float | None = None  # see MemoryEventRow.old_created

_FIELDS = (
    MemoryEventRow.id,
    MemoryEventRow.bot,
    MemoryEventRow.key,
    MemoryEventRow.old_value,
    MemoryEventRow.new_value,
    MemoryEventRow.kind,
    MemoryEventRow.file,
    MemoryEventRow.line,
    MemoryEventRow.run_id,
    MemoryEventRow.at,
    MemoryEventRow.old_known,
    MemoryEventRow.turn,
    MemoryEventRow.old_key,
    MemoryEventRow.old_created,
)


def _event(row: tuple[Any, ...]) -> MemoryEvent:
    r = list(row)
    r[10] = bool(r[10])
    return MemoryEvent(*r)


def ensure_tables(db: peewee.Database, *models: type[peewee.Model]) -> None:
    """Create Talkbench's own tables where missing (IF NOT EXISTS: another process may race).
    A database that refuses (locked past the wait, read-only) raises DatabaseError: a clear
    one-line error where the user looks, not a driver traceback."""
    try:
        create_tables(db, *models)
    except peewee.PeeweeException as exc:
        raise translate_error(exc, "the memory database") from exc


# Columns added to memory_events after its first release, with their SQL types. An older
# table (SQLite or PostgreSQL, from an earlier Talkbench) gets them with ALTER TABLE ADD COLUMN;
# all are nullable, so old rows read as "not known".
_ADDED_COLUMNS = {"turn": "INTEGER", "old_key": "TEXT", "old_created": "DOUBLE PRECISION"}


def ensure_columns(db: peewee.Database, table: str, columns: dict[str, str]) -> list[str]:
    """Add the missing ``columns`` (name -> SQL type) to ``table``; returns those added.

    Another process may add the same column at the same moment: PostgreSQL says IF NOT
    EXISTS; on SQLite (no IF NOT EXISTS) a failed ADD COLUMN is fine if the column is there now."""
    present = {c.name for c in db.get_columns(table)}
    added = []
    for name, sql_type in columns.items():
        if name in present:
            continue
        if is_sqlite(db):
            try:
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sql_type}')
            except peewee.OperationalError:
                # Re-read rather than parse the message: it is only there if the other won.
                if name not in {c.name for c in db.get_columns(table)}:
                    raise
                continue
        else:
            with db.atomic():
                db.execute_sql(
                    f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{name}" {sql_type}')
        added.append(name)
    return added


# A queued record: (bot, key, old, old_known, new, source, old_key, at); old_known None means
# "chain the old value from what the recorder knows".
_Record = tuple[str, str, "str | None", "bool | None", "str | None", "WriteSource | None",
                "str | None", float]
# A queued PENDING or LANDED change, flattened (see MemoryHistory._on_change): (None,
# pending, bot, key, new, file, line, run_id, kind, turn); kind None: no source.
_Flat = tuple[None, bool, str, str, "str | None", "str | None", int, str, "str | None",
              "int | None"]
_PENDING = ChangeState.PENDING
_LANDED = ChangeState.LANDED


# A key's write waiting for the LANDED that covers it: (its PENDING, time it was seen).
_Queued = tuple[_Flat, float]


def _flat(change: MemoryChange, pending: bool, value: str | None = None) -> _Flat:
    """A PENDING or LANDED change as the recorder queues it.

    A tuple of atomic values, not the change: a dialog's writes wait here for the recorder
    (a lower-priority thread) by the ten thousand, and as live objects (a change and its
    __dict__) each young collection on the GUI thread walked them all (20-35 ms every half
    second); the collector stops tracking such a tuple at its first look."""
    src = change.source
    new = change.new if value is None else value
    if src is None:
        return (None, pending, change.bot, change.key, new, None, 0, "", None, None)
    return (None, pending, change.bot, change.key, new,
            src.file, src.line, src.run_id, src.kind, src.turn)



class MemoryHistory:
    """Records the store's landed changes and answers timeline queries."""

    def __init__(self, store: MemoryStore, *, batch_delay: float = 0.02) -> None:
        self.store = store
        self.db = store.database
        ensure_tables(self.db, MemoryEventRow)
        ensure_columns(self.db, EVENTS_TABLE, _ADDED_COLUMNS)
        self._batch_delay = batch_delay
        self._cond = threading.Condition()
        self._changes: collections.deque[MemoryChange | _Record | _Flat] = collections.deque()
        self._pending: dict[tuple[str, str], list[_Queued]] = {}
        self._waiting = 0  # the sets in _pending, waiting for their LANDED
        self._known: dict[tuple[str, str], str | None] = {}
        self._kind_override: dict[tuple[str, str], WriteSource] = {}
        self._no_events: set[tuple[str, str]] = set()  # keys of this batch without events
        self._override_lock = threading.Lock()
        self._received = 0  # items queued so far
        self._done = 0  # items written so far
        self._idle = False  # the recorder waits for a first item (only then is it notified)
        self._urgent = 0  # flush() callers waiting: skip the batch delay
        self._stop = False
        self._last_error: str | None = None
        self._unsaved: list[tuple[Any, ...]] = []  # rows whose insert failed: retried
        # The backlog when a run last gave up waiting for it to shrink; None: not given up.
        self._stalled_at: int | None = None
        self.steps = 0  # recording steps taken so far (each at most STEP_ITEMS changes)
        self._unsubscribe = store.subscribe(self._on_change, self._on_changes)
        self._thread = background_thread(self._run, "talkbench-memory-history")
        self._thread.start()
        self._unpace = store.add_pacer(self.pace)

    # -- feeding ---------------------------------------------------------------------------

    def _on_changes(self, changes: list[MemoryChange]) -> None:
        """The store's batch form of :meth:`_on_change`: a landed batch's ~1,000 writes
        queued under one lock, without a call each."""
        items: list[MemoryChange | _Record | _Flat] = []
        for change in changes:
            state = change.state
            if state is _PENDING or (state is _LANDED and change.sent is None):
                items.append(_flat(change, state is _PENDING))
            else:
                if items:
                    self._queue_all(items)
                    items = []
                self._on_change(change)
        if items:
            self._queue_all(items)

    def _queue_all(self, items: list[MemoryChange | _Record | _Flat]) -> None:
        with self._cond:
            self._changes.extend(items)
            self._received += len(items)
            if self._idle:
                self._cond.notify()

    def _on_change(self, change: MemoryChange) -> None:
        # From the store's delivery: queue only, never touch the database here.
        state = change.state
        # A SET's PENDING, on the dialog's thread (a LANDED a trigger changed: see _change_rows)
        if state is _PENDING or (state is _LANDED and change.sent is None):
            flat = _flat(change, state is _PENDING)
            with self._cond:
                self._changes.append(flat)
                self._received += 1
                if self._idle:
                    self._cond.notify()
            return
        if state is ChangeState.FAILED:
            return  # the write stays queued: its LANDED comes later
        if change.state in (ChangeState.DELETED, ChangeState.RENAMED) and self._kind_override:
            with self._override_lock:
                src = self._kind_override.pop((change.bot, change.old_key or change.key), None)
            if src is not None:
                change = MemoryChange(
                    change.bot, change.key, change.old, change.new, src, change.state,
                    change.error, change.old_key, change.created_at,
                )
        with self._cond:
            self._changes.append(change)
            self._received += 1
            # Waking the recorder per change (a dialog makes tens of thousands a second) cut
            # its batch delay short every time: a transaction per handful of rows, and a
            # thread switch per SET fighting the GUI thread for the GIL.
            if self._idle:
                self._cond.notify()

    def expect_source(self, bot: str, key: str, source: WriteSource) -> None:
        """The next delete or rename of ``key`` is recorded with ``source`` (the store reports
        every delete/rename as a hand edit; undo and restore say what they are)."""
        with self._override_lock:
            self._kind_override[(bot, key)] = source

    def record_outside(self, bot: str, key: str, old: str | None, new: str | None) -> None:
        """Record a change made by another process (see :mod:`app.memory.outside_watch`)."""
        record = (bot, key, old, True, new, WriteSource(kind="outside"), None, time.time())
        with self._cond:
            self._changes.append(record)
            self._received += 1
            if self._idle:
                self._cond.notify()

    def watch(self, bot: str) -> None:
        """Read ``bot``'s current values as the baseline for old values (call before writes
        that should be undoable; keys that already have events need no baseline)."""
        self.store.flush()
        values = {e.key: e.value for e in self.store.list(bot)}
        with self._cond:
            for key, value in values.items():
                self._known.setdefault((bot, key), value)
            self._known.setdefault((bot, "\x00baseline"), "")  # marks the bot as baselined

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Flush the store, then wait until every change seen so far is recorded."""
        self.store.flush(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._received
            self._urgent += 1
            self._cond.notify_all()
            try:
                while ((self._done < target or (self._unsaved and not self._refused()))
                       and self._thread.is_alive()):
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                return self._done >= target and not self._unsaved
            finally:
                self._urgent -= 1

    def _refused(self) -> bool:
        """Whether the store's file refuses every write now (deleted, replaced or written
        over): the rows kept for it are tried again, not waited for (closing waited 10 s)."""
        try:
            self.store.check_file()
        except DatabaseError:
            return True
        return False

    @property
    def backlog(self) -> int:
        """Changes received and not recorded yet: queued, or sets waiting for the store to
        land them (the LANDED tells the old value they replaced)."""
        return len(self._changes) + self._waiting

    def pace(self) -> Awaitable[None] | None:
        """What a run writing memory awaits while the recorder is BACKLOG_LIMIT changes behind
        (see BACKLOG_LIMIT); ``None`` while it keeps up, or when it cannot catch up now (its
        database fails or is locked, it is closing): the run then goes on."""
        behind = self.backlog
        if behind < BACKLOG_LIMIT or self._last_error is not None or self._stop:
            return None
        if self._stalled_at is not None:
            if behind >= self._stalled_at:
                return None  # not moving yet
            self._stalled_at = None
        return self._caught_up()

    async def _caught_up(self) -> None:
        lowest, since = self.backlog, time.monotonic()
        while (self.backlog > BACKLOG_RESUME and self._last_error is None and not self._stop
               and self._thread.is_alive()):
            await asyncio.sleep(CATCH_UP_POLL)
            behind = self.backlog
            if behind < lowest:
                lowest, since = behind, time.monotonic()
            elif time.monotonic() - since > STALLED_AFTER:
                # Waiting on a lock another process holds (up to the lock wait, 30 s), for
                # the recorder or for the store's writes it follows: the dialog goes on.
                self._stalled_at = behind
                return

    def close(self) -> None:
        self._unpace()
        self.flush()
        self._unsubscribe()
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    @property
    def last_error(self) -> str | None:
        return self._last_error

    # -- recorder thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            behind = False
            while True:
                with self._cond:
                    while not self._changes and not self._stop:
                        self._idle = True
                        woken = self._cond.wait(RETRY_DELAY if self._unsaved else None)
                        self._idle = False
                        if self._unsaved and not woken:
                            break  # try the rows that failed again
                    if not self._changes and self._stop and not self._unsaved:
                        return
                    if not self._changes and self._stop:
                        self._stop_retrying()
                        return
                    if (not behind and len(self._changes) < _GATHER and not self._stop
                            and not self._urgent):
                        # Let a burst gather into one batch (only flush/close cut this short).
                        self._cond.wait_for(lambda: self._urgent or self._stop,
                                            timeout=self._batch_delay)
                    queue = self._changes
                    if len(queue) <= STEP_ITEMS:
                        items = list(queue)
                        queue.clear()
                    else:
                        items = [queue.popleft() for _ in range(STEP_ITEMS)]
                    behind = bool(queue)
                spent = time.thread_time()
                consumed = self._record(items)
                spent = time.thread_time() - spent
                with self._cond:
                    self._done += consumed
                    self.steps += 1
                    self._cond.notify_all()
                    if behind and len(self._changes) < PACE_BACKLOG:
                        # Let go of the GIL a while: see STEP_ITEMS.
                        self._cond.wait_for(lambda: self._urgent or self._stop,
                                            timeout=spent * PACE)
        finally:
            reset_connection(self.db)

    def _record(self, items: list[Any]) -> int:
        """Record ``items``; returns how many were consumed (0: put back to be tried again,
        the database could not be read to make their rows)."""
        rows = list(self._unsaved)
        try:
            try:
                rows += self._to_rows(items)
            except Exception as exc:
                if self._requeue(items, exc):
                    raise
                return 0
            if rows:
                self._insert(rows)
            self._unsaved = []
            self._last_error = None
        except Exception as exc:  # noqa: BLE001 - history must never stop the IDE
            # Kept and tried again (RETRY_DELAY): dropped, a run's events would be missing
            # and "Revert run" would silently revert only part of it.
            if self._last_error is None:
                log.warning("recording memory history failed, will retry: %s", exc)
            self._last_error = str(exc)
            self._unsaved = rows[-MAX_UNSAVED:]
            reset_connection(self.db)
        return len(items)

    def _requeue(self, items: list[Any], exc: Exception) -> bool:
        """Put ``items`` back in front and wait RETRY_DELAY; True (nothing done) when closing,
        where the failure stands."""
        reset_connection(self.db)
        if self._last_error is None:
            log.warning("recording memory history failed, will retry: %s", exc)
        self._last_error = str(exc)
        with self._cond:
            if self._stop:
                return True
            self._changes.extendleft(reversed(items))
            self._cond.wait_for(lambda: self._stop, timeout=RETRY_DELAY)
        return False

    def _stop_retrying(self) -> None:
        """Closing: one last try of the rows that failed, then say what is lost."""
        self._record([])  # closing: nothing is put back
        if self._unsaved:
            log.warning("memory history closed with %d change(s) not recorded: %s",
                        len(self._unsaved), self._last_error)

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        # One transaction per step: a crash loses at most the step being written, never a
        # committed one (see app.memory.event_rows for why plain multi-row inserts).
        # Nothing into a file written over, as the store's writes (they are kept, retried).
        with self.store.file_checked():
            insert_rows(self.db, EVENTS_TABLE, _ROW_COLUMNS, rows)

    def _to_rows(self, items: list[Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        now = time.time()
        # Every read first: one failing puts the whole batch back (see _requeue), so nothing
        # may have been taken into the recorder's state before it.
        repeated = self._prefetch_latest(items)
        pending = self._pending
        waiting = 0
        for item in items:
            if type(item) is tuple and item[0] is None:
                # A dialog's write (see _Flat): kept as it came, the hot path of the recorder.
                if item[1]:
                    k = (item[2], item[3])
                    queue = pending.get(k)
                    if queue is None:
                        pending[k] = [(item, now)]
                    else:
                        queue.append((item, now))
                    waiting += 1
                else:
                    self._landed_rows(item, rows)
                continue
            if isinstance(item, tuple):
                bot, key, old, _, new, source, _, at = item
                self._known[(bot, key)] = new
                if id(item) not in repeated:
                    rows.append(_row(bot, key, old, True, new, source, None, at))
                continue
            self._change_rows(item, now, rows)
        self._waiting += waiting
        return rows

    def _change_rows(self, change: MemoryChange, now: float,
                     rows: list[tuple[Any, ...]]) -> None:
        """Add the rows of one change that came as an object: a delete or a rename (writes
        are queued flattened, see :func:`_flat`); a refused write has none."""
        k = (change.bot, change.key)
        if change.state is _LANDED:
            # A trigger changed the value as it was written: the sets it covers are the ones
            # of the value sent (change.sent); the last of them made what the database holds.
            start = len(rows)
            self._landed_rows(_flat(change, False, change.sent), rows)
            if len(rows) > start:
                rows[-1] = rows[-1][:_NEW] + (change.new,) + rows[-1][_NEW + 1:]
            self._known[k] = change.new
        elif change.state is ChangeState.REFUSED:
            # Neither it nor the sets it replaced in its batch reached the database: no
            # change to record, and left queued they counted in the backlog for good.
            self._take_upto(k, _flat(change, True)[4:], self._pending.get(k))
        elif change.state is ChangeState.DELETED:
            rows.append(_row(*k, change.old, True, None, change.source, None, now,
                             change.created_at))
            self._known[k] = None
        elif change.state is ChangeState.RENAMED and change.old_key is not None:
            gone = (change.bot, change.old_key)
            rows.append(_row(*gone, change.new, True, None, change.source, None, now,
                             change.created_at))
            self._known[gone] = None
            rows.append(
                _row(*k, change.old, True, change.new, change.source, change.old_key, now)
            )
            self._known[k] = change.new

    def _recorded_elsewhere(self, bot: str, key: str, new: str | None) -> bool:
        """The other process already recorded this change with its provenance (every
        Talkbench entry point does, app.memory.session): an "outside" event would only
        repeat it without saying where it came from. (A writer whose own record lands after
        the watcher noticed its write still gets the "outside" event as well.)"""
        last = self._latest(bot, key)
        return last is not None and last.new == new and last.kind != "outside"

    def _landed_rows(self, landed: _Flat, rows: list[tuple[Any, ...]]) -> None:
        """Add the rows of the writes a LANDED change covers (see :meth:`_covered`), each with
        the value it replaced. One call per LANDED with the usual cases inline: the
        recorder's Python time per write is GIL time the dialog waits for."""
        k = (landed[2], landed[3])
        queue = self._pending.get(k)
        if queue and queue[-1][0][4:] == landed[4:]:  # the usual case: it covers them all
            del self._pending[k]
            self._waiting -= len(queue)
            covered = queue
        else:
            covered = self._covered(k, landed, queue)
        known = self._known
        if k in known:
            old, old_known = known[k], True
        else:
            old, old_known = self._old(k)
        bot, key = k
        for write, at in covered:
            new = write[4]
            if write[8] is None:  # no source: a hand edit, as _row records it
                rows.append((bot, old_known, "hand", "", "", None, None, key, old, new, 0, at,
                             None))
            else:
                rows.append((bot, old_known, write[8] or "script", write[5], write[7],
                             write[9], None, key, old, new, write[6], at, None))
            old, old_known = new, True
        known[k] = old

    def _covered(self, k: tuple[str, str], landed: _Flat,
                 queue: list[_Queued] | None) -> list[_Queued]:
        """The queued sets of ``k`` (``queue``) that ``landed`` covers, taken off the queue,
        oldest first: those up to the newest one equal to it (the store coalesces repeated
        writes of a key into one LANDED). Only ``landed`` itself when its set was queued
        before the subscription."""
        taken = self._take_upto(k, landed[4:], queue)
        if taken is not None:
            return taken
        flat = landed[:4] + (landed[4] or "",) + landed[5:]
        return [(flat, time.time())]

    def _take_upto(self, k: tuple[str, str], match: tuple[Any, ...],
                   queue: list[_Queued] | None) -> list[_Queued] | None:
        """Take the queued sets of ``k`` up to the newest one whose value and source are
        ``match`` (a PENDING and its LANDED or REFUSED differ in [1]) off its queue, oldest
        first; ``None`` when none is."""
        if queue:
            for i in range(len(queue) - 1, -1, -1):
                if queue[i][0][4:] == match:
                    if i == len(queue) - 1:
                        del self._pending[k]
                    else:
                        self._pending[k] = queue[i + 1 :]
                    self._waiting -= i + 1
                    return queue[: i + 1]
        return None

    def _prefetch_latest(self, items: list[Any]) -> set[int]:
        """Read the last recorded value of every key ``items`` land that the recorder does not
        know yet, in one query per bot and chunk: a query per key (a dialog's first pass over
        a thousand keys) held the GIL for ~130 ms in peewee, starving the GUI thread. Returns
        the ids of the outside records another process already recorded (see
        _recorded_elsewhere)."""
        wanted: dict[str, set[str]] = {}
        known = self._known
        outside: list[_Record] = []
        for item in items:
            if type(item) is tuple:  # flattened (see _Flat): (None, pending, bot, key, ...)
                if item[0] is not None:
                    outside.append(item)
                elif not item[1] and (item[2], item[3]) not in known:
                    wanted.setdefault(item[2], set()).add(item[3])
            elif item.state is ChangeState.LANDED and (item.bot, item.key) not in self._known:
                wanted.setdefault(item.bot, set()).add(item.key)
        self._no_events = set()
        for bot, keys in wanted.items():
            ordered = sorted(keys)
            for start in range(0, len(ordered), _PREFETCH_CHUNK):
                chunk = ordered[start : start + _PREFETCH_CHUNK]
                found = dict(self._latest_values(bot, chunk))
                for key in chunk:
                    if key in found:
                        self._known[(bot, key)] = found[key]
                    else:
                        self._no_events.add((bot, key))
        return {id(r) for r in outside if self._recorded_elsewhere(r[0], r[1], r[4])}

    def _latest_values(self, bot: str, keys: list[str]) -> list[tuple[str, str | None]]:
        """(key, new value of the key's newest event) for those of ``keys`` that have events."""
        E = MemoryEventRow
        newest = (
            E.select(E.key, peewee.fn.MAX(E.id).alias("last"))
            .where((E.bot == bot) & E.key.in_(keys))
            .group_by(E.key)
            .alias("newest")
        )
        q = (
            E.select(E.key, E.new_value)
            .join(newest, on=(E.id == newest.c.last))
            .bind(self.db)
        )
        return [(row[0], row[1]) for row in self._rows(q)]

    def _old(self, k: tuple[str, str]) -> tuple[str | None, bool]:
        if k in self._known:
            return self._known[k], True
        if k not in self._no_events:  # the prefetch found none: no need to ask again
            last = self._latest(k[0], k[1])
            if last is not None:
                return last.new, True
        if (k[0], "\x00baseline") in self._known:
            return None, True  # baselined bot: the key did not exist
        return None, False

    # -- queries ---------------------------------------------------------------------------

    def _rows(self, query: peewee.BaseQuery) -> list[tuple[Any, ...]]:
        """The rows of ``query``, reconnecting once if the server restarted since."""
        return read_reconnecting(self.db, lambda: tuple_rows(query))

    def _select(self) -> peewee.ModelSelect[MemoryEventRow]:
        return MemoryEventRow.select(*_FIELDS).bind(self.db)

    def _latest(self, bot: str, key: str) -> MemoryEvent | None:
        rows = self.timeline(bot, key, limit=1)
        return rows[0] if rows else None

    def timeline(
        self, bot: str, key: str, *, offset: int = 0, limit: int | None = 50
    ) -> list[MemoryEvent]:
        """Events of one key, newest first, paged."""
        q = self._select().where((MemoryEventRow.bot == bot) & (MemoryEventRow.key == key))
        q = q.order_by(MemoryEventRow.id.desc()).offset(offset or None).limit(limit)
        return [_event(r) for r in self._rows(q)]

    def run_events(self, run_id: str) -> list[MemoryEvent]:
        """Events of one run (script writes with that run id), oldest first."""
        q = self._select().where(MemoryEventRow.run_id == run_id).order_by(MemoryEventRow.id)
        return [_event(r) for r in self._rows(q)]

    def runs_present(self, run_ids: list[str]) -> set[str]:
        """Which of ``run_ids`` recorded at least one event (one indexed query)."""
        if not run_ids:
            return set()
        q = (MemoryEventRow.select(MemoryEventRow.run_id).distinct().bind(self.db)
             .where(MemoryEventRow.run_id.in_(sorted(set(run_ids)))))
        return {row[0] for row in self._rows(q)}

    def event(self, event_id: int) -> MemoryEvent | None:
        rows = self._rows(self._select().where(MemoryEventRow.id == event_id))
        return _event(rows[0]) if rows else None

    def recent(self, bot: str, *, limit: int = 100) -> list[MemoryEvent]:
        q = self._select().where(MemoryEventRow.bot == bot)
        return [_event(r) for r in self._rows(q.order_by(MemoryEventRow.id.desc()).limit(limit))]

    def count(self, bot: str, key: str) -> int:
        q = MemoryEventRow.select().bind(self.db)
        return q.where((MemoryEventRow.bot == bot) & (MemoryEventRow.key == key)).count()


# The columns of a recorded row, in the order :func:`_row` builds them (``bot`` first: never
# NULL, see app.memory.event_rows.insert_rows).
_ROW_FIELDS = (
    MemoryEventRow.bot,
    MemoryEventRow.old_known,
    MemoryEventRow.kind,
    MemoryEventRow.file,
    MemoryEventRow.run_id,
    MemoryEventRow.turn,
    MemoryEventRow.old_key,
    MemoryEventRow.key,
    MemoryEventRow.old_value,
    MemoryEventRow.new_value,
    MemoryEventRow.line,
    MemoryEventRow.at,
    MemoryEventRow.old_created,
)
_ROW_COLUMNS = tuple(f.column_name for f in _ROW_FIELDS)
_NEW = _ROW_COLUMNS.index(MemoryEventRow.new_value.column_name)
_PREFETCH_CHUNK = 500  # keys per query for their last recorded values (bound parameters)
_GATHER = 2000  # queued changes that make the recorder start at once, without the batch delay
# The recorder takes at most STEP_ITEMS changes per step (one transaction), and while more
# wait it pauses PACE times the CPU time the step took before the next. A dialog writing in a
# loop makes ~70,000 changes a second; the recorder took them all at once, 2,000-5,000 every
# few tens of milliseconds, and held the GIL for 10-25 ms of each batch, which the GUI thread
# (running the dialog on its event loop) waited for: the worst timer gaps while a loop ran.
# In steps of ~1 ms it shares the GIL evenly instead. Past PACE_BACKLOG waiting changes it
# no longer pauses, so it always catches up; flush() and close() cut a pause short.
STEP_ITEMS = 256
# A dialog writing memory in a tight loop makes changes (a PENDING and a LANDED per SET)
# faster than the recorder records them: ~120,000 a second against ~80,000 in the IDE, and its
# queue grew without bound, ~9 MB a second of such a loop. Past BACKLOG_LIMIT queued changes
# a run on the store waits at its next yield (MemoryStore.add_pacer) until the recorder is
# down to BACKLOG_RESUME, checking every CATCH_UP_POLL seconds; the GUI runs meanwhile.
BACKLOG_LIMIT = 100_000
BACKLOG_RESUME = 50_000
CATCH_UP_POLL = 0.01
STALLED_AFTER = 1.0  # seconds without the backlog shrinking: stop waiting for it
RETRY_DELAY = 1.0  # seconds between tries of event rows whose insert failed
MAX_UNSAVED = 100_000  # failed event rows kept for retry (the oldest go past this)
PACE = 0.5
PACE_BACKLOG = 50_000


def _row(
    bot: str,
    key: str,
    old: str | None,
    old_known: bool,
    new: str | None,
    source: WriteSource | None,
    old_key: str | None,
    at: float,
    old_created: dt.datetime | None = None,
) -> tuple[Any, ...]:
    """A row in the order of ``_ROW_FIELDS``."""
    source = source or HAND
    created = old_created.timestamp() if old_created is not None else None
    return (bot, old_known, source.kind or "script", source.file, source.run_id, source.turn,
            old_key, key, old, new, source.line, at, created)
