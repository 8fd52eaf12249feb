"""Built-in functions on arrays and maps: sizes, searches, mutation, aggregates and JSON/YAML.

Every function here returns a new value and leaves its arguments alone, as in General Bots:
Rhai passes arrays to registered functions by value, so ``PUSH(list, x)`` gives a new array and
``POP(list)`` the last item, and ``list`` stays as it was (arrays/push_pop.rs). The statement
``PUSH list, x`` / ``APPEND list, x`` appends in place (keywords/session.py); the engine cannot
compile it, and ``talkbench check`` says so.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from interpreter.library.builtins.core import builtin, check_size, text
from interpreter.library.builtins.engine import (
    slice_items,
    sort_items,
    whole_array_args,
)
from interpreter.library.operators import array_contains
from interpreter.values import (
    BasicValueError,
    Value,
    check_json_size,
    compare,
    format_number,
    get_member,
    not_found,
    to_display,
    to_json,
    type_name,
)


def need_list(v: Value, fname: str) -> list:
    """The array argument of ``fname``, or a clear error naming the type received."""
    if not isinstance(v, list):
        raise BasicValueError(f"{fname} expects an array, got {type_name(v)}")
    return v


def items_of(v: Value, fname: str) -> list:
    """The array argument: General Bots has no ``fname`` for NULL either (Rhai: "Function
    not found: SORT (())")."""
    if not isinstance(v, list):
        raise not_found(fname, v)
    return v


# ---------------------------------------------------------------- sizes and construction


@builtin("ARRAY", min_args=0)
def array(*items: Value) -> list:
    """A new array of the arguments."""
    return list(items)


@builtin("UBOUND", min_args=1, max_args=1)
def ubound(v: Value) -> int:
    """The last index of an array: its size minus 1, -1 when empty (arrays/mod.rs)."""
    if type(v) is not list:
        raise not_found("UBOUND", v)
    return len(v) - 1


@builtin("LBOUND", min_args=1, max_args=1)
def lbound(v: Value) -> int:
    """The first index of an array: always 0."""
    if type(v) is not list:
        raise not_found("LBOUND", v)
    return 0


@builtin("COUNT", "SIZE", min_args=1, max_args=1)
def count(v: Value) -> int:
    """Items in an array (arrays/mod.rs ``COUNT``)."""
    if type(v) is not list:
        raise not_found("COUNT", v)
    return len(v)


@builtin("RANGE", min_args=2, max_args=3)
def range_(a: Value, b: Value, step: Value = None) -> list:
    """``RANGE(a, b[, step])`` counts from a to b inclusive; a step of 0 gives an empty array
    (arrays/mod.rs, whose RANGE takes whole numbers only)."""
    if type(a) is not int or type(b) is not int or (step is not None and type(step) is not int):
        raise not_found("RANGE", *(x for x in (a, b, step) if x is not None))
    inc = 1 if step is None else step
    if inc == 0:
        return []
    r = range(a, b + (1 if inc > 0 else -1), inc)
    check_size(len(r), "RANGE")
    return list(r)


# ---------------------------------------------------------------- searching


@builtin("CONTAINS", min_args=2, max_args=2)
def contains(a: Value, v: Value) -> bool:
    """Is ``v`` an item of the array: an equal number, boolean or text, or an item that
    prints as ``v`` prints (arrays/contains.rs ``array_contains``). General Bots registers
    CONTAINS for arrays only: text, maps and NULL stop the dialog."""
    if not isinstance(a, list):
        raise not_found("CONTAINS", a, v)
    return array_contains(a, v)


@builtin("INDEX OF", "INDEXOF", min_args=2, max_args=2)
def index_of(a: Value, v: Value) -> int:
    """0-based index of the first item that prints as ``v`` prints; -1 when absent
    (arrays/mod.rs ``INDEX_OF``: arrays only, compared by ``to_string``)."""
    if not isinstance(a, list):
        raise not_found("INDEX_OF", a, v)
    shown = to_display(v)
    return next((i for i, item in enumerate(a) if to_display(item) == shown), -1)


# ---------------------------------------------------------------- push and pop (arrays/push_pop.rs)


@builtin("PUSH", "APPEND", min_args=2, max_args=2)
def push(a: Value, value: Value) -> list:
    """A new array: the items of ``a``, then ``value``."""
    lst = need_list(a, "PUSH")
    check_size(len(lst) + 1, "PUSH")
    return [*lst, value]


@builtin("POP", min_args=1, max_args=1)
def pop(a: Value) -> Value:
    """The last item (NULL when empty); the array is unchanged."""
    lst = need_list(a, "POP")
    return lst[-1] if lst else None


@builtin("SHIFT", min_args=1, max_args=1)
def shift(a: Value) -> Value:
    """The first item (NULL when empty); the array is unchanged."""
    lst = need_list(a, "SHIFT")
    return lst[0] if lst else None


@builtin("UNSHIFT", min_args=2, max_args=2)
def unshift(a: Value, value: Value) -> list:
    """A new array: ``value``, then the items of ``a``."""
    lst = need_list(a, "UNSHIFT")
    check_size(len(lst) + 1, "UNSHIFT")
    return [value, *lst]


# ---------------------------------------------------------------- new arrays


@builtin("REVERSE", min_args=1, max_args=1)
def reverse(a: Value) -> Value:
    """A reversed copy of an array (arrays/mod.rs REVERSE takes arrays only)."""
    return whole_array_args("REVERSE", a)[::-1]


@builtin("SLICE", min_args=2, max_args=3)
def slice_(a: Value, start: Value, end: Value = None) -> list:
    """Items from 0-based ``start`` up to ``end`` (excluded); negatives count back, bounds are
    clamped (slice.rs ``slice_array``: arrays and whole numbers only)."""
    ends = (start,) if end is None else (start, end)
    items = whole_array_args("SLICE", a, *ends)
    return slice_items(items, start, end)


def _sort_key(field: str | None) -> Callable[[Value], Any]:
    def cmp(x: Value, y: Value) -> int:
        if field is not None:
            x, y = get_member(x, field), get_member(y, field)
        return compare(x, y)

    return functools.cmp_to_key(cmp)


@builtin("SORT", min_args=1, max_args=3)
def sort(a: Value, key: Value = None, order: Value = None) -> list:
    """A sorted copy as sort.rs sorts: ``SORT(a)``; ``SORT(a, direction)`` descends for
    "DESC" or "DESCENDING" (any case) and ascends for any other text. ``SORT(rows, "field",
    order)`` (three arguments) sorts maps by a field: Talkbench's own, not General Bots'."""
    if order is not None:
        return _sort_rows(items_of(a, "SORT"), text(key), order)
    if key is not None and type(key) is not str:
        raise not_found("SORT", a, key)
    descending = key is not None and key.upper() in ("DESC", "DESCENDING")
    return sort_items(items_of(a, "SORT"), descending)


def _sort_rows(rows: list, field: str, order: Value) -> list:
    if text(order).upper() not in ("ASC", "DESC"):
        raise BasicValueError(f'SORT order must be "ASC" or "DESC", got {text(order)!r}')
    return sorted(rows, key=_sort_key(field), reverse=text(order).upper() == "DESC")


@builtin("UNIQUE", "DISTINCT", min_args=1, max_args=1)
def unique(a: Value) -> list:
    """A copy without repeated items, keeping the first of each; items are the same when they
    print the same (unique.rs keys on ``to_string``: 1 and "1" are one item, 1 and 1.0 two)."""
    seen: set[str] = set()
    out = []
    for item in items_of(a, "UNIQUE"):
        k = to_display(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


@builtin("CONCAT", min_args=1)
def concat(*args: Value) -> Value:
    """Arrays joined into one new array; with no array among the arguments, texts joined."""
    if not any(isinstance(x, list) for x in args):
        check_size(sum(len(text(x)) for x in args), "CONCAT")
        return "".join(text(x) for x in args)
    out: list = []
    for x in args:
        if isinstance(x, list):
            out.extend(x)
        elif x is not None:
            out.append(x)
        check_size(len(out), "CONCAT")
    return out


@builtin("FLATTEN", min_args=1, max_args=1)
def flatten(a: Value) -> list:
    """The items of the nested arrays in place of those arrays, one level deep (arrays/mod.rs:
    ``FLATTEN([1, [2, [3]]])`` is ``[1, 2, [3]]``)."""
    out: list = []
    for item in items_of(a, "FLATTEN"):
        if isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)
        check_size(len(out), "FLATTEN")
    return out


@builtin("BATCH", "CHUNK", min_args=2, max_args=2)
def batch(a: Value, size: Value) -> list:
    """The array cut into arrays of ``size`` items (the last may be shorter)."""
    lst = items_of(a, "BATCH")
    if type(size) is not int:
        raise not_found("BATCH", a, size)
    n = max(size, 1)  # arrays/mod.rs: batch_size.max(1)
    return [lst[i : i + n] for i in range(0, len(lst), n)]


@builtin("JOIN", min_args=1, max_args=2)
def join(a: Value, sep: Value = ",") -> str:
    """Items' printed text joined by ``sep`` (default ","; arrays/mod.rs ``JOIN``)."""
    if type(a) is not list or type(sep) is not str:
        raise not_found("JOIN", a, sep)
    parts = [to_display(x) for x in a]
    glue = sep
    check_size(sum(map(len, parts)) + len(glue) * max(len(parts) - 1, 0), "JOIN")
    return glue.join(parts)


# ---------------------------------------------------------------- aggregates


def _floats(fname: str, arr: Value) -> list[float]:
    """SUM/AVG's array: its numbers as floats; other items are skipped (math/aggregate.rs)."""
    if type(arr) is not list:
        raise not_found(fname, arr)
    return [float(x) for x in arr if type(x) is int or type(x) is float]


@builtin("SUM", min_args=1, max_args=1)
def sum_(arr: Value) -> float:
    """The float sum of an array's numbers, added in order (math/aggregate.rs ``SUM``)."""
    total = 0.0
    for x in _floats("SUM", arr):
        total += x
    return total


@builtin("AVG", "AVERAGE", min_args=1, max_args=1)
def avg(arr: Value) -> float:
    """The mean of an array's numbers as a float; 0.0 when there are none."""
    nums = _floats("AVG", arr)
    total = 0.0
    for x in nums:
        total += x
    return total / len(nums) if nums else 0.0


def _pair(fname: str, a: Value, b: Value) -> None:
    """MAX/MIN take two integers or two floats (math/basic_math.rs): nothing mixed."""
    if not ((type(a) is int and type(b) is int) or (type(a) is float and type(b) is float)):
        raise not_found(fname, a, b)


def _extreme(fname: str, items: Value, pick: Callable[..., Value]) -> Value:
    """The botbook's MAX(array) / MIN(array), which no crate registers (talkbench_only.py):
    the largest or smallest of the array's numbers, other items skipped as SUM skips them;
    the empty value when there are none."""
    if not isinstance(items, list):
        raise not_found(fname, items)
    nums = [x for x in items if type(x) in (int, float) and x == x]
    return pick(nums) if nums else None


def _max_min(fname: str, pick: Callable[..., Value], a: Value, b: tuple[Value, ...]) -> Value:
    if not b:
        return _extreme(fname, a, pick)
    _pair(fname, a, b[0])
    if a != a or b[0] != b[0]:  # Rust's f64::max and f64::min ignore a NaN side
        return b[0] if a != a else a
    return pick(a, b[0])


@builtin("MAX", min_args=1, max_args=2)
def max_(a: Value, *b: Value) -> Value:
    """The larger of two integers or of two floats (or the botbook's largest of an array)."""
    return _max_min("MAX", max, a, b)


@builtin("MIN", min_args=1, max_args=2)
def min_(a: Value, *b: Value) -> Value:
    """The smaller of two integers or of two floats (or the botbook's smallest of an array)."""
    return _max_min("MIN", min, a, b)


# ---------------------------------------------------------------- JSON and YAML


@builtin("TOJSON", "TO JSON", "JSON STRINGIFY", min_args=1, max_args=2)
def tojson(v: Value, pretty: Value = None) -> str:
    """JSON text of a value (dates as their display strings); indented when ``pretty`` is true."""
    try:
        if pretty:
            check_json_size(v)
            return json.dumps(v, ensure_ascii=False, indent=2, default=to_display)
        return to_json(v)
    except ValueError:
        raise BasicValueError("TOJSON: the value contains itself") from None
    except RecursionError:
        raise BasicValueError("TOJSON: the value is nested too deeply") from None


def _no_constant(name: str) -> Value:
    raise BasicValueError(f"JSON: {name} is not valid JSON")


@builtin("JSON", "FROMJSON", "FROM JSON", "PARSE JSON", "JSON PARSE", min_args=1, max_args=1)
def from_json(v: Value) -> Value:
    """The value a JSON text spells (arrays and maps pass through; blank text is NULL)."""
    if isinstance(v, (list, dict)):
        return v
    t = text(v).strip()
    if not t:
        return None
    try:
        return json.loads(t, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno}, column {e.colno}"
        raise BasicValueError(f"JSON: invalid JSON ({e.msg} at {where})") from None
    except (ValueError, RecursionError) as e:
        raise BasicValueError(f"JSON: invalid JSON ({e})") from None


_YAML_PLAIN = re.compile(r"[A-Za-z_][\w .\-/@]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _yaml_scalar(v: Value) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return format_number(v)
    s = to_display(v)
    plain = _YAML_PLAIN.fullmatch(s) and not s.endswith(" ") and s.lower() not in _YAML_WORDS
    return s if plain else json.dumps(s, ensure_ascii=False)


def _yaml_lines(v: Value, depth: int) -> list[str]:
    if depth > 100:
        raise BasicValueError("TOYAML: the value is nested too deeply (or contains itself)")
    if isinstance(v, dict) and v:
        lines = []
        for k, item in v.items():
            key = _yaml_scalar(str(k))
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{key}:")
                lines.extend("  " + line for line in _yaml_lines(item, depth + 1))
            else:
                lines.append(f"{key}: {_yaml_lines(item, depth + 1)[0]}")
        return lines
    if isinstance(v, list) and v:
        lines = []
        for item in v:
            sub = _yaml_lines(item, depth + 1)
            lines.append("- " + sub[0])
            lines.extend("  " + line for line in sub[1:])
        return lines
    if isinstance(v, (dict, list)):
        return ["{}" if isinstance(v, dict) else "[]"]
    return [_yaml_scalar(v)]


@builtin("TOYAML", "TO YAML", min_args=1, max_args=1)
def toyaml(v: Value) -> str:
    """A simple block-style YAML text of a value."""
    return "\n".join(_yaml_lines(v, 0))
