"""The value model of General Bots BASIC and its coercion rules.

BASIC values are plain Python objects so the compiled code stays fast:
``None`` (NULL), ``bool``, ``int``, ``float``, ``str``, ``list`` (0-based array),
``dict`` (insertion-ordered map) and ``datetime.datetime`` / ``datetime.date``.
Scripts never see Python attributes: member access goes through :func:`get_member`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import struct
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

MAX_LIST_ITEMS = 10_000_000  # as the built-ins' result cap: no script may grow a huge list
MAX_SHOW_DEPTH = 1_000  # levels of nested lists/maps a printed value may have
MAX_TEXT = 64 * 1024 * 1024  # characters of a list's JSON text (operators.MAX_STRING too)

Value = Any  # one of the types listed in the module docstring

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


class BasicValueError(Exception):
    """A type or value problem inside an operation; the runtime adds the position."""


class Thrown(BasicValueError):
    """THROW / RAISE: the dialog's own error. Rhai shows the engine's ErrorRuntime as
    "Runtime error: <text>" ("Runtime error" alone for empty text, rhai src/types/error.rs);
    ERR_DESCRIPTION reads the text itself."""

    def __init__(self, text: str) -> None:
        super().__init__(f"Runtime error: {text}" if text else "Runtime error")
        self.text = text


class FunctionNotFound(BasicValueError):
    """No overload of a function takes these argument types (Rhai's "Function not found"),
    so a method call may still reach another package's function of that name."""


# ---------------------------------------------------------------- display


# Rhai's FloatWrapper switches to scientific notation outside these bounds, which it
# declares as f32 constants (src/types/float.rs): their f64 values are not 1e13 and 1e-13.
_NATURAL_MAX = struct.unpack("f", struct.pack("f", 10_000_000_000_000.0))[0]
_NATURAL_MIN = struct.unpack("f", struct.pack("f", 0.000_000_000_000_1))[0]


def rust_repr(x: float) -> str:
    """The shortest digits that read back as ``x``, as Rust picks them: Python's ``repr``,
    except where two shortest candidates are equally near ``x`` (1e15 + 0.25 lies midway
    between …0.2 and …0.3): Python takes the even digit, Rust's ``flt2dec`` the upper one,
    so Rhai prints 1.0000000000000003e15. Such ties need all ~16 digits, so shorter
    results are returned at once."""
    text = repr(x)
    if len(text) < 17 or not math.isfinite(x):
        return text
    sign, digits, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)
    low = int("".join(map(str, digits)))
    if Decimal(abs(x)) * 2 != Decimal((0, tuple(map(int, str(2 * low + 1))), exponent)):
        return text
    up = Decimal((sign, tuple(map(int, str(low + 1))), exponent))
    return str(up) if float(up) == x else text


def _shortest(x: float) -> tuple[str, str, int]:
    """Sign, shortest round-trip digits (no trailing zeros) and the decimal exponent of the
    first digit: the parts Rust's float formatting prints."""
    sign, digits, exponent = Decimal(rust_repr(x)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    return ("-" if sign else ""), text, int(exponent) + len(digits) - 1


def _scientific(x: float) -> str:
    """Rust's ``{:e}``: ``1e15``, ``1.5e-7``."""
    sign, digits, exp = _shortest(x)
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{exp}"


def _plain(x: float) -> str:
    """Rust's ``{}`` of an f64 (never scientific), with ``.0`` on integral values."""
    sign, digits, exp = _shortest(x)
    if exp < 0:
        body = "0." + "0" * (-exp - 1) + digits
    elif exp + 1 >= len(digits):
        body = digits + "0" * (exp + 1 - len(digits)) + ".0"
    else:
        body = digits[: exp + 1] + "." + digits[exp + 1 :]
    return sign + body


def format_float(x: float) -> str:
    """A float as Rhai prints it (``TALK``, ``+`` with text): ``3.0``, ``0.1``, ``1e15``,
    ``inf``, ``NaN`` (rhai src/types/float.rs, ``impl Display for FloatWrapper``)."""
    if x != x:
        return "NaN"
    a = abs(x)
    if a == 0:
        return "0.0"
    if a == math.inf:
        return "inf" if x > 0 else "-inf"
    if a > _NATURAL_MAX or a < _NATURAL_MIN:
        return _scientific(x)
    return _plain(x)


def debug_float(x: float) -> str:
    """A float inside a printed array or map: Rust's ``{:?}`` of f64 (``1e-7``, ``1e16``)."""
    if x != x:
        return "NaN"
    a = abs(x)
    if a == math.inf:
        return "inf" if x > 0 else "-inf"
    if a == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    if a < 1e-4 or a >= 1e16:
        return _scientific(x)
    return _plain(x)


def format_number(n: float) -> str:
    """A number as the engine prints it: ints as digits, floats as Rhai does (``3.0``)."""
    if isinstance(n, bool):
        return "true" if n else "false"
    if isinstance(n, int):
        return str(n)
    return format_float(n)


_DEBUG_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\0": "\\0"}


def debug_text(s: str) -> str:
    """A string inside a printed array or map: Rust's ``{:?}`` (quoted, escaped)."""
    out = []
    for c in s:
        esc = _DEBUG_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif c.isprintable() or c == " ":
            out.append(c)
        else:
            out.append(f"\\u{{{ord(c):x}}}")
    return '"' + "".join(out) + '"'


class _Style(NamedTuple):
    """How a printed list or map is spelled: Rhai's ``Debug``, its ``to_json`` or serde_json."""

    comma: str
    colon: str
    map_open: str
    key: Callable[[str], str]
    scalar: Callable[[Value], str]


def debug_value(v: Value) -> str:
    """A value as Rhai's ``Debug`` prints it: how arrays and maps print their items
    (``[1, "a", ()]``, ``#{"a": 1.0}``; rhai src/types/dynamic.rs, ``impl Debug``)."""
    return _show(v, _DEBUG_STYLE)


def rhai_json(v: Value) -> str:
    """A value as Rhai's ``to_json`` writes it inside a map: ``{"a":1,"b":[2.5,null]}``."""
    return _show(v, _JSON_STYLE)


def engine_json(v: Value) -> str:
    """JSON text as the engine's keywords send and write a value (a POST body, WRITE of a map):
    serde_json::to_string of their ``dynamic_to_json`` (botbasic_core utils.rs): compact,
    keys sorted (a Rhai map is a BTreeMap), floats as ryu writes them, NaN and infinity null."""
    return _show(v, _ENGINE_STYLE)


def ryu_float(x: float) -> str:
    """A finite f64 as serde_json writes it (ryu 1.0.23 ``format_finite``): plain from 1e-5
    up to below 1e16 (``0.00001``, ``1000000000000000.0``), else ``1e16``, ``1.5e-7``. Its
    digits are ``repr``'s: at an exact tie ryu, like Python, takes the even one (d2s.rs)."""
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    shortest = Decimal(repr(x)).normalize()
    if -5 <= shortest.adjusted() <= 15:
        text = format(shortest, "f")
        return text if "." in text else text + ".0"
    return format(shortest, "e").replace("e+", "e")




def _show(v: Value, style: _Style) -> str:
    check_json_size(v)
    parts: list[str] = []
    on_path: set[int] = set()
    stack: list[Any] = [v]
    while stack:  # explicit stack: the value may be nested arbitrarily deep
        item = stack.pop()
        if isinstance(item, _Closer):
            on_path.discard(item.owner)
            parts.append(item.text)
        elif len(on_path) >= MAX_SHOW_DEPTH:
            # Rhai prints recursively: the engine's stack ends far sooner than ours
            raise BasicValueError("a list or object is nested too deeply to show "
                                  f"(more than {MAX_SHOW_DEPTH} levels)")
        elif isinstance(item, _Raw):
            parts.append(item.text)
        elif isinstance(item, (list, dict)):
            if id(item) in on_path:
                raise BasicValueError("cannot show a list or object that contains itself")
            on_path.add(id(item))
            stack.append(_Closer(id(item), "]" if isinstance(item, list) else "}"))
            pending: list[Any] = []
            if isinstance(item, list):
                for i, x in enumerate(item):
                    pending += ([_Raw(style.comma)] if i else []) + [x]
                parts.append("[")
            else:
                # Rhai's Map is a BTreeMap: it prints its keys sorted, not in insertion order
                for i, (k, x) in enumerate(sorted(item.items(), key=_key_text)):
                    pending += ([_Raw(style.comma)] if i else []) + [
                        _Raw(style.key(str(k)) + style.colon), x]
                parts.append(style.map_open)
            stack.extend(reversed(pending))
        else:
            parts.append(style.scalar(item))
    return "".join(parts)


def _key_text(pair: tuple[Any, Any]) -> str:
    return str(pair[0])  # a str sorts by code point, as Rust's str by its UTF-8 bytes


class _Raw:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Closer(_Raw):
    __slots__ = ("owner",)

    def __init__(self, owner: int, text: str) -> None:
        super().__init__(text)
        self.owner = owner


def _debug_scalar(v: Value) -> str:
    if v is None:
        return "()"
    if isinstance(v, str):
        return debug_text(v)
    if isinstance(v, float):
        return debug_float(v)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return debug_text(to_display(v))
    return to_display(v)


def _json_scalar(v: Value) -> str:
    return "null" if v is None else _debug_scalar(v)


_DEBUG_STYLE = _Style(", ", ": ", "#{", debug_text, _debug_scalar)
# rhai src/api/json.rs format_map_as_json (the engine builds Rhai without "metadata", so not
# serde_json): no spaces, () as null, keys and scalars still spelled by Debug ("\u{1}", 1e16)
_JSON_STYLE = _Style(",", ":", "{", debug_text, _json_scalar)


def _engine_scalar(v: Value) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return ryu_float(v) if math.isfinite(v) else "null"
    # serde_json escapes as json does: ", \\, \n \r \t \b \f, other controls \u00XX
    return json.dumps(to_display(v), ensure_ascii=False)


def _engine_key(k: str) -> str:
    return json.dumps(k, ensure_ascii=False)


_ENGINE_STYLE = _Style(",", ":", "{", _engine_key, _engine_scalar)


def _json_default(v: Any) -> Any:
    if isinstance(v, (_dt.datetime, _dt.date)):
        return to_display(v)
    return str(v)


def check_json_size(v: Value) -> None:
    """Refuse, before building it, JSON text longer than MAX_TEXT (a list holding the same
    long string 10,000 times is cheap; its text is not) or of a value that contains itself.

    An explicit stack, not recursion: the value may be nested arbitrarily deep.
    """
    if not isinstance(v, (list, dict)):
        return
    size = 0
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(v, False)]
    while stack:
        item, leaving = stack.pop()
        if leaving:
            on_path.discard(id(item))
            continue
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, (list, dict)):
            if id(item) in on_path:
                raise BasicValueError("cannot show a list or object that contains itself")
            on_path.add(id(item))
            stack.append((item, True))
            if isinstance(item, dict):
                size += 2 + 4 * len(item) + sum(len(str(k)) for k in item)
                stack.extend((x, False) for x in item.values())
            else:
                size += 2 + 2 * len(item)
                stack.extend((x, False) for x in item)
        else:
            size += 32  # numbers, dates, booleans: short
        if size > MAX_TEXT:
            raise BasicValueError(f"the text of this list or object would be too long "
                                  f"(more than {MAX_TEXT:,} characters)")


def to_json(v: Value) -> str:
    """JSON text of a value (lists and maps are stored and shown this way)."""
    check_json_size(v)
    try:
        return json.dumps(v, ensure_ascii=False, default=_json_default)
    except ValueError:  # json's "Circular reference detected": x[0] = x
        raise BasicValueError("cannot show a list or object that contains itself") from None
    except RecursionError:
        raise BasicValueError("a list or object is nested too deeply to show") from None


def to_display(v: Value) -> str:
    """The string form a value takes in TALK, concatenation and memory writes."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return format_number(v)
    if isinstance(v, _dt.datetime):
        return v.strftime(DATETIME_FORMAT)
    if isinstance(v, _dt.date):
        return v.strftime(DATE_FORMAT)
    if isinstance(v, (list, dict)):
        return debug_value(v)
    return str(v)


def type_name(v: Value) -> str:
    """The name of a value's type as the engine's TYPEOF gives it (validation/typeof_check.rs
    ``get_type_name``), for messages, TYPEOF and the debugger."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, _dt.datetime):
        return "datetime"
    if isinstance(v, _dt.date):
        return "date"
    return "unknown"


def rhai_type(v: Any) -> str:
    """The type name Rhai's "Function not found" messages give a value."""
    t = type(v)
    if t is bool:
        return "bool"
    if t is int:
        return "i64"
    if t is float:
        return "f64"
    if t is str:
        return "string"
    if v is None:
        return "()"
    if t is list:
        return "array"
    if t is dict:
        return "map"
    return type_name(v)


_TEXT_ARGUMENT = "&str | ImmutableString | String"


def argument_type(v: Value) -> str:
    """How Rhai's "Function not found" names an argument's type: a text is
    ``&str | ImmutableString | String`` there (rhai src/func/call.rs
    ``gen_fn_call_signature``), not the ``string`` of type_of and "Data type incorrect"."""
    return _TEXT_ARGUMENT if v.__class__ is str else rhai_type(v)


def call_signature(name: str, args: Sequence[Value]) -> str:
    """How Rhai's "Function not found" names a call: ``MAX (i64, i64, i64)``."""
    return f"{name} ({', '.join(argument_type(a) for a in args)})"


def not_found(name: str, *args: Value) -> FunctionNotFound:
    """General Bots has no ``name`` for these argument types (its functions take exact
    types: Rhai's "Function not found")."""
    shown = ", ".join(f"{type_name(a)} {repr_value(a)[:30]}" for a in args)
    return FunctionNotFound(f"{name} does not accept {shown or 'no arguments'} (General Bots: "
                           f"Function not found: {call_signature(name, args)})")


def repr_value(v: Value) -> str:
    """A value as the engine holds it, for the debugger, hover and watches: text quoted
    (``"3"``), floats with their point (``3.0``), the empty value as Rhai shows it (``()``,
    distinct from ``""``), arrays and maps as Rhai prints them."""
    if isinstance(v, str):
        return debug_text(v)
    if v is None:
        return "()"
    return to_display(v)


# ---------------------------------------------------------------- numbers


def parse_number(s: str) -> int | float | None:
    """The number a string spells (trimmed), or None."""
    t = s.strip()
    # Most strings met in arithmetic are words ("value " + i): reject them without paying
    # for two raised exceptions. Only a digit, sign or dot can start what int/float accept
    # here ("inf"/"nan" are rejected below anyway).
    if not t or not (t[0].isdigit() or t[0] in "+-."):
        return None
    try:
        return int(t)
    except ValueError:
        pass
    try:
        f = float(t)
    except ValueError:
        return None
    # "nan"/"inf" are words, not numbers, in BASIC.
    if math.isnan(f) or math.isinf(f):
        return None
    return f


def as_number(v: Value) -> int | float | None:
    """A number if ``v`` is one or is a numeric string; None otherwise."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        return parse_number(v)
    return None


def to_number(v: Value, what: str = "value") -> int | float:
    """Coerce for arithmetic: NULL and "" count as 0; booleans as 1/0; else a type error."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if v is None or v == "":
        return 0
    if isinstance(v, str):
        n = parse_number(v)
        if n is not None:
            return n
        raise BasicValueError(f"{what} {repr_value(v)} is not a number")
    raise BasicValueError(f"{what} of type {type_name(v)} is not a number")


def to_int(v: Value, what: str = "value") -> int:
    n = to_number(v, what)
    if isinstance(n, float):
        if math.isnan(n) or math.isinf(n):
            raise BasicValueError(f"{what} {format_number(n)} is not a whole number")
        return int(n)
    return n


# ---------------------------------------------------------------- truth and equality


def truthy(v: Value) -> bool:
    """JS-like truth; the strings "false" and "0" are false because HEAR AS BOOLEAN yields them."""
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str):
        return v != "" and v.lower() != "false" and v != "0"
    if isinstance(v, (list, dict)):
        return len(v) > 0
    return True


def loose_equal(a: Value, b: Value) -> bool:
    """BASIC ``=``: numeric when both sides are numbers or numeric strings, else exact text."""
    if a is None or b is None:
        if a is None and b is None:
            return True
        other = b if a is None else a
        return other == "" or other == [] or other == {}
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return a == b
        other, flag = (b, a) if isinstance(a, bool) else (a, b)
        if isinstance(other, str):
            return other.lower() == ("true" if flag else "false")
        if isinstance(other, (int, float)):
            return other == int(flag)
        return False
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return a == b
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None:
        return na == nb
    return to_display(a) == to_display(b)


def compare(a: Value, b: Value) -> int:
    """Ordering for ``<``/``>``: numeric when both are numeric, else by text."""
    na, nb = as_number(a), as_number(b)
    if na is None and (a is None or a == ""):
        na = 0 if nb is not None else None
    if nb is None and (b is None or b == ""):
        nb = 0 if na is not None else None
    if na is not None and nb is not None:
        return (na > nb) - (na < nb)
    sa, sb = to_display(a), to_display(b)
    return (sa > sb) - (sa < sb)


# ---------------------------------------------------------------- members


DATE_FIELDS = ("year", "month", "day", "hour", "minute", "second", "weekday")


def get_member(obj: Value, name: str) -> Value:
    """``obj.name``: map key (exact, then case-insensitive), ``length``, or a date part; else NULL."""
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        low = name.lower()
        for k, v in obj.items():
            if isinstance(k, str) and k.lower() == low:
                return v
        return None
    low = name.lower()
    if low in ("length", "count") and isinstance(obj, (str, list)):
        return len(obj)
    if isinstance(obj, (_dt.date, _dt.datetime)):
        if low == "weekday":
            return obj.isoweekday() % 7
        if low in DATE_FIELDS and hasattr(obj, low):
            return getattr(obj, low)
        if low == "date":
            return to_display(obj)[:10]
        if low == "time" and isinstance(obj, _dt.datetime):
            return obj.strftime("%H:%M:%S")
        if low == "timestamp" and isinstance(obj, _dt.datetime):
            return int(obj.timestamp())
    return None


def read_member(obj: Value, name: str) -> Value:
    """``obj.name`` as a script reads it: like :func:`get_member`, but text, numbers,
    booleans and arrays have no other members, and reading one is an error, as in General
    Bots (Rhai: "Unknown property 'x' - a getter is not registered for type 'string'").
    Maps give NULL for a missing key; the empty value has no members (Rhai: "Unknown
    property 'b' - a getter is not registered for type '()'"). A map's key is matched exactly: Rhai's property read is a case-sensitive map lookup
    (``m.Name`` of ``#{name: 1}`` is NULL)."""
    if isinstance(obj, dict):
        return obj.get(name)
    if obj is None:
        raise BasicValueError(f"Unknown property '{name}' - a getter is not registered for "
                              f"type '()' (an empty value has no members)")
    found = get_member(obj, name)
    if found is None and isinstance(obj, (str, bool, int, float, list)):
        if name.lower() == "len" and isinstance(obj, (str, list)):
            return len(obj)
        raise BasicValueError(f"Unknown property '{name}' - a getter is not registered for "
                              f"type '{rhai_type(obj)}'")
    return found


def set_member(obj: Value, name: str, value: Value) -> None:
    """``obj.name = value`` on a map: the exact key, as Rhai's property write (``m.A = 1``
    adds "A" beside "a")."""
    if not isinstance(obj, dict):
        raise BasicValueError(f"cannot set field '{name}' on a value of type {type_name(obj)}")
    obj[name] = value


def get_index(obj: Value, index: Value) -> Value:
    """``obj[index]`` as Rhai reads it (src/eval/target.rs, ``get_indexed_mut``): an array or
    text by a whole number, from the end when negative, an error past either end; a map by
    its exact key (NULL when missing); any other index type is an error."""
    if isinstance(obj, dict):
        return obj.get(_key_index(index))
    if isinstance(obj, (list, str)):
        return obj[_position(obj, index)]
    if obj is None:
        raise BasicValueError(f"Indexer unavailable: () [{rhai_type(index)}] (an empty value "
                              f"has no items)")
    raise BasicValueError(f"a value of type {type_name(obj)} cannot be indexed")


def set_index(obj: Value, index: Value, value: Value) -> None:
    """``obj[index] = value``: an existing array item (from the end when negative) or any map
    key; Rhai never grows an array this way (``a[UBOUND(a) + 1] = x`` is out of bounds)."""
    if isinstance(obj, dict):
        obj[_key_index(index)] = value
        return
    if isinstance(obj, list):
        obj[_position(obj, index)] = value
        return
    raise BasicValueError(f"a value of type {type_name(obj)} cannot be indexed")


def _key_index(index: Value) -> str:
    if not isinstance(index, str):
        raise BasicValueError(f"Data type incorrect: {rhai_type(index)} (expecting string): "
                              f"a map's key is text")
    return index


def _position(seq: list | str, index: Value) -> int:
    """The Python index of ``seq[index]``, or Rhai's out-of-bounds error."""
    if type(index) is not int:
        raise BasicValueError(f"Data type incorrect: {rhai_type(index)} (expecting i64): "
                              f"an index is a whole number")
    n = len(seq)
    if -n <= index < n:
        return index
    if isinstance(seq, str):
        raise BasicValueError(f"String index {index} out of bounds: only {n} characters in "
                              f"string")
    held = "array is empty" if not n else f"only {n} element{'s' if n > 1 else ''} in array"
    raise BasicValueError(f"Array index {index} out of bounds: {held}")
