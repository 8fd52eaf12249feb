"""Number literals as Rhai 1.24 tokenizes them (rhai src/tokenizer.rs, get_next_token_inner:
the digit branch and the ``negated`` glue; the engine runs the converted dialog through it)."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("literal", "shown"), [
    ("1e15", "1e15"),
    ("1E3", "1000.0"),
    ("1e+3", "1000.0"),
    ("2.5e-3", "0.0025"),
    ("1.5E2", "150.0"),
    ("1e400", "inf"),
    ("1.", "1.0"),
])
def test_exponent_and_trailing_point_make_floats(literal: str, shown: str) -> None:
    assert talks(f"x = {literal}\nTALK x") == [shown]


def test_float_literal_in_arithmetic() -> None:
    assert talks("TALK 1e15 + 1\nTALK 1. + 2\nTALK -1e400") == [
        "1.000000000000001e15", "3.0", "-inf"]


@pytest.mark.parametrize(("source", "shown"), [
    ("x = 9223372036854775808", "9.223372036854776e18"),
    ("x = 123456789012345678901234567890", "1.2345678901234568e29"),
    ("x = -9223372036854775809", "-9.223372036854776e18"),
    ("x = 9223372036854775807", "9223372036854775807"),
])
def test_integer_too_large_for_i64_is_a_float(source: str, shown: str) -> None:
    assert talks(f"{source}\nTALK x") == [shown]


def test_i64_min_literal_only_where_the_minus_glues() -> None:
    """After ``=`` or ``(`` Rhai glues ``-`` to the digits (i64::MIN); after a name such as
    TALK the minus is an operator on 9223372036854775808, which is a float."""
    assert talks("x = -9223372036854775808\nTALK x\nTALK (-9223372036854775808)\n"
                 "TALK -9223372036854775808") == [
        "-9223372036854775808", "-9223372036854775808", "-9.223372036854776e18"]



def test_i64_min_literal_after_if_is_an_integer() -> None:
    """The converter writes ``if -9223372036854775808 - 1 < 0``: ``if`` glues the minus, so
    the subtraction overflows i64 (a float would not)."""
    with pytest.raises(BasicRuntimeError, match="overflow"):
        talks("IF -9223372036854775808 - 1 < 0 THEN\n  TALK 1\nEND IF")
