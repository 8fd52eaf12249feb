"""Memory history after a restart: old values chain from the events an earlier session
recorded, read in bulk for many keys at once (SQLite and PostgreSQL)."""

from __future__ import annotations

from app.memory.history import MemoryHistory
from app.memory.store import MemoryStore
from interpreter.ports.host import WriteSource

BOT = "restartbot"
KEYS = 620  # more than one prefetch query's worth of keys


def test_old_values_chain_from_an_earlier_session_for_many_keys(store: MemoryStore) -> None:
    src = WriteSource("d.bas", 3, "run1")
    first = MemoryHistory(store)
    try:
        for i in range(KEYS):
            store.set(BOT, f"k{i}", f"a{i}", src)
        for i in range(0, KEYS, 2):  # a second event for half the keys: the newest must win
            store.set(BOT, f"k{i}", f"b{i}", src)
        store.set("otherbot", "k1", "x", src)
        assert first.flush()
    finally:
        first.close()
    store.set(BOT, "fresh", "before history", None)  # written while nothing recorded
    store.flush()

    second = MemoryHistory(store)  # knows nothing in memory: only what the table holds
    try:
        later = WriteSource("d.bas", 9, "run2")
        for i in range(KEYS):
            store.set(BOT, f"k{i}", f"c{i}", later)
        store.set(BOT, "fresh", "after", later)
        store.set("otherbot", "k1", "y", later)
        assert second.flush()
        for i in (0, 1, 498, 499, 500, 501, KEYS - 1):
            newest = second.timeline(BOT, f"k{i}", limit=1)[0]
            expected_old = f"b{i}" if i % 2 == 0 else f"a{i}"
            assert (newest.new, newest.old, newest.old_known) == (f"c{i}", expected_old, True)
        (fresh,) = second.timeline(BOT, "fresh")
        assert (fresh.old, fresh.old_known) == (None, False)  # no event, bot not baselined
        other = second.timeline("otherbot", "k1", limit=1)[0]
        assert (other.new, other.old, other.old_known) == ("y", "x", True)
    finally:
        second.close()
