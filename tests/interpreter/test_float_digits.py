"""Floats print with the digits Rust picks (rhai src/types/float.rs ``impl Display for
FloatWrapper`` writes Rust's ``{}`` / ``{:e}``; core ``fmt::float`` uses ``flt2dec``'s
shortest digits). Where two shortest candidates are equally near the value, Rust takes the
upper one; Python's ``repr`` takes the even one (1e15 + 0.25: "…0.3" against "…0.2")."""

from __future__ import annotations

import pytest

from interpreter.values import debug_float, format_float, rust_repr, ryu_float
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("value", "shown"), [
    (1e15 + 0.25, "1.0000000000000003e15"),
    (1e15 + 1.25, "1.0000000000000013e15"),
    (-(1e15 + 0.25), "-1.0000000000000003e15"),
    (1e15 + 0.75, "1.0000000000000008e15"),  # Python's even digit is already the upper one
    (2e15 + 0.5, "2.0000000000000005e15"),  # no tie
    (0.1 + 0.2, "0.30000000000000004"),
])
def test_ties_round_to_the_upper_digit(value: float, shown: str) -> None:
    assert format_float(value) == shown


def test_the_same_digits_inside_lists_and_str() -> None:
    assert debug_float(1e15 + 0.25) == "1000000000000000.3"
    assert rust_repr(1e15 + 0.25) == "1000000000000000.3"
    assert talks("x = 1000000000000000.0 + 0.25\nTALK x\nTALK [x]\nTALK STR(x)") == [
        "1.0000000000000003e15", "[1000000000000000.3]", "1000000000000000.3"]


@pytest.mark.parametrize(("value", "written"), [
    (1e15, "1000000000000000.0"), (1e16, "1e16"), (0.00001, "0.00001"), (0.000001, "1e-6"),
    (-2.5e-7, "-2.5e-7"), (123.0, "123.0"), (-0.0, "-0.0"), (1.5e300, "1.5e300"),
    (1e15 + 0.25, "1000000000000000.2"),  # ryu's exact tie goes to the even digit, as repr's
])
def test_serde_json_writes_floats_as_ryu_does(value: float, written: str) -> None:
    # ryu 1.0.23 src/pretty/mod.rs (serde_json's floats): plain while -5 < kk <= 16
    assert ryu_float(value) == written
