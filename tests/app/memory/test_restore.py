"""Restoring deleted rows (an undone delete) keeps their value and Created time, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from app.memory.store import ChangeState, MemoryEntry, MemoryStore


def test_restore_keeps_created_at_and_reports_landed(store: MemoryStore) -> None:
    store.set("bot", "visits", "3")
    store.set("bot", "other", "x")
    assert store.flush(10)
    before = store.get_entry("bot", "visits")
    assert before is not None and before.created_at is not None
    assert store.delete("bot", ["visits"]) == 1
    seen = []
    unsubscribe = store.subscribe(seen.append)
    try:
        store.restore("bot", [before])
    finally:
        unsubscribe()
    after = store.get_entry("bot", "visits")
    assert after is not None and after.value == "3"
    assert after.created_at == before.created_at
    assert after.updated_at is not None and after.updated_at >= before.updated_at
    assert [(c.key, c.new, c.state) for c in seen] == [("visits", "3", ChangeState.LANDED)]
    assert store.value("bot", "other") == "x"


def test_restore_replaces_a_value_written_meanwhile_and_creates_the_bot(store) -> None:
    created = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    store.set("newbot", "k", "later")
    store.restore("newbot", [MemoryEntry("k", "earlier", created, created),
                             MemoryEntry("j", "too", created, created)])
    entry = store.get_entry("newbot", "k")
    assert entry is not None and entry.value == "earlier" and entry.created_at == created
    assert store.value("newbot", "j") == "too"
