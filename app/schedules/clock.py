"""A virtual clock for the schedules: move time forward and see which schedules fire.

Run times are computed exactly as the scheduler computes them (``Schedule.cron`` and one-shot
times), over an interval instead of "now"; nothing is recorded, so trying a week ahead does
not change when the real schedules run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .plan import Schedule

MAX_FIRINGS = 1000  # per schedule and advance; "every minute" over a month would be 43,200


@dataclass(frozen=True)
class Firing:
    """``schedule`` is due at ``when``."""

    when: dt.datetime
    schedule: Schedule


def firings(schedules: Iterable[Schedule], start: dt.datetime, end: dt.datetime,
            limit: int = MAX_FIRINGS) -> list[Firing]:
    """Every run time of ``schedules`` in (start, end], in time order; at most ``limit`` per
    schedule (its first ones), so a frequent schedule never hides a rare one."""
    found: list[Firing] = []
    for schedule in schedules:
        if schedule.error:
            continue
        if schedule.at is not None:
            if start < schedule.at <= end:
                found.append(Firing(schedule.at, schedule))
            continue
        after, count = start, 0
        while schedule.cron is not None and count < limit:  # no schedule needs more
            when = schedule.cron.next_run(after)
            if when is None or when > end:
                break
            found.append(Firing(when, schedule))
            after, count = when, count + 1
    found.sort(key=lambda f: (f.when, f.schedule.script.lower()))
    return found


class VirtualClock:
    """A settable "now" (naive local time, minute precision, like ``now_local``)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.replace(second=0, microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta, schedules: Iterable[Schedule]) -> list[Firing]:
        """Move forward by ``delta``; the firings passed on the way, in time order."""
        start = self.now
        self.now = start + delta
        return firings(schedules, start, self.now)
