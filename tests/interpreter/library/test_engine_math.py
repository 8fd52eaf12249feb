"""The engine's math functions: exact argument types and IEEE results.

botserver/crates/botbasic_core/src/keywords/math/ at generalbots f59afde5: ``abs.rs``
(ABS: i64 and f64), ``basic_math.rs`` (SGN: i64 and f64; SQR/SQRT, POW/POWER: f64 only;
MOD: two i64 or two f64, 0 for a zero divisor) and ``trig.rs`` (SIN … ATN, LOG, LOG10, EXP:
f64 only). Rhai converts no argument, so an integer where only ``f64`` is registered is
"Function not found", and an f64 result is whatever Rust computes (NaN, ±inf), never an error.
"""

from __future__ import annotations

import re

import pytest

from interpreter import BasicRuntimeError, BasicSyntaxError
from tests.interpreter.helpers import talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"


@pytest.mark.parametrize(("call", "engine_error"), [
    ("SQRT(16)", "SQRT (i64)"),
    ("SQR(2)", "SQRT (i64)"),
    ("POW(2, 3)", "POW (i64, i64)"),
    ("POW(2.0, 3)", "POW (f64, i64)"),
    ("LOG(1)", "LOG (i64)"),
    ("LOG10(100)", "LOG10 (i64)"),
    ("EXP(0)", "EXP (i64)"),
    ("SIN(0)", "SIN (i64)"),
    ("ATN(1)", "ATAN (i64)"),
    ("ABS(\"3\")", f"ABS ({TEXT})"),
    ("SGN(TRUE)", "SGN (bool)"),
    ("MOD(7, 2.0)", "MOD (i64, f64)"),
])
def test_no_conversion_of_arguments(call: str, engine_error: str) -> None:
    with pytest.raises(BasicRuntimeError, match=re.escape(f"Function not found: {engine_error}")):
        talks(f"TALK {call}")


@pytest.mark.parametrize(("call", "shown"), [
    ("SQRT(16.0)", "4.0"),
    ("SQRT(-1.0)", "NaN"),
    ("POW(2.0, 10.0)", "1024.0"),
    ("POW(0.0, -1.0)", "inf"),
    ("POW(-0.0, -1.0)", "-inf"),
    ("POW(-8.0, 0.5)", "NaN"),
    ("POW(-10.0, 401.0)", "-inf"),
    ("LOG(0.0)", "-inf"),
    ("LOG(-1.0)", "NaN"),
    ("LOG10(1000.0)", "3.0"),
    ("EXP(1000.0)", "inf"),
    ("ASIN(2.0)", "NaN"),
    ("SIN(1e400)", "NaN"),
    ("ABS(-9223372036854775807 - 1)", "-9223372036854775808"),  # Rust's wrapping abs
    ("SGN(0.0 / 0.0)", "0"),
    ("MOD(7.5, 0.0)", "0.0"),
    ("MOD(-7.5, 2.0)", "-1.5"),
])
def test_ieee_results_not_errors(call: str, shown: str) -> None:
    assert talks(f"TALK {call}") == [shown]


def test_float_power_operator_is_powf() -> None:
    """Rhai's float ``**`` is Rust's ``powf`` too (rhai src/packages/arithmetic.rs)."""
    assert talks("TALK 0.0 ** -1.0\nTALK 10.0 ** 400.0") == ["inf", "inf"]


@pytest.mark.parametrize("call", ["LOG(8.0, 2.0)", "ATAN(1.0, 1.0)", "LN(1.0)", "TRUNC(1.5)",
                                  "SIGN(1)"])
def test_forms_the_engine_never_registered_fail(call: str) -> None:
    with pytest.raises((BasicRuntimeError, BasicSyntaxError)):
        talks(f"TALK {call}")


def test_mod_of_i64_min_by_minus_one_stops() -> None:
    """Rust panics on this remainder (basic_math.rs ``a % b``); production aborts."""
    with pytest.raises(BasicRuntimeError, match="panics"):
        talks("TALK MOD(-9223372036854775807 - 1, -1)")


def test_round_digits_wrap_to_i32() -> None:
    """math/round.rs: ``10_f64.powi(decimals as i32)``; Rust's ``as i32`` keeps the low 32
    bits (4294967298 is 2, i64::MAX is -1)."""
    assert talks("TALK ROUND(2.567, 4294967298)\nTALK ROUND(1e400, 9223372036854775807)\n"
                 "TALK ROUND(2.5, 4294967296)") == ["2.57", "inf", "3.0"]


def test_max_min_ignore_a_nan_side() -> None:
    """math/basic_math.rs ``max_keyword``: Rust's ``f64::max``/``min`` return the other
    side when one is NaN."""
    assert talks("n = 0.0 / 0.0\nTALK MAX(n, 2.5)\nTALK MIN(1.0, n)\nTALK max(n, 2.5)") == [
        "2.5", "1.0", "2.5"]
