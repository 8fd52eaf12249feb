"""Built-in date and time functions.

Dates are ``datetime.date`` and date-times ``datetime.datetime`` (naive, local time, whole
seconds). Functions also accept the strings dialogs pass around (``2025-01-15``,
``15/01/2025``, ``2025-01-15 10:30:00``) and, for convenience, epoch seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from interpreter.library.builtins.core import builtin, text
from interpreter.library.formatting import format_date, parse_iso_datetime, parse_numeric_date
from interpreter.values import BasicValueError, Value, as_number, to_display, to_number

When = dt.date | dt.datetime


def _now() -> dt.datetime:
    """The current local time without microseconds (tests replace this function)."""
    return dt.datetime.now().replace(microsecond=0)


# ---------------------------------------------------------------- parsing

def parse_date_text(s: str) -> When | None:
    """A date or date-time from ISO or digits: ``yyyy/mm/dd``, ``dd/mm/yyyy`` (day first),
    ``mm/dd/yyyy`` when only that reading is a date (see formatting.parse_numeric_date)."""
    t = s.strip()
    when = parse_iso_datetime(t)
    if when is not None:
        return when
    return parse_numeric_date(t)


def to_when(v: Value, fname: str) -> When:
    """A date argument: a date value, a date string or epoch seconds."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v
    n = as_number(v) if not isinstance(v, str) else None
    if n is not None:
        try:
            return dt.datetime.fromtimestamp(n).replace(microsecond=0)
        except (OverflowError, OSError, ValueError):
            raise BasicValueError(f"{fname}: {to_display(v)} is not a valid timestamp") from None
    if isinstance(v, str):
        when = parse_date_text(v)
        if when is not None:
            return when
    shown = '""' if v is None or v == "" else repr(to_display(v))
    raise BasicValueError(f"{fname} needs a date (like 2025-01-15), got {shown}")


# The formats of botbasic_core datetime/extract.rs's (and dateadd.rs's) parse_date, then of
# its parse_datetime, in their order (Python's strptime reads them as chrono does, short of
# chrono's signed and longer years).
_ENGINE_FORMATS = (("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d"),
                   ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"))


def engine_when(s: str) -> When | None:
    """The date or date-time General Bots' date functions read in ``s``, else None: no
    fractions of a second, zone, dotted date or time after a day-first date."""
    t = s.strip()
    for formats, as_date in zip(_ENGINE_FORMATS, (True, False), strict=True):
        for f in formats:
            try:
                when = dt.datetime.strptime(t, f)
            except ValueError:
                continue
            return when.date() if as_date else when
    return None


def engine_date(v: Value, fname: str) -> When:
    """A date argument of a function of extract.rs or dateadd.rs: text as they read it."""
    if isinstance(v, str):
        when = engine_when(v)
        if when is None:
            raise engine_aborts(fname, v)
        return when
    return to_when(v, fname)


def engine_aborts(fname: str, v: str) -> BasicValueError:
    """Text that is no date given to a function of botbasic_core datetime/extract.rs or
    dateadd.rs: their ``parse_date`` and ``parse_datetime`` each try the other when their own
    formats fail, so on such text they call each other until the stack overflows and the
    server process aborts (its ``unwrap_or(0)`` and ``else date_str`` are never reached)."""
    return BasicValueError(f"{fname} needs a date (like 2025-01-15), got {v!r}: General Bots "
                           f"has no answer here, its date parsing reads no date in it and "
                           f"then recurses without end, and the server aborts (stack overflow)")


def as_datetime(w: When) -> dt.datetime:
    """A date-time at midnight for a date; date-times unchanged."""
    return w if isinstance(w, dt.datetime) else dt.datetime(w.year, w.month, w.day)


# ---------------------------------------------------------------- current time


@builtin("NOW", min_args=0, max_args=0)
def now() -> dt.datetime:
    """The current local date-time (whole seconds)."""
    return _now()


@builtin("NOW STR", min_args=0, max_args=0)
def now_str() -> str:
    """The current local date-time as ``YYYY-MM-DD HH:MM:SS``."""
    return to_display(_now())


@builtin("TODAY", min_args=0, max_args=0)
def today() -> dt.date:
    """Today's local date."""
    return _now().date()


@builtin("TIME", min_args=0, max_args=0)
def time_() -> str:
    """The current local time as ``HH:MM:SS``."""
    return _now().strftime("%H:%M:%S")


@builtin("TIMESTAMP", min_args=0, max_args=1)
def timestamp(v: Value = None) -> int:
    """Epoch seconds of now or of the date given."""
    if v is None:
        return int(time.time())
    return int(as_datetime(to_when(v, "TIMESTAMP")).timestamp())


@builtin("TIMESTAMP MS", min_args=0, max_args=0)
def timestamp_ms() -> int:
    """Epoch milliseconds of now."""
    return int(time.time() * 1000)


# ---------------------------------------------------------------- parts


def _part(fname: str, getter: Callable[[When], int]) -> None:
    def call(v: Value = None) -> int:
        return getter(_now() if v is None else engine_date(v, fname))

    call.__doc__ = f"The {fname.lower()} of a date (of now without an argument)."
    builtin(fname, min_args=0, max_args=1)(call)


_part("YEAR", lambda w: w.year)
_part("MONTH", lambda w: w.month)
_part("DAY", lambda w: w.day)
_part("HOUR", lambda w: as_datetime(w).hour)
_part("MINUTE", lambda w: as_datetime(w).minute)
_part("SECOND", lambda w: as_datetime(w).second)
# 1 = Sunday … 7 = Saturday: extract.rs's num_days_from_sunday() + 1, the botbook's "1-7"
_part("WEEKDAY", lambda w: w.isoweekday() % 7 + 1)


@builtin("ISDATE", "IS DATE", min_args=1, max_args=1)
def is_date(v: Value) -> bool:
    """Whether the value is a date or a text that reads as one. Text that is no date stops
    the dialog: production gives no false there (engine_aborts)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return True
    return isinstance(v, str) and engine_date(v, "ISDATE") is not None


@builtin("DATEVALUE", "TODATE", min_args=1, max_args=1)
def datevalue(v: Value) -> When:
    """The date (or date-time) a text spells."""
    return to_when(v, "DATEVALUE")


@builtin("FORMAT DATE", min_args=1, max_args=2)
def format_date_(v: Value, pattern: Value = "yyyy-MM-dd") -> str:
    """A date through a FORMAT date pattern (default ``yyyy-MM-dd``)."""
    return format_date(to_when(v, "FORMAT_DATE"), text(pattern))


@builtin("FORMAT TIME", min_args=1, max_args=2)
def format_time_(v: Value, pattern: Value = "HH:mm:ss") -> str:
    """The time of a date-time through a pattern (default ``HH:mm:ss``)."""
    return format_date(to_when(v, "FORMAT_TIME"), text(pattern))


# ---------------------------------------------------------------- arithmetic

# unit word → (seconds, months) per unit; exactly one of them is non-zero.
_UNITS: dict[str, tuple[int, int]] = {}
for _words, _size in (
    (("s", "sec", "secs", "second", "seconds", "segundo", "segundos"), (1, 0)),
    (("m", "n", "mi", "min", "mins", "minute", "minutes", "minuto", "minutos"), (60, 0)),
    (("h", "hh", "hr", "hrs", "hour", "hours", "hora", "horas"), (3600, 0)),
    (("d", "dd", "day", "days", "dia", "dias"), (86400, 0)),
    (("w", "ww", "wk", "wks", "week", "weeks", "semana", "semanas"), (604800, 0)),
    (("mon", "month", "months", "mes", "mês", "meses"), (0, 1)),
    (("q", "quarter", "quarters", "trimestre", "trimestres"), (0, 3)),
    (("y", "yy", "yyyy", "yr", "yrs", "year", "years", "ano", "anos"), (0, 12)),
):
    _UNITS.update(dict.fromkeys(_words, _size))


# The units dateadd.rs's ``dateadd_impl`` matches (lower-cased): it returns any other unit's
# date unchanged, Talkbench's other names (quarter, dia, mes …) included.
_ENGINE_UNITS = frozenset({
    "day", "days", "d", "week", "weeks", "w", "hour", "hours", "h", "minute", "minutes", "min",
    "m", "second", "seconds", "sec", "s", "month", "months", "year", "years", "y",
})


def unit_of(v: Value, fname: str) -> tuple[int, int]:
    """(seconds, months) of one unit named by ``v``."""
    key = text(v).strip().lower()
    if key not in _UNITS:
        raise BasicValueError(
            f"{fname}: unknown unit {text(v)!r} (use second, minute, hour, day, week, month, "
            "quarter or year)"
        )
    return _UNITS[key]


def _is_unit(v: Value) -> bool:
    return isinstance(v, str) and v.strip().lower() in _UNITS


def add_months(w: When, months: int) -> When:
    """``w`` moved by whole months; the day is clamped to the target month's length."""
    total = w.year * 12 + (w.month - 1) + months
    y, m = divmod(total, 12)
    if not 1 <= y <= 9999:
        raise OverflowError
    next_first = dt.date(y + (m == 11), (m + 1) % 12 + 1, 1)
    last_day = (next_first - dt.timedelta(days=1)).day
    return w.replace(year=y, month=m + 1, day=min(w.day, last_day))


def _shift(w: When, amount: float, unit: tuple[int, int]) -> When:
    seconds, months = unit
    if months:
        if amount != int(amount):
            raise BasicValueError("DATEADD: months and years must be whole numbers")
        return add_months(w, int(amount) * months)
    moved = as_datetime(w) + dt.timedelta(seconds=amount * seconds)
    if not isinstance(w, dt.datetime) and moved.time() == dt.time(0):
        return moved.date()  # a date stays a date while whole days are added
    return moved.replace(microsecond=0)


@builtin("DATEADD", "DATE ADD", min_args=2, max_args=3)
def dateadd(a: Value, b: Value, c: Value = None) -> When:
    """``DATEADD(date, amount, unit)``, or ``(date, unit, amount)``, or ``(unit, amount, date)``."""
    if c is None:
        date, amount, unit = a, b, "day"
    elif _is_unit(a) and parse_date_text(a) is None:
        unit, amount, date = a, b, c
    elif as_number(b) is None and as_number(c) is not None:
        date, unit, amount = a, b, c
    else:
        date, amount, unit = a, b, c
    # As botbasic_core datetime/dateadd.rs computes it: an unknown unit changes nothing, a
    # year keeps the day only up to the 28th (``datetime.day().min(28)``), and text without
    # a time gives a date; text that is no date aborts production (engine_aborts)
    w = engine_date(date, "DATEADD")
    n = to_number(amount, "DATEADD amount")
    if not _is_unit(unit) or str(unit).strip().lower() not in _ENGINE_UNITS:
        return w
    step = unit_of(unit, "DATEADD")
    if step[1] == 12:
        w = w.replace(day=min(w.day, 28))
    try:
        moved = _shift(w, n, step)
    except OverflowError:
        raise BasicValueError("DATEADD: the result is outside years 1 to 9999") from None
    if isinstance(date, str) and ":" not in date and isinstance(moved, dt.datetime):
        return moved.date()
    return moved


def _months_between(a: dt.datetime, b: dt.datetime) -> int:
    """Whole months from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    if b < a:
        return -_months_between(b, a)
    months = (b.year - a.year) * 12 + b.month - a.month
    if (b.day, b.time()) < (a.day, a.time()):
        months -= 1  # the last month is not complete yet
    return months


def date_diff(d1: Value, d2: Value, unit: Value, fname: str) -> int:
    """Whole units from ``d1`` to ``d2`` (truncated toward zero)."""
    a, b = as_datetime(to_when(d1, fname)), as_datetime(to_when(d2, fname))
    seconds, months = unit_of(unit, fname)
    if months:
        return int(_months_between(a, b) / months)
    total = (b - a) // dt.timedelta(seconds=1)
    whole = abs(total) // seconds
    return -whole if total < 0 else whole


@builtin("DATEDIFF", "DATE DIFF", min_args=2, max_args=3)
def datediff(a: Value, b: Value, c: Value = None) -> int:
    """``DATEDIFF(d1, d2[, unit])`` → d2 − d1 in whole units (default days); unit-first too."""
    if c is None:
        return date_diff(a, b, "day", "DATEDIFF")
    if _is_unit(a) and parse_date_text(a) is None:
        return date_diff(b, c, a, "DATEDIFF")
    return date_diff(a, b, c, "DATEDIFF")


def _between(fname: str, unit: str) -> None:
    def call(d1: Value, d2: Value) -> int:
        return date_diff(d1, d2, unit, fname)

    call.__doc__ = f"Whole {unit}s from the first date to the second."
    builtin(fname, min_args=2, max_args=2)(call)


_between("DAYS BETWEEN", "day")
_between("HOURS BETWEEN", "hour")
_between("MINUTES BETWEEN", "minute")
_between("SECONDS BETWEEN", "second")


@builtin("ADD DAYS", min_args=2, max_args=2)
def add_days(d: Value, n: Value) -> When:
    """The date moved by ``n`` days."""
    return dateadd(d, n, "day")


@builtin("ADD MONTHS", min_args=2, max_args=2)
def add_months_(d: Value, n: Value) -> When:
    """The date moved by ``n`` months."""
    return dateadd(d, n, "month")


def _duration(fname: str, seconds: int) -> None:
    def call(v: Value) -> int:
        return round(to_number(v, f"{fname} argument") * seconds)

    call.__doc__ = f"{fname.capitalize()} as a number of seconds (``NOW() - {fname}(1)``)."
    builtin(fname, min_args=1, max_args=1)(call)


_duration("DAYS", 86400)
_duration("HOURS", 3600)
_duration("MINUTES", 60)
_duration("WEEKS", 604800)
