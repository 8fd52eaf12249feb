"""User memory (``user_memories``) on SQLite and PostgreSQL, through the store and dialogs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.db.database import open_database
from app.memory.store import MemoryStore
from app.memory.user_memory import (
    BotUserMemory,
    UserChangeState,
    UserMemoryChange,
    UserMemoryError,
    user_memories,
)
from app.services.registry import ServiceContext, build_services
from interpreter import Runtime, load_source
from interpreter.runtime.channels import QueuedChannel
from interpreter.runtime.engine import Session


def run(source: str, store: MemoryStore, session: Session | None = None) -> dict[str, Any]:
    services = {"user_memory": BotUserMemory(user_memories(store), "shop")}
    rt = Runtime(load_source(source, "prefs.bas"), QueuedChannel.with_answers([]),
                 store.bot("shop"), services=services, session=session)
    asyncio.run(rt.run())
    return rt.globals


def test_dialog_keeps_memory_per_user_and_reads_its_writes(store: MemoryStore) -> None:
    env = run('''
SET USER "alice"
SET USER MEMORY "lang", "pt"
a = GET USER MEMORY("lang")
SET USER "bob"
b = GET USER MEMORY("lang")
SET USER MEMORY "lang", 42
GET USER MEMORY "lang" INTO b2
''', store)
    assert env["a"] == "pt" and env["b"] == "" and env["b2"] == "42"
    memories = user_memories(store)
    assert memories.users("shop") == ["alice", "bob"]
    assert store.user("shop", "alice").get("lang") == "pt"
    assert [(e.user, e.key, e.value) for e in memories.list("shop")] == [
        ("alice", "lang", "pt"), ("bob", "lang", "42")]
    # Bot memory is a separate scope.
    assert store.bot("shop").get("lang") == ""


def test_memory_survives_a_new_session_and_a_new_store(store: MemoryStore, db_url: str) -> None:
    run('SET USER "u1"\nSET USER MEMORY "name", "Ann"', store)
    env = run('SET USER "u1"\nx = GET USER MEMORY("name")', store, Session())
    assert env["x"] == "Ann"
    other = MemoryStore(db_url)
    try:
        assert other.user("shop", "u1").get("name") == "Ann"
        assert other.user("other-bot", "u1").get("name") == ""
    finally:
        other.close()


def test_facts_clear_and_anonymous_user(store: MemoryStore) -> None:
    env = run('''
REMEMBER USER FACT "likes tea"
REMEMBER USER FACT "lives in Lisbon"
SET USER MEMORY "k", "v"
before = GET USER MEMORY("k")
CLEAR USER MEMORY
after = GET USER MEMORY("k")
''', store)
    assert env["before"] == "v" and env["after"] == ""
    assert user_memories(store).count("shop", "anonymous") == 0


def test_facts_newest_first_and_change_events(store: MemoryStore) -> None:
    memories = user_memories(store)
    seen: list[UserMemoryChange] = []
    unsubscribe = memories.subscribe(seen.append)
    memories.set("shop", "u", "color", "red")
    memories.set("shop", "u", "color", "blue")
    memories.add_fact("shop", "u", "first")
    memories.add_fact("shop", "u", "second")
    assert memories.facts("shop", "u") == ["second", "first"]
    assert memories.delete("shop", "u", ["color"]) == 1
    unsubscribe()
    memories.set("shop", "u", "x", "y")
    assert [(c.key, c.old, c.new, c.state) for c in seen if c.key == "color"] == [
        ("color", None, "red", UserChangeState.SET),
        ("color", "red", "blue", UserChangeState.SET),
        ("color", "blue", None, UserChangeState.DELETED)]
    assert all(c.key != "x" for c in seen)
    assert memories.count("shop", "u", filter="y") == 1
    assert [e.key for e in memories.list("shop", "u", filter="x")] == ["x"]
    entry = memories.list("shop", "u", filter="x")[0]
    assert entry.created_at is not None and entry.created_at.tzinfo is not None


def test_service_registry_builds_user_memory_for_the_bot(store: MemoryStore) -> None:
    services = build_services(ServiceContext(store=store, bot="shop"))
    services["user_memory"].set("u9", "k", "v")
    assert store.user("shop", "u9").get("k") == "v"
    assert build_services(ServiceContext(store=None)).get("user_memory") is None


def test_a_general_bots_user_memories_table_is_left_alone(sqlite_db: str) -> None:
    db = open_database(sqlite_db)
    db.execute_sql("CREATE TABLE user_memories (id TEXT PRIMARY KEY, user_id TEXT, "
                   "key TEXT, value TEXT, UNIQUE(user_id, key))")
    db.close()
    store = MemoryStore(sqlite_db)
    try:
        store.bot("b").set("k", "v")  # bot memory still works
        with pytest.raises(UserMemoryError, match="will not alter it"):
            store.user("b", "u").set("k", "v")
        assert store.flush(5)
        assert store.bot("b").get("k") == "v"
    finally:
        store.close()
