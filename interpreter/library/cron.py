"""SET SCHEDULE specs: the cron dialects and natural-language forms of the reference (§4.6).

``parse_schedule(text)`` normalises any accepted spelling to a :class:`Cron` (5 standard fields);
``Cron.next_runs(after, n)`` lists the next run times. Pure stdlib, so the CLI, the IDE and the
tests share one implementation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NAMES_DOW = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_NAMES_MON = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
# (name, low, high, names) for minute, hour, day of month, month, day of week.
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}),
    ("month", 1, 12, _NAMES_MON), ("day of week", 0, 7, _NAMES_DOW))
_CRON_CHARS = re.compile(r"^[0-9A-Za-z*/,\-?]+$")
_SEARCH_LIMIT_DAYS = 366 * 5  # enough for "29 2 * * *" style specs; beyond that: no next run


class CronError(ValueError):
    """The text is not a schedule this module understands; ``str`` says why."""


@dataclass(frozen=True)
class Cron:
    """A 5-field cron expression with its expanded value sets."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool  # day-of-month field was "*"
    any_weekday: bool

    def matches(self, when: dt.datetime) -> bool:
        if when.minute not in self.minutes or when.hour not in self.hours:
            return False
        return when.month in self.months and self._day_ok(when.date())

    def _day_ok(self, day: dt.date) -> bool:
        dom = day.day in self.days
        dow = (day.isoweekday() % 7) in self.weekdays
        # Standard cron: when both day fields are restricted, either one matching is enough.
        if self.any_day or self.any_weekday:
            return dom and dow
        return dom or dow

    def next_runs(self, after: dt.datetime, count: int = 1) -> list[dt.datetime]:
        """The next ``count`` minutes strictly after ``after`` that match (same tzinfo)."""
        runs: list[dt.datetime] = []
        t = after.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        limit = after + dt.timedelta(days=_SEARCH_LIMIT_DAYS)
        hours, minutes = sorted(self.hours), sorted(self.minutes)
        while len(runs) < count and t <= limit:
            if t.month not in self.months or not self._day_ok(t.date()):
                # Jump to the next day: the common case for daily/weekly specs.
                t = (t + dt.timedelta(days=1)).replace(hour=0, minute=0)
                continue
            found = next(((h, m) for h in hours for m in minutes
                          if (h, m) >= (t.hour, t.minute)), None)
            if found is None:
                t = (t + dt.timedelta(days=1)).replace(hour=0, minute=0)
                continue
            t = t.replace(hour=found[0], minute=found[1])
            runs.append(t)
            t += dt.timedelta(minutes=1)
        return runs

    def next_run(self, after: dt.datetime) -> dt.datetime | None:
        runs = self.next_runs(after, 1)
        return runs[0] if runs else None


def parse_schedule(text: str) -> Cron:
    """Parse cron (4, 5 or 6 fields) or a natural-language schedule; raise :class:`CronError`."""
    return parse_cron(to_cron_text(text))


def to_cron_text(text: str) -> str:
    """The 5-field cron string for any accepted spelling (``"every 5 minutes"`` → ``*/5 * * * *``)."""
    s = " ".join(str(text).strip().split())
    if not s:
        raise CronError("empty schedule")
    parts = s.split(" ")
    if all(_CRON_CHARS.match(p) for p in parts) and any(c.isdigit() or c == "*" for c in s):
        candidate = {6: " ".join(parts[1:]),  # leading seconds field (Node era, Dec-2025 docs)
                     5: s, 4: s + " *"}.get(len(parts))
        if candidate is not None and not re.search(r"[a-z]{4}", s.lower()):
            parse_cron(candidate)  # a cron-looking spec with a bad field: say which
            return candidate
    return _natural(s.lower())


def parse_cron(text: str) -> Cron:
    parts = text.split()
    if len(parts) != 5:
        raise CronError(f"a cron schedule has 5 fields, got {len(parts)}: {text!r}")
    sets = [_field(p, *spec) for p, spec in zip(parts, _FIELDS)]
    weekdays = frozenset(d % 7 for d in sets[4])  # 7 is Sunday too
    return Cron(text, sets[0], sets[1], sets[2], sets[3], weekdays,
                parts[2] in ("*", "?"), parts[4] in ("*", "?"))


def _field(text: str, name: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        step = 1
        if "/" in item:
            item, step_text = item.split("/", 1)
            step = _number(step_text, name, 1, high - low + 1 if high > low else 1, {})
        if item in ("*", "?"):
            first, last = low, high
        elif "-" in item:
            a, b = item.split("-", 1)
            first, last = _number(a, name, low, high, names), _number(b, name, low, high, names)
            if first > last:
                raise CronError(f"{name} range {item!r} goes backwards")
        else:
            first = _number(item, name, low, high, names)
            last = high if step > 1 else first  # "5/15" = from 5 every 15
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _number(text: str, name: str, low: int, high: int, names: dict[str, int]) -> int:
    key = text.lower()[:3]
    if names and key in names and not text.isdigit():
        return names[key]
    if not text.isdigit():
        raise CronError(f"bad {name} value {text!r}")
    n = int(text)
    if not low <= n <= high:
        raise CronError(f"{name} value {n} is outside {low}-{high}")
    return n


# ------------------------------------------------------------ natural language

_DAYS = {"sunday": 0, "sun": 0, "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2,
         "wednesday": 3, "wed": 3, "thursday": 4, "thu": 4, "thur": 4, "thurs": 4,
         "friday": 5, "fri": 5, "saturday": 6, "sat": 6}
_SIMPLE = {
    "every minute": "* * * * *", "every hour": "0 * * * *", "hourly": "0 * * * *",
    "every 1 hour": "0 * * * *", "every day": "0 0 * * *", "daily": "0 0 * * *",
    "every week": "0 0 * * 0", "weekly": "0 0 * * 0", "every month": "0 0 1 * *",
    "monthly": "0 0 1 * *", "every year": "0 0 1 1 *", "yearly": "0 0 1 1 *",
    "annually": "0 0 1 1 *", "business hours": "0 9-17 * * 1-5",
    "every hour during business hours": "0 9-17 * * 1-5",
    "weekdays": "0 0 * * 1-5", "every weekday": "0 0 * * 1-5", "weekends": "0 0 * * 0,6",
    "every weekend": "0 0 * * 0,6",
}


def _natural(s: str) -> str:
    if s in _SIMPLE:
        return _SIMPLE[s]
    m = re.fullmatch(r"every (\d+) minutes?( during business hours)?", s)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 59:
            raise CronError(f"every {n} minutes: the number must be 1-59")
        return f"*/{n} 9-17 * * 1-5" if m.group(2) else f"*/{n} * * * *"
    m = re.fullmatch(r"every (\d+) hours?", s)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 23:
            raise CronError(f"every {n} hours: the number must be 1-23")
        return "0 * * * *" if n == 1 else f"0 */{n} * * *"
    m = re.fullmatch(r"every hour from (\d{1,2}) to (\d{1,2})", s)
    if m:
        return f"0 {int(m.group(1))}-{int(m.group(2))} * * *"
    m = re.fullmatch(r"(?:every )?(\w+)(?: at (.+))?", s)
    if m and m.group(1) in ("day", "weekday", "weekdays", "weekend", "weekends") | _DAYS.keys():
        dow = {"day": "*", "weekday": "1-5", "weekdays": "1-5", "weekend": "0,6",
               "weekends": "0,6"}.get(m.group(1))
        if dow is None:
            dow = str(_DAYS[m.group(1)])
        minute, hour = _time_of_day(m.group(2)) if m.group(2) else (0, 0)
        if m.group(1) == "day" and not m.group(2) and not s.startswith("every"):
            raise CronError(f"unknown schedule {s!r}")
        return f"{minute} {hour} * * {dow}"
    m = re.fullmatch(r"at (.+)", s)
    if m:
        minute, hour = _time_of_day(m.group(1))
        return f"{minute} {hour} * * *"
    raise CronError(f"unknown schedule {s!r} (use cron such as \"0 9 * * *\" or words such as "
                    f"\"every 5 minutes\", \"every monday at 9am\")")


def _time_of_day(text: str) -> tuple[int, int]:
    t = text.strip().replace(" ", "")
    if t == "midnight":
        return 0, 0
    if t == "noon":
        return 0, 12
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", t)
    if not m:
        raise CronError(f"unknown time of day {text!r}")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= hour <= 12:
            raise CronError(f"bad hour in {text!r}")
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CronError(f"bad time of day {text!r}")
    return minute, hour
