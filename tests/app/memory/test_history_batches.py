"""Memory history under bursts: every write recorded, in order, across mixed sources."""

from __future__ import annotations

from app.memory.history import STEP_ITEMS, MemoryHistory
from interpreter.ports.host import WriteSource

BOT = "burstbot"
# Seconds; only bounds a hang. 3000 writes through the niced writer and recorder threads took
# over the default 10 s on PostgreSQL at load 10.
FLUSHED = 120.0


def test_a_loop_burst_records_every_write_with_its_line_and_chained_old_values(
    history: MemoryHistory,
) -> None:
    history.watch(BOT)
    mem = history.store.bot(BOT)
    sources = [WriteSource("loop.bas", line, "run7", turn=0) for line in (4, 5)]
    for i in range(3000):
        mem.set(f"k{i % 30}", f"v{i}", sources[i % 2])
    assert history.flush(FLUSHED)
    assert history.last_error is None
    events = history.timeline(BOT, "k7", limit=None)  # newest first
    assert [e.new for e in events] == [f"v{i}" for i in range(2977, -1, -30) if i % 30 == 7]
    assert [e.old for e in events] == [f"v{i - 30}" if i >= 30 else None
                                       for i in range(2977, -1, -30) if i % 30 == 7]
    assert {(e.file, e.line, e.run_id, e.kind, e.turn) for e in events} == {
        ("loop.bas", 5, "run7", "script", 0)}
    assert len(history.run_events("run7")) == 3000


def test_interleaved_sources_in_one_batch_keep_their_order(history: MemoryHistory) -> None:
    history.watch(BOT)
    mem = history.store.bot(BOT)
    script = WriteSource("d.bas", 3, "run1")
    hand = WriteSource(kind="hand")
    import_ = WriteSource("seed.json", kind="import")
    for i, source in enumerate([script, hand, script, import_, script, hand]):
        mem.set("key", f"v{i}", source)
    assert history.flush(FLUSHED)
    events = history.timeline(BOT, "key")[::-1]  # oldest first
    assert [(e.new, e.kind, e.old) for e in events] == [
        ("v0", "script", None),
        ("v1", "hand", "v0"),
        ("v2", "script", "v1"),
        ("v3", "import", "v2"),
        ("v4", "script", "v3"),
        ("v5", "hand", "v4"),
    ]
    assert [e.id for e in events] == sorted(e.id for e in events)


def test_a_backlog_is_recorded_in_bounded_steps_and_completely(history: MemoryHistory) -> None:
    """The recorder takes at most STEP_ITEMS queued changes per step, so it never holds the
    GIL for a whole burst at once (the GUI thread running the dialog waited for it)."""
    history.watch(BOT)
    mem = history.store.bot(BOT)
    source = WriteSource("loop.bas", 4, "run9", turn=0)
    writes = 4 * STEP_ITEMS
    before = history.steps
    for i in range(writes):
        mem.set(f"k{i % 50}", f"v{i}", source)
    assert history.flush()
    assert history.steps - before >= writes // STEP_ITEMS
    assert sorted(e.new for e in history.run_events("run9")) == sorted(
        f"v{i}" for i in range(writes))
    events = history.timeline(BOT, "k3", limit=None)[::-1]  # oldest first
    assert [(e.old, e.new) for e in events] == [
        (f"v{i - 50}" if i >= 50 else None, f"v{i}") for i in range(3, writes, 50)]
