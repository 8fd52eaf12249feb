"""Built-in functions: the registry, plus string, conversion and type-test functions.

Functions take and return BASIC values (see :mod:`interpreter.values`) and report bad input
with :class:`BasicValueError`. Math lives in ``math``, dates in ``dates``, arrays, aggregates
and JSON in ``collections`` (modules of this package); they register through the same
:func:`builtin` decorator and the package imports them all, so importing this module fills
the whole registry.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from interpreter.library import formatting
from interpreter.values import (
    BasicValueError,
    FunctionNotFound,
    Value,
    as_number,
    call_signature,
    not_found,
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

# Functions whose result is a number, or text, whatever their arguments (registry keys): the
# checker's value model and the code generator's copy test (never an array or map) read them.
NUMBER_RESULTS = frozenset({"VAL", "INT", "ROUND", "ABS", "LEN", "LENGTH", "UBOUND", "INSTR",
                            "ASC"})
TEXT_RESULTS = frozenset({"UCASE", "UPPER", "LCASE", "LOWER", "TRIM", "LTRIM", "RTRIM", "LEFT",
                          "RIGHT", "MID", "REPLACE", "STR", "CHR", "FORMAT"})

_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Registry key of a function name: upper case, ``_`` as space, single spaces."""
    return _SPACES.sub(" ", name.replace("_", " ")).strip().upper()


def builtin(*names: str, min_args: int = 0, max_args: int | None = None
            ) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
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


def expected_arguments(least: int, most: int | None) -> str:
    """How an error message names the accepted argument counts (``most`` None: no limit);
    built-in functions and keywords word their count errors alike."""
    if most is None:
        return f"at least {_plural(least)}"
    if least == most:
        return _plural(least)
    return f"{least} to {most} arguments"


def arity_message(b: Builtin, got: int) -> str:
    """The error text for a call with the wrong number of arguments."""
    return f"{b.name} expects {expected_arguments(b.min_args, b.max_args)}, got {got}"


def wrong_count(b: Builtin, written: str, args: Sequence[Value]) -> FunctionNotFound:
    """The error of a call of ``b`` (spelled ``written``) with a count of arguments it has no
    form for. Rhai looks a function up by name and argument types only when the call runs
    (rhai src/func/call.rs), so General Bots runs the lines before it and stops here."""
    return FunctionNotFound(f"{arity_message(b, len(args))} (General Bots: Function not "
                            f"found: {call_signature(written, args)})")


def refused(b: Builtin, written: str) -> Callable[..., Value]:
    """A stand-in for ``b`` at a call with the wrong count: it takes the arguments, which
    the caller has evaluated as Rhai does, and stops with :func:`wrong_count`."""

    def call(*args: Value) -> Value:
        raise wrong_count(b, written, args)

    return call


def call_builtin(b: Builtin, args: list) -> Value:
    """Call ``b`` after checking the argument count; every failure is a BasicValueError."""
    n = len(args)
    if n < b.min_args or (b.max_args is not None and n > b.max_args):
        raise wrong_count(b, b.name, args)
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


# The string functions below are General Bots' (botbasic_core/src/keywords/
# string_functions.rs): each takes exact types (``&str``, ``i64``) and Rhai converts nothing,
# so any other argument is its "Function not found". Lengths count UTF-8 bytes (LEN, INSTR)
# where the engine uses Rust's ``str::len``, characters where it uses ``chars()`` (LEFT,
# RIGHT, MID).


def _str(name: str, args: tuple, *positions: int) -> None:
    if any(type(args[i]) is not str for i in positions):
        raise not_found(name, *args)


def _int(name: str, args: tuple, *positions: int) -> None:
    if any(type(args[i]) is not int for i in positions):
        raise not_found(name, *args)


@builtin("LEN", "LENGTH", min_args=1, max_args=1)
def len_(v: Value) -> int:
    """Bytes of a string's UTF-8 text ("São" is 4), items of an array (string_functions.rs
    ``len_keyword``, arrays/mod.rs ``LEN``)."""
    if type(v) is str:
        return len(v) if v.isascii() else len(v.encode("utf-8", "surrogatepass"))
    if type(v) is list:
        return len(v)
    raise not_found("LEN", v)


@builtin("LEFT", min_args=2, max_args=2)
def left(s: Value, n: Value) -> Value:
    """The first ``n`` characters (``n`` < 0 counts as 0)."""
    _str("LEFT", (s, n), 0)
    _int("LEFT", (s, n), 1)
    return s[: max(0, n)]


@builtin("RIGHT", min_args=2, max_args=2)
def right(s: Value, n: Value) -> Value:
    """The last ``n`` characters."""
    _str("RIGHT", (s, n), 0)
    _int("RIGHT", (s, n), 1)
    count = max(0, n)
    return s if count >= len(s) else s[len(s) - count :]


@builtin("MID", "SUBSTRING", "SUBSTR", min_args=2, max_args=3)
def mid(s: Value, start: Value, *length: Value) -> Value:
    """Characters from a 1-based ``start`` (below 1 counts as 1), at most ``length``."""
    args = (s, start, *length)
    _str("MID", args, 0)
    _int("MID", args, *range(1, len(args)))
    i = max(1, start) - 1
    if not length:
        return s[i:]
    return s[i : i + max(0, length[0])]


@builtin("INSTR", min_args=2, max_args=3)
def instr(*args: Value) -> int:
    """1-based BYTE position of a substring (``INSTR([start,] s, find)``); 0 when absent or
    empty. A start inside a multi-byte character crashes the engine (a Rust panic)."""
    if len(args) == 3:
        _int("INSTR", args, 0)
        _str("INSTR", args, 1, 2)
        start, hay, needle = args
    else:
        _str("INSTR", args, 0, 1)
        start, (hay, needle) = 1, args
    if not hay or not needle:
        return 0
    hb, nb = hay.encode("utf-8", "surrogatepass"), needle.encode("utf-8", "surrogatepass")
    i = 0 if start < 1 else start - 1
    if i >= len(hb):
        return 0
    if i and (hb[i] & 0xC0) == 0x80:
        raise BasicValueError(f"INSTR start {start} falls inside a character of {hay!r} "
                              f"(General Bots stops: 'byte index {i} is not a char "
                              f"boundary')")
    pos = hb.find(nb, i)
    return pos + 1 if pos >= 0 else 0


@builtin("UCASE", "UPPER", "UPPERCASE", min_args=1, max_args=1)
def ucase(s: Value) -> str:
    """Upper-cased text."""
    _str("UCASE", (s,), 0)
    return s.upper()


@builtin("LCASE", "LOWER", "LOWERCASE", min_args=1, max_args=1)
def lcase(s: Value) -> str:
    """Lower-cased text."""
    _str("LCASE", (s,), 0)
    return s.lower()


@builtin("TRIM", min_args=1, max_args=1)
def trim(s: Value) -> str:
    """Text without surrounding whitespace, as Rust's ``trim`` counts it (not U+001C..F)."""
    _str("TRIM", (s,), 0)
    return formatting.rust_trim(s)


@builtin("LTRIM", min_args=1, max_args=1)
def ltrim(s: Value) -> str:
    """Text without leading whitespace."""
    _str("LTRIM", (s,), 0)
    return s.lstrip(formatting.RUST_WHITESPACE)


@builtin("RTRIM", min_args=1, max_args=1)
def rtrim(s: Value) -> str:
    """Text without trailing whitespace."""
    _str("RTRIM", (s,), 0)
    return s.rstrip(formatting.RUST_WHITESPACE)


@builtin("REPLACE", min_args=3, max_args=3)
def replace(s: Value, old: Value, new: Value) -> str:
    """Every occurrence of ``old`` replaced by ``new``; an empty ``old`` puts ``new``
    between every two characters and at both ends (Rust's ``str::replace``)."""
    _str("REPLACE", (s, old, new), 0, 1, 2)
    count = s.count(old)  # "" occurs len(s) + 1 times, as Rust's replace finds it
    check_size(len(s) + count * (len(new) - len(old)), "REPLACE")
    return s.replace(old, new)


@builtin("SPLIT", min_args=2, max_args=2)
def split(s: Value, delim: Value) -> list:
    """Parts of the text between delimiters; "" gives [""] and an empty delimiter splits
    between characters, with "" at both ends (Rust's ``str::split``)."""
    _str("SPLIT", (s, delim), 0, 1)
    if not delim:
        check_size(len(s) + 2, "SPLIT")  # one item per character of a text up to 64 M long
        return ["", *s, ""]
    return s.split(delim)


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


@builtin("FIRST", min_args=1, max_args=1)
def first(v: Value) -> Value:
    """The first whitespace-separated word of the value's printed text ("" if none); an
    array prints first, so FIRST([1, 2]) is "[1," (first.rs)."""
    words = formatting.rust_words(to_display(v))
    return words[0] if words else ""


@builtin("LAST", min_args=1, max_args=1)
def last(v: Value) -> Value:
    """The last whitespace-separated word of the value's printed text (last.rs)."""
    words = formatting.rust_words(to_display(v))
    return words[-1] if words else ""


@builtin("FORMAT", min_args=2, max_args=2)
def format_(v: Value, pattern: Value) -> str:
    """``v`` through a number, date or text pattern, as the engine does (format.rs)."""
    if type(pattern) is not str:
        raise not_found("FORMAT", v, pattern)
    return formatting.engine_format(v, pattern)


# ---------------------------------------------------------------- conversion and tests


@builtin("STR", "CSTR", "TOSTRING", min_args=1, max_args=1)
def str_(v: Value) -> str:
    """The printed text of a value; a float as Rust's ``{}`` prints it, so STR(2.0) is
    "2" (validation/str_val.rs ``str_keyword``)."""
    if type(v) is float:
        return formatting.rust_display(v)
    return to_display(v)


@builtin("VAL", min_args=1, max_args=1)
def val(v: Value) -> float:
    """Always a float: the trimmed text parsed as a whole (``VAL("42")`` is 42.0,
    ``VAL("12 kg")`` is 0.0); an integer becomes a float (str_val.rs ``val_keyword``)."""
    if type(v) is int:
        return float(v)
    if type(v) is float:
        return v
    n = formatting.rust_parse_f64(formatting.rust_trim(to_display(v)))
    return 0.0 if n is None else n


@builtin("CBOOL", min_args=1, max_args=1)
def cbool(v: Value) -> bool:
    """The truth of a value (``"false"`` and ``"0"`` are false)."""
    return truthy(v)


@builtin("IS NUMERIC", "ISNUMERIC", "ISNUMBER", "IS NUMBER", min_args=1, max_args=1)
def is_numeric(v: Value) -> bool:
    """A number, or a text that Rust parses as one once trimmed ("inf" and "1e5" too)
    (string_functions.rs ``is_numeric_impl``, typeof_check.rs ``is_numeric``)."""
    if type(v) is int or type(v) is float:
        return True
    if type(v) is str:
        return formatting.rust_parse_f64(formatting.rust_trim(v)) is not None
    return False


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
    """The type name: null, boolean, integer, float, string, array, object (typeof_check.rs
    ``get_type_name``), or Talkbench's date or datetime."""
    return type_name(v)


def _blank(v: Value) -> bool:
    return v is None or text(v) == ""


@builtin("NVL", "IFNULL", min_args=2, max_args=2)
def nvl(v: Value, default: Value) -> Value:
    """``default`` when ``v`` is NULL or displays as ""; otherwise ``v``."""
    return default if _blank(v) else v


@builtin("COALESCE", min_args=2, max_args=2)
def coalesce(v: Value, default: Value) -> Value:
    """NVL under another name: validation/nvl_iif.rs registers COALESCE with the same two
    arguments, so COALESCE((), "") is "" and a third argument is "Function not found"."""
    return nvl(v, default)


@builtin("IIF", min_args=3, max_args=3)
def iif(cond: Value, a: Value, b: Value) -> Value:
    """``a`` when ``cond`` is true, else ``b`` (both are already evaluated); ``cond`` must be
    a boolean (nvl_iif.rs ``iif_keyword`` takes ``bool``)."""
    if cond is not True and cond is not False:
        raise not_found("IIF", cond, a, b)
    return a if cond else b


@builtin("GUID", "UUID", "NEWGUID", min_args=0, max_args=0)
def guid() -> str:
    """A new random UUID as text."""
    return str(uuid.uuid4())

