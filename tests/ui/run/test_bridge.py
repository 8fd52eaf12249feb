"""The bridge batches memory changes for the GUI thread and keeps their order."""

from __future__ import annotations

import threading
import time

from app.memory.store import ChangeState, MemoryChange
from interpreter.events import MemoryWritten, Printed
from ui.run.bridge import Bridge


def change(key: str, value: str, state: ChangeState = ChangeState.PENDING) -> MemoryChange:
    return MemoryChange("bot", key, None, value, None, state)


def test_a_burst_from_another_thread_arrives_in_few_deliveries_newest_per_key(qtbot) -> None:
    bridge = Bridge()
    deliveries: list[tuple[float, list[MemoryChange]]] = []
    bridge.memoryChanged.connect(lambda cs: deliveries.append((time.monotonic(), cs)))

    def writer() -> None:  # like the store's writer thread: a long burst of changes
        for i in range(20_000):
            bridge.post_change(change(f"k{i % 100}", f"v{i}"))
            if i % 2000 == 0:
                time.sleep(0.01)

    thread = threading.Thread(target=writer)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10_000)
    qtbot.waitUntil(lambda: any(c.new == "v19999" for _, cs in deliveries for c in cs))
    # Every key ends at its newest value, and no delivery repeats a key.
    newest = {c.key: c.new for _, cs in deliveries for c in cs}
    assert newest == {f"k{k}": f"v{19_900 + k}" for k in range(100)}
    assert all(len({c.key for c in cs}) == len(cs) for _, cs in deliveries)
    assert len(deliveries) < 2000  # batched, not one delivery per change


def test_memory_writes_arrive_before_the_next_other_event_in_order(qtbot) -> None:
    bridge = Bridge()
    seen: list[object] = []
    bridge.memoryWritten.connect(seen.extend)
    bridge.runEvent.connect(seen.append)
    writes = [MemoryWritten(f"k{i}", str(i), i) for i in range(5)]
    for w in writes:
        bridge.post_event(w)
    printed = Printed("done", 9)
    bridge.post_event(printed)
    assert seen == [*writes, printed]  # at once: the other event flushed the writes first
    more = MemoryWritten("late", "x", 10)
    bridge.post_event(more)
    qtbot.waitUntil(lambda: seen[-1] is more, timeout=10_000)  # bounds a hang
    assert seen.count(more) == 1


def test_a_batch_of_changes_arrives_in_one_delivery_newest_per_key_in_order(qtbot) -> None:
    bridge = Bridge()
    deliveries: list[list[MemoryChange]] = []
    bridge.memoryChanged.connect(deliveries.append)
    landed = ChangeState.LANDED
    bridge.post_change(change("a", "0"))
    bridge.post_changes([change("b", "1", landed), change("a", "2", landed),
                         change("c", "3", landed)])
    qtbot.waitUntil(lambda: bool(deliveries))
    assert [(c.key, c.new, c.state) for cs in deliveries for c in cs] == [
        ("b", "1", landed), ("a", "2", landed), ("c", "3", landed)]


def test_a_timer_already_due_runs_before_the_changes_are_delivered(qtbot) -> None:
    """The changes reach the widgets from a timer turn of the loop, so a timer that was due
    (a key repeat, an animation) is not held behind the memory table's update and repaint;
    from the wake-up, a posted event, the delivery went ahead of every timer."""
    from PySide6.QtCore import QTimer

    bridge = Bridge()
    order: list[str] = []
    bridge.memoryChanged.connect(lambda _cs: order.append("changes"))
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(lambda: order.append("timer"))
    timer.start()
    bridge.post_change(change("a", "1"))
    qtbot.waitUntil(lambda: len(order) == 2, timeout=10_000)
    assert order == ["timer", "changes"]
