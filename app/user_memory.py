"""Per-user memory of a bot (SET/GET USER MEMORY, REMEMBER USER FACT, CLEAR USER MEMORY).

Rows live in ``user_memories`` beside ``bot_memories`` in the memory store's database,
unique on (bot, user, key). Writes are synchronous upserts (user memory is written a few
times per conversation, not in loops), so reads always see them. ``user_memories(store)``
gives the one :class:`UserMemories` of a store; subscribers get :class:`UserMemoryChange`
events in the thread that made the change (a GUI must post them to its own thread).

A General Bots database may already hold its own cross-bot ``user_memories`` table (no
``bot_id``): Talkbench never alters it and reports user memory as unavailable instead.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from .database import DatabaseError, is_sqlite, translate_error
from .models import USER_MEMORIES_TABLE, Bot, UserMemory, db_timestamp
from .observers import Subscribers
from .services import ServiceContext, service_factory

log = logging.getLogger(__name__)

_REQUIRED = {"id", "bot_id", "user_id", "key", "value", "memory_type", "created_at", "updated_at"}
_FACT = "fact"
_PREFERENCE = "preference"


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


@dataclass(frozen=True)
class UserMemoryEntry:
    user: str
    key: str
    value: str
    memory_type: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None


UserSubscriber = Callable[[UserMemoryChange], None]


class UserMemories:
    """All user memories in one database."""

    def __init__(self, db: peewee.Database) -> None:
        self._db = db
        self._sqlite = is_sqlite(db)
        self._lock = threading.RLock()
        self._subscribers: Subscribers[UserMemoryChange] = Subscribers(
            self._lock, log, "user memory")
        self._bot_ids: dict[str, Any] = {}
        self._ready = False

    # ------------------------------------------------------------ reads

    def get(self, bot: str, user: str, key: str) -> str:
        row = self._one(UserMemory.select(UserMemory.value).where(self._key(bot, user, key)))
        return row[0] if row else ""

    def users(self, bot: str) -> list[str]:
        """Users with at least one memory in ``bot``, sorted."""
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return []
        query = (UserMemory.select(UserMemory.user_id).where(UserMemory.bot == bot_id)
                 .distinct().order_by(UserMemory.user_id))
        return [r[0] for r in self._all(query)]

    def list(self, bot: str, user: str | None = None, filter: str = "", offset: int = 0,
             limit: int | None = None) -> list[UserMemoryEntry]:
        """Entries ordered by user then key; ``filter`` matches key or value (substring)."""
        query = self._select(bot, user, filter)
        if query is None:
            return []
        query = query.order_by(UserMemory.user_id, UserMemory.key).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [UserMemoryEntry(r[0], r[1], r[2], r[3], _utc(r[4]), _utc(r[5]))
                for r in self._all(query)]

    def count(self, bot: str, user: str | None = None, filter: str = "") -> int:
        query = self._select(bot, user, filter)
        return 0 if query is None else int(self._one(query.select(peewee.fn.COUNT(1)))[0])

    def facts(self, bot: str, user: str) -> list[str]:
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return []
        query = (UserMemory.select(UserMemory.value)
                 .where((UserMemory.bot == bot_id) & (UserMemory.user_id == user)
                        & (UserMemory.memory_type == _FACT))
                 .order_by(UserMemory.created_at.desc(), UserMemory.key.desc()))
        return [r[0] for r in self._all(query)]

    # ------------------------------------------------------------ writes

    def set(self, bot: str, user: str, key: str, value: str,
            memory_type: str = _PREFERENCE) -> None:
        for what, text in (("user", user), ("key", key)):
            if not isinstance(text, str) or not text:
                raise UserMemoryError(f"user memory needs a non-empty {what}")
        if "\x00" in key + value + user:
            raise UserMemoryError("user memory cannot store NUL characters")
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
            self._execute(query)
            self._subscribers.emit(UserMemoryChange(bot, user, key, old or None, value, UserChangeState.SET))

    def add_fact(self, bot: str, user: str, text: str) -> str:
        key = f"fact_{uuid.uuid4().hex}"
        self.set(bot, user, key, text, _FACT)
        return key

    def delete(self, bot: str, user: str, keys: Iterable[str]) -> int:
        keys = list(keys)
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None or not keys:
            return 0
        with self._lock:
            wanted = set(keys)
            olds = {e.key: e.value for e in self.list(bot, user) if e.key in wanted}
            where = ((UserMemory.bot == bot_id) & (UserMemory.user_id == user)
                     & UserMemory.key.in_(keys))
            removed = self._execute(UserMemory.delete().where(where))
            for key, old in olds.items():
                self._subscribers.emit(UserMemoryChange(bot, user, key, old, None, UserChangeState.DELETED))
            return int(removed or 0)

    def clear(self, bot: str, user: str) -> int:
        return self.delete(bot, user, [e.key for e in self.list(bot, user)])

    def subscribe(self, callback: UserSubscriber) -> Callable[[], None]:
        return self._subscribers.subscribe(callback)

    def handle(self, bot: str, user: str) -> UserMemoryHandle:
        return UserMemoryHandle(self, bot, user)

    # ------------------------------------------------------------ internals

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            try:
                if USER_MEMORIES_TABLE not in self._db.get_tables():
                    peewee.SchemaManager(UserMemory, database=self._db).create_all(safe=True)
                else:
                    columns = {c.name for c in self._db.get_columns(USER_MEMORIES_TABLE)}
                    if _REQUIRED - columns:
                        raise UserMemoryError(
                            f"the database has a {USER_MEMORIES_TABLE!r} table without "
                            f"{', '.join(sorted(_REQUIRED - columns))} (General Bots' own "
                            "cross-bot table?); Talkbench will not alter it, so user memory "
                            "is unavailable on this database")
            except peewee.PeeweeException as exc:
                raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None
            self._ready = True

    def _execute(self, query: peewee.Query) -> Any:
        self._ensure()
        try:
            with self._db.atomic():
                return query.execute(self._db)
        except (peewee.PeeweeException, DatabaseError) as exc:
            raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None

    def _all(self, query: peewee.Query) -> list[tuple[Any, ...]]:
        self._ensure()
        try:
            return list(self._db.execute(query.tuples()).fetchall())
        except peewee.PeeweeException as exc:
            raise UserMemoryError(str(translate_error(exc, "the memory database"))) from None

    def _one(self, query: peewee.Query) -> tuple[Any, ...] | None:
        rows = self._all(query.limit(1))
        return rows[0] if rows else None

    def _key(self, bot: str, user: str, key: str) -> Any:
        bot_id = self._bot_id(bot, create=False)
        return ((UserMemory.bot == bot_id) & (UserMemory.user_id == user)
                & (UserMemory.key == key))

    def _select(self, bot: str, user: str | None, filter: str) -> peewee.ModelSelect | None:
        bot_id = self._bot_id(bot, create=False)
        if bot_id is None:
            return None
        where = UserMemory.bot == bot_id
        if user is not None:
            where &= UserMemory.user_id == user
        if filter:
            pattern = f"%{filter}%"
            where &= (UserMemory.key ** pattern) | (UserMemory.value ** pattern)
        return UserMemory.select(UserMemory.user_id, UserMemory.key, UserMemory.value,
                                 UserMemory.memory_type, UserMemory.created_at,
                                 UserMemory.updated_at).where(where)

    def _bot_id(self, bot: str, *, create: bool) -> Any:
        if bot in self._bot_ids:
            return self._bot_ids[bot]
        self._ensure()
        rows = self._db.execute(Bot.select(Bot.id).where(Bot.name == bot).tuples()).fetchall()
        if rows:
            self._bot_ids[bot] = rows[0][0]
            return rows[0][0]
        if not create:
            return None
        new_id = uuid.uuid4()
        try:
            with self._db.atomic():
                Bot.insert(id=new_id, name=bot).execute(self._db)
        except peewee.IntegrityError:  # another store created it meanwhile
            return self._bot_id(bot, create=False)
        self._bot_ids[bot] = Bot.id.db_value(new_id) if self._sqlite else new_id
        return self._bot_ids[bot]


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
    """The ``user_memory`` service of one bot (``interpreter.data_ports.UserMemory``)."""

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


_by_store: weakref.WeakKeyDictionary[Any, UserMemories] = weakref.WeakKeyDictionary()
_by_store_lock = threading.Lock()


def user_memories(store: Any) -> UserMemories:
    """The :class:`UserMemories` over a MemoryStore's database (one per store)."""
    with _by_store_lock:
        found = _by_store.get(store)
        if found is None:
            found = _by_store[store] = UserMemories(store.database)
        return found


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@service_factory("user_memory", "open a memory database (talkbench --db URL) to use user memory")
def _make_user_memory(context: ServiceContext) -> BotUserMemory | None:
    if context.store is None:
        return None
    return BotUserMemory(user_memories(context.store), context.bot)
