"""The schedules' virtual clock: which schedules fire when time moves forward."""

from __future__ import annotations

import datetime as dt

from app.schedules.clock import VirtualClock, firings
from app.schedules.plan import make_schedule

START = dt.datetime(2026, 12, 7, 8, 30)  # a Monday


def test_advancing_lists_each_run_time_in_order():
    hourly = make_schedule("hourly", "0 * * * *")
    nine = make_schedule("nine", "0 9 * * *")
    clock = VirtualClock(START)
    fired = clock.advance(dt.timedelta(hours=2), [nine, hourly])
    assert [(f.when.strftime("%H:%M"), f.schedule.script) for f in fired] == [
        ("09:00", "hourly"), ("09:00", "nine"), ("10:00", "hourly")]
    assert clock() == dt.datetime(2026, 12, 7, 10, 30)
    assert clock.advance(dt.timedelta(minutes=20), [nine, hourly]) == []


def test_one_shot_and_broken_schedules():
    once = make_schedule("once", "2026-12-07 08:45")
    broken = make_schedule("broken", "not a schedule at all")
    assert broken.error
    fired = firings([once, broken], START, START + dt.timedelta(minutes=15))
    assert [f.schedule.script for f in fired] == ["once"]
    assert firings([once], START + dt.timedelta(minutes=15), START + dt.timedelta(days=1)) == []


def test_an_every_minute_schedule_is_capped_without_hiding_a_rare_one():
    every = make_schedule("every", "* * * * *")
    monthly = make_schedule("monthly", "0 6 1 * *")
    fired = firings([every, monthly], START, START + dt.timedelta(days=30), limit=50)
    assert [f.schedule.script for f in fired].count("every") == 50
    assert fired[0].when == START + dt.timedelta(minutes=1)
    assert [f.when for f in fired if f.schedule.script == "monthly"] == [
        dt.datetime(2027, 1, 1, 6, 0)]
