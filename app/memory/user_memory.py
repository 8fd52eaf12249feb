"""Per-user memory of a bot (SET/GET USER MEMORY, REMEMBER USER FACT, CLEAR USER MEMORY).

Rows live in ``user_memories`` beside ``bot_memories`` in the memory store's database,
unique on (bot, user, key). Writes are synchronous upserts (user memory is written a few
times per conversation, not in loops), so reads always see them. ``user_memories(store)``
gives the one :class:`UserMemories` of a store; subscribers get :class:`UserMemoryChange`
events in the thread that made the change (a GUI must post them to its own thread).

A General Bots database may already hold its own cross-bot ``user_memories`` table (no
``bot_id``): Talkbench never alters it and reports user memory as unavailable instead.

REMEMBER key, value, "30 days" gives an entry an expiry. It is kept in Talkbench's own side
table ``talkbench_memory_expiry`` (memory row id → expires_at), not in a new column: the
``user_memories`` columns mirror General Bots' migration 6.1.0 and databases made by earlier
Talkbench versions already hold the table, so a column would need an ALTER on a table shaped
like General Bots' one; a value envelope would leak into GET USER MEMORY, the memory viewer
and anything else reading the value. An expired entry reads as "" and is deleted the first
time it is read (or when the same bot writes a REMEMBER); listings leave it out meanwhile.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import enum
import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import peewee

from interpreter.ports.data import UserMemory as UserMemoryPort

from ..db.bots import BotDirectory
from ..db.database import (
    DatabaseError,
    contains_text,
    is_sqlite,
    read_reconnecting,
    reset_connection,
    translate_error,
)
from ..db.models import (
    USER_MEMORIES_TABLE,
    BaseModel,
    UserMemory,
    UtcDateTimeField,
    create_tables,
    db_timestamp,
)
from ..services.registry import ServiceContext, service_factory
from .observers import Subscribers
from .sql import CHUNK_KEYS, chunks

log = logging.getLogger(__name__)

_REQUIRED = {"id", "bot_id", "user_id", "key", "value", "memory_type", "created_at", "updated_at"}
_FACT = "fact"
_PREFERENCE = "preference"


EXPIRY_TABLE = "talkbench_memory_expiry"


class MemoryExpiry(BaseModel):
    """When a REMEMBERed user memory stops existing (Talkbench's own table, see the module
    docstring); deleted with its memory row."""

    memory = peewee.ForeignKeyField(UserMemory, column_name="memory_id", field="id",
                                    primary_key=True, on_delete="CASCADE")
    expires_at = UtcDateTimeField(index=True)

    class Meta:
        table_name = EXPIRY_TABLE


class UserMemoryError(ValueError):
    """User memory cannot be used; ``str`` is one line for users."""


class UserChangeState(enum.Enum):
    SET = "set"
    DELETED = "deleted"


@dataclass(frozen=True)
class UserMemoryChange:
    bot: str
    user: str
    key: str
    old: str | None
    new: str | None  # None when deleted
    state: UserChangeState
    expires_at: dt.datetime | None = None  # a SET's expiry (REMEMBER), None: kept for good
    memory_type: str = _PREFERENCE  # a SET's memory type ("fact" for REMEMBER USER FACT)


@dataclass(frozen=True)
class UserMemoryEntry:
    user: str
    key: str
    value: str
    memory_type: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    expires_at: dt.datetime | None = None  # None: kept until deleted


UserSubscriber = Callable[[UserMemoryChange], None]


class UserMemories:
    """All user memories in one database."""

    def __init__(self, db: peewee.Database,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 file_checked: Callable[[], AbstractContextManager[None]] = nullcontext,
                 ) -> None:
        self._db = db
        self._file_checked = file_checked  # the store's: see MemoryStore.file_checked
        self.clock = clock  # aware UTC "now"; tests move it to expire entries
        self._sqlite = is_sqlite(db)
        self._lock = threading.RLock()
        self._subscribers: Subscribers[UserMemoryChange] = Subscribers(
            self._lock, log, "user memory")
        self._bot_ids: dict[str, Any] = {}
        self._bots = BotDirectory(db)
        self._ready = False

    # ------------------------------------------------------------ reads

    def get(self, bot: str, user: str, key: str) -> str:
        """The value, ``""`` when missing or expired (an expired entry is deleted here)."""
        query = (UserMemory.select(UserMemory.value, MemoryExpiry.expires_at)
                 .join(MemoryExpiry, peewee.JOIN.LEFT_OUTER)
                 .where(self._key(bot, user, key)))
        row = self._one(query)
        if row is None:
            return ""
        expires = _utc(row[1])
        if expires is not None and expires <= self.clock():
            self._purge(bot, user, key)
            return ""
        return row[0]

    def users(self, bot: str) -> list[str]:
        """Users with at least one memory in ``bot``, sorted."""
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return []
        query = (UserMemory.select(UserMemory.user_id)
                 .join(MemoryExpiry, peewee.JOIN.LEFT_OUTER)
                 .where((UserMemory.bot == bot_id) & self._alive())
                 .distinct().order_by(UserMemory.user_id))
        return [r[0] for r in self._all(query)]

    def list(self, bot: str, user: str | None = None, filter: str = "", offset: int = 0,
             limit: int | None = None, *, expired: bool = False) -> list[UserMemoryEntry]:
        """Entries ordered by user then key; ``filter`` matches key or value (substring).
        Expired entries not yet purged are left out unless ``expired``."""
        query = self._select(bot, user, filter, expired)
        if query is None:
            return []
        query = query.order_by(UserMemory.user_id, UserMemory.key).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [UserMemoryEntry(r[0], r[1], r[2], r[3], _utc(r[4]), _utc(r[5]), _utc(r[6]))
                for r in self._all(query)]

    def count(self, bot: str, user: str | None = None, filter: str = "") -> int:
        query = self._select(bot, user, filter)
        counted = None if query is None else self._one(query.select(peewee.fn.COUNT(1)))
        return 0 if counted is None else int(counted[0])

    def facts(self, bot: str, user: str) -> builtins.list[str]:
        _check_lookup(user)
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return []
        query = (UserMemory.select(UserMemory.value)
                 .where((UserMemory.bot == bot_id) & (UserMemory.user_id == user)
                        & (UserMemory.memory_type == _FACT))
                 .order_by(UserMemory.created_at.desc(), UserMemory.key.desc()))
        return [r[0] for r in self._all(query)]

    def snapshot(self, bot: str, user: str,
                 filter: str = "",
                 ) -> tuple[builtins.list[str], builtins.list[UserMemoryEntry]]:
        """``users(bot)`` and ``list(bot, user, filter)`` read together under the writers'
        lock: a write of this process is either in both and already told to subscribers,
        or in neither (a viewer re-reading for outside writes can tell its own ones apart)."""
        with self._lock:
            return self.users(bot), self.list(bot, user, filter)

    def probe(self, bot: str) -> Any:
        """Cheap value that changes when another connection may have changed ``bot``'s user
        memory: SQLite's ``PRAGMA data_version`` (any commit by another connection, this
        process's other threads included), on PostgreSQL the count and newest ``updated_at``
        of the bot's rows (a delete lowers the count, a write moves the newest stamp)."""
        self._ensure()
        try:
            if self._sqlite:
                return read_reconnecting(self._db, self._data_version)
            bot_id = self._bot_id(bot, create=False)
            if bot_id is None:  # the bot may appear later (another process's first write)
                return None
            query = UserMemory.select(peewee.fn.COUNT(1), peewee.fn.MAX(UserMemory.updated_at))
            return tuple(self._one(query.where(UserMemory.bot == bot_id)) or ())
        except peewee.PeeweeException as exc:
            raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None

    def _data_version(self) -> Any:
        cursor = self._db.execute_sql("PRAGMA data_version")
        try:
            return cursor.fetchone()[0]
        finally:
            cursor.close()

    # ------------------------------------------------------------ writes

    def set(self, bot: str, user: str, key: str, value: str,
            memory_type: str = _PREFERENCE, *, expires_at: dt.datetime | None = None) -> None:
        """Upsert ``key``; ``expires_at`` (aware) makes it expire, None keeps it for good
        (a SET USER MEMORY over a REMEMBERed key also drops the old expiry)."""
        for what, text in (("user", user), ("key", key)):
            if not isinstance(text, str) or not text:
                raise UserMemoryError(f"user memory needs a non-empty {what}")
        _check_lookup(user, key, value)
        with self._lock:
            old = self.get(bot, user, key) if self._subscribers.callbacks else None
            now = db_timestamp(dt.datetime.now(dt.UTC), self._sqlite)
            row = {UserMemory.id: uuid.uuid4(), UserMemory.bot: self._bot_id(bot, create=True),
                   UserMemory.user_id: user, UserMemory.key: key, UserMemory.value: value,
                   UserMemory.memory_type: memory_type, UserMemory.created_at: now,
                   UserMemory.updated_at: now}
            query = UserMemory.insert(row).on_conflict(
                conflict_target=[UserMemory.bot, UserMemory.user_id, UserMemory.key],
                update={UserMemory.value: value, UserMemory.updated_at: now,
                        UserMemory.memory_type: memory_type})
            with self._transaction():
                query.execute(self._db)
                self._set_expiry(bot, user, key, expires_at)
            self._subscribers.emit(UserMemoryChange(bot, user, key, old or None, value,
                                                    UserChangeState.SET, expires_at,
                                                    memory_type))

    def remember(self, bot: str, user: str, key: str, value: str,
                 ttl: dt.timedelta | None) -> None:
        """REMEMBER: upsert ``key`` expiring ``ttl`` from now (None: never)."""
        if ttl is not None and ttl <= dt.timedelta(0):
            raise UserMemoryError("a memory must be kept for a positive time")
        now = self.clock()
        self.set(bot, user, key, value, expires_at=None if ttl is None else now + ttl)
        self.purge_expired(bot)

    def purge_expired(self, bot: str) -> int:
        """Delete the expired entries of ``bot``; returns how many went."""
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return 0
        query = (UserMemory.select(UserMemory.user_id, UserMemory.key)
                 .join(MemoryExpiry)
                 .where((UserMemory.bot == bot_id) & ~self._alive()))
        return sum(self._purge(bot, user, key) for user, key in self._all(query))

    def add_fact(self, bot: str, user: str, text: str) -> str:
        key = f"fact_{uuid.uuid4().hex}"
        self.set(bot, user, key, text, _FACT)
        return key

    def delete(self, bot: str, user: str, keys: Iterable[str]) -> int:
        """Delete ``keys`` of ``user`` (expired or not); returns how many existed."""
        keys = sorted(set(keys))  # in chunks in the lock order, as the bot memory writers
        _check_lookup(user, *keys)
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None or not keys:
            return 0
        with self._lock:
            olds: dict[str, str] = {}
            with self._transaction():
                for chunk in chunks(keys, CHUNK_KEYS):
                    rows = self._lock_rows((UserMemory.bot == bot_id)
                                           & (UserMemory.user_id == user)
                                           & UserMemory.key.in_(chunk))
                    # By id, the rows locked: by key, a row another writer committed since
                    # would be deleted too, locked out of order.
                    ids = [memory_id for memory_id, _, _ in rows]
                    if not ids:
                        continue
                    # Explicit rather than trusting ON DELETE CASCADE: SQLite enforces it
                    # only when the connection enabled foreign keys.
                    MemoryExpiry.delete().where(MemoryExpiry.memory.in_(ids)).execute(self._db)
                    UserMemory.delete().where(UserMemory.id.in_(ids)).execute(self._db)
                    olds.update((key, value) for _, key, value in rows)
            for key, old in olds.items():
                self._subscribers.emit(UserMemoryChange(bot, user, key, old, None,
                                                        UserChangeState.DELETED))
            return len(olds)

    def _lock_rows(self, where: Any) -> builtins.list[tuple[Any, str, str]]:
        """``(id, key, value)`` of the rows ``where`` selects; on PostgreSQL each row locked in
        key order before its expiry or itself is deleted. One DELETE (expiries first) locked
        them in its plan's order, which a delete of the same keys in another process or a
        REMEMBER (a row, then its expiry) crossed: "deadlock detected". COLLATE "C" is code
        point order, the order the keys' chunks are cut in."""
        query = UserMemory.select(UserMemory.id, UserMemory.key, UserMemory.value).where(where)
        if not self._sqlite:  # SQLite has one write lock for the whole file
            query = query.order_by(UserMemory.key.collate('"C"')).for_update()
        return [(row[0], row[1], row[2]) for row in self._db.execute(query.tuples())]

    def clear(self, bot: str, user: str) -> int:
        return self.delete(bot, user, [e.key for e in self.list(bot, user, expired=True)])

    def subscribe(self, callback: UserSubscriber) -> Callable[[], None]:
        return self._subscribers.subscribe(callback)

    def handle(self, bot: str, user: str) -> UserMemoryHandle:
        return UserMemoryHandle(self, bot, user)

    # ------------------------------------------------------------ internals

    def _alive(self) -> Any:
        """Rows (joined LEFT with their expiry) that have not expired."""
        now = db_timestamp(self.clock(), self._sqlite)
        return MemoryExpiry.expires_at.is_null() | (MemoryExpiry.expires_at > now)

    def _set_expiry(self, bot: str, user: str, key: str, expires_at: dt.datetime | None) -> None:
        memory_id = UserMemory.select(UserMemory.id).where(self._key(bot, user, key))
        if expires_at is None:
            MemoryExpiry.delete().where(MemoryExpiry.memory.in_(memory_id)).execute(self._db)
            return
        when = db_timestamp(expires_at, self._sqlite)
        row = self._db.execute(memory_id.tuples()).fetchone()
        (MemoryExpiry.insert(memory=row[0], expires_at=when)
         .on_conflict(conflict_target=[MemoryExpiry.memory],
                      update={MemoryExpiry.expires_at: when})
         .execute(self._db))

    def _purge(self, bot: str, user: str, key: str) -> int:
        """Delete ``key`` if it is still expired (another writer may have renewed it)."""
        with self._lock:
            query = (UserMemory.select(UserMemory.value).join(MemoryExpiry)
                     .where(self._key(bot, user, key) & ~self._alive()))
            row = self._one(query)
            return self.delete(bot, user, [key]) if row is not None else 0

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._ensure()
        try:
            with self._file_checked(), self._db.atomic():
                yield
        except (peewee.PeeweeException, DatabaseError) as exc:
            if not self._db.in_transaction():
                reset_connection(self._db)  # a lost connection is reopened by the next call
            raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            try:
                if USER_MEMORIES_TABLE not in self._db.get_tables():
                    create_tables(self._db, UserMemory)
                else:
                    columns = {c.name for c in self._db.get_columns(USER_MEMORIES_TABLE)}
                    if _REQUIRED - columns:
                        raise UserMemoryError(
                            f"the database has a {USER_MEMORIES_TABLE!r} table without "
                            f"{', '.join(sorted(_REQUIRED - columns))} (General Bots' own "
                            "cross-bot table?); Talkbench will not alter it, so user memory "
                            "is unavailable on this database")
                create_tables(self._db, MemoryExpiry)
            except peewee.PeeweeException as exc:
                raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None
            self._ready = True

    def _all(self, query: peewee.Query) -> builtins.list[tuple[Any, ...]]:
        self._ensure()
        try:
            return read_reconnecting(
                self._db, lambda: list(self._db.execute(query.tuples()).fetchall()))
        except peewee.PeeweeException as exc:
            raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None

    def _one(self, query: peewee.Query) -> tuple[Any, ...] | None:
        rows = self._all(query.limit(1))
        return rows[0] if rows else None

    def _key(self, bot: str, user: str, key: str) -> Any:
        _check_lookup(user, key)
        bot_id = self._bot_id(bot, create=False)
        return ((UserMemory.bot == bot_id) & (UserMemory.user_id == user)
                & (UserMemory.key == key))

    def _select(self, bot: str, user: str | None, filter: str,
                expired: bool = False) -> peewee.ModelSelect[UserMemory] | None:
        _check_lookup(user or "", filter)
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return None
        where = UserMemory.bot == bot_id
        if not expired:
            where &= self._alive()
        if user is not None:
            where &= UserMemory.user_id == user
        if filter:
            where &= contains_text([UserMemory.key, UserMemory.value], filter, self._sqlite)
        return (UserMemory.select(UserMemory.user_id, UserMemory.key, UserMemory.value,
                                  UserMemory.memory_type, UserMemory.created_at,
                                  UserMemory.updated_at, MemoryExpiry.expires_at)
                .join(MemoryExpiry, peewee.JOIN.LEFT_OUTER).where(where))

    def _bot_id(self, bot: str, *, create: bool) -> Any:
        """The bot's id by the one resolution path of :mod:`app.db.bots` (id, slug or name),
        added where allowed when ``create``; ``None`` while it does not exist."""
        _check_lookup(bot)
        if bot in self._bot_ids:
            return self._bot_ids[bot]
        self._ensure()
        if create:
            bot_id = self._bots.ensure(bot)
        else:
            row = self._bots.find(bot)
            if row is None:
                return None
            bot_id = row.id
        self._bot_ids[bot] = bot_id
        return bot_id


class UserMemoryHandle:
    """One user's memory in one bot: ``get``/``set`` like the interpreter's BotMemory port."""

    __slots__ = ("_memories", "bot", "user")

    def __init__(self, memories: UserMemories, bot: str, user: str) -> None:
        self._memories = memories
        self.bot = bot
        self.user = user

    def get(self, key: str) -> str:
        return self._memories.get(self.bot, self.user, key)

    def set(self, key: str, value: str, source: Any = None) -> None:
        self._memories.set(self.bot, self.user, key, value)


class BotUserMemory:
    """The ``user_memory`` service of one bot (``interpreter.ports.data.UserMemory``)."""

    def __init__(self, memories: UserMemories, bot: str) -> None:
        self._memories = memories
        self._bot = bot

    def get(self, user: str, key: str) -> str:
        return self._memories.get(self._bot, user, key)

    def set(self, user: str, key: str, value: str) -> None:
        self._memories.set(self._bot, user, key, value)

    def clear(self, user: str) -> int:
        return self._memories.clear(self._bot, user)

    def facts(self, user: str) -> list[str]:
        return self._memories.facts(self._bot, user)

    def add_fact(self, user: str, text: str) -> None:
        self._memories.add_fact(self._bot, user, text)

    def remember(self, user: str, key: str, value: str, seconds: float | None) -> None:
        """REMEMBER: ``seconds`` until the entry expires, None for never."""
        ttl = None if seconds is None else dt.timedelta(seconds=seconds)
        self._memories.remember(self._bot, user, key, value, ttl)


_by_store: weakref.WeakKeyDictionary[Any, UserMemories] = weakref.WeakKeyDictionary()
_by_store_lock = threading.Lock()


def user_memories(store: Any) -> UserMemories:
    """The :class:`UserMemories` over a MemoryStore's database (one per store)."""
    with _by_store_lock:
        found = _by_store.get(store)
        if found is None:
            found = _by_store[store] = UserMemories(store.database,
                                                     file_checked=store.file_checked)
        return found


def _check_lookup(*texts: str) -> None:
    """UserMemoryError for text no entry can hold: a NUL (psycopg2 raised a bare ValueError,
    SQLite found nothing) or a lone surrogate (both drivers raised UnicodeEncodeError)."""
    for text in texts:
        if "\x00" in text or not (text.isascii() or _encodable(text)):
            raise UserMemoryError("user memory cannot hold text with a NUL character or that "
                                  "is not valid Unicode")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@service_factory("user_memory", "open a memory database (talkbench --db URL) to use user memory")
def _make_user_memory(context: ServiceContext) -> UserMemoryPort | None:
    if context.store is None:
        return None
    return BotUserMemory(user_memories(context.store), context.bot)
