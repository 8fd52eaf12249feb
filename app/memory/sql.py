"""The memory store's SQL on General Bots' ``bots`` and ``bot_memories`` tables.

:class:`MemorySql` holds what every part of the store shares about one database: statements
compiled once, reads that reconnect once after a lost connection, the bot-id cache and the
batched upserts the writer thread lands.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import peewee

from ..db.bots import BotDirectory, BotNotFound
from ..db.conflicts import is_conflict, retry_conflicts
from ..db.database import (
    DatabaseError,
    driver_error,
    error_message,
    is_sqlite,
    read_reconnecting,
    translate_error,
)
from ..db.file_identity import FileIdentity
from ..db.models import BotMemory, db_timestamp, utc_now
from ..db.wal_overwrite import OverwriteCheck

if TYPE_CHECKING:
    from interpreter.ports.host import WriteSource

# A queued write: (value, source, time.time() of the set call); the writer queues them, this
# module lands them.
Pending = tuple[str, "WriteSource | None", float]
# A write put back as a whole: (bot, key, value, created_at or None to keep the row's own).
Write = tuple[str, str, str, "dt.datetime | None"]

# Values the database holds for writes that sent another (a trigger changed them as they
# were written): {(bot, key): value}; empty when every row holds what was written.
Held = dict[tuple[str, str], str]

T = TypeVar("T")

CHUNK_ROWS = 2000  # rows per upsert statement: bounds its memory and lock time
CHUNK_KEYS = 500  # keys per IN (...) query, under every SQLite's parameter limit


class MemorySql:
    """SQL access for one memory database (SQLite file or PostgreSQL).

    ``bot_ids`` caches bot name -> id; whoever sees a write roll back must clear it, so a bot
    row that was never committed is not reused.
    """

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.sqlite = is_sqlite(db)
        # The file opened: a write into it after it was deleted or replaced would be lost.
        self.file = FileIdentity.of(db.database) if self.sqlite else None
        # ... and a copy written over it (same file, other pages) must stop the writes.
        self.overwrite = OverwriteCheck(db.database) if self.file is not None else None
        if self.overwrite is not None:
            self.overwrite.check()  # a first look: a copy before the first write is seen too
        self.bot_ids: dict[str, Any] = {}
        self.bots = BotDirectory(db, self.fetch)
        self._compile_statements()

    # -- reads ---------------------------------------------------------------------------

    def fetch(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        """All rows of ``sql``, reconnecting once after a lost connection (see
        :func:`~app.db.database.read_reconnecting`); DatabaseError on failure."""
        if any(type(p) is str and "\x00" in p for p in params):
            # SQLite would answer "no rows", psycopg2 raise a bare ValueError: say it alike.
            raise DatabaseError("the memory database: cannot look up text with a NUL "
                                "character (no memory key or bot name holds one)")
        try:
            return read_reconnecting(self.db, lambda: self._fetch_once(sql, params))
        except peewee.PeeweeException as exc:
            raise translate_error(exc, "the memory database") from None
        except UnicodeEncodeError as exc:  # a lone surrogate, e.g. from undecodable argv
            raise DatabaseError(f"the memory database: cannot look up text that is not "
                                f"valid Unicode ({exc.object[exc.start:exc.end]!r})") from None

    def _fetch_once(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        cursor = self.db.execute_sql(sql, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def lock_entries(self, bot_id: Any, keys: list[str]) -> list[tuple[Any, ...]]:
        """``(key, value, created_at)`` of those of ``keys`` (at most CHUNK_KEYS) the bot has.
        On PostgreSQL each row is locked (FOR UPDATE) in key order, the order the writer's
        batches take (see :func:`in_lock_order`): a hand edit locking several rows in its own
        order deadlocked with another process's. COLLATE "C" compares UTF-8 bytes, which is
        code point order, Python's; the database's own collation may not be."""
        query = BotMemory.select(BotMemory.key, BotMemory.value, BotMemory.created_at).where(
            (BotMemory.bot == bot_id) & BotMemory.key.in_(keys))
        if not self.sqlite:  # SQLite has one write lock for the whole file
            query = query.order_by(BotMemory.key.collate('"C"')).for_update()
        return self.fetch(*self.compile(query))

    def reconnect_if_lost(self) -> None:
        """Reopen this thread's PostgreSQL connection if the server dropped it since its last
        use (a restart), before a hand edit's transaction: the edit then failed once ("Cannot
        reach the memory database") with the server up again. One round trip, on a hand
        edit only; a transaction that failed half-way is never tried again."""
        if not self.sqlite:
            self.fetch("SELECT 1", ())

    def retrying(self, attempt: Callable[[], T],
                 retryable: Callable[[BaseException], bool] = is_conflict) -> T:
        """``attempt()``, one write transaction, run again when PostgreSQL failed it to break
        a deadlock (:mod:`app.db.conflicts`) or as ``retryable`` says; bot ids cached
        meanwhile are dropped, the bot rows made in the rolled-back try being gone."""
        return retry_conflicts(self.db, attempt, self.bot_ids.clear, retryable)

    def lookup_bot_id(self, bot: str) -> Any | None:
        """The id of the bot ``bot`` names (id, slug or name: :mod:`app.db.bots`), ``None``
        while it has no row; DatabaseError on failure or when two bots carry the name."""
        bot_id = self.bot_ids.get(bot)
        if bot_id is None:
            row = self.bots.find(bot)
            if row is not None:
                bot_id = self.bot_ids[bot] = row.id
        return bot_id

    # -- writes --------------------------------------------------------------------------

    def write_batch(self, batch: dict[tuple[str, str], Pending]) -> Held:
        """Upsert ``{(bot, key): pending}`` in one transaction. Returns the writes the
        database holds another value for (see :meth:`_upsert`); raises what the driver
        raises."""
        ts = self.ts(utc_now())  # one timestamp per batch keeps the hot loop lean
        held: Held = {}
        with self.atomic():
            bot_ids = {bot: self._ensure_bot(bot) for bot in sorted({b for b, _ in batch})}
            by_bot: dict[str, list[list[str]]] = {}
            for (bot, key), p in batch.items() if self.sqlite else in_lock_order(batch):
                by_bot.setdefault(bot, []).append([key, p[0]])
            reread = self._rewritten_after()
            for bot, pairs in by_bot.items():
                for chunk in chunks(pairs, CHUNK_ROWS):
                    held.update(self._upsert(bot, bot_ids[bot], chunk, ts, reread))
        return held

    def write_each(self, batch: dict[tuple[str, str], Pending],
                   ) -> tuple[dict[tuple[str, str], str], Held]:
        """Upsert ``batch`` row by row, each in its own savepoint, in one transaction: the
        rows the database refuses for good are left out. Returns ``{(bot, key): reason}``
        of those and the writes it holds another value for (see :meth:`write_batch`);
        raises on any other failure (the whole batch then stays queued)."""
        ts = self.ts(utc_now())
        refused: dict[tuple[str, str], str] = {}
        held: Held = {}
        with self.atomic():
            bot_ids: dict[str, Any] = {}
            for bot in sorted({b for b, _ in batch}):
                try:
                    with self.db.atomic():
                        bot_ids[bot] = self._ensure_bot(bot)
                except Exception as exc:
                    if not is_refusal(exc):
                        raise
                    self.bot_ids.pop(bot, None)
                    refused.update({k: error_message(exc) for k in batch if k[0] == bot})
            reread = self._rewritten_after()
            for k, p in in_lock_order(batch):
                if k in refused:
                    continue
                try:
                    with self.db.atomic():
                        held.update(self._upsert(k[0], bot_ids[k[0]], [[k[1], p[0]]], ts,
                                                 reread))
                except Exception as exc:
                    if not is_refusal(exc):
                        raise
                    refused[k] = error_message(exc)
        return refused, held

    def _upsert(self, bot: str, bot_id: Any, pairs: list[list[str]], ts: Any,
                reread: bool) -> Held:
        """Upsert ``(key, value)`` pairs of one bot; those of the rows the database holds
        another value for after its triggers (a General Bots schema may trim or lower-case
        a value as it is written; reported as sent, the panel, history and the confirmed
        state showed a value the database does not hold): RETURNING on PostgreSQL, whose
        BEFORE triggers change the row itself; on SQLite, whose triggers can only change it
        AFTER, by an UPDATE of their own that RETURNING does not see, read again when
        ``reread`` (the table has triggers), else none."""
        if self.sqlite:
            self._upsert_sqlite(bot_id, pairs, ts)
            return self._reread(bot, bot_id, dict(pairs)) if reread else {}
        ids = new_ids(len(pairs))
        query = self._upsert_query([(ids[i], bot_id, key, value, ts, ts)
                                    for i, (key, value) in enumerate(pairs)])
        return self.returning(query, bot, bot_id, dict(pairs))

    def returning(self, query: peewee.Insert | peewee.Update, bot: str, bot_id: Any,
                  sent: Mapping[str, str]) -> Held:
        """Run the upsert or update ``query`` writing ``bot``'s ``{key: value}``: those of
        its rows the database holds another value for (see :meth:`_upsert`)."""
        if self.sqlite:
            self.db.execute(query)
            return self._reread(bot, bot_id, sent) if self._rewritten_after() else {}
        # Appended to the compiled text: peewee's .returning() (a copy of the query, compiled
        # again) added a fifth to the ~100 µs a one-row batch spends building its SQL.
        sql, params = self.compile(query)
        cursor = self.db.execute_sql(sql + _RETURNING, params)
        try:
            # A row whose key a trigger changed too is not one of those sent: its write is
            # reported as sent (failing here rolled every write of the batch back, for good).
            return {(bot, key): value for key, value in cursor.fetchall()
                    if sent.get(key, value) != value}
        finally:
            cursor.close()

    def _rewritten_after(self) -> bool:
        """Whether values written here must be read again to know what the database holds:
        on SQLite when the memory table has a trigger (see :meth:`_upsert`); ~2 µs a batch."""
        if not self.sqlite:
            return False
        cursor = self.db.connection().execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "COLLATE NOCASE LIMIT 1", (BotMemory._meta.table_name,))
        try:
            return cursor.fetchone() is not None
        finally:
            cursor.close()

    def _reread(self, bot: str, bot_id: Any, sent: Mapping[str, str]) -> Held:
        held: Held = {}
        for chunk in chunks(list(sent), CHUNK_KEYS):
            query = BotMemory.select(BotMemory.key, BotMemory.value).where(
                (BotMemory.bot == bot_id) & BotMemory.key.in_(chunk))
            held.update(((bot, key), value) for key, value
                        in self._fetch_once(*self.compile(query)) if value != sent[key])
        return held

    def _upsert_sqlite(self, bot_id: Any, pairs: list[list[str]], ts: Any) -> None:
        # The whole chunk goes in as one JSON parameter expanded by json_each: one statement
        # step, during which sqlite3 releases the GIL, so a running script is not slowed
        # (executemany re-takes the GIL after every row, a convoy with the script's thread).
        if self._sql_upsert_json is not None:
            self.db.execute_sql(self._sql_upsert_json, (bot_id, ts, json.dumps(pairs)))
        else:
            rows = [(bot_id, key, value, ts, ts) for key, value in pairs]
            self.db.cursor().executemany(self._sql_upsert, rows)

    def restore_rows(self, bot: str, rows: list[tuple[str, str, dt.datetime]]) -> Held:
        """Write ``(key, value, created_at)`` rows as they were (updated_at is now), replacing
        what the keys hold; one transaction. Returns the rows the database holds another
        value for (see :meth:`write_batch`); raises what the driver raises."""
        now = self.ts(utc_now())
        held: Held = {}
        with self.atomic():
            bot_id = self._ensure_bot(bot)
            ids = new_ids(len(rows))
            values = [(ids[i], bot_id, key, value, self.ts(created), now)
                      for i, (key, value, created) in enumerate(sorted(rows))]  # lock order
            for chunk in chunks(values, CHUNK_ROWS):
                held.update(self.returning(self._restore_query(chunk), bot, bot_id,
                                           {row[2]: row[3] for row in chunk}))
        return held

    def apply_rows(self, writes: list[Write], deletes: list[tuple[str, str]],
                   expected: Mapping[tuple[str, str], str | None] | None = None,
                   ) -> tuple[dict[tuple[str, str], tuple[str, Any]], Held]:
        """In ONE transaction: upsert ``writes`` (a known created_at is put back, else the
        row keeps its own or gets now) and delete ``deletes`` ``(bot, key)``. Returns the
        deleted rows' ``{(bot, key): (value, created_at)}`` and the writes the database
        holds another value for (see :meth:`write_batch`); raises what the driver raises,
        and ChangedMeanwhile (nothing written) when a key of ``expected`` no longer holds
        that value (None: absent), or already what this transaction would make it: then
        nothing is lost, as when a commit landed but its reply did not (a hung server) and
        the user tries again."""
        now = self.ts(utc_now())
        checks = expected or {}
        wanted: dict[tuple[str, str], str | None] = dict.fromkeys(deletes)
        wanted.update({(bot, key): value for bot, key, value, _c in writes})
        deleted: dict[tuple[str, str], tuple[str, Any]] = {}
        stored: Held = {}
        changed: list[str] = []
        try:
            with self.atomic():
                for (bot, key), value, created, op in _ops_in_lock_order(writes, deletes,
                                                                         checks):
                    if op is _Op.CHECK:
                        # Locked before it is read: read without a lock, a check passed
                        # while another writer's update of the key was under way, and the
                        # write then overwrote that update once it was committed.
                        held = self._locked_entry(bot, key)
                        was, seen = checks[(bot, key)], None if held is None else held[0]
                        if seen != was and not ((bot, key) in wanted
                                                and seen == wanted[(bot, key)]):
                            changed.append(f"{key!r} is now {_shown(seen)} (was {_shown(was)})")
                    elif changed:
                        continue  # all of it is rolled back below
                    elif op is _Op.DELETE:
                        held = self._locked_entry(bot, key)
                        if held is not None:
                            deleted[(bot, key)] = held
                            self.db.execute(BotMemory.delete().where(
                                (BotMemory.bot == self.lookup_bot_id(bot))
                                & (BotMemory.key == key)))
                    else:
                        assert value is not None  # a write's value
                        bot_id = self._ensure_bot(bot)
                        row = (new_ids(1)[0], bot_id, key, value)
                        query = (self._upsert_query([(*row, now, now)]) if created is None
                                 else self._restore_query([(*row, self.ts(created), now)]))
                        stored.update(self.returning(query, bot, bot_id, {key: value}))
                if changed:
                    raise ChangedMeanwhile("changed by another writer since it was shown: "
                                           + "; ".join(changed[:5]))
        except ChangedMeanwhile:
            self.bot_ids.clear()  # a bot row made before the check failed is rolled back
            raise
        return deleted, stored

    def _locked_entry(self, bot: str, key: str) -> tuple[str, Any] | None:
        """``(value, created_at)`` of the key, its row locked (:meth:`lock_entries`)."""
        bot_id = self.lookup_bot_id(bot)
        rows = self.lock_entries(bot_id, [key]) if bot_id is not None else []
        return (rows[0][1], rows[0][2]) if rows else None

    def _restore_query(self, values: list[tuple[Any, ...]]) -> peewee.Insert:
        return BotMemory.insert_many(values, fields=_UPSERT_FIELDS).on_conflict(
            conflict_target=[BotMemory.bot, BotMemory.key],
            update={
                BotMemory.value: peewee.EXCLUDED.value,
                BotMemory.created_at: peewee.EXCLUDED.created_at,
                BotMemory.updated_at: peewee.EXCLUDED.updated_at,
            },
        )

    def _upsert_query(self, rows: list[tuple[Any, ...]]) -> peewee.Insert:
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
        bot_id = self.bot_ids.get(bot)
        if bot_id is None:
            bot_id = self.bot_ids[bot] = self.bots.ensure(bot)
        return bot_id

    # -- SQL helpers ---------------------------------------------------------------------

    def compile(self, query: peewee.Node) -> tuple[str, list[Any]]:
        """``query`` as SQL text and parameters for :meth:`fetch`."""
        return self.db.get_sql_context().sql(query).query()

    def _compile_statements(self) -> None:
        p = "\x01"  # placeholder values; only the SQL text is kept
        self.sql_get, _ = self.compile(
            BotMemory.select(BotMemory.value).where((BotMemory.bot == p) & (BotMemory.key == p))
        )
        self.sql_entry, _ = self.compile(
            BotMemory.select(
                BotMemory.key, BotMemory.value, BotMemory.created_at, BotMemory.updated_at
            ).where((BotMemory.bot == p) & (BotMemory.key == p))
        )
        # SQLite: ids made by SQLite itself (32 hex digits, the text form peewee's UUIDField
        # uses there): a Python uuid per row costs a sixth of the whole write.
        random_id = peewee.SQL("lower(hex(randomblob(16)))")
        row = (random_id,) + (p,) * (len(_UPSERT_FIELDS) - 1)
        sql, params = self.compile(self._upsert_query([row]))
        assert len(params) == len(_UPSERT_FIELDS) - 1, sql
        self._sql_upsert = sql
        self._sql_upsert_json = self._json_upsert_sql(sql) if self.sqlite else None

    def _json_upsert_sql(self, upsert: str) -> str | None:
        """The upsert reading its rows from ``json_each(?3)``; None without SQLite's JSON1."""
        head, _, tail = upsert.partition(" VALUES ")
        _, _, conflict = tail.partition(" ON CONFLICT ")
        try:
            self.db.execute_sql("SELECT count(*) FROM json_each(?)", ("[]",)).fetchall()
        except peewee.PeeweeException:
            return None
        return (
            f"{head} SELECT lower(hex(randomblob(16))), ?1, json_extract(j.value, '$[0]'), "
            f"json_extract(j.value, '$[1]'), ?2, ?2 FROM json_each(?3) AS j "
            f"WHERE true ON CONFLICT {conflict}"  # WHERE: SQLite's upsert-after-SELECT rule
        )

    def atomic(self) -> Any:
        """A write transaction (a context manager); on SQLite DatabaseError after it
        committed when the file is no longer at its path (see :mod:`app.db.file_identity`):
        that commit is not a saved write."""
        return self._sqlite_atomic() if self.file is not None else self.db.atomic()

    def check_file(self, committed: bool = False) -> None:
        """DatabaseError if the SQLite file was deleted, replaced or written over since it
        was opened (see :meth:`atomic`); nothing on PostgreSQL. ``committed``: right after a
        commit made outside :meth:`atomic` (it looks at the log again, as :meth:`atomic`
        does after its commits)."""
        if self.file is not None and self.overwrite is not None:
            self.file.check()
            self.overwrite.check(look_again=committed)

    @contextlib.contextmanager
    def _sqlite_atomic(self) -> Iterator[None]:
        assert self.file is not None and self.overwrite is not None
        try:
            # IMMEDIATE: take the write lock up front (see app.db.database).
            with self.db.atomic("IMMEDIATE"):
                self.overwrite.check(look_again=False)  # nothing more into a file written over
                yield
        except Exception:
            # With its folder gone SQLite may fail first ("unable to open database file",
            # its journal cannot be made): a file no longer there is the reason to give.
            self.file.check()
            raise
        # One stat after the commit is enough (and ~9 µs per commit on this machine): a
        # commit into a deleted file fails here and its writes stay queued. The new look at
        # the log (~5 µs more) is what the next check compares with.
        self.file.check()
        self.overwrite.check()

    def ts(self, when: dt.datetime) -> Any:
        """``when`` as this database's timestamp columns take it."""
        return db_timestamp(when, self.sqlite)


class ChangedMeanwhile(ValueError):
    """A key no longer holds the value an edit was confirmed against (a lost update
    avoided); nothing was written."""


def _shown(value: str | None) -> str:
    if value is None:
        return "deleted"
    return repr(value if len(value) <= 40 else value[:39] + "…")


# What a database raises for a write it refuses for good (a constraint or trigger, a value
# too long), as opposed to a state that passes (locked, disconnected, disk full).
REFUSALS = (peewee.IntegrityError, peewee.DataError, sqlite3.IntegrityError, sqlite3.DataError)
# PostgreSQL SQLSTATE classes that refuse the row itself but that psycopg2 raises as other
# exception types: 54 program limit exceeded (OperationalError: a key too long for the btree
# index on bot_memories.key, "index row size exceeds maximum 2704") and P0 a PL/pgSQL
# trigger's RAISE EXCEPTION (InternalError). Retrying those would wedge the writer for good.
_PG_REFUSAL_CLASSES = frozenset({"22", "23", "54", "P0"})


def is_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` says the database refuses the write itself, whatever the moment.
    A bot General Bots' own ``bots`` table lacks is one: Talkbench may not add it there, and
    retrying its writes would hold back every other bot's queued with them."""
    if isinstance(exc, REFUSALS + (BotNotFound,)):
        return True
    err = driver_error(exc)
    state = getattr(err, "pgcode", None) or getattr(err, "sqlstate", None)
    return isinstance(state, str) and state[:2] in _PG_REFUSAL_CLASSES


_RETURNING = f' RETURNING "{BotMemory.key.column_name}", "{BotMemory.value.column_name}"'

_UPSERT_FIELDS = [
    BotMemory.id,
    BotMemory.bot,
    BotMemory.key,
    BotMemory.value,
    BotMemory.created_at,
    BotMemory.updated_at,
]


def new_ids(n: int) -> list[str]:
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


def in_lock_order(batch: dict[tuple[str, str], Pending]) -> list[tuple[tuple[str, str], Pending]]:
    """The writes of ``batch`` by bot and key: PostgreSQL locks the rows of an upsert in the
    order it meets them, so two processes writing the same keys of a bot each in their own
    order deadlocked ("deadlock detected": the writes reported FAILED, a run stopped at its
    SET); in one order, one waits for the other instead."""
    return sorted(batch.items(), key=lambda item: item[0])


class _Op(enum.Enum):
    CHECK = 0  # before this transaction writes the key
    WRITE = 1
    DELETE = 2  # after the key's write, as when all the writes went first


def _ops_in_lock_order(writes: list[Write], deletes: list[tuple[str, str]],
                       expected: Mapping[tuple[str, str], str | None],
                       ) -> list[tuple[tuple[str, str], str | None, Any, _Op]]:
    """``((bot, key), value, created_at, op)`` of ``writes``, ``deletes`` and the checks of
    ``expected`` in one order of bot and key (see :func:`in_lock_order`: an undo or a snapshot
    restore in two processes deadlocked like the writer's batches did; a check locking its
    rows first, then writing a lower key, could too)."""
    ops: list[tuple[tuple[str, str], str | None, Any, _Op]] = [
        ((bot, key), value, created, _Op.WRITE) for bot, key, value, created in writes]
    ops += [((bot, key), None, None, _Op.DELETE) for bot, key in deletes]
    ops += [(bot_key, None, None, _Op.CHECK) for bot_key in expected]
    return sorted(ops, key=lambda op: (op[0], op[3].value))


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
