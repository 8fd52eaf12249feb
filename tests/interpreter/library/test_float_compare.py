"""Comparisons with a float as Rhai 1.24 makes them (rhai src/func/builtin.rs, ``impl_float``:
the engine builds Rhai without ``unchecked``, so ``==`` ``!=`` ``<`` … on floats, or a float
and an integer, compare the difference relative to the larger magnitude with f64::EPSILON,
and against 1.0 when either side is zero)."""

from __future__ import annotations

import pytest

from interpreter.library.operators import eq, ge, gt, le, lt, ne
from tests.interpreter.helpers import talks

NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(("a", "b", "results"), [
    # (a, b, (=, <>, <, <=, >, >=))
    (0.1 + 0.2, 0.3, (True, False, False, True, False, True)),
    (1, 1.0000000000000002, (True, False, False, True, False, True)),
    (1e-17, 0.0, (True, False, False, True, False, True)),  # zero: an absolute epsilon
    (1e-300, 0.0, (True, False, False, True, False, True)),
    (1.5, 1, (False, True, False, False, True, True)),
    (9007199254740993, 9007199254740992.0, (True, False, False, True, False, True)),
    (NAN, 0.0, (True, False, False, True, False, True)),  # scale 0.0: "equal"
    (NAN, 1.0, (False, False, False, False, False, False)),
    (NAN, NAN, (False, False, False, False, False, False)),
    (INF, 0.0, (False, False, False, False, False, False)),
    (INF, INF, (False, False, False, False, False, False)),
    (0, INF, (False, False, False, False, False, False)),
])
def test_float_comparisons(a: float, b: float, results: tuple[bool, ...]) -> None:
    assert (eq(a, b), ne(a, b), lt(a, b), le(a, b), gt(a, b), ge(a, b)) == results


def test_integers_compare_exactly() -> None:
    assert not eq(9007199254740993, 9007199254740992)
    assert lt(9007199254740992, 9007199254740993)


def test_in_a_dialog() -> None:
    source = ('x = 0.1 + 0.2\nIF x = 0.3 THEN\n  TALK "equal"\nEND IF\n'
              'n = 0.0 / 0.0\nIF n <> n THEN\n  TALK "differs"\nELSE\n  TALK "same"\nEND IF\n'
              'IF 1e400 > 0.0 THEN\n  TALK "bigger"\nELSE\n  TALK "not bigger"\nEND IF')
    assert talks(source) == ["equal", "same", "not bigger"]


def test_a_float_loop_stops_where_the_engine_stops() -> None:
    """0.1 added ten times is 0.9999999999999999, which Rhai's < finds not below 1.0: the
    loop runs 10 times in General Bots (11 with an exact comparison)."""
    source = "i = 0.0\nn = 0\nWHILE i < 1.0\n  i = i + 0.1\n  n = n + 1\nWEND\nTALK n"
    assert talks(source) == ["10"]
