"""Overflow behaviour of the compiler's int fast paths (issue 25).

A release build skips the i64 range test where both operands have known bounds (FOR
variables between int literals, + - * MOD of such), tests one bound where the other side is
never negative (or never positive), and checks ``a + b * c`` as one expression. Every
operation still fails where Rhai's checked arithmetic fails, an intermediate result too
(Rhai v1.24.0 src/packages/arithmetic.rs: ``checked_mul`` ... "Multiplication overflow").
Each case runs in a release and a debug build (``both``), which must agree.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.library.operators import add, mul, sub

from ..helpers import both

I64_MAX = 2**63 - 1
I64_MIN = -(2**63)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def loop(body: str, start: int, end: int, step: int = 1) -> str:
    return (f"r = []\nFOR i = {start} TO {end} STEP {step}\n    x = {body}\n"
            "    r = r + [x]\nNEXT\nRETURN r\n")


@pytest.mark.parametrize(("body", "start", "end", "step", "expected"), [
    ("i * 3 MOD 7", 1, 5, 1, [3, 6, 2, 5, 1]),
    ("i * 3 MOD 7", -3, -1, 1, [-2, -6, -3]),
    ("i - 10 * i", 4, 1, -1, [-36, -27, -18, -9]),
    ("i * i - i + 1", 0, 3, 1, [1, 1, 3, 7]),
    ("i * 4611686018427387903", 1, 2, 1, [4611686018427387903, 9223372036854775806]),
    ("i - 4611686018427387904 - 4611686018427387904", 0, 0, 1, [I64_MIN]),
    ("i + 9223372036854775806", 0, 1, 1, [9223372036854775806, I64_MAX]),
])
def test_bounded_loop_arithmetic_gives_the_language_values(
        body: str, start: int, end: int, step: int, expected: list[int]) -> None:
    assert both(loop(body, start, end, step), {}) == ("ok", expected)


@pytest.mark.parametrize(("body", "start", "end", "error"), [
    ("i + 9223372036854775806", 1, 2, "Addition overflow"),
    ("i * 4611686018427387904", 1, 2, "Multiplication overflow"),
    ("i * 3074457345618258603", 2, 3, "Multiplication overflow"),
    ("i - 9223372036854775807", -2, -1, "Subtraction overflow"),
    ("-9223372036854775807 + (i MOD 3)", -2, -1, "Addition overflow"),
    ("9223372036854775807 - (i MOD 5)", -1, 0, "Subtraction overflow"),
    ("i * i * i * 3037000500", 1000, 2000, "Multiplication overflow"),
])
def test_bounded_loop_arithmetic_past_i64_fails(body: str, start: int, end: int,
                                                 error: str) -> None:
    status, message = both(loop(body, start, end), {})
    assert status == "error" and error in message


@pytest.mark.parametrize(("source", "error"), [
    ("RETURN c + a * b", "Multiplication overflow: 4611686018427387904 * 2"),
    ("RETURN a * b + c", "Multiplication overflow: 4611686018427387904 * 2"),
    ("RETURN m + 1 - a", "Addition overflow"),
    ("RETURN n - 1 + a", "Subtraction overflow"),
    ("RETURN c + a * b * c", "Multiplication overflow"),
])
def test_an_intermediate_overflow_fails_though_the_result_would_fit(source: str,
                                                                    error: str) -> None:
    variables = {"a": 4611686018427387904, "b": 2, "c": -10, "m": I64_MAX, "n": I64_MIN}
    status, message = both(source, variables)
    assert status == "error" and error in message


def test_one_sided_range_test_with_a_non_negative_side_keeps_both_bounds() -> None:
    source = ("r = []\nFOR i = 1 TO 3\n    r = r + [x + (i MOD 2)]\n    r = r + [y - i]\nNEXT\n"
              "RETURN r")
    assert both(source, {"x": I64_MAX - 1, "y": I64_MIN + 3}) == (
        "ok", [I64_MAX, I64_MIN + 2, I64_MAX - 1, I64_MIN + 1, I64_MAX, I64_MIN])
    status, message = both(source, {"x": I64_MAX, "y": 0})
    assert status == "error" and "Addition overflow" in message
    status, message = both(source, {"x": 0, "y": I64_MIN + 1})
    assert status == "error" and "Subtraction overflow" in message


edges = st.one_of(st.integers(min_value=-40, max_value=40),
                  st.sampled_from([I64_MAX, I64_MIN, I64_MAX - 1, I64_MIN + 1, 2**62, -(2**62),
                                   3037000499, 3037000500, -3037000500]))


def model(a: int, b: int, c: int) -> tuple[str, object]:
    """``c + a * b - c`` with the language's operator functions, one at a time."""
    try:
        return "ok", sub(add(c, mul(a, b)), c)
    except Exception as e:  # noqa: BLE001 - the error's text is the outcome
        return "error", str(e).split(":")[0]


@SETTINGS
@given(edges, edges, edges)
def test_fused_arithmetic_matches_the_operators_one_at_a_time(a: int, b: int, c: int) -> None:
    status, value = both("RETURN c + a * b - c", {"a": a, "b": b, "c": c})
    expected = model(a, b, c)
    assert status == expected[0]
    if status == "ok":
        assert value == expected[1]
    else:
        assert str(value).startswith(str(expected[1]))


@SETTINGS
@given(st.integers(min_value=-3, max_value=3), st.integers(min_value=-3, max_value=3), edges)
def test_bounded_loop_plus_any_int_matches_the_operators(lo: int, hi: int, x: int) -> None:
    source = "r = []\nFOR i = {} TO {}\n    r = r + [x + i * 2 MOD 3]\nNEXT\nRETURN r"
    status, value = both(source.format(lo, hi), {"x": x})
    expected: list[int] = []
    try:
        for i in range(lo, hi + 1):
            k = i * 2
            expected.append(add(x, (abs(k) % 3) * (1 if k >= 0 else -1)))
    except Exception:  # noqa: BLE001 - any overflow: the run must fail too
        assert status == "error" and "Addition overflow" in str(value)
        return
    assert (status, value) == ("ok", expected)


# ------------------------------------------- variables that hold an int (int_locals)


@pytest.mark.parametrize(("source", "variables", "expected"), [
    # Assigned only ints after an int literal: text joins print the int.
    ("a = 0\nFOR i = 1 TO 3\n    a = a + 2 * a + 1\nNEXT\nRETURN \"a=\" + a + \"!\"", {},
     "a=13!"),
    # Read before its first assignment: the caller's value (text) joins.
    ("x = a + 1\na = 0\na = a + 1\nRETURN x + \"/\" + a", {"a": "t"}, "t1/1"),
    # One branch assigns text: no longer an int.
    ("a = 0\nIF flag = 1 THEN\n    a = \"x\"\nEND IF\na = a + 1\nRETURN a", {"flag": 1}, "x1"),
    # Assigned from a variable that is not always an int.
    ("a = 0\nb = 0\nb = c\na = a + b\nRETURN a", {"c": "z"}, "0z"),
    # A loop variable joined to the int.
    ("a = 5\nFOR EACH a IN [\"p\", \"q\"]\n    s = 1\nNEXT\nRETURN a + 1", {}, "q1"),
    # GOTO may skip the first assignment.
    ("GOTO later\na = 0\nlater:\na = a + 1\nRETURN a", {"a": "g"}, "g1"),
])
def test_int_variables_keep_the_language_semantics(source: str, variables: dict[str, object],
                                                   expected: object) -> None:
    assert both(source, variables) == ("ok", expected)


@pytest.mark.parametrize(("source", "error"), [
    ("a = 9223372036854775807\nb = 0\nb = b - 1\na = a - b\nRETURN a", "Subtraction overflow"),
    ("a = -9223372036854775807\nFOR i = 1 TO 2\n    a = a - 1\nNEXT\nRETURN a",
     "Subtraction overflow"),
    ("a = 3037000500\na = a * a\nRETURN a", "Multiplication overflow"),
])
def test_int_variables_still_fail_past_i64(source: str, error: str) -> None:
    status, message = both(source, {})
    assert status == "error" and error in message


@pytest.mark.parametrize("source", ["RETURN a - 3", "RETURN a + 1", "RETURN (a - 3) * 0 + 1",
                                    "RETURN 1 + a - 3"])
def test_an_input_int_already_past_i64_fails_in_one_sided_tests(source: str) -> None:
    status, _ = both(source, {"a": I64_MAX + 4})
    assert status == "error"
