"""Rhai 1.24's own functions that General Bots dialogs reach as methods (``s.to_upper()``).

Rhai reads ``value.name(args)`` as the call ``name(value, args)``: an engine function of that
exact name wins when it takes those types (see :mod:`interpreter.library.methods`), and these
are what remains, from Rhai's standard packages (``src/packages/string_more.rs``,
``array_basic.rs``, ``map_basic.rs``, ``math_basic.rs``, ``logic.rs`` and the core
``to_string``/``to_debug``/``type_of``). Each function raises :class:`FunctionNotFound` for
types Rhai has no overload for. The engine's functions of the same name and types hide
Rhai's (``len``, ``trim``, ``replace``, ``split``, ``sort``, ``reverse``, ``contains`` on an
array …), so those are left out here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from interpreter.library.formatting import rust_parse_f64, rust_trim, rust_words
from interpreter.values import (
    BasicValueError,
    Value,
    not_found,
    repr_value,
    rhai_json,
    rhai_type,
    to_display,
)

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
_RUST_INT = re.compile(r"[+-]?[0-9]+")


def _is(v: Value, *types: type) -> bool:
    return type(v) in types


def _chars_offset(length: int, start: int) -> int:
    """Where a character position lands: negative counts from the end, clamped at 0."""
    return max(length + start, 0) if start < 0 else start


# ---------------------------------------------------------------- text (string_more.rs)


def _to_upper(s: Value) -> str:
    if not _is(s, str):
        raise not_found("to_upper", s)
    return s.upper()


def _to_lower(s: Value) -> str:
    if not _is(s, str):
        raise not_found("to_lower", s)
    return s.lower()


def _text_test(name: str, test: Callable[[str, str], bool]) -> Callable[[Value, Value], bool]:
    def call(s: Value, part: Value) -> bool:
        if not (_is(s, str) and _is(part, str)):
            raise not_found(name, s, part)
        return test(s, part)

    return call


def _index_of(s: Value, part: Value, *start: Value) -> int:
    """A character position, or -1; ``start`` (characters, negative from the end) skips."""
    if not (_is(s, str) and _is(part, str)) or len(start) > 1 or (start and not _is(start[0], int)):
        raise not_found("index_of", s, part, *start)
    text, find = str(s), str(part)
    if not text:
        return -1
    offset = _chars_offset(len(text), int(start[0])) if start else 0
    if offset >= len(text):
        return -1
    return text.find(find, offset)


def _sub_string(s: Value, start: Value, *length: Value) -> str:
    if (not (_is(s, str) and _is(start, int)) or len(length) > 1
            or (length and not _is(length[0], int))):
        raise not_found("sub_string", s, start, *length)
    text = str(s)
    first = int(start)
    if first >= len(text):
        return ""
    offset = _chars_offset(len(text), first)
    count = int(length[0]) if length else len(text)
    return "" if count <= 0 else text[offset:offset + count]


def _parse_int(s: Value) -> int:
    if not _is(s, str):
        raise not_found("parse_int", s)
    text = rust_trim(str(s))
    if not text:
        reason = "cannot parse integer from empty string"
    elif not _RUST_INT.fullmatch(text):
        reason = "invalid digit found in string"
    else:
        n = int(text)
        if I64_MIN <= n <= I64_MAX:
            return n
        reason = f"number too {'large' if n > 0 else 'small'} to fit in target type"
    raise BasicValueError(f"Error parsing integer number '{s}': {reason}")


def _parse_float(s: Value) -> float:
    if not _is(s, str):
        raise not_found("parse_float", s)
    text = rust_trim(str(s))
    n = rust_parse_f64(text)
    if n is None:
        reason = "cannot parse float from empty string" if not text else "invalid float literal"
        raise BasicValueError(f"Error parsing floating-point number '{s}': {reason}")
    return n


def _split_words(s: Value, *rest: Value) -> list[Value]:
    """``split()`` without a delimiter (the engine registers only ``split(text, text)``)."""
    if not _is(s, str) or rest:
        raise not_found("split", s, *rest)
    return list(rust_words(str(s)))


# ---------------------------------------------------------------- any container


def _is_empty(v: Value) -> bool:
    if not _is(v, str, list, dict):
        raise not_found("is_empty", v)
    return not v


def _get(v: Value, key: Value) -> Value:
    """An item, or the empty value past either end (negative counts from the end)."""
    if _is(v, dict) and _is(key, str):
        return v.get(key)
    if _is(v, list, str) and _is(key, int):
        seq = v
        i = int(key)
        i = len(seq) + i if i < 0 else i
        return seq[i] if 0 <= i < len(seq) else None
    raise not_found("get", v, key)


def _contains(v: Value, part: Value) -> bool:
    """On text a substring; on a map a key (the engine's ``contains`` takes arrays)."""
    if _is(v, str) and _is(part, str):
        return part in v
    if _is(v, dict) and _is(part, str):
        return part in v
    raise not_found("contains", v, part)


def _remove(v: Value, key: Value) -> Value:
    """In place: a map's key or an array's item goes; the removed value, or the empty one."""
    if _is(v, dict) and _is(key, str):
        return v.pop(key, None)
    if _is(v, list) and _is(key, int):
        seq: list = v
        i = int(key)
        i = len(seq) + i if i < 0 else i
        return seq.pop(i) if 0 <= i < len(seq) else None
    raise not_found("remove", v, key)


def _insert(v: Value, index: Value, item: Value) -> None:
    """In place; past the end appends, negative counts from the end (array_basic.rs)."""
    if not (_is(v, list) and _is(index, int)):
        raise not_found("insert", v, index, item)
    seq: list = v
    i = _chars_offset(len(seq), int(index))
    seq.insert(min(i, len(seq)), item)


def _clear(v: Value) -> None:
    if not _is(v, list, dict):
        raise not_found("clear", v)
    v.clear()


def _keys(v: Value) -> list[Value]:
    """A map's keys in Rhai's order (a BTreeMap: by code point)."""
    if not _is(v, dict):
        raise not_found("keys", v)
    return sorted(v)


def _values(v: Value) -> list[Value]:
    if not _is(v, dict):
        raise not_found("values", v)
    return [v[k] for k in sorted(v)]


def map_to_json(v: Value, *more: Value) -> str:
    """``m.to_json()`` or ``to_json(m)``: a map only (map_basic.rs), written as Rhai does."""
    if more or not _is(v, dict):
        raise not_found("to_json", v, *more)
    return rhai_json(v)


def _map_len(v: Value) -> int:
    if not _is(v, dict):
        raise not_found("len", v)
    return len(v)


# ---------------------------------------------------------------- numbers (math_basic.rs)


def _to_float(v: Value) -> float:
    if not _is(v, int, float):
        raise not_found("to_float", v)
    return float(v)


def _to_int(v: Value) -> int:
    if _is(v, int):
        return v
    if not _is(v, float):
        raise not_found("to_int", v)
    x = float(v)
    if x != x or not (I64_MIN <= x <= I64_MAX):
        raise BasicValueError(f"Integer overflow: to_int({to_display(x)})")
    return int(x)


def _parity(name: str, want: int) -> Callable[[Value], bool]:
    def call(v: Value) -> bool:
        if not _is(v, int):
            raise not_found(name, v)
        return v % 2 == want

    return call


# ---------------------------------------------------------------- every value


def _type_of(v: Value) -> str:
    return rhai_type(v)


RHAI_METHODS: dict[str, Callable[..., Value]] = {
    "to_upper": _to_upper,
    "to_lower": _to_lower,
    "starts_with": _text_test("starts_with", str.startswith),
    "ends_with": _text_test("ends_with", str.endswith),
    "index_of": _index_of,
    "sub_string": _sub_string,
    "parse_int": _parse_int,
    "parse_float": _parse_float,
    "split": _split_words,
    "is_empty": _is_empty,
    "get": _get,
    "contains": _contains,
    "remove": _remove,
    "insert": _insert,
    "clear": _clear,
    "keys": _keys,
    "values": _values,
    "len": _map_len,
    "to_json": map_to_json,
    "to_float": _to_float,
    "to_int": _to_int,
    "is_even": _parity("is_even", 0),
    "is_odd": _parity("is_odd", 1),
    "to_string": to_display,
    "to_debug": repr_value,
    "type_of": _type_of,
}
