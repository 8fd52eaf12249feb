"""Whether a dialog runs in this process: the GUI thread's garbage collector
(:mod:`ui.gui_gc`) then holds back full collections until it ends.

A dialog writing memory in a loop makes objects that live a few tens of milliseconds (the
memory table's rows, the bridge's pending changes, the writer's queue): long enough to
survive the young collections, so tens of thousands a second reach the oldest generation,
and the full collection that follows every tenth middle one took 25-40 ms on the GUI
thread, which runs the dialog too. Such objects are freed by their reference counts anyway;
only cycles need the collector, and the young collections, which go on, catch nearly all of
them. The full collection that came due meanwhile runs a moment after the run ends.
"""

from __future__ import annotations

import math
import time

# The IDE windows (their bridges) with a dialog running; one process, one collector.
_running: set[int] = set()
_ended = [-math.inf]  # time.monotonic() when the last run ended


def dialog_running() -> bool:
    """A dialog runs in some window of this process."""
    return bool(_running)


def since_last_run() -> float:
    """Seconds since the last run in this process ended (0 while one runs)."""
    return 0.0 if _running else time.monotonic() - _ended[0]


class RunTracker:
    """Follows one window's runs (its bridge says when one starts and ends)."""

    __slots__ = ()

    def started(self) -> None:
        _running.add(id(self))

    def ended(self) -> None:
        if id(self) in _running:
            _running.discard(id(self))
            _ended[0] = time.monotonic()

    @property
    def running(self) -> bool:
        return id(self) in _running

    def __del__(self) -> None:
        _running.discard(id(self))
