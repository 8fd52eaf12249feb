"""Reference cycles holding Qt objects are collected on the GUI thread, whichever thread
allocates."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from ui.gui_gc import collect_on_gui_thread


class _Holder:
    """A Python object in a cycle with a parentless (Python-owned) QObject."""

    def __init__(self, threads: list[int]) -> None:
        self.obj = QObject()
        self.obj.destroyed.connect(lambda *_: threads.append(threading.get_ident()))
        self.me = self


def _allocate_in_a_thread(count: int, kept: list | None = None) -> None:
    """Make ``count`` containers (each counts towards generation 0); freed at once unless
    ``kept`` holds them (generation 0's count is allocations minus frees)."""

    def work() -> None:
        made = [[i] for i in range(count)]
        if kept is not None:
            kept.append(made)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()


def test_a_cycle_with_a_qobject_dies_on_the_gui_thread_not_the_allocating_one(qtbot):
    collector = collect_on_gui_thread()
    assert collect_on_gui_thread() is collector  # one per application
    assert not gc.isenabled()
    threads: list[int] = []
    _Holder(threads)
    kept: list = []
    # Far past generation 0's threshold: CPython's own collector would run in the worker.
    _allocate_in_a_thread(50 * gc.get_threshold()[0], kept)
    assert threads == []
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert threads == [threading.get_ident()]


def test_older_generations_are_collected_as_their_counts_pass_the_thresholds(qtbot):
    collect_on_gui_thread()
    gc.collect()
    before = [stats["collections"] for stats in gc.get_stats()]
    kept: list = []
    for _ in range(gc.get_threshold()[1] + 2):  # each gen-0 round counts once towards gen 1
        _allocate_in_a_thread(2 * gc.get_threshold()[0], kept)
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=10_000)
    after = [stats["collections"] for stats in gc.get_stats()]
    assert after[0] > before[0] and after[1] > before[1]
