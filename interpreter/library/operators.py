"""Operators and variable helpers that generated code calls (the names it imports)."""

from __future__ import annotations

import datetime as _dt
import math
import re
from itertools import islice
from operator import itemgetter, length_hint, setitem
from types import MappingProxyType
from typing import Any

from ..ports import where
from ..values import (
    MAX_LIST_ITEMS,
    BasicValueError,
    call_signature,
    compare,
    get_index,
    get_member,
    not_found,
    read_member,
    repr_value,
    rhai_type,
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


# Rhai's INT is i64 and its arithmetic is checked (rhai src/packages/arithmetic.rs,
# ``checked_add`` etc.): a result outside this range is a runtime error, so numbers can
# never grow without bound (``x = x * x`` in a loop stops at the first overflow).
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1


def no_operator(op: str, *values: Any) -> BasicValueError:
    """Rhai has no ``op`` for these types: its "Function not found" error, explained."""
    shown = " and ".join(f"{type_name(v)} {repr_value(v)[:40]}" for v in values)
    return BasicValueError(f"{op} is not defined for {shown} (General Bots: Function not "
                           f"found: {call_signature(op, values)})")


def _overflow(what: str, a: Any, op: str, b: Any) -> BasicValueError:
    return BasicValueError(f"{what} overflow: {a} {op} {b} (integers are 64-bit in "
                           f"General Bots)")


def _checked(r: int, what: str, a: Any, op: str, b: Any) -> int:
    if I64_MIN <= r <= I64_MAX:
        return r
    raise _overflow(what, a, op, b)


def _is_num(t: type) -> bool:
    return t is int or t is float


def add(a: Any, b: Any) -> Any:
    """``+`` as Rhai: numbers add (int + int checked, a float makes a float); when either
    side is text the other is printed and appended ("3" + 1 is "31"); arrays concatenate;
    maps merge. No other pair has a ``+`` (rhai src/packages/arithmetic.rs, string_more.rs)."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _checked(a + b, "Addition", a, "+", b)
    if _is_num(ta) and _is_num(tb):
        return a + b
    if ta is str:
        return _check_len(a + (b if tb is str else to_display(b)))
    if tb is str:
        return _check_len(to_display(a) + b)
    if isinstance(a, (_dt.date, _dt.datetime)) and _is_num(tb):
        return a + _dt.timedelta(seconds=b)  # NOW() + 15 * 60, DAYS(n) are seconds
    if ta is list and tb is list:
        if len(a) + len(b) > MAX_LIST_ITEMS:  # l = l + l in a loop doubles memory each pass
            raise BasicValueError(f"list too long ({len(a) + len(b):,} items; the limit is "
                                  f"{MAX_LIST_ITEMS:,})")
        return a + b
    if ta is dict and tb is dict:
        return {**a, **b}
    raise no_operator("+", a, b)


def interp(*parts: str) -> str:
    """A ``"…${x}…"`` string: its parts joined, capped like every other concatenation."""
    total = sum(map(len, parts))
    if total > MAX_STRING:  # checked before joining: "${s}${s}" in a loop doubles s
        raise BasicValueError(f"string too long ({total:,} characters; the limit is "
                              f"{MAX_STRING:,})")
    return "".join(parts)


def bit_and(a: Any, b: Any) -> Any:
    """``&``: bitwise AND of two integers, logical AND (both sides evaluated) of two
    booleans; an error on anything else, text included (Rhai's ``&``)."""
    ta, tb = type(a), type(b)
    if (ta is int and tb is int) or (ta is bool and tb is bool):
        return a & b
    raise no_operator("&", a, b)


def xor(a: Any, b: Any) -> Any:
    """``^``: bitwise XOR of two integers, XOR of two booleans (Rhai's ``^``, not power)."""
    ta, tb = type(a), type(b)
    if (ta is int and tb is int) or (ta is bool and tb is bool):
        return a ^ b
    raise no_operator("^", a, b)


def bit_or(a: Any, b: Any) -> Any:
    """``|``: bitwise OR of two integers, logical OR (both sides evaluated) of two booleans
    (Rhai's ``|``, src/func/builtin.rs)."""
    ta, tb = type(a), type(b)
    if (ta is int and tb is int) or (ta is bool and tb is bool):
        return a | b
    raise no_operator("|", a, b)


def _wrap64(r: int) -> int:
    """The low 64 bits of ``r`` as a signed i64 (Rust's ``checked_shl`` drops the bits
    shifted out without reporting an overflow)."""
    r &= 2**64 - 1
    return r - 2**64 if r > I64_MAX else r


def _shl(x: int, y: int) -> int:
    if y > 0xFFFFFFFF:
        return 0
    if y < 0:
        return _shr(x, min(-y, I64_MAX))
    return _wrap64(x << y) if y < 64 else 0


def _shr(x: int, y: int) -> int:
    if y > 0xFFFFFFFF:
        return x >> 63
    if y < 0:
        return _shl(x, min(-y, I64_MAX))
    return x >> min(y, 63)  # past 63 Rust's wrapping_shr(u32::MAX) shifts by 63


def shift_left(a: Any, b: Any) -> int:
    """``<<`` on two integers (rhai src/packages/arithmetic.rs ``shift_left``): bits
    shifted past 64 are lost (1 << 63 is the smallest i64, 1 << 64 is 0), a negative count
    shifts right."""
    if type(a) is int and type(b) is int:
        return _shl(a, b)
    raise no_operator("<<", a, b)


def shift_right(a: Any, b: Any) -> int:
    """``>>`` on two integers (rhai src/packages/arithmetic.rs ``shift_right``): an
    arithmetic shift (-8 >> 1 is -4; 64 or more gives 0 or -1), a negative count shifts
    left."""
    if type(a) is int and type(b) is int:
        return _shr(a, b)
    raise no_operator(">>", a, b)


def sub(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _checked(a - b, "Subtraction", a, "-", b)
    if _is_num(ta) and _is_num(tb):
        return a - b
    if isinstance(a, (_dt.date, _dt.datetime)) and _is_num(tb):
        return a - _dt.timedelta(seconds=b)
    if ta is str and tb is str:
        # Rhai's ImmutableString - ImmutableString (rhai src/types/immutable_string.rs,
        # ``impl Sub``): every occurrence of b removed; an empty side gives the other one.
        return a.replace(b, "") if a and b else a or b
    raise no_operator("-", a, b)


def mul(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _checked(a * b, "Multiplication", a, "*", b)
    if _is_num(ta) and _is_num(tb):
        return a * b
    raise no_operator("*", a, b)


def _float_div(x: float, y: float) -> float:
    """IEEE division: by zero gives ±inf, or NaN for 0/0 (Rust's f64 ``/``)."""
    if y == 0:
        if x == 0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def div(a: Any, b: Any) -> Any:
    """``/``: two integers divide to an integer, truncated toward zero (7 / 2 is 3,
    -7 / 2 is -3); a float on either side divides as floats."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise BasicValueError(f"Division by zero: {a} / {b}")
        return _checked(_trunc_div(a, b), "Division", a, "/", b)
    if _is_num(ta) and _is_num(tb):
        return _float_div(float(a), float(b))
    raise no_operator("/", a, b)


def idiv(a: Any, b: Any) -> int:
    """``\\`` (no Rhai operator; the documented BASIC meaning): integer division."""
    if type(a) is int and type(b) is int:
        return div(a, b)
    if _is_num(type(a)) and _is_num(type(b)):
        if b == 0:
            raise BasicValueError(f"Division by zero: {a} \\ {b}")
        return int(a / b)
    raise no_operator("\\", a, b)


def mod(a: Any, b: Any) -> Any:
    """``MOD`` (Rhai's ``%``): the remainder takes the sign of the left side (-7 MOD 3 is
    -1); integers by zero fail, floats give NaN."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0 or (a == I64_MIN and b == -1):
            raise BasicValueError(f"Modulo division by zero or overflow: {a} % {b}")
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    if _is_num(ta) and _is_num(tb):
        return math.nan if b == 0 or a - a != 0 else math.fmod(a, b)  # inf % x is NaN
    raise no_operator("%", a, b)


def power(a: Any, b: Any) -> Any:
    """``**``: an integer to a non-negative integer power is checked like the other integer
    operators; a float on either side gives a float (inf on overflow)."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b > 0xFFFF_FFFF:  # Rhai refuses an exponent beyond u32, even of 0 or 1
            raise _overflow("Exponential", a, "**", b)
        if b < 0:
            raise BasicValueError(f"Integer raised to a negative power: {a} ** {b}")
        if abs(a) > 1 and b * math.log2(abs(a)) > 64:  # refused before computing it
            raise _overflow("Exponential", a, "**", b)
        return _checked(a**b, "Exponential", a, "**", b)
    if _is_num(ta) and _is_num(tb):
        return powf(float(a), float(b))
    raise no_operator("**", a, b)


def powf(x: float, y: float) -> float:
    """Rust's ``f64::powf`` (Rhai's float ``**``, the engine's POW): ±inf on overflow or for
    a zero base to a negative power, NaN for a negative base to a fractional power (where
    Python raises)."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if x < 0 and _odd(y) else math.inf
    except ValueError:
        if x == 0:
            return -math.inf if _odd(y) and math.copysign(1, x) < 0 else math.inf
        return math.nan


def _odd(y: float) -> bool:
    return y == int(y) and int(y) % 2 == 1


def neg(a: Any) -> Any:
    t = type(a)
    if t is int:
        if a == I64_MIN:
            raise BasicValueError(f"Negation overflow: -{a}")
        return -a
    if t is float:
        return -a
    raise no_operator("-", a)


def num(a: Any) -> int | float:
    """Unary ``+`` and FOR's bounds: a number stays itself; nothing is converted (text from
    memory or HEAR needs VAL first)."""
    if _is_num(type(a)):
        return a
    raise BasicValueError(f"a number is needed here, not {type_name(a)} {repr_value(a)[:40]} "
                          f"(General Bots converts nothing: use VAL(x))")


def cond(v: Any, what: str = "condition") -> bool:
    """A condition (IF, WHILE, AND, OR...) must be a boolean: Rhai does not convert
    ("Data type incorrect: i64 (expecting bool)")."""
    if v is True or v is False:
        return v
    raise BasicValueError(f"{what} must be true or false, not {type_name(v)} "
                          f"{repr_value(v)[:40]} (General Bots: Data type incorrect: "
                          f"{rhai_type(v)} (expecting bool))")


def not_(v: Any, op: str = "NOT") -> bool:
    if v is True or v is False:
        return not v
    raise no_operator(op, v)


def _rust_max(x: float, y: float) -> float:
    """Rust's ``f64::max``: a NaN side is ignored."""
    return y if x != x else x if y != y else max(x, y)


def _scale(x: float, y: float) -> float:
    """The divisor of Rhai's float comparisons (rhai src/func/builtin.rs ``impl_float``, built
    without ``unchecked`` as the engine is): 1.0 when either side is zero, else the larger
    magnitude; 0.0 only when a side is NaN and the other zero."""
    return 1.0 if x * y == 0.0 else _rust_max(abs(x), abs(y))


def _float_eq(x: float, y: float) -> bool:
    """Rhai's ``==`` when a float is involved: equal within a relative f64::EPSILON (0.1 + 0.2
    = 0.3 is true, 1E-17 = 0.0 too); nothing equals an infinity."""
    m = _scale(x, y)
    return m == 0.0 or abs(x - y) / m <= _EPSILON


_EPSILON = 2.220446049250313e-16  # f64::EPSILON


def eq(a: Any, b: Any) -> bool:
    """``=`` as Rhai's ``==``: values of different types are never equal ("3" = 3 is
    false), except an integer and a float, which compare as numbers, within Rhai's
    relative epsilon when a float is involved (:func:`_float_eq`)."""
    ta, tb = type(a), type(b)
    if ta is tb and ta is not float:
        return a == b
    if _is_num(ta) and _is_num(tb):
        return _float_eq(float(a), float(b))
    return False


def ne(a: Any, b: Any) -> bool:
    """``<>`` as Rhai's ``!=``: ``not eq`` except with a float, where Rhai tests its own
    inequality (NaN <> 1.0 is false, like NaN = 1.0)."""
    ta, tb = type(a), type(b)
    if (ta is float or tb is float) and _is_num(ta) and _is_num(tb):
        x, y = float(a), float(b)
        m = _scale(x, y)
        return m != 0.0 and abs(x - y) / m > _EPSILON
    return not eq(a, b)


def _ordered(a: Any, b: Any) -> bool:
    """Whether ``<`` and friends compare these: else Rhai answers false for all four when
    the types differ (rhai src/func/builtin.rs, "Default comparison operators for
    different, non-numeric types": ``[1] < 1`` is false), and two arrays or two maps have no
    such operator."""
    ta, tb = type(a), type(b)
    if ta is tb and ta in (list, dict):
        raise no_operator("<", a, b)
    if ta is tb:
        return a is not None
    return (_is_num(ta) and _is_num(tb)) or (
        isinstance(a, _dt.date) and isinstance(b, _dt.date) and
        isinstance(a, _dt.datetime) == isinstance(b, _dt.datetime))


def _float_order(a: Any, b: Any) -> float | None:
    """(a - b) scaled as Rhai scales it when a float is involved, else None: ``a < b`` is
    then ``(b - a) / scale > EPSILON``, ``a <= b`` is ``> -EPSILON``; a scale of 0.0 makes
    <= and >= true and < and > false, as a difference of 0.0 does; NaN makes all false."""
    ta, tb = type(a), type(b)
    if (ta is not float and tb is not float) or not (_is_num(ta) and _is_num(tb)):
        return None
    x, y = float(a), float(b)
    m = _scale(x, y)
    return 0.0 if m == 0.0 else (x - y) / m


def lt(a: Any, b: Any) -> bool:
    d = _float_order(a, b)
    if d is not None:
        return -d > _EPSILON
    return _ordered(a, b) and a < b


def le(a: Any, b: Any) -> bool:
    d = _float_order(a, b)
    if d is not None:
        return -d > -_EPSILON
    return _ordered(a, b) and a <= b


def gt(a: Any, b: Any) -> bool:
    d = _float_order(a, b)
    if d is not None:
        return d > _EPSILON
    return _ordered(a, b) and a > b


def ge(a: Any, b: Any) -> bool:
    d = _float_order(a, b)
    if d is not None:
        return d > -_EPSILON
    return _ordered(a, b) and a >= b


def cmp(a: Any, b: Any) -> int:
    """Three-way comparison for sorting and the debugger: Talkbench's own (loose) order."""
    if _is_num(type(a)) and _is_num(type(b)):
        return (a > b) - (a < b)
    return compare(a, b)


def contains(container: Any, item: Any) -> bool:
    """Infix CONTAINS: substring for text (case-insensitive), membership for arrays and maps."""
    if isinstance(container, list):
        return any(eq(x, item) for x in container)
    if isinstance(container, dict):
        return get_member(container, to_display(item)) is not None
    return to_display(item).lower() in to_display(container).lower()


def items_equal(a: Any, b: Any) -> bool:
    """contains.rs ``items_equal``: numbers (an integer and a float too), booleans, text."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 2.220446049250313e-16  # f64::EPSILON
    return isinstance(a, str) and isinstance(b, str) and a == b


def array_contains(items: list, value: Any) -> bool:
    """contains.rs ``array_contains``: an equal item, or an item that prints as ``value``."""
    shown = to_display(value)
    return any(items_equal(item, value) or to_display(item) == shown for item in items)


def in_(item: Any, container: Any) -> bool:
    """``item IN container``: Rhai's ``in`` calls ``contains(container, item)``, which finds
    the engine's array ``contains`` (contains.rs: ``"1" IN [1, 2]`` is true), Rhai's own for
    text (case-sensitive) and for a map's keys; any other pair is "Function not found"."""
    if container.__class__ is list:
        return array_contains(container, item)
    if item.__class__ is str and container.__class__ in (str, dict):
        return item in container
    raise not_found("contains", container, item)


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


def found(glob: dict, key: str) -> Any:
    """A variable the dialog never assigns: only a value given from outside (a bot
    ``param-*`` setting, a tool argument); else Rhai's "Variable not found"."""
    if key in glob:
        return glob[key]
    raise BasicValueError(f"Variable not found: {key} (the dialog never assigns it; names "
                          f"are case-sensitive in General Bots)")


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


def ensure(local: dict, glob: dict, key: str, kind: str, create: bool = False) -> Any:
    """The map/array a member or index assignment writes into. Rhai makes none: ``m.x = 1``
    on an empty ``m`` fails (No writable property 'x' - a setter is not registered for type
    '()'); only WITH (``create``, the converter's ``let obj = #{…}``) makes a map."""
    scope = local if key in local or key not in glob else glob
    v = scope.get(key)
    if v is None or v == "":
        v = _created(v, kind, create)
        scope[key] = v
    return v


def ensure_value(v: Any, kind: str, create: bool = False) -> Any:
    """:func:`ensure` for a variable the dialog keeps in a Python local."""
    if v is None or v == "":
        return _created(v, kind, create)
    return v


def _created(v: Any, kind: str, create: bool) -> Any:
    if create:
        return {} if kind == "map" else []
    what = "()" if v is None else "string"
    if kind == "map":
        raise BasicValueError(f"cannot set a member of an empty value{' (empty text)' * (v == '')}: "
                              f"make it a map first, m = #{{}} (General Bots: No writable "
                              f"property - a setter is not registered for type '{what}')")
    raise BasicValueError(f"cannot set an item of an empty value{' (empty text)' * (v == '')}: "
                          f"make it an array first, l = [] (General Bots: "
                          + ("Indexer unavailable: () [i64])" if v is None
                             else "String index 0 out of bounds: string is empty)"))


def store_locals(glob: dict, names: tuple[str, ...], values: tuple) -> None:
    """Copy the dialog's assigned local variables into G."""
    glob.update(zip(names, values))


def publish_locals(glob: dict, names: tuple[str, ...], values: tuple) -> None:
    """A debug build's :func:`store_locals`: a NULL local missing from G was never
    assigned, as far as the debugger shows (an assigned NULL is written to G at once)."""
    for key, value in zip(names, values):
        if value is not None or key in glob:
            glob[key] = value


def child(obj: Any, key: Any, kind: str, create: bool = False) -> Any:
    v = get_index(obj, key) if isinstance(obj, list) else get_member(obj, to_display(key))
    if v is None:
        v = _created(v, kind, create)
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


# A FOR EACH fast pass's window (codegen.fast_each): its items cost ~0.15 µs each, so a
# window lasts ~0.3 ms, within the runtime's TICK_EVERY; a tick per CHUNK items (~1 µs
# each) cost ~3% of such a loop.
WINDOW = 2048


def each_windows(coll: Any, last: Any = None) -> list[tuple[Any, int]]:
    """:func:`each`'s items without copying a list: (iterator, size) of each window of
    WINDOW items, all taking their items in turn from one iterator over the list itself. For
    a FOR EACH whose body cannot change the list (codegen.fast_each: it only assigns
    variables from operators and members) and reads each window to its end (no EXIT FOR);
    copying would touch every item once more (a cache miss each, on long lists of maps)."""
    items = coll if coll.__class__ is list and last is None else each(coll, last)
    it, size = iter(items), len(items)
    return [(islice(it, WINDOW), min(WINDOW, size - i)) for i in range(0, size, WINDOW)]


def chunks(values: Any, runtime: Any = None) -> Any:
    """A FOR loop's values (a range, or a _FloatRange) in slices, lazily: of
    ``runtime.chunk`` items at the time each slice is taken (the loop's pace, see
    ``Runtime.tick``: a slow body gets small slices, so the loop yields on time), or of
    CHUNK without a runtime."""
    if runtime is None:
        if isinstance(values, range):
            return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))
        return _iter_chunks(iter(values))
    if isinstance(values, range):
        return _paced_range(values, runtime)
    return _paced_chunks(iter(values), runtime)


def _iter_chunks(it: Any) -> Any:
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _paced_range(values: range, runtime: Any) -> Any:
    start, end = 0, len(values)
    while start < end:
        stop = start + runtime.chunk
        yield values[start:stop]
        start = stop


def _paced_chunks(it: Any, runtime: Any) -> Any:
    while chunk := list(islice(it, runtime.chunk)):
        yield chunk


class _FloatRange:
    """FOR i = a TO b STEP k when a or b is not an int: the values the BASIC loop takes
    (each one the previous plus k, as the loop adds it), while not past b."""

    __slots__ = ("end", "start", "step")

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


def copy_value(v: Any) -> Any:
    """A deep copy of an array or map, as Rhai clones a Dynamic on assignment: every level
    its own (one list held twice becomes two), other values as they are (immutable). No
    recursion: values may nest deeper than Python's stack."""
    if v.__class__ not in _CONTAINERS:
        return v
    top = _shallow(v)
    todo = [top]
    while todo:
        container = todo.pop()
        keys = range(len(container)) if container.__class__ is list else list(container)
        for k in keys:
            item = container[k]
            if item.__class__ in _CONTAINERS:
                container[k] = copied = _shallow(item)
                todo.append(copied)
    return top


def _shallow(v: list | dict) -> list | dict:
    return list(v) if v.__class__ is list else dict(v)


_CONTAINERS = frozenset({list, dict})


NAMESPACE = {
    "_int": int, "_str": str, "_Exception": Exception, "_NotFound": (KeyError, TypeError, IndexError), "_dict": dict, "_list": list, "_len": len, "_toolong": too_long, "_add": add, "_sub": sub, "_mul": mul, "_div": div, "_idiv": idiv, "_mod": mod,
    "_pow": power, "_xor": xor, "_band": bit_and, "_bor": bit_or, "_copy": copy_value,
    "_shl": shift_left, "_shr": shift_right, "_interp": interp, "_like": like, "_nvl": nvl,
    "_eq": eq, "_ne": ne, "_cmp": cmp, "_lt": lt, "_le": le, "_gt": gt, "_ge": ge, "_cond": cond,
    "_not": not_, "_overflow": _overflow, "_found": found,
    "_contains": contains, "_in": in_, "_neg": neg, "_num": num, "_truthy": truthy, "_d": to_display,
    "_mem": get_member, "_memr": read_member,
    "_idx": get_index, "_setmem": set_member, "_setidx": set_index, "_setitem": setitem,
    "_ensure": ensure, "_ensure_value": ensure_value, "_store": store_locals, "_nomap": MappingProxyType({}), "_publish": publish_locals, "_itemgetter": itemgetter, "_child": child, "_getv": getv, "_setv": setv, "_each": each,
    "_each_chunks": each_chunks, "_chunks": chunks, "_iter": iter, "_hint": length_hint,
    "_range": range, "_min": min, "_max": max,
    "_forto": forto, "_LoopExit": LoopExit, "_EndDialog": EndDialog,
    "_GotoJump": GotoJump, "_where": where,
}
