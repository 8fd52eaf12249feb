"""Persistent bot memory (General Bots' ``bot_memories``) with a background writer.

``MemoryStore.bot(name)`` gives a :class:`BotMemoryHandle`, the interpreter's ``BotMemory``
port: ``set`` only queues (a few µs) and a writer thread lands queued writes in batched
transactions; ``get`` sees queued values first (read-your-writes).

Threads and events: subscribers get :class:`MemoryChange` events. PENDING is emitted in the
thread that called ``set``; LANDED and FAILED come from the writer thread; DELETED and RENAMED
from the thread that made the hand edit, except that a PENDING arriving while the writer
reports a batch is sent by the writer right after it (:mod:`app.memory.delivery`), so a ``set``
never waits for a subscriber. Every subscriber sees one consistent order (a key's PENDING
always precedes its LANDED); callbacks run with the store's lock released, but must be quick
and must not wait for another thread that uses the store (a GUI should post the event to its
own thread and return).

Writes that fail (database gone, locked, server stopped) stay queued and are retried with
backoff; each queued write is reported FAILED once, then LANDED when it finally lands. A write
the database refuses for good (constraint, trigger, too long) is dropped alone and reported
REFUSED; the other writes of its batch land.

External synchrony: a run awaits ``handle.commit_barrier(run_id)`` before anything outside the
process can observe it, so every write made before a TALK, a HEAR or the end of a run is committed
first (see :mod:`app.memory.commits`).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, Self

import peewee

from interpreter.ports.host import FailedWrite, WriteSource

from ..db.bots import BotRow
from ..db.database import DatabaseError, open_database, reset_connection
from ..db.models import ensure_schema
from ..files import db_files
from . import files
from .changes import HAND, ChangeState, MemoryChange, Subscriber
from .edits import MemoryEdits
from .queries import MemoryEntry, MemoryQueries
from .sql import MemorySql, Write
from .writer import MemoryWriter, check_text

# Re-exported: callers import the event and entry types from here.
__all__ = [
    "BotMemoryHandle",
    "ChangeState",
    "DatabaseError",
    "MemoryChange",
    "MemoryEntry",
    "MemoryStore",
    "Subscriber",
]

log = logging.getLogger(__name__)


class BotMemoryHandle:
    """One bot's memory; implements ``interpreter.ports.host.BotMemory``."""

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

    def commit_barrier(self, run_id: str) -> Awaitable[tuple[FailedWrite, ...]] | None:
        """The commit barrier (``interpreter.ports.host.CommitBarrier``): ``None`` when every
        write queued so far (of any bot: one queue) has landed, else an awaitable."""
        return self._store._writer.commit_barrier(run_id)

    def pace(self) -> Awaitable[None] | None:
        """``interpreter.ports.host.Paced``: what a run awaits while the store's followers
        (:meth:`MemoryStore.add_pacer`) are too far behind its writes; ``None`` if none is."""
        for pacer in self._store._pacers:
            behind = pacer()
            if behind is not None:
                return behind
        return None

    def __repr__(self) -> str:
        return f"BotMemoryHandle({self._bot!r})"


class MemoryStore:
    """Bot memories in a SQLite file or a PostgreSQL database (see module docstring).

    A façade: SQL lives in :class:`~app.memory.sql.MemorySql`, the queue and its thread in
    :class:`~app.memory.writer.MemoryWriter`, reads in :class:`~app.memory.queries.MemoryQueries`,
    rename/delete in :class:`~app.memory.edits.MemoryEdits`, files in :mod:`app.memory.files`.
    """

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
        """Open ``url`` (default: ``app.db.database.default_url()``) or use ``database``; create
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
        self._sql = MemorySql(self._db)
        # Nothing else in this process may open its files (see app.files.db_files).
        self._protected = self._db.database if self._sql.sqlite else None
        if self._protected:
            db_files.protect(self._protected)
        self._writer = MemoryWriter(
            self._sql,
            linger=linger,
            max_linger=max_linger,
            retry_delay=retry_delay,
            retry_max_delay=retry_max_delay,
            owner=self,
        )
        self._queries = MemoryQueries(self._sql, self._writer)
        self._edits = MemoryEdits(self._sql, self._writer, self._queries)
        # Bound once: handle.set and handle.get are the scripts' hot path, one call deep.
        self._enqueue = self._writer.enqueue
        self._get_value = self._queries.get_value
        self._pacers: list[Callable[[], Awaitable[None] | None]] = []
        _live_stores.add(self)

    # -- public API ----------------------------------------------------------------------

    @property
    def database(self) -> peewee.Database:
        return self._db

    @property
    def last_error(self) -> str | None:
        """The error of the last failed write attempt, ``None`` once writes land again."""
        return self._writer.last_error

    @property
    def failed_attempts(self) -> int:
        """How many write attempts have failed so far (each is retried)."""
        return self._writer.failed_attempts

    def pending_count(self) -> int:
        """Writes queued or being written, not yet landed."""
        return self._writer.pending_count()

    def bot(self, name: str) -> BotMemoryHandle:
        """A handle on bot ``name``; its row is created with the first write."""
        if not isinstance(name, str) or not name:
            raise ValueError("bot name must be a non-empty string")
        check_text(name, "bot name")
        return BotMemoryHandle(self, name)

    def check_bot(self, ref: str) -> BotRow | None:
        """The bot ``ref`` names (id, slug or name, see :mod:`app.db.bots`); ``None`` when it does
        not exist yet and its first write will add it. Raises DatabaseError (BotNotFound,
        AmbiguousBot) when writes to it could not land: entry points call this at start."""
        return self._sql.bots.check(ref)

    def bot_reference(self, ref: str) -> str:
        """How bot lists name the bot ``ref`` names (see :meth:`app.db.bots.BotDirectory.
        reference`): entry points use it, so the history of a bot is one whatever was typed."""
        return self._sql.bots.reference(ref)

    def user(self, bot: str, user: str) -> Any:
        """``user``'s memory in ``bot`` (table ``user_memories``, see
        :mod:`app.memory.user_memory`)."""
        from .user_memory import user_memories

        return user_memories(self).handle(bot, user)

    def bots(self) -> list[str]:
        """Bot names in the database plus bots with queued writes, sorted."""
        return self._queries.bots()

    def subscribe(self, callback: Subscriber,
                  batch: Callable[[list[MemoryChange]], None] | None = None
                  ) -> Callable[[], None]:
        """Call ``callback(change)`` for every change; returns the unsubscribe function.
        With ``batch``, changes sent together (a landed batch's LANDED events) come in one
        ``batch(changes)`` call instead, oldest first (the list is shared: do not modify it)."""
        return self._writer.subscribers.subscribe(callback, batch)

    def add_pacer(self, pacer: Callable[[], Awaitable[None] | None]) -> Callable[[], None]:
        """Have runs on this store's handles await ``pacer()`` at their yields when it is not
        ``None`` (a follower of the changes that fell too far behind, see
        ``interpreter.ports.host.Paced``); returns the function that removes it."""
        self._pacers = [*self._pacers, pacer]  # a new list: handles iterate it unlocked

        def remove() -> None:
            self._pacers = [p for p in self._pacers if p is not pacer]

        return remove

    def set(self, bot: str, key: str, value: str, source: WriteSource | None = HAND) -> None:
        """Queue a write (a hand edit by default); same path as ``handle.set``."""
        check_text(bot, "bot name")  # the writer would retry a NUL for ever on PostgreSQL
        self._enqueue(bot, key, value, source)

    def get_entry(self, bot: str, key: str) -> MemoryEntry | None:
        """The entry (queued value first), ``None`` when missing; DatabaseError on failure."""
        return self._queries.get_entry(bot, key)

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
        """A page of entries: see :meth:`MemoryQueries.list <app.memory.queries.MemoryQueries.list>`."""
        return self._queries.list(bot, filter, offset, limit, order_by, descending)

    def count(self, bot: str, filter: str = "") -> int:
        """How many entries :meth:`list` would return without pagination."""
        return self._queries.count(bot, filter)

    def rename(self, bot: str, old_key: str, new_key: str, *, overwrite: bool = False) -> None:
        """Rename a key, keeping its value and created_at. KeyError if ``old_key`` is missing,
        ValueError if ``new_key`` exists and not ``overwrite``."""
        self._edits.rename(bot, old_key, new_key, overwrite=overwrite)

    def restore(self, bot: str, entries: Iterable[MemoryEntry],
                source: WriteSource | None = None) -> None:
        """Put rows back with their value and created_at (an undone delete keeps the row's
        Created time); updated_at is now. ``source``: who does it (default: a hand edit)."""
        if source is None:
            self._edits.restore(bot, entries)
        else:
            self._edits.restore(bot, entries, source)

    def apply(self, writes: Iterable[Write], deletes: Iterable[tuple[str, str]],
              source: WriteSource,
              expected: dict[tuple[str, str], str | None] | None = None) -> None:
        """Write ``(bot, key, value, created_at or None)`` and delete ``(bot, key)`` in one
        transaction (undo, snapshot restore); DatabaseError leaves everything as it was, and
        so does ChangedMeanwhile when a key of ``expected`` no longer holds that value."""
        self._edits.apply(list(writes), list(deletes), source, expected)

    def delete(self, bot: str, keys: Iterable[str]) -> int:
        """Delete keys (queued writes to them land first); returns how many existed."""
        return self._edits.delete(bot, keys)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far has landed (True) or an attempt to write
        them failed or ``timeout`` passed (False; the writes stay queued and are retried).

        Safe to call from signal-handler follow-up code (the lock is re-entrant) and at exit.
        Called from a subscriber callback on the writer thread it cannot wait for itself and
        only reports whether nothing is pending.
        """
        return self._writer.flush(timeout)

    def close(self, timeout: float | None = 10.0) -> bool:
        """Flush (up to ``timeout``), stop the writer and release the database.

        Returns False, and logs how many writes are lost, if some could not be written.
        Later ``set`` calls raise RuntimeError.
        """
        first, landed = self._writer.close(timeout)
        if not first:
            return landed
        _live_stores.discard(self)
        lost = self.pending_count()
        if lost:
            log.warning(
                "memory store closed with %d unsaved write(s): %s", lost, self._writer.last_error
            )
        if self._own_db:
            reset_connection(self._db)
        if self._sql.overwrite is not None:
            self._sql.overwrite.close()
        if self._protected:
            db_files.release(self._protected)
        return landed and not lost

    def check_file(self, committed: bool = False) -> None:
        """DatabaseError if the SQLite file was deleted, replaced or written over by another
        program while open (the writes then fail too); nothing on PostgreSQL. For a watcher
        that tells the user while nothing is written, and before and after (``committed``)
        the commits of other writers to the store's database."""
        self._sql.check_file(committed)

    @contextlib.contextmanager
    def file_checked(self) -> Iterator[None]:
        """Around another writer's transaction on the store's database (history, snapshots,
        user and shared memory): DatabaseError before it when the store's SQLite file was
        deleted, replaced or written over (their commits went on into a file the store had
        stopped writing to), and after its commit a new look at the log, as the store takes
        after its own (a first frame in an empty log draws new salts: an older look missed
        a copy)."""
        self.check_file()
        yield
        self.check_file(committed=True)

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection to the database (a helper thread that read
        the store is done): a connection left open keeps the files in use after ``close`` and
        stops SQLite from checkpointing its WAL when the last one closes."""
        reset_connection(self._db)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import / export -----------------------------------------------------------------

    def export_json(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Write ``{key: value}`` (sorted by key) as UTF-8 JSON; returns the entry count."""
        return files.export_json(self._queries, bot, path)

    def import_json(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Upsert entries from a JSON object ``{key: value}`` or a list of
        ``{"key": …, "value": …}`` in one transaction (DatabaseError: none written)."""
        return files.import_json(self._edits.write_all, bot, path)

    def export_csv(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Write a UTF-8 CSV with a ``key,value`` header, sorted by key."""
        return files.export_csv(self._queries, bot, path)

    def import_csv(self, bot: str, path: str | os.PathLike[str]) -> int:
        """Upsert entries from a CSV with ``key`` and ``value`` columns (header row), in one
        transaction."""
        return files.import_csv(self._edits.write_all, bot, path)


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
