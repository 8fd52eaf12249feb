"""Built-in math functions and numeric conversions (CINT, CDBL, ROUND, INT, MOD, RANDOM ...)."""

from __future__ import annotations

import decimal
import math
import random
from collections.abc import Callable

from interpreter.library.builtins.core import builtin
from interpreter.library.formatting import rust_parse_f64, rust_trim
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


@builtin("ABS", min_args=1, max_args=1)
def abs_(v: Value) -> int | float:
    """Absolute value."""
    return abs(num(v, "ABS"))


@builtin("SGN", "SIGN", min_args=1, max_args=1)
def sgn(v: Value) -> int:
    """-1, 0 or 1 by the sign of the number."""
    n = num(v, "SGN")
    return (n > 0) - (n < 0)


@builtin("SQR", "SQRT", min_args=1, max_args=1)
def sqrt(v: Value) -> float:
    """Square root."""
    n = num(v, "SQRT")
    if n < 0:
        raise BasicValueError(f"SQRT of a negative number ({to_display(n)})")
    return math.sqrt(n)


@builtin("POW", "POWER", min_args=2, max_args=2)
def power(a: Value, b: Value) -> int | float:
    """``a`` raised to ``b`` (exact for moderate whole numbers)."""
    x, y = num(a, "POW"), num(b, "POW")
    if isinstance(x, int) and isinstance(y, int) and 0 <= y and abs(x).bit_length() * y <= 4096:
        return x**y
    if x == 0 and y < 0:
        raise BasicValueError("POW: zero cannot be raised to a negative power")
    return math.pow(x, y)


def _positive(v: Value, fname: str) -> float:
    n = num(v, fname)
    if n <= 0:
        raise BasicValueError(f"{fname} needs a positive number, got {to_display(n)}")
    return n


@builtin("LOG", "LN", min_args=1, max_args=2)
def log(v: Value, base: Value = None) -> float:
    """Natural logarithm, or the logarithm in ``base``."""
    x = _positive(v, "LOG")
    if base is None:
        return math.log(x)
    b = _positive(base, "LOG")
    if b == 1:
        raise BasicValueError("LOG base cannot be 1")
    return math.log(x, b)


@builtin("LOG10", min_args=1, max_args=1)
def log10(v: Value) -> float:
    """Base-10 logarithm."""
    return math.log10(_positive(v, "LOG10"))


@builtin("EXP", min_args=1, max_args=1)
def exp(v: Value) -> float:
    """e raised to the number."""
    return math.exp(num(v, "EXP"))


@builtin("PI", min_args=0, max_args=0)
def pi() -> float:
    """The constant π."""
    return math.pi


def _trig(fname: str, fn: Callable[[float], float]) -> None:
    def call(v: Value) -> float:
        return fn(num(v, fname))

    call.__doc__ = f"{fname} of a number (radians)."
    builtin(fname, min_args=1, max_args=1)(call)


for _name, _fn in (
    ("SIN", math.sin),
    ("COS", math.cos),
    ("TAN", math.tan),
    ("ASIN", math.asin),
    ("ACOS", math.acos),
):
    _trig(_name, _fn)


@builtin("ATAN", "ATN", min_args=1, max_args=2)
def atan(y: Value, x: Value = None) -> float:
    """Arc tangent; with two arguments, the angle of the point (x, y)."""
    if x is None:
        return math.atan(num(y, "ATAN"))
    return math.atan2(num(y, "ATAN"), num(x, "ATAN"))


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
    d = max(-(2**31), min(2**31 - 1, digits[0]))  # Rust: decimals as i32
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


@builtin("INT", "FIX", "TRUNC", min_args=1, max_args=1)
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
    """Remainder with the sign of ``a`` (as in VB); 0 when ``b`` is 0."""
    x, y = num(a, "MOD"), num(b, "MOD")
    if y == 0:
        return 0
    if isinstance(x, int) and isinstance(y, int):
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    return math.fmod(x, y)


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
