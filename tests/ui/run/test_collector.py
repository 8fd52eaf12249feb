"""While a dialog runs in the IDE, full garbage collections wait for its end (on the GUI
thread, which runs the dialog, they took 25-40 ms every few seconds of a memory-write loop);
the young generations are collected as before."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from interpreter.errors import BasicRuntimeError
from interpreter.events import Failed, Finished, RunStarted, Stopped
from ui.gui_gc import (
    CHECK_INTERVAL_MS,
    HELD_ROUNDS,
    RUN_CHECK_INTERVAL_MS,
    SETTLE_SECONDS,
    collect_on_gui_thread,
)
from ui.run.bridge import Bridge
from ui.run.collector import dialog_running, since_last_run


@pytest.fixture
def generations() -> Iterator[list[int]]:
    """The generations of the collections that start meanwhile (2: a full one). An earlier
    test's window is deleted first (its deleteLater): freed during the rounds, its objects
    lowered generation 0's count, and the full collection came one short."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    seen: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.collect()
    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)


def allocate_and_collect_rounds(kept: list[object], times: int = 1) -> None:
    """As many young collections as make a full one due (``times`` over), each after
    allocating past generation 0's threshold (the GUI thread's collector checks between)."""
    collector = collect_on_gui_thread()
    young, middle, oldest = gc.get_threshold()
    for _ in range((middle + 1) * (oldest * times + 1) + 1):
        kept.append([[i] for i in range(young + 1)])
        collector.collect_due()


def test_full_collections_wait_while_a_dialog_runs_then_run_as_due(
        qapp, generations: list[int]) -> None:
    bridge = Bridge()
    kept: list[object] = []
    bridge.post_event(RunStarted("loop.bas", "run1"))
    assert dialog_running()
    allocate_and_collect_rounds(kept)
    assert 0 in generations and 1 in generations
    assert 2 not in generations
    bridge.post_event(Finished(None))
    assert not dialog_running()
    collect_on_gui_thread().collect_due()
    assert 2 not in generations  # not on the moment the run ends (Stop, the next Run)
    time.sleep(SETTLE_SECONDS)
    collect_on_gui_thread().collect_due()
    assert generations[-1] == 2  # the one that came due meanwhile


def test_a_full_collection_held_back_too_long_runs_anyway(qapp, generations: list[int]) -> None:
    """Dialogs running back to back for minutes still get their reference cycles freed."""
    collector = collect_on_gui_thread()
    bridge = Bridge()
    kept: list[object] = []
    collector.held_rounds = 2
    try:
        bridge.post_event(RunStarted("loop.bas", "run1"))
        allocate_and_collect_rounds(kept, times=collector.held_rounds)
        assert 2 in generations
    finally:
        collector.held_rounds = HELD_ROUNDS
        bridge.post_event(Finished(None))


def test_without_a_run_full_collections_come_as_before(qapp, generations: list[int]) -> None:
    time.sleep(max(0.0, SETTLE_SECONDS - since_last_run()))  # an earlier test's run
    kept: list[object] = []
    allocate_and_collect_rounds(kept)
    assert 2 in generations


def test_the_collector_waits_until_every_window_s_run_has_ended(qapp) -> None:
    first, second = Bridge(), Bridge()
    first.post_event(RunStarted("a.bas", "run1"))
    second.post_event(RunStarted("b.bas", "run2"))
    first.post_event(Stopped(1))
    assert dialog_running()  # the second still runs
    second.post_event(Failed(BasicRuntimeError("boom", "b.bas", 3, 1)))
    assert not dialog_running()


def test_young_generations_are_checked_more_often_while_a_dialog_runs(qapp) -> None:
    """Smaller, more frequent young collections: generation 0 no longer holds 50 ms of a
    write loop's objects when it is collected between two slices of the dialog."""
    collector = collect_on_gui_thread()
    bridge = Bridge()
    bridge.post_event(RunStarted("loop.bas", "run1"))
    collector.collect_due()
    assert collector.timer.interval() == RUN_CHECK_INTERVAL_MS < CHECK_INTERVAL_MS
    bridge.post_event(Finished(None))
    collector.collect_due()
    assert collector.timer.interval() == CHECK_INTERVAL_MS
