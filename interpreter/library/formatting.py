"""FORMAT as General Bots computes it (:func:`engine_format`) and the date patterns of
FORMAT_DATE / FORMAT_TIME (:func:`format_date`).

FORMAT's locale tags are matched exactly as the engine matches them (``[pt]``, ``[de]`` ...):
a tag with a region (``[pt-PT]``, ``[pt-BR]``) is not one of them, so it formats as ``[en]``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

from interpreter.values import BasicValueError, Value, rust_repr, to_display

MAX_DECIMALS = 100
MAX_RESULT_SIZE = 10_000_000  # same cap as the built-ins: no pattern may build a huge string


def _display(value: Value) -> str:
    try:
        return to_display(value)
    except (ValueError, RecursionError):
        raise BasicValueError("FORMAT: the value cannot be shown (it contains itself)") from None


def group(digits: str, sep: str) -> str:
    """Digits with ``sep`` between groups of three from the right."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


# ---------------------------------------------------------------- dates


_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_iso_datetime(s: str) -> dt.date | dt.datetime | None:
    """A date from ``YYYY-MM-DD`` or a datetime from ``YYYY-MM-DD[ T]HH:MM[:SS]``; else None."""
    t = s.strip()
    if not _ISO.fullmatch(t):
        return None
    try:
        if len(t) == 10:
            return dt.date.fromisoformat(t)
        when = dt.datetime.fromisoformat(t)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)  # shown in local time, like NOW()
    return when.replace(microsecond=0)


_CLOCK = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_YMD = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})" + _CLOCK)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _CLOCK)


def parse_numeric_date(s: str, *, short_years: bool = False,
                       times: bool = True) -> dt.date | dt.datetime | None:
    """A date written in digits: year first (``2024/01/15``) or day first (``15/01/2024``;
    month first only when the day-first reading is no date, ``01/15/2024``), with ``/``,
    ``.`` or ``-``. ``times``: a time may follow (``15/01/2024 10:30``), giving a datetime;
    ``short_years``: ``15/01/24`` is 2024. The one day-first reading of DATEVALUE & co. and
    of HEAR AS DATE."""
    t = s.strip()
    if m := _YMD.fullmatch(t):
        y, first, second = int(m[1]), int(m[2]), int(m[3])
        readings: tuple[tuple[int, int], ...] = ((first, second),)
    elif m := _DMY.fullmatch(t):
        if len(m[3]) == 2 and not short_years:
            return None
        y = 2000 + int(m[3]) if len(m[3]) == 2 else int(m[3])
        first, second = int(m[1]), int(m[2])
        readings = ((second, first), (first, second))
    else:
        return None
    clock = m.groups()[3:]
    if clock[0] is not None and not times:
        return None
    for month, day in readings:
        when = _calendar(y, month, day, clock)
        if when is not None:
            return when
    return None


def _calendar(y: int, month: int, day: int,
              clock: tuple[str | None, ...]) -> dt.date | dt.datetime | None:
    try:
        if clock[0] is None:
            return dt.date(y, month, day)
        h, mi, sec = (int(p or 0) for p in clock)
        return dt.datetime(y, month, day, h, mi, sec)
    except ValueError:
        return None


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DATE_TOKENS = frozenset({
    "yyyy", "yy", "YYYY", "YY", "MMMM", "MMM", "MM", "M", "dddd", "ddd", "dd", "d", "DD",
    "HH", "H", "hh", "h", "mm", "m", "ss", "s", "tt", "fff",
})
_ALIASES = {"YYYY": "yyyy", "YY": "yy", "DD": "dd"}
_TIME_TOKENS = frozenset({"HH", "H", "hh", "h", "ss", "s", "tt", "fff"})
_MONTH_TOKENS = frozenset({"MMMM", "MMM", "MM", "M"})
# Single letters allowed between tokens of one word (ISO "yyyy-MM-ddTHH:mm:ss", "...Z").
_WORD_LITERALS = frozenset({"T", "Z"})


def _runs(word: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"(.)\1*", word)]


def _word_parts(word: str) -> list[tuple[bool, str]]:
    """A word is tokens only if every run of one letter is a known token; else all literal."""
    runs = _runs(word)
    if all(r in _DATE_TOKENS or r in _WORD_LITERALS for r in runs) and any(
        r in _DATE_TOKENS for r in runs
    ):
        return [(r in _DATE_TOKENS, r) for r in runs]
    return [(False, word)]


def tokenize_date_pattern(pattern: str) -> list[tuple[bool, str]]:
    """(is_token, text) pieces; quotes and backslashes make literals, words are all-or-nothing."""
    parts: list[tuple[bool, str]] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c in "'\"":
            end = pattern.find(c, i + 1)
            end = len(pattern) if end < 0 else end
            parts.append((False, pattern[i + 1 : end]))
            i = end + 1
        elif c == "\\" and i + 1 < len(pattern):
            parts.append((False, pattern[i + 1]))
            i += 2
        elif c.isalpha():
            j = i
            while j < len(pattern) and pattern[j].isalpha():
                j += 1
            parts.extend(_word_parts(pattern[i:j]))
            i = j
        else:
            parts.append((False, c))
            i += 1
    return parts


def _render_token(tok: str, when: dt.datetime, minutes_are_months: bool) -> str:
    if tok in ("mm", "m") and minutes_are_months:
        tok = tok.upper()
    tok = _ALIASES.get(tok, tok)
    hour12 = when.hour % 12 or 12
    year, month, day, weekday = when.year, when.month, when.day, when.weekday()
    table = {
        "yyyy": f"{year:04d}",
        "yy": f"{year % 100:02d}",
        "MMMM": MONTHS[month - 1],
        "MMM": MONTHS[month - 1][:3],
        "MM": f"{month:02d}",
        "M": str(month),
        "dddd": WEEKDAYS[weekday],
        "ddd": WEEKDAYS[weekday][:3],
        "dd": f"{day:02d}",
        "d": str(day),
        "HH": f"{when.hour:02d}",
        "H": str(when.hour),
        "hh": f"{hour12:02d}",
        "h": str(hour12),
        "mm": f"{when.minute:02d}",
        "m": str(when.minute),
        "ss": f"{when.second:02d}",
        "s": str(when.second),
        "tt": "AM" if when.hour < 12 else "PM",
        "fff": f"{when.microsecond // 1000:03d}",
    }
    return table[tok]


def format_date(value: dt.date | dt.datetime, pattern: str) -> str:
    """A date rendered through tokens (``yyyy MM dd HH mm ss`` ...); other text stays literal."""
    when = value if isinstance(value, dt.datetime) else \
        dt.datetime(value.year, value.month, value.day)
    parts = tokenize_date_pattern(pattern)
    tokens = {t for is_tok, t in parts if is_tok}
    # "dd/mm/yyyy" means months: lower-case mm is minutes only next to hours, seconds or MM.
    minutes_are_months = not (tokens & (_TIME_TOKENS | _MONTH_TOKENS))
    return "".join(
        _render_token(t, when, minutes_are_months) if is_tok else t for is_tok, t in parts
    )


# ---------------------------------------------------------------- the engine's FORMAT
# General Bots' FORMAT (botbasic_core/src/keywords/format.rs, ``format_impl``), step by step,
# oddities included: it works on the value's printed text, splits a number into a truncated
# integer part and a separately rounded fraction (so FORMAT(-1.5, "N2") is "-1.-50"), and
# replaces date letters one after another.

_ENGINE_GROUPS = {"en": ",", "fr": "\u202f", "de": ".", "pt": ".", "it": ".", "es": "."}
_ENGINE_SYMBOLS = {"pt": "R$ ", "fr": "€", "de": "€", "es": "€", "it": "€"}
_ENGINE_COMMA_LOCALES = ("pt", "fr", "es", "it", "de")
_RUST_FLOAT = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)",
                         re.IGNORECASE)
I64 = (-(2**63), 2**63 - 1)


# Rust's ``char::is_whitespace`` (Unicode White_Space), which ``trim`` and
# ``split_whitespace`` use. Python's ``isspace`` (``strip()``, ``split()``) also counts the
# separators U+001C..U+001F, which Rust keeps.
RUST_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                   + "\u2028\u2029\u202f\u205f\u3000")
_RUST_WORD = re.compile("[^" + re.escape(RUST_WHITESPACE) + "]+")


def rust_trim(text: str) -> str:
    """Rust's ``str::trim``."""
    return text.strip(RUST_WHITESPACE)


def rust_words(text: str) -> list[str]:
    """Rust's ``str::split_whitespace``."""
    return _RUST_WORD.findall(text)


def rust_parse_f64(text: str) -> float | None:
    """Rust's ``f64::from_str``: no surrounding spaces; "inf", "NaN", "1e5", "1." accepted."""
    if not _RUST_FLOAT.fullmatch(text):
        return None
    return float(text)


def _saturating_i64(x: float) -> int:
    """Rust's ``x as i64``: NaN is 0, out-of-range values saturate."""
    if x != x:
        return 0
    if x == math.inf or x >= 2.0**63:
        return I64[1]
    if x == -math.inf or x < -(2.0**63):
        return I64[0]
    return int(x)


def _round_half_away(x: float) -> float:
    """Rust's ``f64::round``: halves away from zero."""
    if not math.isfinite(x):
        return x
    r = math.floor(abs(x) + 0.5)
    if r - abs(x) > 0.5:  # floor(a + 0.5) may round up through float addition
        r -= 1
    return math.copysign(r, x)


def rust_display(x: float) -> str:
    """Rust's ``format!("{}", f64)``: plain digits, no ``.0`` on whole numbers."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "-0" if math.copysign(1, x) < 0 else "0"
    text = format(decimal.Decimal(rust_repr(x)), "f")
    return text.removesuffix(".0")


def _grouped(n: int, sep: str) -> str:
    return ("-" if n < 0 else "") + group(str(abs(n)), sep)


def _engine_pattern(pattern: str) -> tuple[str, int, str]:
    """``parse_pattern``: (prefix N or C, decimals (2 unless digits follow), locale tag)."""
    digits = re.match(r"\d*", pattern[1:]).group(0)  # type: ignore[union-attr]  # \d* matches
    decimals = int(digits) if digits else 2
    tag = "en"
    start, end = pattern.find("["), pattern.find("]")
    if start >= 0 and end > start:
        tag = pattern[start + 1 : end]
    return pattern[0], decimals, tag


def _engine_number(num: float, pattern: str) -> str:
    if pattern.startswith(("N", "C")):
        prefix, decimals, tag = _engine_pattern(pattern)
        symbol = _ENGINE_SYMBOLS.get(tag, "$") if prefix == "C" else ""
        whole = _grouped(_saturating_i64(num), _ENGINE_GROUPS.get(tag, ","))
        if decimals == 0:
            return symbol + whole
        if decimals > MAX_DECIMALS:
            raise BasicValueError(f"FORMAT: at most {MAX_DECIMALS} decimals, got {decimals}")
        frac = math.fmod(num, 1.0) if math.isfinite(num) else math.nan
        scaled = _saturating_i64(_round_half_away(frac * 10.0**decimals))
        sep = "," if tag in _ENGINE_COMMA_LOCALES else "."
        digits = str(abs(scaled)).zfill(decimals - (1 if scaled < 0 else 0))
        return f"{symbol}{whole}{sep}{'-' if scaled < 0 else ''}{digits}"
    if pattern in ("n", "F"):
        return format(num, ".2f") if math.isfinite(num) else rust_display(num)
    if pattern == "0%":
        return (format(num * 100.0, ".0f") if math.isfinite(num * 100.0)
                else rust_display(num * 100.0)) + "%"
    return rust_display(num)


def _engine_date(when: dt.datetime, pattern: str) -> str:
    """``apply_date_format``: each token replaced in turn over the whole text."""
    hour12 = when.hour % 12 or 12
    out = pattern
    for token, value in (
            ("yyyy", f"{when.year:04}"), ("yy", f"{when.year % 100:02}"),
            ("MM", f"{when.month:02}"), ("M", f"{when.month}"),
            ("dd", f"{when.day:02}"), ("d", f"{when.day}"),
            ("HH", f"{when.hour:02}"), ("H", f"{when.hour}"),
            ("hh", f"{hour12:02}"), ("h", f"{hour12}"),
            ("mm", f"{when.minute:02}"), ("m", f"{when.minute}"),
            ("ss", f"{when.second:02}"), ("s", f"{when.second}"),
            ("fff", f"{when.microsecond // 1000:03}"),
            ("tt", "AM" if when.hour < 12 else "PM"), ("t", "A" if when.hour < 12 else "P")):
        out = out.replace(token, value)
    return out


def _engine_text(value: str, pattern: str) -> str:
    """``apply_text_placeholders``: ``@`` the value, ``>``/``!`` upper-cased, ``&``
    lower-cased (``&!`` keeps the ``!``, ``&>`` drops the ``>``)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "@":
            out.append(value)
        elif c == "&":
            out.append(value.lower())
            if i + 1 < len(pattern) and pattern[i + 1] in "!>":
                i += 1
                if pattern[i] == "!":
                    out.append("!")
        elif c in ">!":
            out.append(value.upper())
        else:
            out.append(c)
        i += 1
        if sum(map(len, out)) > MAX_RESULT_SIZE:
            raise BasicValueError(f"FORMAT: the result would exceed {MAX_RESULT_SIZE:,} "
                                  f"characters")
    return "".join(out)


def engine_format(value: Value, pattern: str) -> str:
    """FORMAT(value, pattern) as General Bots computes it."""
    if isinstance(value, dict):
        formatted = value.get("formatted")
        when = _parse_engine_datetime(to_display(formatted)) if formatted is not None else None
        return _engine_date(when, pattern) if when is not None else ""
    text = _display(value)
    num = rust_parse_f64(text)
    if num is not None:
        return _engine_number(num, pattern)
    when = _parse_engine_datetime(text)
    if when is not None:
        return _engine_date(when, pattern)
    return _engine_text(text, pattern)


def _parse_engine_datetime(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
