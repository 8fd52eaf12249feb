"""Functions the 2026 General Bots engine registers that the classic set lacks.

Error values (botbasic_core/src/keywords/errors/mod.rs): ``ERROR(msg)`` builds the map
``{"error": true, "message": msg}`` that ``IS_ERROR`` recognises and ``GET_ERROR_MESSAGE``
reads; ``ASSERT`` and ``RAISE`` stop the run. (``ERROR()`` with no argument reads the run's
error state; the compiler maps it.) Array helpers (botbasic_core/src/keywords/arrays/mod.rs
and slice.rs): SIZE, HEAD, TAIL, TAKE, DROP, EMPTY_ARRAY, LAST_INDEX_OF.
"""

from __future__ import annotations

from interpreter.builtins import builtin
from interpreter.values import BasicValueError, Value, to_display, to_int, type_name


def _array(v: Value, fname: str) -> list:
    if not isinstance(v, list):
        raise BasicValueError(f"{fname} expects an array, got {type_name(v)}")
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
    raise BasicValueError(to_display(message))


# ---------------------------------------------------------------- arrays


@builtin("SIZE", min_args=1, max_args=1)
def size(v: Value) -> int:
    return len(_array(v, "SIZE"))


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
    return _array(v, "TAKE")[:max(0, to_int(count))]


@builtin("DROP", min_args=2, max_args=2)
def drop(v: Value, count: Value) -> list:
    return _array(v, "DROP")[max(0, to_int(count)):]


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
