"""How long a thread stalled by its own doing, not counting time the OS kept it waiting.

A test that asserts "the event loop never paused longer than X" measures wall time between
two turns of the loop. On a loaded machine (CI: 2 cores, other jobs) the thread can be
runnable yet off the CPU for a long time, which says nothing about the code under test. Linux
counts that time per thread (``/proc/thread-self/schedstat``, second field: time spent
waiting on a run queue), so each gap splits into:

- ``busy``: CPU time the thread used (a blocking computation on the loop, e.g. loading a
  certificate store, shows here whatever the load);
- ``waiting_for_cpu``: runnable but not running (the machine's load, not the code's);
- the rest: the thread slept (its own timer, the GIL, or a blocking read or write).

``stall = gap - waiting_for_cpu`` is what the code did to the loop. Where the kernel does not
keep the run-queue time, ``waiting_for_cpu`` is 0 and a stall is the plain gap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _run_queue_wait() -> float:
    """Seconds the calling thread has spent runnable but not running, 0.0 if unknown."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass(frozen=True)
class Gap:
    wall: float
    busy: float
    waiting_for_cpu: float

    @property
    def stall(self) -> float:
        return self.wall - self.waiting_for_cpu


class StallMeter:
    """Call :meth:`mark` on one thread at each turn; each call closes one :class:`Gap`, the
    first from the meter's making (``started=False``: the first mark only starts it)."""

    def __init__(self, started: bool = True) -> None:
        self.gaps: list[Gap] = []
        self._last: tuple[float, float, float] | None = self._now() if started else None

    @staticmethod
    def _now() -> tuple[float, float, float]:
        return time.monotonic(), time.thread_time(), _run_queue_wait()

    def mark(self) -> None:
        now = self._now()
        if self._last is not None:
            wall, busy, queued = (b - a for a, b in zip(self._last, now, strict=True))
            self.gaps.append(Gap(wall, busy, queued))
        self._last = now

    def longest_stall(self) -> Gap:
        return max(self.gaps, key=lambda g: g.stall)

    def busiest(self) -> Gap:
        return max(self.gaps, key=lambda g: g.busy)
