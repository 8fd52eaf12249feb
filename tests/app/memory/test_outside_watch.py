"""Outside writers: another process changes the memory database while a watcher runs."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.memory.history import MemoryHistory
from app.memory.outside_watch import OutsideChange, OutsideWatcher, WatchHealth, changed_since
from app.memory.store import MemoryStore
from tests.app.conftest import settle, sqlite_path

BOT = "watchbot"
WAIT = 30.0  # s; only bounds a hang (the poll counts say how soon a change showed)

WRITER = """
import sys
from app.memory.store import MemoryStore
url, bot, op, key = sys.argv[1:5]
with MemoryStore(url) as s:
    if op == "set":
        s.set(bot, key, sys.argv[5])
    else:
        s.delete(bot, [key])
"""


class Collector:
    """The outside changes reported, each with the watcher's poll that found it."""

    def __init__(self, watcher: OutsideWatcher) -> None:
        self.watcher = watcher
        self.changes: list[tuple[int, OutsideChange]] = []
        self.cond = threading.Condition()

    def __call__(self, change: OutsideChange) -> None:
        with self.cond:  # called inside the poll, before the watcher counts it
            self.changes.append((self.watcher.rounds, change))
            self.cond.notify_all()

    def wait(self, n: int, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.changes) >= n, timeout)


@pytest.fixture
def watched(
    db_url: str, store: MemoryStore
) -> Iterator[tuple[str, MemoryStore, MemoryHistory, OutsideWatcher, Collector]]:
    store.set(BOT, "seen", "0")
    store.flush()
    history = MemoryHistory(store)
    watcher = OutsideWatcher(store, history)
    collector = Collector(watcher)
    watcher.subscribe(collector)
    watcher.watch(BOT)
    settle(watcher)  # the watcher has read its baseline
    yield db_url, store, history, watcher, collector
    watcher.close()
    history.close()


def run_writer(url: str, watcher: OutsideWatcher, *args: str) -> int:
    """Run a writer process; the number of the first poll that started after its commit."""
    subprocess.run([sys.executable, "-c", WRITER, url, BOT, *args], check=True, timeout=60)
    # The write is committed when the process has exited. The poll under way may have read
    # the database before; the next one starts after (polls are 0.25 s apart: an outside
    # change shows within about half a second, however slowly this machine runs them).
    return watcher.rounds + 1


def test_other_process_write_detected_by_the_next_poll_and_recorded(watched) -> None:
    url, _store, history, watcher, collector = watched
    next_poll = run_writer(url, watcher, "set", "seen", "from-outside")
    assert collector.wait(1, WAIT), "no outside change noticed"
    found_by, change = collector.changes[0]
    assert found_by <= next_poll and watcher.interval <= 0.5  # shows within a second
    assert change == OutsideChange(BOT, "seen", "0", "from-outside")
    history.flush()
    (event, *_) = history.timeline(BOT, "seen")
    assert (event.kind, event.old, event.new) == ("outside", "0", "from-outside")
    next_poll = run_writer(url, watcher, "delete", "seen")
    assert collector.wait(2, WAIT)
    assert collector.changes[1][0] <= next_poll
    assert collector.changes[1][1] == OutsideChange(BOT, "seen", "from-outside", None)


def test_talkbench_cli_write_is_detected(watched) -> None:
    url, _store, _history, watcher, collector = watched
    subprocess.run(
        [str(Path(sys.executable).with_name("talkbench")), "memory", "set", "--db", url, "--bot", BOT, "cli", "yes"],
        check=True, timeout=60, capture_output=True,
    )
    next_poll = watcher.rounds + 1  # as in run_writer
    assert collector.wait(1, WAIT)
    assert collector.changes[0][0] <= next_poll
    assert collector.changes[0][1] == OutsideChange(BOT, "cli", None, "yes")


def test_own_writes_deletes_and_renames_are_not_outside(watched) -> None:
    url, store, _history, watcher, collector = watched
    for i in range(20):
        store.set(BOT, f"k{i}", str(i))
        store.set(BOT, "seen", str(i))
        time.sleep(0.01)
    store.flush()
    store.delete(BOT, ["k3"])
    store.rename(BOT, "k4", "renamed")
    settle(watcher)  # the watcher has compared the rows after all of that
    assert collector.changes == []
    # ... while an outside write meanwhile is still noticed.
    next_poll = run_writer(url, watcher, "set", "k5", "theirs")
    assert collector.wait(1, WAIT)
    assert collector.changes[0][0] <= next_poll
    assert [c for _, c in collector.changes] == [OutsideChange(BOT, "k5", "5", "theirs")]


def test_conflict_helper(watched) -> None:
    url, store, _history, watcher, _collector = watched
    started = store.get_entry(BOT, "seen").value
    assert not changed_since(store, BOT, "seen", started)
    run_writer(url, watcher, "set", "seen", "meanwhile")
    assert changed_since(store, BOT, "seen", started)
    assert changed_since(store, BOT, "nokey", "x")
    assert not changed_since(store, BOT, "nokey", None)


def test_a_write_another_talkbench_recorded_is_not_recorded_again_as_outside(
        db_url: str, store: MemoryStore) -> None:
    history = MemoryHistory(store)
    try:
        subprocess.run([sys.executable, "-m", "app", "memory", "set", "--db", db_url,
                        "--bot", BOT, "cli", "yes"], check=True, timeout=60,
                       capture_output=True)
        # What the watcher reports once it notices that write: already explained.
        history.record_outside(BOT, "cli", None, "yes")
        history.record_outside(BOT, "cli", "yes", "changed-by-general-bots")
        history.flush()
        assert [(e.kind, e.new) for e in history.timeline(BOT, "cli")] == [
            ("outside", "changed-by-general-bots"), ("cli", "yes")]
    finally:
        history.close()


def test_failing_polls_are_reported_once_and_their_end_too(sqlite_db: str, caplog) -> None:
    health: list[WatchHealth] = []
    cond = threading.Condition()

    def on_health(h: WatchHealth) -> None:
        with cond:
            health.append(h)
            cond.notify_all()

    store = MemoryStore(sqlite_db)
    store.set(BOT, "seen", "0")
    store.flush()
    watcher = OutsideWatcher(store, interval=0.02)
    watcher.subscribe_health(on_health)
    watcher.watch(BOT)
    other = sqlite3.connect(sqlite_path(sqlite_db))
    try:
        with caplog.at_level(logging.WARNING, logger="app.memory.outside_watch"):
            other.execute("ALTER TABLE bot_memories RENAME TO moved_away")  # another program
            other.commit()
            with cond:
                assert cond.wait_for(lambda: len(health) >= 1, 10)
            # Ten more failing polls: still one report while the reason stays the same.
            wanted = watcher.rounds + 10
            deadline = time.monotonic() + 10
            while watcher.rounds < wanted and time.monotonic() < deadline:
                time.sleep(0.01)
            assert watcher.rounds >= wanted and len(health) == 1
            other.execute("ALTER TABLE moved_away RENAME TO bot_memories")
            other.commit()
            with cond:
                assert cond.wait_for(lambda: len(health) >= 2, 10)
    finally:
        other.close()
        watcher.close()
        store.close()
    assert health[0].error is not None and "bot_memories" in health[0].error
    assert health[1:] == [WatchHealth(None)]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not being watched" in warnings[0].getMessage()
