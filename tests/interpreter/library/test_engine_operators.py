"""Operators where Rhai 1.24 (the engine's interpreter) has a meaning Talkbench lacked."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("expr", "shown"), [
    ('"hello" - "l"', "heo"),
    ('"aaa" - "aa"', "a"),
    ('"-4" - "1e3"', "-4"),
    ('"abc" - ""', "abc"),
    ('"" - "abc"', "abc"),
])
def test_text_minus_text_removes_every_occurrence(expr: str, shown: str) -> None:
    """rhai src/types/immutable_string.rs, ``impl Sub for ImmutableString``: ``replace(rhs,
    "")``, and an empty side gives the other side (the engine's ``-`` on two strings)."""
    assert talks(f"TALK {expr}") == [shown]


def test_memory_values_subtract_as_text() -> None:
    """Bot memory holds text: "10" - "1" removes the "1" (gives "0"), it does not subtract."""
    assert talks('a = "10"\nb = "1"\nTALK a - b') == ["0"]


def test_text_minus_number_still_fails() -> None:
    with pytest.raises(BasicRuntimeError, match=r"Function not found: - \(string, i64\)"):
        talks('TALK "abc" - 1')


def test_float_remainder_of_an_infinity_is_nan() -> None:
    """Rust's f64 ``%`` (rhai src/func/builtin.rs ``Modulo``): inf % x is NaN, x % inf is x
    (Python's math.fmod raises for the first)."""
    assert talks("TALK 1e400 % 0.00001\nTALK 5.0 % 1e400\nx = -1e400\nTALK x % 3") == [
        "NaN", "5.0", "NaN"]


def test_integer_power_beyond_u32_overflows_even_for_zero() -> None:
    """rhai src/packages/arithmetic.rs ``power``: ``y > u32::MAX`` is "Exponential
    overflow" before any computing (1 ** 4294967295 is still 1)."""
    assert talks("TALK 1 ** 4294967295") == ["1"]
    with pytest.raises(BasicRuntimeError, match="Exponential overflow"):
        talks("TALK 0 ** 4294967296")
