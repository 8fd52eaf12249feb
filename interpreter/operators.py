"""Operators and variable helpers that generated code calls (the names it imports)."""

from __future__ import annotations

import datetime as _dt
import math
import re
from itertools import islice
from operator import itemgetter, length_hint
from types import MappingProxyType
from typing import Any

from .values import (
    MAX_LIST_ITEMS,
    BasicValueError,
    as_number,
    compare,
    format_number,
    get_index,
    get_member,
    loose_equal,
    parse_number,
    read_member,
    set_index,
    set_member,
    to_display,
    to_number,
    truthy,
    type_name,
)

MAX_STRING = 64 * 1024 * 1024  # characters; a script doubling a string in a loop stops here
MAX_POWER_DIGITS = 10_000


class LoopExit(Exception):
    """EXIT FOR/DO from inside a nested loop of another kind (rare; normal EXIT is break)."""

    def __init__(self, label: int):
        self.label = label


class GotoJump(LoopExit):
    """GOTO label: unwinds the loops and blocks it is in (each re-raises a LoopExit that is
    not its own) up to the dialog's label dispatcher (``codegen_goto``)."""


class EndDialog(Exception):
    """Bare EXIT / END, or EXIT inside a SUB: the whole dialog ends."""

    def __init__(self, value: Any = None):
        self.value = value


def _check_len(s: str) -> str:
    if len(s) > MAX_STRING:
        raise BasicValueError(f"string too long ({len(s):,} characters; the limit is "
                              f"{MAX_STRING:,})")
    return s


def too_long(s: str) -> str:
    _check_len(s)
    return s


def add(a: Any, b: Any) -> Any:
    """``+``: numbers add (numeric strings too); otherwise text concatenation."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a + b
    # The two shapes real dialogs concatenate most, without the general coercions below.
    if ta is str:
        if tb is str:
            return _check_len(a + b)
        if tb is int or tb is float:
            n = parse_number(a)
            return n + b if n is not None else _check_len(a + format_number(b))
    if a is None and (tb is int or tb is float):
        return b
    if b is None and (ta is int or ta is float):
        return a
    if isinstance(a, (_dt.date, _dt.datetime)) and (tb is int or tb is float):
        return a + _dt.timedelta(seconds=b)  # NOW() + 15 * 60, DAYS(n) are seconds
    if isinstance(a, list) and isinstance(b, list):
        if len(a) + len(b) > MAX_LIST_ITEMS:  # l = l + l in a loop doubles memory each pass
            raise BasicValueError(f"list too long ({len(a) + len(b):,} items; the limit is "
                                  f"{MAX_LIST_ITEMS:,})")
        return a + b
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None and (ta is not str or tb is not str):
        return na + nb
    return _check_len(to_display(a) + to_display(b))


def interp(*parts: str) -> str:
    """A ``"…${x}…"`` string: its parts joined, capped like every other concatenation."""
    total = sum(map(len, parts))
    if total > MAX_STRING:  # checked before joining: "${s}${s}" in a loop doubles s
        raise BasicValueError(f"string too long ({total:,} characters; the limit is "
                              f"{MAX_STRING:,})")
    return "".join(parts)


def cat(a: Any, b: Any) -> str:
    """``&``: always text."""
    return _check_len(to_display(a) + to_display(b))


def sub(a: Any, b: Any) -> Any:
    if type(a) in (int, float) and type(b) in (int, float):
        return a - b
    if isinstance(a, (_dt.date, _dt.datetime)) and type(b) in (int, float):
        return a - _dt.timedelta(seconds=b)
    return to_number(a, "left side of -") - to_number(b, "right side of -")


def mul(a: Any, b: Any) -> Any:
    if type(a) in (int, float) and type(b) in (int, float):
        return a * b
    return to_number(a, "left side of *") * to_number(b, "right side of *")


def div(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int and b and a % b == 0:
        return a // b  # exact, even past float precision
    x, y = to_number(a, "left side of /"), to_number(b, "right side of /")
    if y == 0:
        raise ZeroDivisionError("division by zero")
    r = x / y
    return int(r) if isinstance(x, int) and isinstance(y, int) and x % y == 0 else r


def idiv(a: Any, b: Any) -> int:
    x, y = to_number(a, "left side of \\"), to_number(b, "right side of \\")
    if y == 0:
        raise ZeroDivisionError("division by zero")
    return int(x // y)


def mod(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int and a >= 0 and b > 0:
        return a % b  # the common case; equal to the truncating rule below
    x, y = to_number(a, "left side of MOD"), to_number(b, "right side of MOD")
    if y == 0:
        raise ZeroDivisionError("division by zero (MOD 0)")
    return math.fmod(x, y) if isinstance(x, float) or isinstance(y, float) else \
        int(math.fmod(x, y))


def power(a: Any, b: Any) -> Any:
    x, y = to_number(a, "base of ^"), to_number(b, "exponent of ^")
    if isinstance(x, int) and isinstance(y, int) and y >= 0 and abs(x) > 1:
        if y * math.log10(abs(x)) > MAX_POWER_DIGITS:
            raise BasicValueError(f"{x} ^ {y} is too large")
    try:
        r = x ** y
    except OverflowError:
        raise BasicValueError(f"{x} ^ {y} is too large") from None
    if isinstance(r, complex):
        raise BasicValueError(f"{x} ^ {y} is not a real number")
    return r


def neg(a: Any) -> Any:
    if type(a) in (int, float):
        return -a
    return -to_number(a, "operand of -")


def num(a: Any) -> int | float:
    if type(a) in (int, float):
        return a
    return to_number(a)


def eq(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in (str, int, float):
        return a == b
    return loose_equal(a, b)


def cmp(a: Any, b: Any) -> int:
    if type(a) in (int, float) and type(b) in (int, float):
        return (a > b) - (a < b)
    return compare(a, b)


def contains(container: Any, item: Any) -> bool:
    """Infix CONTAINS: substring for text (case-insensitive), membership for arrays and maps."""
    if isinstance(container, list):
        return any(loose_equal(x, item) for x in container)
    if isinstance(container, dict):
        return get_member(container, to_display(item)) is not None
    return to_display(item).lower() in to_display(container).lower()


_like_cache: dict[str, re.Pattern[str]] = {}


def like(a: Any, pattern: Any) -> bool:
    """SQL LIKE: ``%`` any run, ``_`` one character, case-insensitive."""
    p = to_display(pattern)
    rx = _like_cache.get(p)
    if rx is None:
        body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in p)
        rx = _like_cache[p] = re.compile(body, re.IGNORECASE | re.DOTALL)
    return rx.fullmatch(to_display(a)) is not None


def nvl(a: Any, b: Any) -> Any:
    return b if a is None else a


# ---------------------------------------------------------------- variables and containers


def getv(local: dict, glob: dict, key: str) -> Any:
    if key in local:
        return local[key]
    return glob.get(key)


def setv(local: dict, glob: dict, key: str, value: Any) -> None:
    """In a SUB: a parameter or local wins, then an existing global, else a new local."""
    if key in local or key not in glob:
        local[key] = value
    else:
        glob[key] = value


def ensure(local: dict, glob: dict, key: str, kind: str) -> Any:
    """The map/array a member or index assignment writes into, created when empty."""
    scope = local if key in local or key not in glob else glob
    v = scope.get(key)
    if v is None or v == "":
        v = {} if kind == "map" else []
        scope[key] = v
    return v


def ensure_value(v: Any, kind: str) -> Any:
    """:func:`ensure` for a variable the dialog keeps in a Python local."""
    if v is None or v == "":
        return {} if kind == "map" else []
    return v


def store_locals(glob: dict, names: tuple[str, ...], values: tuple) -> None:
    """Copy the dialog's assigned local variables into G."""
    glob.update(zip(names, values))


def publish_locals(glob: dict, names: tuple[str, ...], values: tuple) -> None:
    """A debug build's :func:`store_locals`: a NULL local missing from G was never
    assigned, as far as the debugger shows (an assigned NULL is written to G at once)."""
    for key, value in zip(names, values):
        if value is not None or key in glob:
            glob[key] = value


def child(obj: Any, key: Any, kind: str) -> Any:
    v = get_index(obj, key) if isinstance(obj, list) else get_member(obj, to_display(key))
    if v is None:
        v = {} if kind == "map" else []
        if isinstance(obj, list):
            set_index(obj, key, v)
        else:
            set_member(obj, to_display(key), v)
    return v


def each(coll: Any, last: Any = None) -> list:
    """FOR EACH's collection, evaluated once: NULL → no items, a map → one item."""
    if isinstance(coll, list):
        items = list(coll)
    elif coll is None or coll == "":
        items = []
    elif isinstance(coll, dict):
        items = [coll]
    else:
        raise BasicValueError(f"FOR EACH needs an array, got {type_name(coll)} "
                              f"{to_display(coll)[:40]!r}")
    if last is not None:
        k = int(to_number(last, "LAST count"))
        items = items[-k:] if k > 0 else []
    return items


CHUNK = 256  # loop iterations between two yield-counter updates (runtime.tick's count)


def each_chunks(coll: Any, last: Any = None) -> list:
    """:func:`each`'s items in slices of CHUNK, taken at once (the loop sees the collection
    as it was when the loop started), for a chunked ``for`` (see codegen_loops.loop_body)."""
    if isinstance(coll, list) and last is None:
        return [coll[i : i + CHUNK] for i in range(0, len(coll), CHUNK)]
    items = each(coll, last)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def chunks(values: Any) -> Any:
    """A FOR loop's values (a range, or a _FloatRange) in slices of CHUNK, lazily."""
    if isinstance(values, range):
        return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))
    return _iter_chunks(iter(values))


def _iter_chunks(it: Any) -> Any:
    while chunk := list(islice(it, CHUNK)):
        yield chunk


class _FloatRange:
    """FOR i = a TO b STEP k when a or b is not an int: the values the BASIC loop takes
    (each one the previous plus k, as the loop adds it), while not past b."""

    __slots__ = ("start", "end", "step")

    def __init__(self, start: Any, end: Any, step: int) -> None:
        self.start, self.end, self.step = start, end, step

    def __bool__(self) -> bool:
        return self.start <= self.end if self.step > 0 else self.start >= self.end

    def __iter__(self) -> Any:
        x, end, step = self.start, self.end, self.step
        if step > 0:
            while x <= end:
                yield x
                x = x + step
        else:
            while x >= end:
                yield x
                x = x + step


def forto(start: Any, end: Any, step: int) -> Any:
    """The values of a FOR loop with a constant, non-zero integer STEP (see the compiler's
    stmt_ForTo): Python's range for ints; NULL/text bounds were made numbers by ``num``."""
    if start.__class__ is int and end.__class__ is int:
        return range(start, end + 1, step) if step > 0 else range(start, end - 1, step)
    return _FloatRange(start, end, step)


def method(obj: Any, name: str, args: list) -> Any:
    """The Node-era methods real dialogs call on values; anything else is an error."""
    m = name.lower()
    if m in ("push", "append", "add") and isinstance(obj, list):
        obj.extend(args)
        return len(obj)
    if m == "pop" and isinstance(obj, list):
        return obj.pop() if obj else None
    if m in ("trim", "tolowercase", "touppercase") and isinstance(obj, str):
        return obj.strip() if m == "trim" else obj.lower() if m == "tolowercase" else obj.upper()
    if m == "includes" and isinstance(obj, (list, str)) and len(args) == 1:
        return contains(obj, args[0])
    if m == "join" and isinstance(obj, list):
        sep = to_display(args[0]) if args else ","
        return sep.join(to_display(x) for x in obj)
    if m == "splice" and isinstance(obj, list) and args:
        start = int(to_number(args[0]))
        count = int(to_number(args[1])) if len(args) > 1 else len(obj) - start
        removed = obj[start : start + count]
        obj[start : start + count] = args[2:]
        return removed
    if m == "tostring":
        return to_display(obj)
    raise BasicValueError(f"a value of type {type_name(obj)} has no method '{name}'")


NAMESPACE = {
    "_int": int, "_str": str, "_Exception": Exception, "_dict": dict, "_list": list, "_len": len, "_toolong": too_long, "_add": add, "_sub": sub, "_mul": mul, "_div": div, "_idiv": idiv, "_mod": mod,
    "_pow": power, "_cat": cat, "_interp": interp, "_like": like, "_nvl": nvl, "_eq": eq, "_cmp": cmp,
    "_contains": contains, "_neg": neg, "_num": num, "_truthy": truthy, "_d": to_display,
    "_mem": get_member, "_memr": read_member,
    "_idx": get_index, "_setmem": set_member, "_setidx": set_index,
    "_ensure": ensure, "_ensure_value": ensure_value, "_store": store_locals, "_nomap": MappingProxyType({}), "_publish": publish_locals, "_itemgetter": itemgetter, "_child": child, "_getv": getv, "_setv": setv, "_each": each,
    "_each_chunks": each_chunks, "_chunks": chunks, "_iter": iter, "_hint": length_hint,
    "_meth": method, "_forto": forto, "_LoopExit": LoopExit, "_EndDialog": EndDialog,
    "_GotoJump": GotoJump,
}
