"""Bot memory shared between bots: ``BOT SHARE MEMORY key WITH bot`` and
``BOT SYNC MEMORY FROM bot`` (General Bots' botbasic_ai/src/keywords/enhanced_memory.rs).

Sharing copies this bot's value of ``key`` into ``bot_shared_memory`` (one row per target
bot and key, General Bots' table and columns); syncing copies every row another bot shared
with this one into this bot's own memory, through the memory store, so the writes land like
any SET BOT MEMORY and show in the memory panel. A bot is found by name in ``bots``; an
unknown one is an error the keyword reports (the engine logs it and goes on).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import peewee

from interpreter.ports.services import ServiceError

from ..db.bots import BotDirectory
from ..db.database import DatabaseError, is_sqlite, reset_connection, translate_error
from ..db.models import BaseModel, Bot, UtcDateTimeField, create_tables, db_timestamp, utc_now
from ..services.registry import ServiceContext, service_factory

SHARED_TABLE = "bot_shared_memory"


class BotSharedMemory(BaseModel):
    id = peewee.UUIDField(primary_key=True, default=uuid.uuid4)
    source_bot = peewee.ForeignKeyField(Bot, column_name="source_bot_id", field="id",
                                        on_delete="CASCADE")
    target_bot = peewee.ForeignKeyField(Bot, column_name="target_bot_id", field="id",
                                        on_delete="CASCADE")
    memory_key = peewee.TextField()
    memory_value = peewee.TextField()
    shared_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = SHARED_TABLE
        indexes = ((("target_bot", "memory_key"), True),)


class SharedMemory:
    """The ``shared_memory`` service of one bot over a memory store's database."""

    def __init__(self, store: Any, bot: str) -> None:
        self._store = store
        self._db: peewee.Database = store.database
        self._bot = bot
        self._lock = threading.Lock()
        self._ready = False

    def share(self, key: str, value: str, target: str) -> None:
        """Offer this bot's ``value`` of ``key`` to ``target`` (replacing an earlier offer)."""
        source_id, target_id = self._bot_id(self._bot), self._bot_id(target)
        now = db_timestamp(utc_now(), is_sqlite(self._db))
        query = (BotSharedMemory.insert(id=uuid.uuid4(), source_bot=source_id,
                                        target_bot=target_id, memory_key=key,
                                        memory_value=value, shared_at=now)
                 .on_conflict(conflict_target=[BotSharedMemory.target_bot,
                                               BotSharedMemory.memory_key],
                              update={BotSharedMemory.memory_value: value,
                                      BotSharedMemory.shared_at: now,
                                      BotSharedMemory.source_bot: source_id}))
        self._run(lambda: self._db.execute(query))

    def offered_by(self, source: str) -> list[tuple[str, str]]:
        """(key, value) of what ``source`` shared with this bot, by key."""
        source_id, target_id = self._bot_id(source), self._bot_id(self._bot)
        query = (BotSharedMemory.select(BotSharedMemory.memory_key, BotSharedMemory.memory_value)
                 .where((BotSharedMemory.source_bot == source_id)
                        & (BotSharedMemory.target_bot == target_id))
                 .order_by(BotSharedMemory.memory_key).tuples())
        return self._run(lambda: list(self._db.execute(query).fetchall()))

    def _bot_id(self, name: str) -> Any:
        """The id of the bot ``name`` refers to (a name, slug or id, as --bot takes), through
        app.db.bots like every other lookup; only this dialog's own bot may be added there."""
        if name == self._bot:  # this bot's row exists once it wrote; make sure it does
            self._store.flush(timeout=5.0)
        directory = BotDirectory(self._db)
        row = self._run(lambda: directory.find(name))
        if row is not None:
            return row.id
        if name == self._bot:
            return self._run(lambda: directory.ensure(name))
        known = ", ".join(self._store.bots()) or "none"
        raise ServiceError(f"Bot not found: {name} (bots in this database: {known})")

    def _run(self, work: Any) -> Any:
        with self._lock:
            try:
                if not self._ready:
                    create_tables(self._db, BotSharedMemory)
                    self._ready = True
                with self._store.file_checked(), self._db.atomic():
                    return work()
            except (peewee.PeeweeException, DatabaseError) as exc:
                if not self._db.in_transaction():
                    reset_connection(self._db)  # a lost connection is reopened next time
                raise ServiceError(str(translate_error(exc, "the memory database"))) from None


@service_factory("shared_memory", "open a memory database (talkbench --db URL) to share "
                                  "memory between bots")
def _make_shared_memory(context: ServiceContext) -> SharedMemory | None:
    if context.store is None:
        return None
    return SharedMemory(context.store, context.bot)
