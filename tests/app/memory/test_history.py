"""Memory history: provenance of landed writes, timelines, and undo (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.memory.history import MemoryHistory
from app.memory.queries import MemoryEntry
from app.memory.store import MemoryStore
from app.memory.undo import (
    AlreadyReverted,
    CannotRevert,
    preview_run,
    revert_event,
    revert_run,
    reverted_events,
)
from interpreter.ports.host import WriteSource

BOT = "histbot"


def value(h: MemoryHistory, key: str) -> str | None:
    entry = h.store.get_entry(BOT, key)
    return None if entry is None else entry.value


def test_each_script_write_is_an_event_with_its_line_even_when_coalesced(
    history: MemoryHistory,
) -> None:
    history.watch(BOT)
    mem = history.store.bot(BOT)
    # Two sets in a burst land as one batch; the history still has one event per set.
    mem.set("greeting", "hi", WriteSource("d.bas", 3, "run1"))
    mem.set("greeting", "hello", WriteSource("d.bas", 7, "run1"))
    assert history.flush()
    events = history.timeline(BOT, "greeting")
    assert [(e.old, e.new, e.line, e.kind, e.file, e.run_id) for e in events] == [
        ("hi", "hello", 7, "script", "d.bas", "run1"),
        (None, "hi", 3, "script", "d.bas", "run1"),
    ]
    assert all(e.old_known for e in events)


def test_timeline_pages_newest_first_and_old_values_chain(history: MemoryHistory) -> None:
    history.watch(BOT)
    for i in range(5):
        history.store.set(BOT, "n", str(i))
        history.store.flush()
    assert history.flush()
    page1 = history.timeline(BOT, "n", limit=2)
    page2 = history.timeline(BOT, "n", offset=2, limit=2)
    assert [e.new for e in page1] == ["4", "3"]
    assert [e.new for e in page2] == ["2", "1"]
    assert [e.old for e in page1 + page2] == ["3", "2", "1", "0"]
    assert {e.kind for e in page1} == {"hand"}
    assert history.count(BOT, "n") == 5


def test_delete_and_rename_are_recorded(history: MemoryHistory) -> None:
    store = history.store
    store.set(BOT, "a", "1")
    store.set(BOT, "b", "2")
    store.flush()
    store.delete(BOT, ["a"])
    store.rename(BOT, "b", "c")
    assert history.flush()
    (deleted, *_) = history.timeline(BOT, "a")
    assert (deleted.old, deleted.new) == ("1", None)
    (gone, *_) = history.timeline(BOT, "b")
    assert (gone.old, gone.new) == ("2", None)
    (moved,) = history.timeline(BOT, "c")
    assert (moved.old_key, moved.new) == ("b", "2")


def test_old_value_comes_from_baseline_and_unknown_without_one(db_url: str) -> None:
    store = MemoryStore(db_url)
    store.set(BOT, "pre", "before")
    store.set("other", "pre", "x")
    store.flush()
    h = MemoryHistory(store)
    try:
        h.watch(BOT)
        store.set(BOT, "pre", "after", WriteSource("d.bas", 1, "r"))
        store.set("other", "pre", "y", WriteSource("d.bas", 1, "r"))
        assert h.flush()
        (e,) = h.timeline(BOT, "pre")
        assert (e.old, e.old_known) == ("before", True)
        (o,) = h.timeline("other", "pre")
        assert o.old_known is False  # written before any history and never baselined
        with pytest.raises(CannotRevert):
            revert_event(h, o.id)
    finally:
        h.close()
        store.close()


def test_revert_event_restores_old_value_and_is_recorded(history: MemoryHistory) -> None:
    history.watch(BOT)
    mem = history.store.bot(BOT)
    mem.set("k", "one", WriteSource("d.bas", 1, "r1"))
    history.flush()
    mem.set("k", "two", WriteSource("d.bas", 2, "r2"))
    history.flush()
    latest = history.timeline(BOT, "k")[0]
    step = revert_event(history, latest.id)
    assert (step.current, step.restored) == ("two", "one")
    assert value(history, "k") == "one"
    undo = history.timeline(BOT, "k")[0]
    assert (undo.kind, undo.old, undo.new) == ("undo", "two", "one")
    # Reverting the first write deletes the key (it had no value before).
    first = history.timeline(BOT, "k")[-1]
    revert_event(history, first.id)
    assert value(history, "k") is None
    assert history.timeline(BOT, "k")[0].kind == "undo"
    assert history.timeline(BOT, "k")[0].new is None


def test_revert_run_previews_then_restores_every_key(history: MemoryHistory) -> None:
    store = history.store
    store.set(BOT, "kept", "orig")
    store.set(BOT, "untouched", "u")
    store.flush()
    history.watch(BOT)
    mem = store.bot(BOT)
    mem.set("kept", "run-a", WriteSource("d.bas", 4, "runA"))
    mem.set("fresh", "new", WriteSource("d.bas", 5, "runA"))
    mem.set("kept", "run-a2", WriteSource("d.bas", 6, "runA"))
    mem.set("other", "b", WriteSource("e.bas", 1, "runB"))
    history.flush()
    preview = preview_run(history, "runA")
    assert [(s.key, s.current, s.restored) for s in preview] == [
        ("kept", "run-a2", "orig"),
        ("fresh", "new", None),
    ]
    assert value(history, "kept") == "run-a2"  # a preview changes nothing
    revert_run(history, "runA")
    assert value(history, "kept") == "orig"
    assert value(history, "fresh") is None
    assert value(history, "other") == "b"
    assert value(history, "untouched") == "u"
    kinds = [e.kind for e in history.recent(BOT, limit=2)]
    assert kinds == ["undo", "undo"]


def test_a_second_revert_is_refused_and_reverted_events_are_known(
        history: MemoryHistory) -> None:
    history.watch(BOT)
    mem = history.store.bot(BOT)
    mem.set("a", "1", WriteSource("d.bas", 1, "runA"))
    mem.set("b", "2", WriteSource("e.bas", 1, "runB"))
    history.flush()
    a, b = history.run_events("runA")[0], history.run_events("runB")[0]
    assert reverted_events(history, [a, b]) == set()
    revert_run(history, "runA")
    assert reverted_events(history, [a, b]) == {a.id}
    with pytest.raises(AlreadyReverted, match="run runA was already reverted at"):
        preview_run(history, "runA")
    revert_event(history, b.id)
    assert reverted_events(history, [a, b]) == {a.id, b.id}
    with pytest.raises(AlreadyReverted, match="change of 'b' was already reverted"):
        revert_event(history, b.id)


OLD_CREATED = dt.datetime(2020, 5, 17, 8, 30, tzinfo=dt.UTC)


def test_reverting_a_delete_brings_the_row_back_with_its_created_time(
    history: MemoryHistory,
) -> None:
    store = history.store
    history.watch(BOT)
    store.restore(BOT, [MemoryEntry("plan", "gold", OLD_CREATED, None)])  # an old row
    store.delete(BOT, ["plan"])
    assert history.flush()
    deleted = history.timeline(BOT, "plan")[0]
    assert deleted.new is None and deleted.old_created == OLD_CREATED.timestamp()
    revert_event(history, deleted.id)
    entry = store.get_entry(BOT, "plan")
    assert entry is not None and entry.value == "gold"
    assert entry.created_at == OLD_CREATED
    assert history.timeline(BOT, "plan")[0].kind == "undo"  # recorded as the undo it is


def test_reverting_a_run_that_deleted_and_renamed_keeps_created_times(
    history: MemoryHistory,
) -> None:
    store = history.store
    history.watch(BOT)
    store.restore(BOT, [MemoryEntry("a", "1", OLD_CREATED, None),
                        MemoryEntry("b", "2", OLD_CREATED, None)])
    assert history.flush()
    run = WriteSource("d.bas", 1, "run-x")
    history.expect_source(BOT, "a", run)
    store.delete(BOT, ["a"])
    history.expect_source(BOT, "b", run)
    store.rename(BOT, "b", "c")
    assert history.flush()
    revert_run(history, "run-x")
    for key in ("a", "b"):
        entry = store.get_entry(BOT, key)
        assert entry is not None and entry.created_at == OLD_CREATED, key
    assert store.get_entry(BOT, "c") is None
