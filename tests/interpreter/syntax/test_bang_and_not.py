"""``!`` and ``NOT`` as the engine reads them.

``!`` is Rhai's unary operator, as tight as unary minus (rhai src/parser.rs
``parse_unary``): ``1 + !x`` parses and ``!x = y`` is ``(!x) = y``. ``NOT`` has no Rhai
operator; where an operand is expected, ``NOT (…)`` calls the engine's function ``NOT(bool)``
(botbasic_core/src/keywords/string_functions.rs ``not_operator``).
"""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks


def test_bang_is_an_operand_of_arithmetic() -> None:
    with pytest.raises(BasicRuntimeError, match=r"Function not found: \+ \(i64, bool\)"):
        talks("x = 7\nTALK 1 + !(x > 5)")


def test_bang_binds_before_a_comparison() -> None:
    """``!x > 5`` is ``(!x) > 5``: ! of an integer, as in Rhai (not NOT (x > 5)); Rhai
    names its own operator in the error, not the engine's NOT function."""
    with pytest.raises(BasicRuntimeError, match=r"Function not found: ! \(i64\)"):
        talks("x = 7\nIF !x > 5 THEN\n  TALK 1\nEND IF")


def test_bang_of_booleans() -> None:
    assert talks("a = true\nb = false\nTALK !a && !b\nTALK !!(a == true)") == ["false", "true"]


def test_not_call_where_an_operand_is_expected() -> None:
    assert talks("total = 100\nr = total >= NOT (3.14159 < 0.0)\nTALK r\n"
                 "t = (1.0e-5 == NOT (total >= 255)) && true\nTALK t") == ["false", "false"]


def test_not_call_needs_a_boolean() -> None:
    with pytest.raises(BasicRuntimeError, match=r"NOT \(i64\)"):
        talks("TALK 1 >= NOT (5)")
