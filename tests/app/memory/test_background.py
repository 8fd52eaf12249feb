"""The history recorder and the outside watcher run at a lower priority than the thread that
started them (the GUI thread, which also runs the dialog), so on a busy machine the OS runs
the GUI first. Linux only: elsewhere a thread's priority cannot be set on its own."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from app.memory.background import BACKGROUND_NICENESS, MAX_NICENESS, background_thread
from app.memory.history import MemoryHistory
from app.memory.outside_watch import OutsideWatcher
from app.memory.store import MemoryStore

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="per-thread priorities are a Linux feature")


def niceness(thread: threading.Thread) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread.native_id)


def expected(starter: int) -> int:
    return min(MAX_NICENESS, starter + BACKGROUND_NICENESS)


def settled_niceness(thread: threading.Thread, want: int) -> int:
    """The thread's niceness once it has had up to 10 s to lower itself (its first step)."""
    deadline = time.monotonic() + 10
    while niceness(thread) != want and time.monotonic() < deadline:
        time.sleep(0.01)
    return niceness(thread)


def test_the_recorder_and_the_watcher_give_way_to_the_gui_thread(tmp_path: Path) -> None:
    store = MemoryStore(f"sqlite:///{tmp_path / 'memory.sqlite3'}")
    history = MemoryHistory(store)
    watcher = OutsideWatcher(store, history)
    try:
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert settled_niceness(history._thread, expected(mine)) == expected(mine)
        assert settled_niceness(watcher._thread, expected(mine)) == expected(mine)
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    finally:
        watcher.close()
        history.close()
        store.close()


def test_a_background_thread_runs_its_target_at_the_lower_priority() -> None:
    seen: list[int] = []
    thread = background_thread(
        lambda: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())),
        "test-background")
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread.start()
    thread.join(10)
    assert thread.daemon and seen == [expected(mine)]
