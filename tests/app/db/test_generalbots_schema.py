"""Talkbench on General Bots' own tables (``generalbots_db``: the schema as the engine's
migrations make it, tests/app/fixtures/generalbots_bots.sql) writes only complete rows and
leaves the tables exactly as the migrations made them: no column, index, constraint or
trigger added or changed, no bot added, no foreign key that would stop General Bots from
deleting a bot."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.db.bots import BotNotFound
from app.db.database import open_database
from app.memory.history import MemoryHistory
from app.memory.shared_memory import SharedMemory
from app.memory.snapshots import Snapshots
from app.memory.store import MemoryStore
from app.memory.user_memory import UserMemoryError

GENERAL_BOTS_TABLES = ["organizations", "bots", "bot_memories", "user_memories",
                       "bot_shared_memory"]

# Every part of a table's definition that decides what can be written to it, and every
# foreign key pointing at one of them (from any table, Talkbench's own included).
CATALOG = """
SELECT 'column', table_name::text, column_name || ' ' || data_type || ' '
       || is_nullable || ' ' || coalesce(column_default, '')
  FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name = ANY(%(t)s)
UNION ALL
SELECT 'constraint', conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE conrelid::regclass::text = ANY(%(t)s)
UNION ALL
SELECT 'referenced by', conrelid::regclass::text, pg_get_constraintdef(oid)
  FROM pg_constraint WHERE contype = 'f' AND confrelid::regclass::text = ANY(%(t)s)
UNION ALL
SELECT 'index', tablename::text, indexdef
  FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%(t)s)
UNION ALL
SELECT 'trigger', tgrelid::regclass::text, tgname
  FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%(t)s)
ORDER BY 1, 2, 3
"""


def query(url: str, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    db = open_database(url)
    try:
        return list(db.execute_sql(sql, params).fetchall())
    finally:
        db.close()


def catalog(url: str) -> list[tuple[Any, ...]]:
    return query(url, CATALOG, {"t": GENERAL_BOTS_TABLES})


def use_every_memory_feature(url: str) -> None:
    with MemoryStore(url) as store:
        store.set("shop-eu", "color", "blue")
        store.set("default", "n", "1")
        assert store.flush(30)
        history = MemoryHistory(store)
        try:
            store.rename("shop-eu", "color", "colour")
            store.delete("default", ["n"])
            entries = store.list("shop-eu")
            store.restore("shop-eu", entries)
            snapshots = Snapshots(store)
            snapshots.save("shop-eu", "before")
            store.set("shop-eu", "colour", "red")
            assert store.flush(30)
            snapshots.restore("shop-eu", "before")
            SharedMemory(store, "shop-eu").share("colour", "blue", "shop-us")
            assert SharedMemory(store, "shop-us").offered_by("shop-eu") == [("colour", "blue")]
            with pytest.raises(BotNotFound):
                store.check_bot("newbot")
            store.set("newbot", "k", "v")  # the writer cannot add the bot: refused, alone
            assert store.flush(30)
            with pytest.raises(UserMemoryError):
                store.user("shop-eu", "u1").set("k", "v")
            assert history.flush(30)
        finally:
            history.close()


def test_talkbench_leaves_general_bots_tables_as_their_migrations_made_them(
    generalbots_db: str,
) -> None:
    before = catalog(generalbots_db)
    assert ("trigger",) not in {row[:1] for row in before}  # no migration adds one
    bots = query(generalbots_db, "SELECT * FROM bots ORDER BY id")
    use_every_memory_feature(generalbots_db)
    assert catalog(generalbots_db) == before
    assert query(generalbots_db, "SELECT * FROM bots ORDER BY id") == bots


def test_every_row_talkbench_writes_is_complete(generalbots_db: str) -> None:
    use_every_memory_feature(generalbots_db)
    memories = query(generalbots_db, "SELECT b.slug, m.key, m.value, m.id, m.created_at, "
                                     "m.updated_at FROM bot_memories m JOIN bots b "
                                     "ON b.id = m.bot_id ORDER BY 1, 2")
    assert [row[:3] for row in memories] == [("shop-eu", "colour", "blue")]
    for *_, row_id, created, updated in memories:
        assert uuid.UUID(str(row_id)).version == 4
        assert created is not None and updated is not None and created <= updated
    shared = query(generalbots_db, "SELECT s.slug, t.slug, memory_key, memory_value, x.id, "
                                   "shared_at FROM bot_shared_memory x "
                                   "JOIN bots s ON s.id = x.source_bot_id "
                                   "JOIN bots t ON t.id = x.target_bot_id")
    assert [row[:4] for row in shared] == [("shop-eu", "shop-us", "colour", "blue")]
    assert uuid.UUID(str(shared[0][4])) and shared[0][5] is not None
