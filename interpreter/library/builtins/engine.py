"""Functions the 2026 General Bots engine registers that the classic set lacks.

Error values (botbasic_core/src/keywords/errors/mod.rs): ``ERROR(msg)`` builds the map
``{"error": true, "message": msg}`` that ``IS_ERROR`` recognises and ``GET_ERROR_MESSAGE``
reads; ``ASSERT`` and ``RAISE`` stop the run. (``ERROR()`` with no argument reads the run's
error state; the compiler maps it.) Array helpers (botbasic_core/src/keywords/arrays/mod.rs
and slice.rs): HEAD, TAIL, TAKE, DROP, EMPTY_ARRAY, LAST_INDEX_OF.
"""

from __future__ import annotations

import functools

from interpreter.library.builtins import dates as builtins_dates
from interpreter.library.builtins.core import builtin
from interpreter.library.operators import array_contains
from interpreter.values import (
    BasicValueError,
    Thrown,
    Value,
    not_found,
    to_display,
    to_int,
    type_name,
)


def _array(v: Value, fname: str) -> list:
    if not isinstance(v, list):
        raise BasicValueError(f"{fname} expects an array, got {type_name(v)}")
    return v


def whole_array_args(fname: str, v: Value, *numbers: Value) -> list:
    """The array of ``fname(array, i64, …)``: General Bots has no such function for other
    argument types (``TAKE(a, 1.5)`` is "Function not found: TAKE (array, f64)")."""
    if not isinstance(v, list) or any(type(x) is not int for x in numbers):
        raise not_found(fname, v, *numbers)
    return v


# ---------------------------------------------------------------- error values


@builtin("ERROR", min_args=1, max_args=1)
def error_value(message: Value) -> dict:
    """An error value: ``{"error": true, "message": message}``."""
    return {"error": True, "message": to_display(message)}


@builtin("IS_ERROR", "ISERROR", min_args=1, max_args=1)
def is_error(v: Value) -> bool:
    return isinstance(v, dict) and v.get("error") is True


@builtin("GET_ERROR_MESSAGE", min_args=1, max_args=1)
def get_error_message(v: Value) -> str:
    if isinstance(v, dict) and "message" in v:
        return to_display(v["message"])
    return ""


@builtin("ASSERT", min_args=2, max_args=2)
def assert_(condition: Value, message: Value) -> bool:
    if not isinstance(condition, bool):
        raise BasicValueError(f"ASSERT expects a boolean condition, got {type_name(condition)}")
    if not condition:
        raise BasicValueError(f"Assertion failed: {to_display(message)}")
    return True


@builtin("RAISE", min_args=1, max_args=1)
def raise_(message: Value) -> Value:
    raise Thrown(to_display(message))


# ---------------------------------------------------------------- arrays


@builtin("HEAD", min_args=1, max_args=2)
def head(v: Value, count: Value = None) -> Value:
    """``HEAD(a)``: the first item (NULL when empty); ``HEAD(a, n)``: the first n items."""
    items = _array(v, "HEAD")
    if count is None:
        return items[0] if items else None
    return items[:max(0, to_int(count))]


@builtin("TAIL", min_args=1, max_args=2)
def tail(v: Value, count: Value = None) -> list:
    """``TAIL(a)``: all items but the first; ``TAIL(a, n)``: the last n items."""
    items = _array(v, "TAIL")
    if count is None:
        return items[1:]
    n = max(0, to_int(count))
    return items[len(items) - n:] if n else []


@builtin("TAKE", min_args=2, max_args=2)
def take(v: Value, count: Value) -> list:
    return whole_array_args("TAKE", v, count)[:max(0, count)]


@builtin("DROP", min_args=2, max_args=2)
def drop(v: Value, count: Value) -> list:
    return whole_array_args("DROP", v, count)[max(0, count):]


@builtin("EMPTY_ARRAY", min_args=0, max_args=0)
def empty_array() -> list:
    return []


@builtin("LAST_INDEX_OF", min_args=2, max_args=2)
def last_index_of(v: Value, value: Value) -> int:
    """The last index whose item prints as ``value`` prints, else -1."""
    wanted = to_display(value)
    items = _array(v, "LAST_INDEX_OF")
    for i in range(len(items) - 1, -1, -1):
        if to_display(items[i]) == wanted:
            return i
    return -1


@builtin("IN_ARRAY", min_args=2, max_args=2)
def in_array(value: Value, v: Value) -> bool:
    return array_contains(whole_array_args("IN_ARRAY", v), value)


@builtin("INCLUDES", "HAS", min_args=2, max_args=2)
def includes(v: Value, value: Value) -> bool:
    return array_contains(whole_array_args("INCLUDES", v), value)


# Rhai passes arrays by value: these give a new array (or an item) and leave theirs alone.


@builtin("ARRAY_PUSH", min_args=2, max_args=2)
def array_push(v: Value, value: Value) -> list:
    return [*_array(v, "ARRAY_PUSH"), value]


@builtin("PREPEND", min_args=2, max_args=2)
def prepend(v: Value, value: Value) -> list:
    return [value, *_array(v, "PREPEND")]


@builtin("ARRAY_POP", min_args=1, max_args=1)
def array_pop(v: Value) -> Value:
    items = _array(v, "ARRAY_POP")
    return items[-1] if items else None


@builtin("ARRAY_SHIFT", min_args=1, max_args=1)
def array_shift(v: Value) -> Value:
    items = _array(v, "ARRAY_SHIFT")
    return items[0] if items else None


@builtin("FIRST_ELEM", min_args=1, max_args=1)
def first_elem(v: Value) -> Value:
    """The first item (NULL when empty): arrays/mod.rs, unlike the FIRST keyword's word."""
    items = _array(v, "FIRST_ELEM")
    return items[0] if items else None


@builtin("LAST_ELEM", min_args=1, max_args=1)
def last_elem(v: Value) -> Value:
    """The last item (NULL when empty)."""
    items = _array(v, "LAST_ELEM")
    return items[-1] if items else None


@builtin("INIT", min_args=1, max_args=1)
def init(v: Value) -> list:
    return _array(v, "INIT")[:-1]


def slice_items(items: list, start: int, end: int | None) -> list:
    """slice.rs ``slice_array``: negative bounds count from the end."""
    n = len(items)
    lo = max(n + start, 0) if start < 0 else min(start, n)
    hi = n if end is None else (max(n + end, 0) if end < 0 else min(end, n))
    return items[lo:hi] if lo < hi else []


@builtin("SUBARRAY", min_args=3, max_args=3)
def subarray(v: Value, start: Value, end: Value) -> list:
    return slice_items(whole_array_args("SUBARRAY", v, start, end), start, end)


@builtin("MID_ARRAY", min_args=3, max_args=3)
def mid_array(v: Value, start: Value, length: Value) -> list:
    items = whole_array_args("MID_ARRAY", v, start, length)
    return slice_items(items, start, start + length)


def _as_f64(v: Value) -> float | None:
    """sort.rs ``to_f64``: a number, or text Rust's ``str::parse::<f64>`` reads (no blanks,
    no underscores); anything else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v == v.strip() and "_" not in v:
        try:
            return float(v)
        except ValueError:
            return None
    return None


def compare_items(a: Value, b: Value) -> int:
    """sort.rs ``compare_dynamic``: as numbers when both read as numbers (NaN equal to
    anything), else by printed text."""
    x, y = _as_f64(a), _as_f64(b)
    if x is not None and y is not None:
        return (x > y) - (x < y)
    s, t = to_display(a), to_display(b)
    return (s > t) - (s < t)


# Rust's stable sort sorts this few items by insertion; with a comparison that is not a
# total order (numbers against text) only the same algorithm gives the same result.
_INSERTION_SORT_MAX = 20


def sort_items(items: list, descending: bool) -> list:
    """A sorted copy, as ``arr.sort_by(compare_dynamic)`` (reversed when descending)."""
    sign = -1 if descending else 1
    if len(items) > _INSERTION_SORT_MAX:
        key = functools.cmp_to_key(lambda a, b: sign * compare_items(a, b))
        return sorted(items, key=key)
    out = list(items)
    for i in range(1, len(out)):
        item, j = out[i], i
        while j > 0 and sign * compare_items(item, out[j - 1]) < 0:
            out[j] = out[j - 1]
            j -= 1
        out[j] = item
    return out


@builtin("SORT_ASC", min_args=1, max_args=1)
def sort_asc(v: Value) -> list:
    return sort_items(whole_array_args("SORT_ASC", v), False)


@builtin("SORT_DESC", min_args=1, max_args=1)
def sort_desc(v: Value) -> list:
    return sort_items(whole_array_args("SORT_DESC", v), True)


@builtin("IS_BOOL", min_args=1, max_args=1)
def is_bool(v: Value) -> bool:
    return isinstance(v, bool)


# ---------------------------------------------------------------- clock (datetime/now.rs)


@builtin("TODAY_STR", min_args=0, max_args=0)
def today_str() -> str:
    return builtins_dates._now().strftime("%Y-%m-%d")


@builtin("TIME_STR", min_args=0, max_args=0)
def time_str() -> str:
    return builtins_dates._now().strftime("%H:%M:%S")


@builtin("UNIX_TIMESTAMP", min_args=0, max_args=0)
def unix_timestamp() -> int:
    return int(builtins_dates._now().timestamp())


# ---------------------------------------------------------------- choices (validation/nvl_iif.rs)


@builtin("IF_FUNC", min_args=3, max_args=3)
def if_func(condition: Value, when_true: Value, when_false: Value) -> Value:
    if not isinstance(condition, bool):
        raise BasicValueError(f"IF_FUNC expects a boolean condition, got {type_name(condition)}")
    return when_true if condition else when_false


@builtin("CHOOSE", min_args=3, max_args=3)
def choose(index: Value, first: Value, second: Value) -> Value:
    """CHOOSE(1, a, b) is a, CHOOSE(2, a, b) is b, any other index NULL."""
    return {1: first, 2: second}.get(to_int(index))


@builtin("SWITCH_FUNC", min_args=4, max_args=4)
def switch_func(value: Value, case: Value, result: Value, default: Value) -> Value:
    """``result`` when ``value`` prints as ``case`` prints, else ``default``."""
    return result if to_display(value) == to_display(case) else default


# ---------------------------------------------------------------- NOT (string_functions.rs)


@builtin("NOT", min_args=1, max_args=1)
def not_function(value: Value) -> bool:
    """``NOT(x)`` where an operand is expected (``a >= NOT (b)``): Rhai calls the engine's
    function ``NOT(bool)`` (``not_operator``); a statement's NOT stays BASIC's operator."""
    if type(value) is not bool:
        raise not_found("NOT", value)
    return not value
