"""Built-in math functions and numeric conversions (CINT, CDBL, ROUND, INT, MOD, RANDOM ...)."""

from __future__ import annotations

import decimal
import math
import random
from collections.abc import Callable

from interpreter.library.builtins.core import builtin
from interpreter.library.formatting import rust_parse_f64, rust_trim
from interpreter.library.operators import powf
from interpreter.values import BasicValueError, Value, not_found, to_display, to_int, to_number


def round_half_up(n: float, digits: int = 0) -> int | float:
    """Round half away from zero on the decimal form of ``n`` (2.675 → 2.68, as people expect)."""
    if isinstance(n, int) and digits >= 0:
        return n
    if isinstance(n, float) and not math.isfinite(n):
        raise BasicValueError(f"cannot round {to_display(n)}")
    q = decimal.Decimal(1).scaleb(-digits)
    with decimal.localcontext() as ctx:
        ctx.prec = 400
        d = decimal.Decimal(repr(n)).quantize(q, rounding=decimal.ROUND_HALF_UP)
    return int(d) if digits <= 0 else float(d)


def num(v: Value, fname: str) -> int | float:
    """A numeric argument, with the function named in the error."""
    return to_number(v, f"{fname} argument")


# The math functions of math/abs.rs and math/basic_math.rs, math/trig.rs: each registered for
# exact Rust types, so Rhai converts nothing (SQRT(16) is "Function not found: SQRT (i64)"),
# and f64 results follow IEEE (SQRT(-1.0) is NaN, LOG(0.0) is -inf), never an error.


def _floats(name: str, *args: Value) -> tuple[float, ...]:
    """Arguments of an ``f64``-only engine function; anything else is Rhai's not found."""
    if not all(type(a) is float for a in args):
        raise not_found(name, *args)
    return args


@builtin("ABS", min_args=1, max_args=1)
def abs_(v: Value) -> int | float:
    """Absolute value of an integer or a float (math/abs.rs; Rust's wrapping ``i64::abs``
    leaves i64::MIN as it is)."""
    if type(v) is int:
        return v if v == -(2**63) else abs(v)
    if type(v) is float:
        return abs(v)
    raise not_found("ABS", v)


@builtin("SGN", min_args=1, max_args=1)
def sgn(v: Value) -> int:
    """-1, 0 or 1 by the sign of an integer or a float (NaN is 0; basic_math.rs)."""
    if type(v) is int or type(v) is float:
        return (v > 0) - (v < 0)
    raise not_found("SGN", v)


@builtin("SQR", "SQRT", min_args=1, max_args=1)
def sqrt(v: Value) -> float:
    """Square root of a float (of a negative one: NaN)."""
    (x,) = _floats("SQRT", v)
    return math.sqrt(x) if x >= 0 or x != x else math.nan


@builtin("POW", "POWER", min_args=2, max_args=2)
def power(a: Value, b: Value) -> float:
    """``a`` raised to ``b``: two floats only (basic_math.rs ``pow_keyword``)."""
    x, y = _floats("POW", a, b)
    return powf(x, y)


def _log(fn: Callable[[float], float], x: float) -> float:
    if x > 0:
        return fn(x)
    return -math.inf if x == 0 else math.nan


@builtin("LOG", min_args=1, max_args=1)
def log(v: Value) -> float:
    """Natural logarithm of a float (0.0 gives -inf, a negative number NaN; trig.rs)."""
    (x,) = _floats("LOG", v)
    return _log(math.log, x)


@builtin("LOG10", min_args=1, max_args=1)
def log10(v: Value) -> float:
    """Base-10 logarithm of a float."""
    (x,) = _floats("LOG10", v)
    return _log(math.log10, x)


@builtin("EXP", min_args=1, max_args=1)
def exp(v: Value) -> float:
    """e raised to a float (inf when too large)."""
    (x,) = _floats("EXP", v)
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


@builtin("PI", min_args=0, max_args=0)
def pi() -> float:
    """The constant π."""
    return math.pi


def _trig(fname: str, fn: Callable[[float], float], *aliases: str) -> None:
    def call(v: Value) -> float:
        (x,) = _floats(fname, v)
        try:
            return fn(x)
        except ValueError:  # outside the domain (ASIN(2.0), SIN(inf)): Rust gives NaN
            return math.nan

    call.__doc__ = f"{fname} of a float (radians; trig.rs)."
    builtin(fname, *aliases, min_args=1, max_args=1)(call)


for _name, _fn, *_aliases in (
    ("SIN", math.sin),
    ("COS", math.cos),
    ("TAN", math.tan),
    ("ASIN", math.asin),
    ("ACOS", math.acos),
    ("ATAN", math.atan, "ATN"),
):
    _trig(_name, _fn, *_aliases)


# ROUND, INT, FIX, FLOOR, CEIL take a float only (math/round.rs, math/basic_math.rs register
# ``f64`` versions): ROUND(3) is "Function not found" in General Bots, ROUND(3.0) is 3.


def _float_arg(name: str, *args: Value) -> float:
    if type(args[0]) is not float:
        raise not_found(name, *args)
    return args[0]


def _as_i64(x: float) -> int:
    """Rust's ``f64 as i64``: NaN is 0, out-of-range values saturate."""
    if x != x:
        return 0
    if x >= 2.0**63:
        return 2**63 - 1
    if x < -(2.0**63):
        return -(2**63)
    return int(x)


@builtin("ROUND", min_args=1, max_args=2)
def round_(v: Value, *digits: Value) -> int | float:
    """``ROUND(x)``: an integer, halves away from zero; ``ROUND(x, d)``: a float,
    ``round(x * 10^d) / 10^d`` (so ROUND(1.005, 2) is 1.0, as in the engine)."""
    x = _float_arg("ROUND", v, *digits)
    if not digits:
        return _as_i64(_round_away(x))
    if type(digits[0]) is not int:
        raise not_found("ROUND", v, *digits)
    d = (digits[0] + 2**31) % 2**32 - 2**31  # Rust: decimals as i32 (wraps)
    try:
        factor = 10.0**d
    except OverflowError:
        factor = math.inf
    return _round_away(x * factor) / factor if factor else math.nan


def _round_away(x: float) -> float:
    if not math.isfinite(x):
        return x
    r = math.floor(abs(x) + 0.5)
    if r - abs(x) > 0.5:
        r -= 1
    return math.copysign(r, x)


@builtin("INT", "FIX", min_args=1, max_args=1)
def int_(v: Value) -> int:
    """The value with its fraction dropped (``INT(-2.5)`` is -2; basic_math.rs ``trunc``)."""
    x = _float_arg("INT", v)
    return _as_i64(math.trunc(x) if math.isfinite(x) else x)


@builtin("FLOOR", min_args=1, max_args=1)
def floor_(v: Value) -> int:
    """The largest whole number not above the value."""
    x = _float_arg("FLOOR", v)
    return _as_i64(math.floor(x) if math.isfinite(x) else x)


@builtin("CEIL", "CEILING", min_args=1, max_args=1)
def ceil(v: Value) -> int:
    """The smallest whole number not below the value."""
    x = _float_arg("CEIL", v)
    return _as_i64(math.ceil(x) if math.isfinite(x) else x)


@builtin("MOD", min_args=2, max_args=2)
def mod(a: Value, b: Value) -> int | float:
    """``MOD(a, b)`` of two integers or two floats (basic_math.rs ``mod_keyword``): Rust's
    remainder, with the sign of ``a``; 0 when ``b`` is 0."""
    if type(a) is int and type(b) is int:
        if b == 0:
            return 0
        if b == -1:
            if a == -(2**63):
                raise BasicValueError("MOD(-9223372036854775808, -1) overflows: Rust panics "
                                      "on this remainder, which aborts General Bots")
            return 0
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if type(a) is float and type(b) is float:
        return 0.0 if b == 0 else math.fmod(a, b) if math.isfinite(a) else math.nan
    raise not_found("MOD", a, b)


@builtin("RANDOM", "RND", "RAND", min_args=0, max_args=2)
def random_(a: Value = None, b: Value = None) -> int | float:
    """``RANDOM()`` in [0, 1); ``RANDOM(max)`` whole in [0, max); ``RANDOM(min, max)`` inclusive."""
    if a is None:
        return random.random()
    if b is None:
        hi = to_int(a, "RANDOM max")
        return random.randrange(hi) if hi > 0 else 0
    lo, hi = to_int(a, "RANDOM min"), to_int(b, "RANDOM max")
    return lo if lo >= hi else random.randint(lo, hi)


@builtin("CINT", "CLNG", min_args=1, max_args=1)
def cint(v: Value) -> int:
    """A whole number: an integer as is, a float (or the trimmed text read as one) rounded
    half away from zero; 0 when the text is no number (validation/str_val.rs ``cint``)."""
    if type(v) is int:
        return v
    return _as_i64(_round_away(cdbl(v)))


@builtin("CDBL", "CSNG", "TONUMBER", min_args=1, max_args=1)
def cdbl(v: Value) -> float:
    """A float: a number converted, else the trimmed printed text read as one, else 0.0
    (validation/str_val.rs ``cdbl_keyword``)."""
    if type(v) is int or type(v) is float:
        return float(v)
    n = rust_parse_f64(rust_trim(to_display(v)))
    return 0.0 if n is None else n
