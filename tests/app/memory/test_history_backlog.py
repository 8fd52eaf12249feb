"""A dialog cannot outrun the memory history by more than a bounded backlog.

A tight SET loop makes changes faster than the recorder records them; its queue grew without
bound (~9 MB a second of such a loop in the IDE). Past BACKLOG_LIMIT queued changes the run
waits at its next yield until the recorder is down to BACKLOG_RESUME, and every write is still
recorded."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory import history as history_module
from app.memory.history import MemoryHistory
from app.memory.store import MemoryStore
from interpreter import Runtime, load_source
from interpreter.events import MemoryWritten
from interpreter.runtime.channels import QueuedChannel

LIMIT, RESUME = 2_000, 1_000
SETS = 20_000
LOOP = f'FOR i = 1 TO {SETS}\nSET_BOT_MEMORY "k" + (i MOD 50), STR(i)\nNEXT\n'
HELD = 0.5  # seconds the recorder is kept from writing


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[tuple[MemoryStore, MemoryHistory, Path]]:
    monkeypatch.setattr(history_module, "BACKLOG_LIMIT", LIMIT)
    monkeypatch.setattr(history_module, "BACKLOG_RESUME", RESUME)
    db = tmp_path / "memory.sqlite3"
    store = MemoryStore(sqlite_url(db))
    history = MemoryHistory(store)
    yield store, history, db
    history.close()
    store.close()


def run_loop(store: MemoryStore, history: MemoryHistory, db: Path,
             hold: float) -> tuple[list[int], float]:
    """Run LOOP with another connection holding the database's write lock for ``hold``
    seconds (the recorder's inserts wait for it); returns the recorder's backlog at each
    SET and when the last SET ran, in seconds from the start. (The run itself ends once its
    writes are committed, after the lock is gone.)"""
    backlogs: list[int] = []
    last_set = [0.0]

    def on_event(event: object) -> None:
        if isinstance(event, MemoryWritten):
            backlogs.append(history.backlog)
            last_set[0] = time.perf_counter()

    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")

    async def main() -> float:
        asyncio.get_running_loop().call_later(hold, blocker.commit)
        start = time.perf_counter()
        runtime = Runtime(load_source(LOOP, "loop.bas"), QueuedChannel(), store.bot("b"),
                          on_event=on_event, run_id="run-backlog")
        await runtime.run()
        return last_set[0] - start

    try:
        took = asyncio.run(main())
    finally:
        blocker.close()
    return backlogs, took


def test_a_run_waits_while_the_recorder_is_too_far_behind_then_everything_is_recorded(
        recorded: tuple[MemoryStore, MemoryHistory, Path]) -> None:
    store, history, db = recorded
    backlogs, last_set = run_loop(store, history, db, HELD)
    assert len(backlogs) == SETS
    # The run waited for the recorder, whose writes waited for the lock …
    assert last_set >= HELD
    # … so the backlog stayed near the limit: one slice of the loop past it at most
    # (5 ms of SETs), where it reached all the SETs before.
    assert max(backlogs) < LIMIT + SETS // 4
    assert history.flush(60)
    assert history.last_error is None
    events = history.run_events("run-backlog")
    assert len(events) == SETS
    assert sorted(int(e.new) for e in events) == list(range(1, SETS + 1))
    assert store.value("b", "k0") == str(SETS)


def test_a_recorder_that_cannot_move_does_not_hold_the_run(
        recorded: tuple[MemoryStore, MemoryHistory, Path]) -> None:
    """Another process holding the database's lock keeps the recorder waiting (up to the
    lock wait, 30 s): the run waits for it STALLED_AFTER at most, then goes on."""
    store, history, db = recorded
    hold = 4 * history_module.STALLED_AFTER
    backlogs, last_set = run_loop(store, history, db, hold)
    assert len(backlogs) == SETS
    assert history_module.STALLED_AFTER <= last_set < hold
    assert max(backlogs) >= SETS  # nothing taken up meanwhile: it kept every change
    assert history.flush(60)  # the lock is gone: all of it is recorded
    assert len(history.run_events("run-backlog")) == SETS


REFUSE_FORBIDDEN = """
CREATE TRIGGER refuse_forbidden_insert BEFORE INSERT ON bot_memories
WHEN NEW.value = 'forbidden' BEGIN SELECT RAISE(ABORT, 'forbidden is refused'); END;
CREATE TRIGGER refuse_forbidden_update BEFORE UPDATE ON bot_memories
WHEN NEW.value = 'forbidden' BEGIN SELECT RAISE(ABORT, 'forbidden is refused'); END;
"""


def test_refused_writes_leave_no_backlog_and_no_events(tmp_path: Path) -> None:
    """A write the database refuses never lands: it is not recorded as a change, and it does
    not stay counted as waiting (each one counted made every later run wait for a recorder
    that had nothing left to do)."""
    url = sqlite_url(tmp_path / "refusing.sqlite3")
    MemoryStore(url).close()
    con = sqlite3.connect(tmp_path / "refusing.sqlite3")
    con.executescript(REFUSE_FORBIDDEN)
    con.close()
    with MemoryStore(url, linger=0.01) as store:
        history = MemoryHistory(store)
        try:
            mem = store.bot("b")
            mem.set("k", "1")
            assert store.flush(30)
            for _ in range(3):
                mem.set("k", "forbidden")
                assert store.flush(30)
            mem.set("k", "2")
            mem.set("other", "forbidden")
            assert history.flush(30)
            assert history.backlog == 0
            assert [(e.old, e.new) for e in reversed(history.timeline("b", "k"))] == [
                (None, "1"), ("1", "2")]
            assert history.timeline("b", "other") == []
        finally:
            history.close()
