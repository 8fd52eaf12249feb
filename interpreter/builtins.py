"""Built-in functions: the registry, plus string, conversion and type-test functions.

Functions take and return BASIC values (see :mod:`interpreter.values`) and report bad input
with :class:`BasicValueError`. Math lives in ``builtins_math``, dates in ``builtins_dates``,
arrays, aggregates and JSON in ``builtins_collections``; they register through the same
:func:`builtin` decorator and are imported at the bottom of this module, so importing this
module fills the whole registry.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from interpreter import formatting
from interpreter.values import (
    BasicValueError,
    Value,
    as_number,
    get_member,
    parse_number,
    to_display,
    to_int,
    truthy,
    type_name,
)

# The largest string or list a single built-in call may build (SPACE, RANGE, REPLACE, ...).
MAX_RESULT_SIZE = 10_000_000


@dataclass(frozen=True)
class Builtin:
    """A registered function: display name, implementation and accepted argument counts."""

    name: str
    fn: Callable[..., Value]
    min_args: int
    max_args: int | None  # None: any number of arguments


BUILTINS: dict[str, Builtin] = {}

_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Registry key of a function name: upper case, ``_`` as space, single spaces."""
    return _SPACES.sub(" ", name.replace("_", " ")).strip().upper()


def builtin(*names: str, min_args: int = 0, max_args: int | None = None):
    """Register the decorated function under every name given (the first is its display name)."""

    def register(fn: Callable[..., Value]) -> Callable[..., Value]:
        entry = Builtin(normalize_name(names[0]), _guarded(normalize_name(names[0]), fn),
                        min_args, max_args)
        for name in names:
            key = normalize_name(name)
            if key in BUILTINS:
                raise ValueError(f"built-in {key} registered twice")
            BUILTINS[key] = entry
        return fn

    return register


def _guarded(name: str, fn: Callable[..., Value]) -> Callable[..., Value]:
    """``fn`` with stray math errors made BasicValueError (compiled code calls ``fn`` directly)."""

    @functools.wraps(fn)
    def call(*args: Value) -> Value:
        try:
            return fn(*args)
        except BasicValueError:
            raise
        except OverflowError:
            raise BasicValueError(f"{name}: the result is too large") from None
        except (ArithmeticError, ValueError) as exc:
            raise BasicValueError(f"{name}: invalid argument ({exc})") from None
        except RecursionError:
            raise BasicValueError(f"{name}: the value is nested too deeply") from None

    return call


def lookup_builtin(name: str) -> Builtin | None:
    """The built-in called ``name`` (any case, spaces or underscores), or None."""
    return BUILTINS.get(normalize_name(name))


def _plural(n: int) -> str:
    return f"{n} argument" if n == 1 else f"{n} arguments"


def arity_message(b: Builtin, got: int) -> str:
    """The error text for a call with the wrong number of arguments."""
    if b.max_args is None:
        expected = f"at least {_plural(b.min_args)}"
    elif b.min_args == b.max_args:
        expected = _plural(b.min_args)
    else:
        expected = f"{b.min_args} to {b.max_args} arguments"
    return f"{b.name} expects {expected}, got {got}"


def call_builtin(b: Builtin, args: list) -> Value:
    """Call ``b`` after checking the argument count; every failure is a BasicValueError."""
    n = len(args)
    if n < b.min_args or (b.max_args is not None and n > b.max_args):
        raise BasicValueError(arity_message(b, n))
    return b.fn(*args)


# ---------------------------------------------------------------- shared helpers


def text(v: Value) -> str:
    """The string an argument stands for in a string function (NULL is "")."""
    return to_display(v)


def check_size(n: int, fname: str) -> None:
    """Refuse results that would exhaust memory."""
    if n > MAX_RESULT_SIZE:
        raise BasicValueError(f"{fname}: result would exceed {MAX_RESULT_SIZE:,} items")


# ---------------------------------------------------------------- strings


@builtin("LEN", "LENGTH", min_args=1, max_args=1)
def len_(v: Value) -> int:
    """Characters in a string, items in an array or map; NULL is 0."""
    if isinstance(v, (list, dict)):
        return len(v)
    return len(text(v))


@builtin("LEFT", min_args=2, max_args=2)
def left(s: Value, n: Value) -> Value:
    """The first ``n`` characters (or items of an array)."""
    count = max(0, to_int(n, "LEFT length"))
    return s[:count] if isinstance(s, list) else text(s)[:count]


@builtin("RIGHT", min_args=2, max_args=2)
def right(s: Value, n: Value) -> Value:
    """The last ``n`` characters (or items of an array)."""
    count = max(0, to_int(n, "RIGHT length"))
    seq = s if isinstance(s, list) else text(s)
    return seq[len(seq) - count :] if count else seq[:0]


@builtin("MID", "SUBSTRING", "SUBSTR", min_args=2, max_args=3)
def mid(s: Value, start: Value, length: Value = None) -> Value:
    """Characters from a 1-based ``start``; on an array, a 0-based slice (Node-era chunking)."""
    if isinstance(s, list):
        i = max(0, to_int(start, "MID start"))
        if length is None:
            return s[i:]
        return s[i : i + max(0, to_int(length, "MID length"))]
    t = text(s)
    i = max(1, to_int(start, "MID start")) - 1
    if length is None:
        return t[i:]
    return t[i : i + max(0, to_int(length, "MID length"))]


@builtin("INSTR", min_args=2, max_args=3)
def instr(*args: Value) -> int:
    """1-based position of a substring (``INSTR([start,] s, find)``); 0 when absent or empty."""
    start = 1
    if len(args) == 3:
        start = max(1, to_int(args[0], "INSTR start"))
        args = args[1:]
    s, find = text(args[0]), text(args[1])
    if not s or not find:
        return 0
    return s.find(find, start - 1) + 1


@builtin("UCASE", "UPPER", "UPPERCASE", min_args=1, max_args=1)
def ucase(s: Value) -> str:
    """Upper-cased text."""
    return text(s).upper()


@builtin("LCASE", "LOWER", "LOWERCASE", min_args=1, max_args=1)
def lcase(s: Value) -> str:
    """Lower-cased text."""
    return text(s).lower()


@builtin("TRIM", min_args=1, max_args=1)
def trim(s: Value) -> str:
    """Text without surrounding whitespace."""
    return text(s).strip()


@builtin("LTRIM", min_args=1, max_args=1)
def ltrim(s: Value) -> str:
    """Text without leading whitespace."""
    return text(s).lstrip()


@builtin("RTRIM", min_args=1, max_args=1)
def rtrim(s: Value) -> str:
    """Text without trailing whitespace."""
    return text(s).rstrip()


@builtin("REPLACE", min_args=3, max_args=3)
def replace(s: Value, old: Value, new: Value) -> str:
    """Every occurrence of ``old`` replaced by ``new`` (an empty ``old`` changes nothing)."""
    t, o, n = text(s), text(old), text(new)
    if not o:
        return t
    check_size(len(t) + t.count(o) * (len(n) - len(o)), "REPLACE")
    return t.replace(o, n)


@builtin("SPLIT", min_args=1, max_args=2)
def split(s: Value, delim: Value = " ") -> list:
    """Parts of the text between delimiters (default a space); "" gives an empty array."""
    t, d = text(s), text(delim)
    if not t:
        return []
    if not d:
        return list(t)
    return t.split(d)


@builtin("SPACE", min_args=1, max_args=1)
def space(n: Value) -> str:
    """``n`` spaces."""
    count = max(0, to_int(n, "SPACE count"))
    check_size(count, "SPACE")
    return " " * count


@builtin("STRING", "REPEAT", min_args=2, max_args=2)
def string_(a: Value, b: Value) -> str:
    """Text repeated: ``STRING(n, "ab")`` (classic order) or ``REPEAT("ab", n)``."""
    if as_number(a) is not None and as_number(b) is None:
        a, b = b, a
    t, count = text(a), max(0, to_int(b, "repeat count"))
    check_size(len(t) * count, "STRING")
    return t * count


@builtin("CAPITALIZE", "PROPER", min_args=1, max_args=1)
def capitalize(s: Value) -> str:
    """Each word with its first letter upper-cased and the rest lower-cased."""
    return re.sub(r"\S+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text(s))


@builtin("EXTRACT BEFORE", min_args=2, max_args=2)
def extract_before(s: Value, sep: Value) -> str:
    """Text before the first ``sep``; "" when ``sep`` does not occur."""
    t, d = text(s), text(sep)
    i = t.find(d) if d else -1
    return t[:i] if i >= 0 else ""


@builtin("EXTRACT AFTER", min_args=2, max_args=2)
def extract_after(s: Value, sep: Value) -> str:
    """Text after the first ``sep``; "" when ``sep`` does not occur."""
    t, d = text(s), text(sep)
    i = t.find(d) if d else -1
    return t[i + len(d) :] if i >= 0 else ""


@builtin("EXTRACT BETWEEN", min_args=3, max_args=3)
def extract_between(s: Value, start: Value, end: Value) -> str:
    """Text between the first ``start`` and the next ``end``; "" when either is missing."""
    after = extract_after(s, start)
    e = text(end)
    i = after.find(e) if e and text(start) in text(s) else -1
    return after[:i] if i >= 0 else ""


@builtin("STARTS WITH", "STARTSWITH", min_args=2, max_args=2)
def starts_with(s: Value, prefix: Value) -> bool:
    """Whether the text begins with ``prefix`` (case-sensitive)."""
    return text(s).startswith(text(prefix))


@builtin("ENDS WITH", "ENDSWITH", min_args=2, max_args=2)
def ends_with(s: Value, suffix: Value) -> bool:
    """Whether the text ends with ``suffix`` (case-sensitive)."""
    return text(s).endswith(text(suffix))


@builtin("CHR", "CHAR", min_args=1, max_args=1)
def chr_(n: Value) -> str:
    """The character with code point ``n``."""
    code = to_int(n, "CHR code")
    if not 0 <= code <= 0x10FFFF:
        raise BasicValueError(f"CHR code {code} is outside 0..1114111")
    return chr(code)


@builtin("ASC", min_args=1, max_args=1)
def asc(s: Value) -> int:
    """The code point of the first character."""
    t = text(s)
    if not t:
        raise BasicValueError("ASC needs a non-empty string")
    return ord(t[0])


@builtin("FIRST", "FIRST ELEM", min_args=1, max_args=2)
def first(v: Value, field: Value = None) -> Value:
    """First item of an array (NULL if empty), else the first whitespace-separated word."""
    if isinstance(v, list):
        item = v[0] if v else None
        return _field(item, field)
    words = text(v).split()
    return words[0] if words else ""


@builtin("LAST", "LAST ELEM", min_args=1, max_args=2)
def last(v: Value, field: Value = None) -> Value:
    """Last item of an array (or its ``field``), else the last whitespace-separated word."""
    if isinstance(v, list):
        item = v[-1] if v else None
        return _field(item, field)
    words = text(v).split()
    return words[-1] if words else ""


def _field(item: Value, field: Value) -> Value:
    return item if field is None else get_member(item, text(field))


@builtin("FORMAT", min_args=1, max_args=2)
def format_(v: Value, pattern: Value = None) -> str:
    """``v`` formatted by a number, date or text pattern (see :mod:`interpreter.formatting`)."""
    return formatting.format_value(v, None if pattern is None else text(pattern))


# ---------------------------------------------------------------- conversion and tests


@builtin("STR", "CSTR", "TOSTRING", min_args=1, max_args=1)
def str_(v: Value) -> str:
    """The display string of any value."""
    return text(v)


_LEADING_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@builtin("VAL", min_args=1, max_args=1)
def val(v: Value) -> int | float:
    """The number a text starts with (``VAL("12 kg")`` → 12); 0 when there is none."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    t = text(v)
    n = parse_number(t)
    if n is not None:
        return n
    m = _LEADING_NUMBER.match(t)
    return (parse_number(m.group(0)) or 0) if m else 0


@builtin("CBOOL", min_args=1, max_args=1)
def cbool(v: Value) -> bool:
    """The truth of a value (``"false"`` and ``"0"`` are false)."""
    return truthy(v)


@builtin("IS NUMERIC", "ISNUMERIC", "ISNUMBER", "IS NUMBER", min_args=1, max_args=1)
def is_numeric(v: Value) -> bool:
    """Whether the value is a number or a text that parses as one."""
    return as_number(v) is not None


@builtin("ISNULL", min_args=1, max_args=1)
def is_null(v: Value) -> bool:
    """Whether the value is NULL (an empty string is not)."""
    return v is None


@builtin("ISEMPTY", "IS EMPTY", min_args=1, max_args=1)
def is_empty(v: Value) -> bool:
    """Whether the value is NULL, "", an empty array or an empty map."""
    return v is None or (isinstance(v, (str, list, dict)) and len(v) == 0)


@builtin("ISARRAY", "IS ARRAY", min_args=1, max_args=1)
def is_array(v: Value) -> bool:
    """Whether the value is an array."""
    return isinstance(v, list)


@builtin("ISOBJECT", "IS OBJECT", min_args=1, max_args=1)
def is_object(v: Value) -> bool:
    """Whether the value is a map."""
    return isinstance(v, dict)


@builtin("ISSTRING", "IS STRING", min_args=1, max_args=1)
def is_string(v: Value) -> bool:
    """Whether the value is a string."""
    return isinstance(v, str)


@builtin("ISBOOLEAN", "ISBOOL", min_args=1, max_args=1)
def is_boolean(v: Value) -> bool:
    """Whether the value is TRUE or FALSE."""
    return isinstance(v, bool)


@builtin("TYPEOF", "TYPENAME", min_args=1, max_args=1)
def typeof(v: Value) -> str:
    """The type name: null, boolean, integer, number, string, array, object, date or datetime."""
    return type_name(v)


def _blank(v: Value) -> bool:
    return v is None or text(v) == ""


@builtin("NVL", "IFNULL", min_args=2, max_args=2)
def nvl(v: Value, default: Value) -> Value:
    """``default`` when ``v`` is NULL or displays as ""; otherwise ``v``."""
    return default if _blank(v) else v


@builtin("COALESCE", min_args=1)
def coalesce(*args: Value) -> Value:
    """The first argument that is neither NULL nor ""; NULL when there is none."""
    return next((a for a in args if not _blank(a)), None)


@builtin("IIF", min_args=3, max_args=3)
def iif(cond: Value, a: Value, b: Value) -> Value:
    """``a`` when ``cond`` is true, else ``b`` (both are already evaluated)."""
    return a if truthy(cond) else b


@builtin("GUID", "UUID", "NEWGUID", min_args=0, max_args=0)
def guid() -> str:
    """A new random UUID as text."""
    return str(uuid.uuid4())


# Registration side effects: these modules add their functions to BUILTINS.
from interpreter import (  # noqa: F401
    builtins_collections,
    builtins_dates,
    builtins_engine,
    builtins_math,
)
