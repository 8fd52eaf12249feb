"""REMEMBER / RECALL: expiring per-user memory, run through dialogs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from app.db.database import open_database
from app.memory.store import MemoryStore
from app.memory.user_memory import (
    EXPIRY_TABLE,
    BotUserMemory,
    UserChangeState,
    UserMemoryChange,
    user_memories,
)
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.runtime.channels import QueuedChannel

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(store: MemoryStore) -> Clock:
    c = Clock()
    user_memories(store).clock = c
    return c


def run(source: str, store: MemoryStore) -> dict[str, Any]:
    services = {"user_memory": BotUserMemory(user_memories(store), "shop")}
    rt = Runtime(load_source(source, "recall.bas"), QueuedChannel.with_answers([]),
                 store.bot("shop"), services=services)
    asyncio.run(rt.run())
    return rt.globals


def test_remember_then_recall_until_it_expires(store: MemoryStore, clock: Clock) -> None:
    env = run('''
SET USER "alice"
REMEMBER "plan", "gold", "30 days"
a = RECALL "plan"
b = RECALL("plan")
c = GET USER MEMORY("plan")
SET USER "bob"
d = RECALL "plan"
''', store)
    assert (env["a"], env["b"], env["c"], env["d"]) == ("gold", "gold", "gold", "")
    memories = user_memories(store)
    clock.now = T0 + dt.timedelta(days=29, hours=23)
    assert run('SET USER "alice"\nx = RECALL "plan"', store)["x"] == "gold"
    clock.now = T0 + dt.timedelta(days=30)
    # Expired: hidden from listings before anyone reads it, then purged by the read.
    assert memories.list("shop", "alice") == [] and memories.users("shop") == []
    assert memories.count("shop", "alice") == 0
    assert len(memories.list("shop", "alice", expired=True)) == 1
    assert run('SET USER "alice"\nx = RECALL "plan"', store)["x"] == ""
    assert memories.list("shop", "alice", expired=True) == []


@pytest.mark.parametrize(("duration", "expected"), [
    ('"90 seconds"', dt.timedelta(seconds=90)),
    ('"15 minutes"', dt.timedelta(minutes=15)),
    ('"2 hours"', dt.timedelta(hours=2)),
    ('"1 day"', dt.timedelta(days=1)),
    ('"3 weeks"', dt.timedelta(weeks=3)),
    ('"1 month"', dt.timedelta(days=30)),
    ('"2 Years"', dt.timedelta(days=730)),
    ("7", dt.timedelta(days=7)),
    ('"0.5"', dt.timedelta(hours=12)),
    ('"forever"', None),
    ('"PERMANENT"', None),
])
def test_durations(store: MemoryStore, clock: Clock, duration: str,
                   expected: dt.timedelta | None) -> None:
    run(f'SET USER "u"\nREMEMBER "k", 42, {duration}', store)
    [entry] = user_memories(store).list("shop", "u")
    assert entry.value == "42"
    assert entry.expires_at == (None if expected is None else T0 + expected)


@pytest.mark.parametrize(("duration", "message"), [
    ('"soon"', "cannot read the duration 'soon'"),
    ('"3 fortnights"', "cannot read the duration"),
    ("0", "positive duration"),
    ('"-2 days"', "cannot read the duration"),
    ('"999999 years"', "too long"),
])
def test_bad_duration_is_a_clear_error_and_stores_nothing(
        store: MemoryStore, clock: Clock, duration: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(f'SET USER "u"\nREMEMBER "k", "v", {duration}', store)
    assert user_memories(store).list("shop", "u", expired=True) == []


def test_no_duration_keeps_it_and_set_user_memory_drops_an_expiry(
        store: MemoryStore, clock: Clock) -> None:
    run('''
SET USER "u"
REMEMBER "always", "yes"
REMEMBER "soon", "brief", "1 hour"
SET USER MEMORY "soon", "now permanent"
REMEMBER "short", "x", "1 hour"
''', store)
    clock.now = T0 + dt.timedelta(days=3650)
    env = run('SET USER "u"\na = RECALL "always"\nb = RECALL "soon"\nc = RECALL "short"', store)
    assert (env["a"], env["b"], env["c"]) == ("yes", "now permanent", "")


def test_remember_without_set_user_uses_the_default_user(store: MemoryStore,
                                                         clock: Clock) -> None:
    env = run('REMEMBER "k", "v", 2\nx = RECALL "k"', store)
    assert env["x"] == "v"
    assert user_memories(store).users("shop") == ["anonymous"]


def test_purges_emit_deletions_and_clear_removes_expired(store: MemoryStore,
                                                          clock: Clock) -> None:
    memories = user_memories(store)
    seen: list[UserMemoryChange] = []
    memories.subscribe(seen.append)
    run('SET USER "a"\nREMEMBER "x", "1", "1 minute"\nREMEMBER "y", "2", "1 minute"\n'
        'SET USER "b"\nREMEMBER "z", "3", "1 minute"', store)
    clock.now = T0 + dt.timedelta(minutes=2)
    # A new REMEMBER sweeps the bot's other expired entries.
    run('SET USER "c"\nREMEMBER "w", "4", "1 day"', store)
    gone = sorted((c.user, c.key, c.old) for c in seen if c.state is UserChangeState.DELETED)
    assert gone == [("a", "x", "1"), ("a", "y", "2"), ("b", "z", "3")]
    assert [(e.user, e.key) for e in memories.list("shop", expired=True)] == [("c", "w")]
    clock.now = T0 + dt.timedelta(days=2)
    run('SET USER "c"\nCLEAR USER MEMORY', store)
    assert memories.list("shop", expired=True) == []


def test_expiry_lives_in_talkbench_table_not_in_user_memories(sqlite_db: str) -> None:
    store = MemoryStore(sqlite_db)
    try:
        run('SET USER "u"\nREMEMBER "k", "v", "1 day"', store)
    finally:
        store.close()
    db = open_database(sqlite_db)
    try:
        columns = {c.name for c in db.get_columns("user_memories")}
        assert "expires_at" not in columns
        assert EXPIRY_TABLE in db.get_tables()
        assert db.execute_sql(f"SELECT COUNT(*) FROM {EXPIRY_TABLE}").fetchone()[0] == 1
    finally:
        db.close()


def test_recall_and_remember_need_a_memory_service() -> None:
    from interpreter.ports.host import DictMemory

    rt = Runtime(load_source('x = RECALL "k"', "r.bas"), QueuedChannel.with_answers([]),
                 DictMemory({}))
    with pytest.raises(BasicRuntimeError, match="RECALL"):
        asyncio.run(rt.run())
