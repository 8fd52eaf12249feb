"""Operators where Rhai 1.24 (the engine's interpreter) has a meaning Talkbench lacked."""

from __future__ import annotations

import re

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = re.escape("&str | ImmutableString | String")


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
    with pytest.raises(BasicRuntimeError, match=rf"Function not found: - \({TEXT}, i64\)"):
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


# Rhai 1.24's ``|``, ``<<`` and ``>>`` (src/func/builtin.rs for two INTs or two bools;
# src/packages/arithmetic.rs ``shift_left`` / ``shift_right`` for the counts) and their
# precedence (src/tokenizer.rs ``Token::precedence``: ``|`` 30 with OR and ``^``, ``&`` 60,
# ``<< >>`` 210, above ``**``). The converter rewrites none of them.
@pytest.mark.parametrize(("expr", "shown"), [
    ("6 | 3", "7"),
    ("true | false", "true"),
    ("1 << 63", "-9223372036854775808"),
    ("3 << 62", "-4611686018427387904"),
    ("1 << 64", "0"),
    ("1 << -1", "0"),
    ("8 >> -1", "16"),
    ("-8 >> 1", "-4"),
    ("8 >> 64", "0"),
    ("-8 >> 99", "-1"),
    ("-8 >> 5000000000", "-1"),
    ("1 << 5000000000", "0"),
    ("3 | 4 & 5", "7"),
    ("1 + 2 << 1", "5"),
    ("2 ** 1 << 2", "16"),
    ("-1 << 2", "-4"),
    ("5 ^ 1 | 2", "6"),
    ("7 >> 1 > 2", "true"),
])
def test_bitwise_or_and_shifts(expr: str, shown: str) -> None:
    assert talks(f"TALK {expr}") == [shown]


@pytest.mark.parametrize(("expr", "message"), [
    ("1 < 2 | 3", r"Function not found: \| \(bool, i64\)"),
    ('"a" | "b"', rf"Function not found: \| \({TEXT}, {TEXT}\)"),
    ("1.5 << 1", r"Function not found: << \(f64, i64\)"),
    ("4 >> true", r"Function not found: >> \(i64, bool\)"),
])
def test_bitwise_operators_refuse_other_types(expr: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        talks(f"TALK {expr}")


@pytest.mark.parametrize("expr", ["[1] < 1", "1 >= [1]", '#{} > "a"', "[1] <= #{}",
                                  '"a" < [1]'])
def test_ordering_an_array_or_map_with_another_type_is_false(expr: str) -> None:
    """rhai src/func/builtin.rs, "Default comparison operators for different, non-numeric
    types": < <= > >= of two types give false, arrays and maps included (only two arrays
    or two maps have no operator)."""
    assert talks(f"x = {expr}\nTALK x") == ["false"]


@pytest.mark.parametrize(("expr", "shown"), [
    # the engine-oracle's values: Rhai's ``in`` calls contains(container, item)
    ('"1" IN [1, 2]', "true"), ('1 IN ["1"]', "true"), ('"x" IN [1]', "false"),
    ("2 IN [1.0, 2.5]", "false"), ("2.0 IN [2]", "true"), ("true IN [1]", "false"),
    ('[1, 2] IN [[1, 2]]', "true"), ('"1.0" IN [1.0]', "true"),
    ('"B" IN "abc"', "false"), ('"B" IN "aBc"', "true"), ('"" IN ""', "true"),
    ('"a" IN #{a: 1}', "true"), ('"A" IN #{a: 1}', "false"),
])
def test_in_is_the_engines_array_contains_and_rhais_text_and_map_contains(
        expr: str, shown: str) -> None:
    """An array: the engine's ``contains`` (botbasic_core arrays/contains.rs, registered over
    Rhai's own: equal items or items that print the same); text: Rhai's case-sensitive
    ``contains``; a map: its exact keys."""
    assert talks(f"TALK {expr}") == [shown]


@pytest.mark.parametrize(("expr", "signature"), [
    ("1 IN 5", "contains (i64, i64)"), ('1 IN "abc"', f"contains ({TEXT}, i64)"),
    ("1 IN #{a: 1}", "contains (map, i64)"),
])
def test_in_on_other_values_is_function_not_found(expr: str, signature: str) -> None:
    with pytest.raises(BasicRuntimeError, match=re.escape("Function not found: ")
                       + signature.replace("(", r"\(").replace(")", r"\)")):
        talks(f"TALK {expr}")
