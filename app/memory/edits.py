"""Hand edits of bot memory that are not plain writes: renaming, deleting and restoring keys.

Both take the writer's write lock (one write transaction at a time) and land its queue first,
so they act on everything scripts wrote. Their RENAMED and DELETED events are sent in order
with the writer's own, before the edit returns (see :mod:`app.memory.store`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import peewee

from interpreter.ports.host import WriteSource

from ..db.conflicts import is_conflict, is_unique_violation
from ..db.database import DatabaseError, driver_error, reset_connection, translate_error
from ..db.models import BotMemory, utc_now
from .changes import HAND, ChangeState, MemoryChange, held_change
from .queries import MemoryEntry, MemoryQueries, _as_utc
from .sql import CHUNK_KEYS, ChangedMeanwhile, Held, MemorySql, Pending, Write, chunks
from .writer import MemoryWriter, check_text

T = TypeVar("T")


class MemoryEdits:
    """Rename and delete for one store."""

    def __init__(self, sql: MemorySql, writer: MemoryWriter, queries: MemoryQueries) -> None:
        self._sql = sql
        self._writer = writer
        self._queries = queries

    @contextlib.contextmanager
    def _database_errors(self) -> Iterator[None]:
        """Around an edit's transaction, on a live connection (see
        :meth:`MemorySql.reconnect_if_lost`): a failure of the database inside (its
        transaction rolled back) resets the connection and the bot-id cache (a bot row made
        in that transaction is gone) and becomes one DatabaseError; the edit's own errors
        (KeyError, ValueError …) pass."""
        self._sql.reconnect_if_lost()
        try:
            yield
        except DatabaseError:
            raise
        except Exception as exc:
            if not isinstance(exc, peewee.PeeweeException) and driver_error(exc) is None:
                raise
            reset_connection(self._sql.db)
            self._sql.bot_ids.clear()
            raise translate_error(exc, "the memory database") from None

    def _transaction(self, attempt: Callable[[], T],
                     retryable: Callable[[BaseException], bool] = is_conflict) -> T:
        """``attempt()``, one transaction, inside :meth:`_database_errors`, run again when
        PostgreSQL failed it to break a deadlock (:meth:`MemorySql.retrying`): the user saw
        "deadlock detected" for an edit that only had to wait its turn."""
        with self._database_errors():
            return self._sql.retrying(attempt, retryable)

    def rename(self, bot: str, old_key: str, new_key: str, *, overwrite: bool = False) -> None:
        """Rename a key, keeping its value and created_at. KeyError if ``old_key`` is missing,
        ValueError if ``new_key`` exists and not ``overwrite`` (ChangedMeanwhile, a
        ValueError, if tried again after a deadlock it would replace a value the first try
        did not find there)."""
        check_text(new_key, "key")
        if old_key == new_key:
            if self._queries.get_entry(bot, old_key) is None:
                raise KeyError(old_key)
            return
        sql = self._sql
        first: dict[str, tuple[str, Any]] = {}

        def attempt() -> tuple[str, Any, str | None]:
            with sql.atomic():
                rows = {k: (v, c) for k, v, c in sql.lock_entries(bot_id, [old_key, new_key])}
                if old_key not in rows:
                    raise KeyError(old_key)
                value, created = rows[old_key]
                clash = new_key in rows
                if clash and not overwrite:
                    raise ValueError(f"key {new_key!r} already exists")
                if not first:
                    first.update(rows)
                elif clash and rows[new_key] != first.get(new_key):
                    raise ChangedMeanwhile(f"{new_key!r} was written by another writer "
                                           "meanwhile; it was not replaced")
                if clash:
                    sql.db.execute(BotMemory.delete().where(
                        (BotMemory.bot == bot_id) & (BotMemory.key == new_key)))
                # An update trigger may change the value too: report what the row holds.
                held = sql.returning(
                    BotMemory.update(key=new_key, updated_at=sql.ts(utc_now())).where(
                        (BotMemory.bot == bot_id) & (BotMemory.key == old_key)),
                    bot, bot_id, {new_key: value})
                return held.get((bot, new_key), value), created, rows[new_key][0] if clash else None

        with self._writer.write_lock:
            self._writer.drain()
            bot_id = sql.lookup_bot_id(bot)
            if bot_id is None:
                raise KeyError(old_key)
            # A key inserted and committed by another writer while the rename waited for it
            # (it could not lock a row not there yet) fails the update as a duplicate: tried
            # again, the rename finds it there (ValueError), as if it came a moment later.
            value, created, replaced = self._transaction(
                attempt, lambda exc: is_conflict(exc) or is_unique_violation(exc))
            self._writer.report([
                MemoryChange(
                    bot,
                    new_key,
                    replaced,
                    value,
                    HAND,
                    ChangeState.RENAMED,
                    old_key=old_key,
                    created_at=_as_utc(created),
                )
            ])

    def restore(self, bot: str, entries: Iterable[MemoryEntry],
                source: WriteSource = HAND) -> None:
        """Put rows back as they were (an undone delete): value and created_at kept, updated_at
        now. Queued writes land first; each key then reports LANDED (from ``source``)."""
        rows = [(e.key, e.value, e.created_at or utc_now()) for e in entries]
        check_text(bot, "bot name")
        for key, value, _created in rows:
            check_text(key, "key")
            check_text(value, "value")
        if not rows:
            return
        sql = self._sql
        with self._writer.write_lock:
            self._writer.drain()
            held = self._transaction(lambda: sql.restore_rows(bot, rows))
            self._writer.report(_landed([(bot, key, value) for key, value, _c in rows],
                                        source, held))

    def apply(self, writes: list[Write], deletes: list[tuple[str, str]],
              source: WriteSource,
              expected: Mapping[tuple[str, str], str | None] | None = None) -> None:
        """Write and delete keys in one transaction (an undo or a snapshot restore: killed or
        failing half-way it must leave nothing half done). Queued writes land first; then
        LANDED and DELETED events come from ``source``."""
        for bot, key, value, _created in writes:
            check_text(bot, "bot name")
            check_text(key, "key")
            check_text(value, "value")
        if not writes and not deletes:
            return
        sql = self._sql
        with self._writer.write_lock:
            self._writer.drain()
            deleted, held = self._transaction(
                lambda: sql.apply_rows(writes, deletes, expected))
            changes = _landed([(bot, key, value) for bot, key, value, _c in writes], source,
                              held)
            changes += [MemoryChange(bot, key, old, None, source, ChangeState.DELETED,
                                     created_at=_as_utc(created))
                        for (bot, key), (old, created) in deleted.items()]
            self._writer.report(changes)

    def write_all(self, bot: str, pairs: list[tuple[str, str]], source: WriteSource) -> None:
        """Upsert ``(key, value)`` pairs in one transaction, the writer's batched statements
        (an import: all of the file or, DatabaseError, none of it). Queued writes land first;
        then each key reports LANDED from ``source``."""
        if not pairs:
            return
        check_text(bot, "bot name")
        now = time.time()
        batch: dict[tuple[str, str], Pending] = {(bot, key): (value, source, now)
                                                 for key, value in pairs}
        sql = self._sql
        with self._writer.write_lock:
            self._writer.drain()
            held = self._transaction(lambda: sql.write_batch(batch))
            self._writer.report(_landed([(b, k, value) for (b, k), (value, _, _) in batch.items()],
                                        source, held))

    def delete(self, bot: str, keys: Iterable[str]) -> int:
        """Delete keys (queued writes to them land first); returns how many existed."""
        keys = list(dict.fromkeys(keys))
        sql = self._sql
        with self._writer.write_lock:
            self._writer.drain()
            bot_id = sql.lookup_bot_id(bot)
            if bot_id is None or not keys:
                return 0
            deleted = self._transaction(lambda: self._delete_rows(bot_id, keys))
            self._writer.report([
                MemoryChange(bot, key, deleted[key][0], None, HAND, ChangeState.DELETED,
                             created_at=_as_utc(deleted[key][1]))
                for key in keys if key in deleted])
            return len(deleted)

    def _delete_rows(self, bot_id: Any, keys: list[str]) -> dict[str, tuple[str, Any]]:
        """Delete ``keys`` in one transaction; ``{key: (value, created_at)}`` of those there."""
        sql = self._sql
        deleted: dict[str, tuple[str, Any]] = {}
        with sql.atomic():
            for chunk in chunks(sorted(keys), CHUNK_KEYS):  # chunks in lock order too
                deleted.update((k, (v, c)) for k, v, c in sql.lock_entries(bot_id, chunk))
                sql.db.execute(BotMemory.delete().where(
                    (BotMemory.bot == bot_id) & BotMemory.key.in_(chunk)))
        return deleted


def _landed(writes: list[tuple[str, str, str]], source: WriteSource,
            held: Held) -> list[MemoryChange]:
    """LANDED of ``(bot, key, value)`` writes, with the value the database holds where a
    trigger changed it (``held``, see ``MemoryChange.sent``)."""
    return [held_change(MemoryChange(bot, key, None, value, source, ChangeState.LANDED),
                        held.get((bot, key), value))
            for bot, key, value in writes]
