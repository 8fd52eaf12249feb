"""UserMemories.probe and snapshot: what a viewer polls to notice another process's writes."""

from __future__ import annotations

from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories

BOT = "shop"


def test_probe_moves_when_another_connection_writes_or_deletes(store: MemoryStore,
                                                              db_url: str) -> None:
    mine = user_memories(store)
    mine.set(BOT, "alice", "lang", "pt")
    before = mine.probe(BOT)
    assert mine.probe(BOT) == before  # nothing happened: the same value
    with MemoryStore(db_url) as other:  # its own connection, as another process has
        user_memories(other).set(BOT, "bob", "lang", "en")
        after_set = mine.probe(BOT)
        assert after_set != before
        user_memories(other).delete(BOT, "alice", ["lang"])
        assert mine.probe(BOT) != after_set


def test_probe_of_a_bot_without_memory_is_stable_until_its_first_write(store: MemoryStore,
                                                                       db_url: str) -> None:
    mine = user_memories(store)
    empty = mine.probe("newbot")
    assert mine.probe("newbot") == empty
    with MemoryStore(db_url) as other:
        user_memories(other).set("newbot", "carol", "k", "v")
    assert mine.probe("newbot") != empty


def test_snapshot_reads_the_bots_users_and_one_users_filtered_rows(store: MemoryStore) -> None:
    memories = user_memories(store)
    memories.set(BOT, "alice", "color", "red")
    memories.set(BOT, "alice", "city", "Porto")
    memories.set(BOT, "bob", "color", "blue")
    memories.set("other", "zed", "x", "1")
    users, entries = memories.snapshot(BOT, "alice", "red")
    assert users == ["alice", "bob"]
    assert [(e.key, e.value) for e in entries] == [("color", "red")]
    users, entries = memories.snapshot(BOT, "nobody")
    assert users == ["alice", "bob"] and entries == []
