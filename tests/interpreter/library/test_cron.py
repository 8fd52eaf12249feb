"""SET SCHEDULE specs: the reference's test vectors, cron dialects and next-run computation."""

from __future__ import annotations

import datetime as dt

import pytest

from interpreter.library.cron import CronError, parse_schedule, to_cron_text


@pytest.mark.parametrize("spec, cron", [
    ("every 5 minutes", "*/5 * * * *"),
    ("every monday at 9am", "0 9 * * 1"),
    ("weekdays at 8am", "0 8 * * 1-5"),
    ("every 30 minutes during business hours", "*/30 9-17 * * 1-5"),
    ("0 30 22 * * *", "30 22 * * *"),
    ("55 * * * *", "55 * * * *"),
    ("0 9 * *", "0 9 * * *"),
    ("every hour", "0 * * * *"),
    ("every 1 hour", "0 * * * *"),
    ("every 6 hours", "0 */6 * * *"),
    ("Daily", "0 0 * * *"),
    ("at 9:30am", "30 9 * * *"),
    ("at 14:00", "0 14 * * *"),
    ("at noon", "0 12 * * *"),
    ("every day at 6pm", "0 18 * * *"),
    ("every hour from 9 to 17", "0 9-17 * * *"),
    ("weekends", "0 0 * * 0,6"),
    ("every fri at midnight", "0 0 * * 5"),
])
def test_reference_vectors_and_dialects(spec: str, cron: str) -> None:
    assert to_cron_text(spec) == cron


@pytest.mark.parametrize("bad", ["", "every blue moon", "61 * * * *", "* 24 * * *",
                                 "every 90 minutes", "5-1 * * * *", "at 25:00", "1 2 3"])
def test_bad_specs_are_rejected_with_a_reason(bad: str) -> None:
    with pytest.raises(CronError):
        parse_schedule(bad)


def test_next_runs_of_a_weekday_schedule() -> None:
    cron = parse_schedule("weekdays at 8am")
    friday = dt.datetime(2026, 11, 20, 9, 0)  # a Friday, after 8:00
    runs = cron.next_runs(friday, 3)
    assert runs == [dt.datetime(2026, 11, 23, 8, 0), dt.datetime(2026, 11, 24, 8, 0),
                    dt.datetime(2026, 11, 25, 8, 0)]


def test_next_runs_steps_names_lists_and_sunday_as_7() -> None:
    start = dt.datetime(2026, 1, 1, 0, 0)
    assert parse_schedule("*/20 * * * *").next_runs(start, 3) == [
        dt.datetime(2026, 1, 1, 0, 20), dt.datetime(2026, 1, 1, 0, 40),
        dt.datetime(2026, 1, 1, 1, 0)]
    assert parse_schedule("0 12 * JAN,mar SUN").next_run(start) == dt.datetime(2026, 1, 4, 12)
    assert parse_schedule("0 12 * * 7").next_run(start) == dt.datetime(2026, 1, 4, 12)


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    # Standard cron: the 13th OR any Friday.
    cron = parse_schedule("0 0 13 * 5")
    runs = cron.next_runs(dt.datetime(2026, 2, 1), 3)
    assert runs == [dt.datetime(2026, 2, 6), dt.datetime(2026, 2, 13), dt.datetime(2026, 2, 20)]


def test_impossible_date_has_no_next_run_and_aware_times_keep_their_zone() -> None:
    assert parse_schedule("0 0 31 2 *").next_run(dt.datetime(2026, 1, 1)) is None
    start = dt.datetime(2026, 1, 1, 10, 7, 30, tzinfo=dt.UTC)
    assert parse_schedule("every minute").next_run(start) == dt.datetime(2026, 1, 1, 10, 8,
                                                                          tzinfo=dt.UTC)


def test_set_schedule_keyword_without_a_schedules_service() -> None:
    from interpreter.errors import BasicRuntimeError
    from interpreter.events import Printed

    from ..helpers import run

    ok = run('SET SCHEDULE "every 5 minutes"\nSET_SCHEDULE "0 9 * * *"\nTALK "done"')
    assert ok.talks == ["done"]
    assert not [e for e in ok.events if isinstance(e, Printed)]
    bad = run('SET SCHEDULE "every blue moon"\nTALK "still runs"')
    assert bad.talks == ["still runs"]
    assert any(isinstance(e, Printed) and e.level == "warning" and "unknown schedule" in e.text
               for e in bad.events)
    with pytest.raises(BasicRuntimeError, match="needs the 'schedules' service"):
        run('SET SCHEDULE "0 9 * * *", "report.bas"')
