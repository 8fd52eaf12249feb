"""peewee models mirroring General Bots' ``bots`` / ``bot_memories`` tables.

Talkbench may be pointed at a real General Bots PostgreSQL database, so the schema code only
ever creates what is missing: it never drops, alters or indexes an existing table, and it reads
and writes only the columns below (real ``bots`` rows carry many more columns with defaults).

Models are bound to :data:`database_proxy`; the memory store passes its own database to every
query instead, so several stores on different databases can live in one process.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import peewee

from .conflicts import is_created_meanwhile
from .database import DatabaseError, retry_while, translate_error

database_proxy = peewee.DatabaseProxy()

BOTS_TABLE = "bots"
MEMORIES_TABLE = "bot_memories"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTimeField(peewee.DateTimeField):
    """General Bots uses TIMESTAMPTZ; SQLite databases opened by ``app.db.database`` map it to
    DATETIME (text, UTC)."""

    field_type = "TIMESTAMPTZ"


def db_timestamp(when: dt.datetime, sqlite: bool) -> Any:
    """``when`` as a timestamp column takes it: on SQLite naive UTC text, the format peewee
    and sqlite3 use for DATETIME columns; on PostgreSQL the aware datetime itself."""
    if sqlite:
        return when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return when


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy


class Bot(BaseModel):
    # UUIDField: native uuid on PostgreSQL, 32-hex text on SQLite.
    id = peewee.UUIDField(primary_key=True, default=uuid.uuid4)
    name = peewee.TextField(unique=True)

    class Meta:
        table_name = BOTS_TABLE


class BotMemory(BaseModel):
    id = peewee.UUIDField(primary_key=True, default=uuid.uuid4)
    bot = peewee.ForeignKeyField(
        Bot, column_name="bot_id", field="id", on_delete="CASCADE", index=True
    )
    key = peewee.TextField(index=True)
    value = peewee.TextField()
    created_at = UtcDateTimeField(default=utc_now)
    updated_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = MEMORIES_TABLE
        indexes = ((("bot", "key"), True),)


USER_MEMORIES_TABLE = "user_memories"


class UserMemory(BaseModel):
    """Per-user memory of a bot (SET/GET USER MEMORY). Created on first use by
    ``app.memory.user_memory`` (not in MODELS: a General Bots database may hold its own cross-bot
    ``user_memories`` table, which must not stop bot memory from working)."""

    id = peewee.UUIDField(primary_key=True, default=uuid.uuid4)
    bot = peewee.ForeignKeyField(
        Bot, column_name="bot_id", field="id", on_delete="CASCADE", index=True
    )
    user_id = peewee.TextField(index=True)
    key = peewee.TextField()
    value = peewee.TextField()
    memory_type = peewee.TextField(default="preference")  # "preference" or "fact"
    created_at = UtcDateTimeField(default=utc_now)
    updated_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = USER_MEMORIES_TABLE
        indexes = ((("bot", "user_id", "key"), True),)


MODELS: tuple[type[BaseModel], ...] = (Bot, BotMemory)

_REQUIRED_COLUMNS = {
    BOTS_TABLE: {"id", "name"},
    MEMORIES_TABLE: {"id", "bot_id", "key", "value", "created_at", "updated_at"},
}


def ensure_schema(db: peewee.Database) -> None:
    """Create ``bots`` / ``bot_memories`` where missing; check (never change) existing ones.

    Raises :class:`DatabaseError` when an existing table lacks a column we need or the
    UNIQUE (bot_id, key) constraint the upsert relies on.
    """
    try:
        existing = set(db.get_tables())
        create_tables(db, *MODELS)
        for model in MODELS:
            if model._meta.table_name in existing:
                _check_existing_settled(db, model._meta.table_name)
    except DatabaseError:
        raise
    except peewee.PeeweeException as exc:
        raise translate_error(exc, "the memory database") from None


def create_tables(db: peewee.Database, *models: type[peewee.Model]) -> None:
    """Create the missing tables of ``models``, each with its indexes, in one transaction.

    A process killed between a CREATE TABLE and its CREATE UNIQUE INDEX would otherwise leave
    a table every later open refuses (no UNIQUE (bot_id, key): "Talkbench will not alter it")
    or whose upserts fail for good (no unique index for ON CONFLICT). SQLite and PostgreSQL
    both roll DDL back with the transaction. Raises what peewee raises."""
    def attempt() -> None:
        existing = set(db.get_tables())
        missing = [m for m in models if m._meta.table_name not in existing]
        if not missing:
            return
        with db.atomic():
            for model in missing:
                # safe=True (IF NOT EXISTS): another process may be creating it right now.
                peewee.SchemaManager(model, database=db).create_all(safe=True)

    # Two PostgreSQL transactions creating one table at once: the later fails on the catalog's
    # unique index once the first commits, or finds the table's row type there already;
    # tried again it finds the table there.
    retry_while(attempt, lambda exc: isinstance(exc, peewee.IntegrityError)
                or is_created_meanwhile(exc), 5.0)


def _check_existing_settled(db: peewee.Database, table: str) -> None:
    """Check a table another process may be creating right now (its CREATE TABLE and
    CREATE INDEX are separate statements): a failed check is retried for a moment."""
    retry_while(lambda: _check_existing(db, table),
                lambda exc: isinstance(exc, DatabaseError), 2.0)


def _check_existing(db: peewee.Database, table: str) -> None:
    columns = {c.name for c in db.get_columns(table)}
    missing = _REQUIRED_COLUMNS[table] - columns
    if missing:
        raise DatabaseError(
            f"Existing table {table!r} lacks column(s) {', '.join(sorted(missing))}; "
            "it is not a General Bots memory table"
        )
    if table == MEMORIES_TABLE:
        wanted = {"bot_id", "key"}
        if not any(
            idx.unique and {c.strip('"') for c in idx.columns} == wanted
            for idx in db.get_indexes(table)
        ):
            raise DatabaseError(
                f"Existing table {table!r} has no UNIQUE (bot_id, key) constraint; "
                "Talkbench will not alter it"
            )
