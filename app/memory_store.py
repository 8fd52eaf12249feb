"""Persistent bot memory (General Bots' ``bot_memories``) with a background writer.

``MemoryStore.bot(name)`` gives a :class:`BotMemoryHandle`, the interpreter's ``BotMemory``
port: ``set`` only queues (a few µs) and a writer thread lands queued writes in batched
transactions; ``get`` sees queued values first (read-your-writes).

Threads and events: subscribers get :class:`MemoryChange` events. PENDING is emitted in the
thread that called ``set``; LANDED and FAILED come from the writer thread; DELETED and RENAMED
from the thread that made the hand edit. Callbacks run while the store's lock is held, so every
subscriber sees one consistent order (a key's PENDING always precedes its LANDED); they must be
quick and must not wait for another thread that uses the store (a GUI should post the event to
its own thread and return).

Writes that fail (database gone, locked, server stopped) stay queued and are retried with
backoff; each queued write is reported FAILED once, then LANDED when it finally lands.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import enum
import json
import logging
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import peewee

from interpreter.ports import WriteSource

from .database import (
    DatabaseError,
    contains_text,
    error_message,
    is_sqlite,
    open_database,
    reset_connection,
    translate_error,
)
from .models import Bot, BotMemory, db_timestamp, ensure_schema
from .observers import Subscribers

log = logging.getLogger(__name__)

_CHUNK_ROWS = 2000  # rows per upsert statement: bounds its memory and lock time
_CHUNK_KEYS = 500  # keys per IN (...) query, under every SQLite's parameter limit
_ORDER_COLUMNS = ("key", "value", "created_at", "updated_at")
_UTC = dt.UTC


class ChangeState(enum.Enum):
    PENDING = "pending"  # queued in this process, not yet in the database
    LANDED = "landed"  # committed to the database
    FAILED = "failed"  # a write attempt failed; the write stays queued and is retried
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True)
class MemoryChange:
    """One change of one key.

    ``old`` is the previous value when the store knows it without a database read: the
    replaced queued value for PENDING, the deleted value for DELETED, the overwritten value of
    ``key`` for RENAMED; otherwise ``None``. ``new`` is ``None`` for DELETED. For RENAMED,
    ``key`` is the new name and ``old_key`` the former one. ``error`` is set for FAILED.
    """

    bot: str
    key: str
    old: str | None
    new: str | None
    source: WriteSource | None
    state: ChangeState
    error: str | None = None
    old_key: str | None = None


@dataclass(frozen=True)
class MemoryEntry:
    """A row as the IDE shows it; ``pending`` when the value is still queued (timestamps are
    then the time of ``set``). Timestamps are timezone-aware UTC."""

    key: str
    value: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    pending: bool = False


_PENDING = ChangeState.PENDING
_LANDED = ChangeState.LANDED
_new_change = object.__new__


def _change(
    bot: str,
    key: str,
    old: str | None,
    new: str | None,
    source: WriteSource | None,
    state: ChangeState,
) -> MemoryChange:
    """``MemoryChange(...)`` at a third of the cost, for the per-write events: a frozen
    dataclass ``__init__`` goes through ``object.__setattr__`` once per field."""
    change = _new_change(MemoryChange)
    d = change.__dict__
    d["bot"] = bot
    d["key"] = key
    d["old"] = old
    d["new"] = new
    d["source"] = source
    d["state"] = state
    d["error"] = None
    d["old_key"] = None
    return change


Subscriber = Callable[[MemoryChange], None]
# A queued write: (value, source, time.time() of the set call).
_Pending = tuple[str, "WriteSource | None", float]
_HAND = WriteSource(kind="hand")


class BotMemoryHandle:
    """One bot's memory; implements ``interpreter.ports.BotMemory``."""

    __slots__ = ("_bot", "_store")

    def __init__(self, store: MemoryStore, bot: str) -> None:
        self._store = store
        self._bot = bot

    @property
    def bot(self) -> str:
        return self._bot

    @property
    def store(self) -> MemoryStore:
        return self._store

    def get(self, key: str) -> str:
        """The value, ``""`` when missing or when the database cannot be read (as General
        Bots does; the failure is logged)."""
        return self._store._get_value(self._bot, key)

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
        """Queue the write and return at once; it lands in the background."""
        self._store._enqueue(self._bot, key, value, source)

    def __repr__(self) -> str:
        return f"BotMemoryHandle({self._bot!r})"


class MemoryStore:
    """Bot memories in a SQLite file or a PostgreSQL database (see module docstring)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        database: peewee.Database | None = None,
        linger: float = 0.002,
        max_linger: float = 0.05,
        retry_delay: float = 0.05,
        retry_max_delay: float = 5.0,
    ) -> None:
        """Open ``url`` (default: ``app.database.default_url()``) or use ``database``; create
        the tables if missing. Raises :class:`DatabaseError` if the database is unusable.

        The writer starts a batch once no write was queued for ``linger`` seconds, or
        ``max_linger`` after the first one: writing during a burst of ``set`` calls would only
        make both threads fight over the GIL.
        """
        self._own_db = database is None
        self._db = database if database is not None else open_database(url)
        try:
            ensure_schema(self._db)
        except DatabaseError:
            if self._own_db:
                reset_connection(self._db)
            raise
        self._sqlite = is_sqlite(self._db)
        self._linger = linger
        self._max_linger = max_linger
        self._retry_delay = retry_delay
        self._retry_max_delay = retry_max_delay

        self._cond = threading.Condition(threading.RLock())  # RLock: see flush()
        self._write_lock = threading.RLock()  # one write transaction at a time
        self._queued: dict[tuple[str, str], _Pending] = {}
        self._inflight: dict[tuple[str, str], _Pending] = {}
        self._reported_failed: set[tuple[str, str]] = set()
        self._subscribers: Subscribers[MemoryChange] = Subscribers(
            self._cond, log, "memory change"
        )
        self._seq = 0  # number of writes queued so far
        self._done_seq = 0  # every write up to this one has landed
        self._failed_upto = 0
        self._fail_count = 0
        self._last_error: str | None = None
        self._urgent = 0  # flush() callers waiting: skip linger and backoff
        self._idle = False  # writer waits for work: set() must notify
        self._closing = False
        self._stop = False
        self._bot_ids: dict[str, Any] = {}

        self._compile_statements()
        self._thread = threading.Thread(
            target=self._run, name="talkbench-memory-writer", daemon=True
        )
        self._thread.start()
        _live_stores.add(self)

    # -- public API ----------------------------------------------------------------------

    @property
    def database(self) -> peewee.Database:
        return self._db

    @property
    def last_error(self) -> str | None:
        """The error of the last failed write attempt, ``None`` once writes land again."""
        return self._last_error

    def pending_count(self) -> int:
        """Writes queued or being written, not yet landed."""
        with self._cond:
            return len(self._queued.keys() | self._inflight.keys())

    def bot(self, name: str) -> BotMemoryHandle:
        """A handle on bot ``name``; its row is created with the first write."""
        if not isinstance(name, str) or not name:
            raise ValueError("bot name must be a non-empty string")
        return BotMemoryHandle(self, name)

    def user(self, bot: str, user: str) -> Any:
        """``user``'s memory in ``bot`` (table ``user_memories``, see :mod:`app.user_memory`)."""
        from .user_memory import user_memories

        return user_memories(self).handle(bot, user)

    def bots(self) -> list[str]:
        """Bot names in the database plus bots with queued writes, sorted."""
        sql, _ = self._compile(Bot.select(Bot.name))
        names = {row[0] for row in self._fetch(sql, ())}
        with self._cond:
            names.update(b for b, _ in self._queued)
            names.update(b for b, _ in self._inflight)
        return sorted(names)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(change)`` for every change; returns the unsubscribe function."""
        return self._subscribers.subscribe(callback)

    def set(self, bot: str, key: str, value: str, source: WriteSource | None = _HAND) -> None:
        """Queue a write (a hand edit by default); same path as ``handle.set``."""
        self._enqueue(bot, key, value, source)

    def get_entry(self, bot: str, key: str) -> MemoryEntry | None:
        """The entry (queued value first), ``None`` when missing; DatabaseError on failure."""
        pending = self._pending_for(bot).get(key)
        try:
            bot_id = self._lookup_bot_id(bot)
            rows = self._fetch(self._sql_entry, (bot_id, key)) if bot_id is not None else []
        except DatabaseError:
            if pending is None:
                raise
            rows = []  # a queued value is known even while the database is away
        row = rows[0] if rows else None
        if pending is not None:
            value, _, t = pending
            return _pending_entry(key, value, t, _as_utc(row[2]) if row else None)
        if row is None:
            return None
        return MemoryEntry(row[0], row[1], _as_utc(row[2]), _as_utc(row[3]))

    def value(self, bot: str, key: str) -> str | None:
        """The value (queued value first), ``None`` when missing; DatabaseError on failure."""
        entry = self.get_entry(bot, key)
        return None if entry is None else entry.value

    def list(
        self,
        bot: str,
        filter: str = "",
        offset: int = 0,
        limit: int | None = None,
        order_by: str = "key",
        descending: bool = False,
    ) -> list[MemoryEntry]:
        """Entries of ``bot`` (queued values included), optionally filtered by a
        case-insensitive substring of key or value, sorted (by code point for text, ties by
        key) and paginated."""
        if order_by not in _ORDER_COLUMNS:
            raise ValueError(f"order_by must be one of {', '.join(_ORDER_COLUMNS)}")
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("offset and limit must not be negative")
        pending = self._pending_for(bot)
        bot_id = self._lookup_bot_id(bot)
        stop = None if limit is None else offset + limit
        entries: list[MemoryEntry] = []
        if bot_id is not None:
            q = self._select_entries(bot_id, filter)
            q = q.order_by(*self._ordering(order_by, descending))
            if not pending:  # the common case: the database pages by itself
                if limit is not None:
                    q = q.limit(limit)
                if offset:
                    q = q.offset(offset)
            elif stop is not None:
                # Rows overridden by queued values are dropped below: over-fetch by that many.
                q = q.limit(stop + len(pending))
            sql, params = self._compile(q)
            for key, value, created, updated in self._fetch(sql, params):
                if key not in pending:
                    entries.append(MemoryEntry(key, value, _as_utc(created), _as_utc(updated)))
        if not pending:
            return entries
        matching = {k: p for k, p in pending.items() if _matches(filter, k, p[0])}
        created = self._created_at(bot_id, list(matching)) if bot_id is not None else {}
        entries.extend(_pending_entry(k, v, t, created.get(k)) for k, (v, _, t) in matching.items())
        entries.sort(key=_sort_key(order_by), reverse=descending)
        return entries[offset:stop]

    def count(self, bot: str, filter: str = "") -> int:
        """How many entries :meth:`list` would return without pagination."""
        pending = self._pending_for(bot)
        bot_id = self._lookup_bot_id(bot)
        total = 0
        if bot_id is not None:
            q = self._select_entries(bot_id, filter)
            sql, params = self._compile(q.select(peewee.fn.COUNT(BotMemory.id)))
            total = self._fetch(sql, params)[0][0]
            for chunk in _chunks(list(pending), _CHUNK_KEYS):
                # Rows that a queued value overrides are counted from the queue instead.
                q = self._select_entries(bot_id, filter).where(BotMemory.key.in_(chunk))
                sql, params = self._compile(q.select(peewee.fn.COUNT(BotMemory.id)))
                total -= self._fetch(sql, params)[0][0]
        return total + sum(1 for k, p in pending.items() if _matches(filter, k, p[0]))

    def rename(self, bot: str, old_key: str, new_key: str, *, overwrite: bool = False) -> None:
        """Rename a key, keeping its value and created_at. KeyError if ``old_key`` is missing,
        ValueError if ``new_key`` exists and not ``overwrite``."""
        _check_text(new_key, "key")
        if old_key == new_key:
            if self.get_entry(bot, old_key) is None:
                raise KeyError(old_key)
            return
        with self._write_lock:
            self._drain()
            bot_id = self._lookup_bot_id(bot)
            if bot_id is None:
                raise KeyError(old_key)
            try:
                with self._atomic():
                    rows = self._fetch(self._sql_entry, (bot_id, old_key))
                    if not rows:
                        raise KeyError(old_key)
                    value = rows[0][1]
                    clash = self._fetch(self._sql_entry, (bot_id, new_key))
                    replaced = clash[0][1] if clash else None
                    if clash and not overwrite:
                        raise ValueError(f"key {new_key!r} already exists")
                    if clash:
                        self._db.execute(
                            BotMemory.delete().where(
                                (BotMemory.bot == bot_id) & (BotMemory.key == new_key)
                            )
                        )
                    self._db.execute(
                        BotMemory.update(key=new_key, updated_at=self._ts(_utc_now())).where(
                            (BotMemory.bot == bot_id) & (BotMemory.key == old_key)
                        )
                    )
            except peewee.PeeweeException as exc:
                reset_connection(self._db)
                raise translate_error(exc, "the memory database") from None
            with self._cond:
                self._subscribers.emit(
                    MemoryChange(
                        bot,
                        new_key,
                        replaced,
                        value,
                        _HAND,
                        ChangeState.RENAMED,
                        old_key=old_key,
                    )
                )

    def delete(self, bot: str, keys: Iterable[str]) -> int:
        """Delete keys (queued writes to them land first); returns how many existed."""
        keys = list(dict.fromkeys(keys))
        with self._write_lock:
            self._drain()
            bot_id = self._lookup_bot_id(bot)
            if bot_id is None or not keys:
                return 0
            deleted: dict[str, str] = {}
            try:
                with self._atomic():
                    for chunk in _chunks(keys, _CHUNK_KEYS):
                        where = (BotMemory.bot == bot_id) & BotMemory.key.in_(chunk)
                        sql, params = self._compile(
                            BotMemory.select(BotMemory.key, BotMemory.value).where(where)
                        )
                        deleted.update(self._fetch(sql, params))
                        self._db.execute(BotMemory.delete().where(where))
            except peewee.PeeweeException as exc:
                reset_connection(self._db)
                raise translate_error(exc, "the memory database") from None
            with self._cond:
                for key in keys:
                    if key in deleted:
                        self._subscribers.emit(
                            MemoryChange(bot, key, deleted[key], None, _HAND, ChangeState.DELETED)
                        )
            return len(deleted)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far has landed (True) or an attempt to write
        them failed or ``timeout`` passed (False; the writes stay queued and are retried).

        Safe to call from signal-handler follow-up code (the lock is re-entrant) and at exit.
        Called from a subscriber callback on the writer thread it cannot wait for itself and
        only reports whether nothing is pending.
        """
        if threading.current_thread() is self._thread:
            with self._cond:
                return not self._queued and not self._inflight
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._seq
            fails_before = self._fail_count
            if self._done_seq >= target:
                return True
            self._urgent += 1
            self._cond.notify_all()
            try:
                while True:
                    if self._done_seq >= target:
                        return True
                    if self._fail_count > fails_before and self._failed_upto >= target:
                        return False
                    if not self._thread.is_alive():
                        return False
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cond.wait(remaining)
            finally:
                self._urgent -= 1

    def close(self, timeout: float | None = 10.0) -> bool:
        """Flush (up to ``timeout``), stop the writer and release the database.

        Returns False, and logs how many writes are lost, if some could not be written.
        Later ``set`` calls raise RuntimeError.
        """
        with self._cond:
            if self._stop:
                return not self._queued and not self._inflight
            self._closing = True
        landed = self.flush(timeout)
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=max(timeout or 0.0, 1.0))
        _live_stores.discard(self)
        lost = self.pending_count()
        if lost:
            log.warning("memory store closed with %d unsaved write(s): %s", lost, self._last_error)
        if self._own_db:
            reset_connection(self._db)
        return landed and not lost

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import / export -----------------------------------------------------------------

    def export_json(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Write ``{key: value}`` (sorted by key) as UTF-8 JSON; returns the entry count."""
        entries = self.list(bot)
        data = {e.key: e.value for e in entries}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        _write_atomically(Path(path), lambda fh: fh.write(text))
        return len(entries)

    def import_json(
        self, bot: str, path: str | os.PathLike[str], timeout: float | None = 60.0
    ) -> int:
        """Upsert entries from a JSON object ``{key: value}`` or a list of
        ``{"key": …, "value": …}``; waits until they land (DatabaseError if they do not)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"cannot read {path}: {exc}") from None
        if isinstance(data, dict):
            pairs = list(data.items())
        elif isinstance(data, list) and all(
            isinstance(item, dict) and "key" in item and "value" in item for item in data
        ):
            pairs = [(item["key"], item["value"]) for item in data]
        else:
            raise ValueError(
                f"{path}: expected an object of key/value strings or a list of "
                '{"key": ..., "value": ...} objects'
            )
        return self._import(bot, pairs, path, timeout)

    def export_csv(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Write a UTF-8 CSV with a ``key,value`` header, sorted by key."""
        entries = self.list(bot)

        def write(fh: Any) -> None:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(["key", "value"])
            writer.writerows((e.key, e.value) for e in entries)

        _write_atomically(Path(path), write)
        return len(entries)

    def import_csv(
        self, bot: str, path: str | os.PathLike[str], timeout: float | None = 60.0
    ) -> int:
        """Upsert entries from a CSV with ``key`` and ``value`` columns (header row)."""
        # Memory values may be megabytes; the csv module refuses fields over 128 KiB by default.
        csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = next(reader, None)
                if header is None or "key" not in header or "value" not in header:
                    raise ValueError(f"{path}: the first row must name 'key' and 'value' columns")
                ki, vi = header.index("key"), header.index("value")
                pairs = []
                for n, row in enumerate(reader, start=2):
                    if not row:
                        continue
                    if len(row) <= max(ki, vi):
                        raise ValueError(f"{path}:{n}: expected key and value columns")
                    pairs.append((row[ki], row[vi]))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ValueError(f"cannot read {path}: {exc}") from None
        return self._import(bot, pairs, path, timeout)

    def _import(
        self, bot: str, pairs: list[tuple[Any, Any]], path: Any, timeout: float | None
    ) -> int:
        for key, value in pairs:  # validate everything before queueing anything
            if not isinstance(key, str) or not isinstance(value, str):
                # ValueError, like any other bad file content.
                raise ValueError(  # noqa: TRY004
                    f"{path}: key {key!r}: keys and values must be strings"
                )
            _check_text(key, "key")
            _check_text(value, "value")
        source = WriteSource(file=str(path), kind="import")
        for key, value in pairs:
            self._enqueue(bot, key, value, source)
        if not self.flush(timeout):
            raise DatabaseError(
                f"imported entries are queued but not written yet: {self._last_error or 'timeout'}"
            )
        return len(pairs)

    # -- hot path ------------------------------------------------------------------------

    def _enqueue(self, bot: str, key: str, value: str, source: WriteSource | None) -> None:
        if type(key) is not str or type(value) is not str:
            raise TypeError("memory keys and values must be str (callers convert)")
        if "\x00" in key or "\x00" in value:
            raise ValueError("memory keys and values cannot contain NUL characters")
        if not (key.isascii() and value.isascii()):
            _check_encodable(key, value)
        k = (bot, key)
        with self._cond:
            if self._closing:
                raise RuntimeError("the memory store is closed")
            prev = self._queued.get(k)
            self._queued[k] = (value, source, time.time())
            self._seq += 1
            if self._subscribers.callbacks:
                self._reported_failed.discard(k)
                if prev is None:
                    prev = self._inflight.get(k)
                old = prev[0] if prev is not None else None
                self._subscribers.emit(_change(bot, key, old, value, source, _PENDING))
            elif self._reported_failed:
                self._reported_failed.discard(k)
            if self._idle:
                self._cond.notify()

    def _get_value(self, bot: str, key: str) -> str:
        with self._cond:
            p = self._queued.get((bot, key)) or self._inflight.get((bot, key))
        if p is not None:
            return p[0]
        try:
            bot_id = self._lookup_bot_id(bot)
            if bot_id is None:
                return ""
            rows = self._fetch(self._sql_get, (bot_id, key))
        except DatabaseError as exc:
            log.warning("GET BOT MEMORY %r failed: %s", key, exc)
            return ""
        return rows[0][0] if rows else ""

    # -- writer --------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.0
        while True:
            with self._cond:
                while not self._queued and not self._stop:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                if self._stop:
                    return
                if backoff:
                    self._wait_unless_urgent(backoff)
                elif self._linger:
                    deadline = time.monotonic() + self._max_linger
                    while True:
                        seen = self._seq
                        if self._wait_unless_urgent(self._linger) or self._seq == seen:
                            break
                        if time.monotonic() >= deadline:
                            break
                if self._stop:
                    return
            if self._write_step():
                backoff = 0.0
            else:
                backoff = min(max(backoff * 2, self._retry_delay), self._retry_max_delay)

    def _wait_unless_urgent(self, delay: float) -> bool:
        """Sleep ``delay`` (lock released) unless flush/close is waiting; True if cut short."""
        return self._cond.wait_for(
            lambda: self._urgent or self._closing or self._stop, timeout=delay
        )

    def _write_step(self) -> bool:
        """Write everything queued in one transaction; False (writes re-queued) on failure."""
        with self._write_lock:
            with self._cond:
                batch = self._queued
                if not batch:
                    return True
                self._queued = {}
                self._inflight = batch
                upto = self._seq
            try:
                self._write_batch(batch)
            except Exception as exc:  # noqa: BLE001 - whatever it is, keep the writes
                reset_connection(self._db)
                self._bot_ids.clear()  # a rolled-back bot row must not stay cached
                msg = error_message(exc)
                with self._cond:
                    for k, p in batch.items():
                        # A newer value queued meanwhile wins over the failed one.
                        self._queued.setdefault(k, p)
                    self._inflight = {}
                    self._failed_upto = upto
                    self._fail_count += 1
                    if self._last_error is None:
                        log.warning("memory writes failed, will retry: %s", msg)
                    self._last_error = msg
                    if self._subscribers.callbacks:
                        for k, (value, source, _) in batch.items():
                            if k not in self._reported_failed:
                                self._reported_failed.add(k)
                                self._subscribers.emit(
                                    MemoryChange(
                                        k[0],
                                        k[1],
                                        None,
                                        value,
                                        source,
                                        ChangeState.FAILED,
                                        error=msg,
                                    )
                                )
                    self._cond.notify_all()
                return False
            with self._cond:
                self._inflight = {}
                self._done_seq = upto
                if self._last_error is not None:
                    log.info("memory writes land again")
                self._last_error = None
                if self._subscribers.callbacks:
                    discard = self._reported_failed.discard
                    for k, (value, source, _) in batch.items():
                        discard(k)
                        self._subscribers.emit(_change(k[0], k[1], None, value, source, _LANDED))
                else:
                    self._reported_failed.clear()
                self._cond.notify_all()
            return True

    def _write_batch(self, batch: dict[tuple[str, str], _Pending]) -> None:
        ts = self._ts(_utc_now())  # one timestamp per batch keeps the hot loop lean
        with self._atomic():
            bot_ids = {bot: self._ensure_bot(bot) for bot in {b for b, _ in batch}}
            if self._sqlite:
                by_bot: dict[Any, list[list[str]]] = {}
                for (bot, key), p in batch.items():
                    by_bot.setdefault(bot_ids[bot], []).append([key, p[0]])
                for bot_id, pairs in by_bot.items():
                    for chunk in _chunks(pairs, _CHUNK_ROWS):
                        self._upsert_sqlite(bot_id, chunk, ts)
            else:
                ids = _new_ids(len(batch))
                rows = [
                    (ids[i], bot_ids[bot], key, p[0], ts, ts)
                    for i, ((bot, key), p) in enumerate(batch.items())
                ]
                for chunk in _chunks(rows, _CHUNK_ROWS):
                    self._db.execute(self._upsert_query(chunk))

    def _upsert_sqlite(self, bot_id: Any, pairs: list[list[str]], ts: Any) -> None:
        # The whole chunk goes in as one JSON parameter expanded by json_each: one statement
        # step, during which sqlite3 releases the GIL, so a running script is not slowed
        # (executemany re-takes the GIL after every row, a convoy with the script's thread).
        if self._sql_upsert_json is not None:
            self._db.execute_sql(self._sql_upsert_json, (bot_id, ts, json.dumps(pairs)))
        else:
            rows = [(bot_id, key, value, ts, ts) for key, value in pairs]
            self._db.cursor().executemany(self._sql_upsert, rows)

    def _upsert_query(self, rows: list[tuple[Any, ...]]) -> peewee.Query:
        # A multi-row upsert must not hit one key twice (PostgreSQL refuses); the queue's
        # dict keyed by (bot, key) already coalesced repeated writes.
        return BotMemory.insert_many(rows, fields=_UPSERT_FIELDS).on_conflict(
            conflict_target=[BotMemory.bot, BotMemory.key],
            update={
                BotMemory.value: peewee.EXCLUDED.value,
                BotMemory.updated_at: peewee.EXCLUDED.updated_at,
            },
        )

    def _ensure_bot(self, bot: str) -> Any:
        bot_id = self._lookup_bot_id(bot)
        if bot_id is not None:
            return bot_id
        new_id = _new_ids(1)[0]
        try:
            with self._db.atomic():  # savepoint: a lost race must not abort the batch
                # Only id and name: a real General Bots ``bots`` row fills the rest by default.
                self._db.execute(Bot.insert(id=new_id, name=bot))
        except peewee.IntegrityError:
            bot_id = self._lookup_bot_id(bot)  # another process created it meanwhile
            if bot_id is None:
                raise
            return bot_id
        self._bot_ids[bot] = new_id
        return new_id

    def _drain(self) -> None:
        """Land all queued writes now (hand edits must see them); DatabaseError if it fails."""
        with self._write_lock:
            if not self._write_step():
                raise DatabaseError(self._last_error or "memory writes failed")

    # -- reads ---------------------------------------------------------------------------

    def _fetch(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        for attempt in (0, 1):
            try:
                cursor = self._db.execute_sql(sql, params)
                try:
                    return cursor.fetchall()
                finally:
                    cursor.close()
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if attempt or self._db.in_transaction():
                    raise translate_error(exc, "the memory database") from None
                reset_connection(self._db)  # e.g. the PostgreSQL server restarted: reconnect
            except peewee.PeeweeException as exc:
                raise translate_error(exc, "the memory database") from None
        raise AssertionError("unreachable")

    def _lookup_bot_id(self, bot: str) -> Any | None:
        bot_id = self._bot_ids.get(bot)
        if bot_id is None:
            rows = self._fetch(self._sql_bot_id, (bot,))
            if rows:
                bot_id = self._bot_ids[bot] = rows[0][0]
        return bot_id

    def _pending_for(self, bot: str) -> dict[str, _Pending]:
        with self._cond:
            out = {k: p for (b, k), p in self._inflight.items() if b == bot}
            out.update((k, p) for (b, k), p in self._queued.items() if b == bot)
        return out

    def _created_at(self, bot_id: Any, keys: list[str]) -> dict[str, dt.datetime | None]:
        out: dict[str, dt.datetime | None] = {}
        for chunk in _chunks(keys, _CHUNK_KEYS):
            sql, params = self._compile(
                BotMemory.select(BotMemory.key, BotMemory.created_at).where(
                    (BotMemory.bot == bot_id) & BotMemory.key.in_(chunk)
                )
            )
            out.update((k, _as_utc(c)) for k, c in self._fetch(sql, params))
        return out

    def _select_entries(self, bot_id: Any, filter: str) -> peewee.ModelSelect:
        q = BotMemory.select(
            BotMemory.key, BotMemory.value, BotMemory.created_at, BotMemory.updated_at
        ).where(BotMemory.bot == bot_id)
        if filter:
            q = q.where(contains_text([BotMemory.key, BotMemory.value], filter, self._sqlite))
        return q

    def _ordering(self, order_by: str, descending: bool) -> list[Any]:
        def text(field: peewee.Field) -> Any:
            # Code-point order on both engines, matching Python's sort of queued entries.
            return field if self._sqlite else peewee.NodeList((field, peewee.SQL('COLLATE "C"')))

        column = getattr(BotMemory, order_by)
        cols = [text(column) if order_by in ("key", "value") else column]
        if order_by != "key":
            cols.append(text(BotMemory.key))
        return [peewee.NodeList((c, peewee.SQL("DESC" if descending else "ASC"))) for c in cols]

    # -- SQL helpers ---------------------------------------------------------------------

    def _compile(self, query: peewee.Node) -> tuple[str, list[Any]]:
        return self._db.get_sql_context().sql(query).query()

    def _compile_statements(self) -> None:
        p = "\x01"  # placeholder values; only the SQL text is kept
        self._sql_get, _ = self._compile(
            BotMemory.select(BotMemory.value).where((BotMemory.bot == p) & (BotMemory.key == p))
        )
        self._sql_entry, _ = self._compile(
            BotMemory.select(
                BotMemory.key, BotMemory.value, BotMemory.created_at, BotMemory.updated_at
            ).where((BotMemory.bot == p) & (BotMemory.key == p))
        )
        self._sql_bot_id, _ = self._compile(
            # No LIMIT: peewee would bind it as a parameter; callers take the first row.
            Bot.select(Bot.id).where(Bot.name == p).order_by(Bot.id)
        )
        # SQLite: ids made by SQLite itself (32 hex digits, the text form peewee's UUIDField
        # uses there): a Python uuid per row costs a sixth of the whole write.
        random_id = peewee.SQL("lower(hex(randomblob(16)))")
        row = (random_id,) + (p,) * (len(_UPSERT_FIELDS) - 1)
        sql, params = self._compile(self._upsert_query([row]))
        assert len(params) == len(_UPSERT_FIELDS) - 1, sql
        self._sql_upsert = sql
        self._sql_upsert_json = self._json_upsert_sql(sql) if self._sqlite else None

    def _json_upsert_sql(self, upsert: str) -> str | None:
        """The upsert reading its rows from ``json_each(?3)``; None without SQLite's JSON1."""
        head, _, tail = upsert.partition(" VALUES ")
        _, _, conflict = tail.partition(" ON CONFLICT ")
        try:
            self._db.execute_sql("SELECT count(*) FROM json_each(?)", ("[]",)).fetchall()
        except peewee.PeeweeException:
            return None
        return (
            f"{head} SELECT lower(hex(randomblob(16))), ?1, json_extract(j.value, '$[0]'), "
            f"json_extract(j.value, '$[1]'), ?2, ?2 FROM json_each(?3) AS j "
            f"WHERE true ON CONFLICT {conflict}"  # WHERE: SQLite's upsert-after-SELECT rule
        )

    def _atomic(self) -> Any:
        # IMMEDIATE on SQLite: take the write lock up front (see app.database).
        return self._db.atomic("IMMEDIATE") if self._sqlite else self._db.atomic()

    def _ts(self, when: dt.datetime) -> Any:
        return db_timestamp(when, self._sqlite)


_UPSERT_FIELDS = [
    BotMemory.id,
    BotMemory.bot,
    BotMemory.key,
    BotMemory.value,
    BotMemory.created_at,
    BotMemory.updated_at,
]


# -- helpers -----------------------------------------------------------------------------


def _utc_now() -> dt.datetime:
    return dt.datetime.now(_UTC)


def _new_ids(n: int) -> list[str]:
    """n random version-4 UUIDs as 32-hex strings (peewee's UUIDField form), in bulk:
    ``uuid4()`` per row costs more than the insert itself."""
    raw = os.urandom(16 * n).hex()
    return [
        raw[i : i + 12]
        + "4"
        + raw[i + 13 : i + 16]
        + "89ab"[int(raw[i + 16], 16) & 3]
        + raw[i + 17 : i + 32]
        for i in range(0, 32 * n, 32)
    ]


def _as_utc(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, _UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=_UTC)  # Talkbench writes naive timestamps as UTC
    return value.astimezone(_UTC)


def _pending_entry(key: str, value: str, t: float, created: dt.datetime | None) -> MemoryEntry:
    when = dt.datetime.fromtimestamp(t, _UTC)
    return MemoryEntry(key, value, created or when, when, pending=True)


def _matches(filter: str, key: str, value: str) -> bool:
    if not filter:
        return True
    f = filter.lower()
    return f in key.lower() or f in value.lower()


def _sort_key(order_by: str) -> Callable[[MemoryEntry], Any]:
    if order_by == "key":
        return lambda e: e.key
    minimum = dt.datetime.min.replace(tzinfo=_UTC)
    return lambda e: (getattr(e, order_by) or minimum, e.key)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_text(text: Any, what: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"memory {what} must be str")
    if "\x00" in text:
        raise ValueError(f"memory {what} cannot contain NUL characters")
    if not text.isascii():
        _check_encodable(text)


def _check_encodable(*texts: str) -> None:
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                "memory keys and values must be valid Unicode (lone surrogate found)"
            ) from None


def _write_atomically(path: Path, write: Callable[[Any], Any]) -> None:
    """Write via a temporary file so a failed export never leaves half a file behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# -- exit ----------------------------------------------------------------------------------

_live_stores: weakref.WeakSet[MemoryStore] = weakref.WeakSet()


@atexit.register
def _close_all_at_exit() -> None:
    # The writer is a daemon thread: land what is queued before the interpreter stops it.
    for store in list(_live_stores):
        try:
            store.close(timeout=10.0)
        except Exception:  # never let one store's failure keep the others from flushing
            log.exception("closing memory store at exit failed")
