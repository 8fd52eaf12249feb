"""Memory history under bursts: every write recorded, in order, across mixed sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory.history import STEP_ITEMS, MemoryHistory
from app.memory.store import MemoryStore
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


# -- a burst records what one-by-one recording records -------------------------------------

SOURCES = [
    WriteSource("loop.bas", 4, "run1", turn=0),
    WriteSource("loop.bas", 5, "run1", turn=1),
    None,  # a hand edit through the script's API
    WriteSource("seed.json", kind="import"),
    WriteSource("other.bas", 9, "run2"),
]
VALUES = ["", "it's 100% %s ünïcödé", "x" * 3000, "line\nbreak", "\"quoted\" \\ back"]


def _operations(history: MemoryHistory) -> int:
    """Writes of many keys and sources (repeated keys coalesce in the store), renames and
    deletes between them, a write to a bot without a baseline; returns the events expected."""
    store = history.store
    mem, cold = store.bot(BOT), store.bot("coldbot")
    events = 0
    for i in range(700):
        mem.set(f"k{i % 9}", f"{VALUES[i % len(VALUES)]}{i}", SOURCES[i % len(SOURCES)])
        events += 1
        if i % 97 == 0:
            cold.set(f"c{i % 3}", f"cold {i}", SOURCES[0])
            events += 1
        if i == 300:
            store.rename(BOT, "k1", "renamed")
            history.expect_source(BOT, "k2", WriteSource(kind="undo"))
            store.delete(BOT, ["k2"])
            events += 3  # a rename records the old name's removal and the new name
        if i == 500:
            store.rename(BOT, "k3", "renamed", overwrite=True)
            events += 2
    mem.set("renamed", "after the renames", SOURCES[1])
    history.record_outside(BOT, "outside", None, "from elsewhere")
    return events + 2


def _recorded(history: MemoryHistory) -> dict[tuple[str, str], list[tuple[object, ...]]]:
    """Everything the public API tells about the events of each key, oldest first, but their
    times. (Across keys, rows follow the order their writes landed in, which a burst may
    change; a key's own events keep the order of its writes.)"""
    keys: dict[tuple[str, str], list[tuple[object, ...]]] = {}
    for bot in (BOT, "coldbot"):
        for e in reversed(history.recent(bot, limit=100_000)):
            keys.setdefault((bot, e.key), []).append(
                (e.old, e.old_known, e.new, e.kind, e.file, e.line, e.run_id, e.turn,
                 e.old_key, e.old_created is not None))
    return keys


def test_a_burst_records_the_same_events_as_recording_each_change_alone(
    history: MemoryHistory, db_url: str, request: pytest.FixtureRequest, tmp_path: Path,
) -> None:
    """The recorder pairs a burst's queued writes with the landed batches that cover them and
    inserts the rows in chunks; a reference store records each change on its own (flushed
    after every call, so every LANDED covers one write): the events must be the same."""
    if db_url.startswith("sqlite"):
        other = sqlite_url(tmp_path / "reference.sqlite3")
    else:
        server = request.getfixturevalue("pg_server")
        other = server.url(server.new_database())
    history.watch(BOT)
    expected = _operations(history)
    assert history.flush(FLUSHED)

    with MemoryStore(other) as store:
        reference = MemoryHistory(store)
        try:
            reference.watch(BOT)
            one_by_one = _OneByOne(reference)
            assert _operations(one_by_one) == expected  # type: ignore[arg-type]
            assert reference.flush(FLUSHED)
            wanted = _recorded(reference)
        finally:
            reference.close()

    assert history.last_error is None
    assert sum(map(len, wanted.values())) == expected
    assert _recorded(history) == wanted


class _OneByOne:
    """``history`` whose store waits for each change to be recorded before the next."""

    def __init__(self, history: MemoryHistory) -> None:
        self._history = history
        self.store = self

    def bot(self, name: str) -> _OneByOneBot:
        return _OneByOneBot(self._history, name)

    def rename(self, bot: str, old: str, new: str, *, overwrite: bool = False) -> None:
        self._history.store.rename(bot, old, new, overwrite=overwrite)
        assert self._history.flush(FLUSHED)

    def delete(self, bot: str, keys: list[str]) -> None:
        self._history.store.delete(bot, keys)
        assert self._history.flush(FLUSHED)

    def expect_source(self, bot: str, key: str, source: WriteSource) -> None:
        self._history.expect_source(bot, key, source)

    def record_outside(self, bot: str, key: str, old: str | None, new: str | None) -> None:
        self._history.record_outside(bot, key, old, new)
        assert self._history.flush(FLUSHED)


class _OneByOneBot:
    def __init__(self, history: MemoryHistory, bot: str) -> None:
        self._history = history
        self._handle = history.store.bot(bot)

    def set(self, key: str, value: str, source: WriteSource | None) -> None:
        self._handle.set(key, value, source)
        assert self._history.flush(FLUSHED)
