"""``x += 1`` and its siblings: no pass of the General Bots converter rewrites them
(botbasic_compiler/src/syntax_transforms.rs ``convert_if_then_syntax`` leaves a line with
``+=`` without ``let``), and Rhai 1.24 runs them with its binary operators."""

from __future__ import annotations

import pytest

from interpreter import check_source
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("lines", "shown"), [
    ("x = 3\nx += 2", "5"),
    ("x = 3\nx *= 2.5", "7.5"),
    ("x = 2\nx **= 10", "1024"),
    ("x = 10\nx -= 2 * 3", "4"),
    ("x = 10\nx /= 4", "2"),
    ('s = "a"\ns += 1', "a1"),
])
def test_compound_assignment_applies_the_operator(lines: str, shown: str) -> None:
    assert talks(f"{lines}\nTALK x" if "s =" not in lines else f"{lines}\nTALK s") == [shown]


def test_check_is_quiet_on_compound_assignment() -> None:
    assert [d.message for d in check_source("x = 3\nx += 2\nTALK x\n", "t.bas")] == []


def test_a_spaced_plus_equals_is_no_compound_assignment() -> None:
    found = check_source("x = 5\nx + = 2\n", "t.bas")
    assert found and found[0].line == 2


@pytest.mark.parametrize(("lines", "shown"), [
    ("x = 5\nx <<= 2", "20"),
    ("x = 5\nx >>= 1", "2"),
    ("x = 5\nx |= 2", "7"),
    ("x = 5\nx &= 6", "4"),
    ("x = 5\nx ^= 1", "4"),
])
def test_bitwise_compound_assignment(lines: str, shown: str) -> None:
    """Rhai 1.24's ``<<= >>= |= &= ^=`` (src/func/builtin.rs ``get_builtin_op_assignment_fn``);
    ``<<=`` and ``>>=`` hold ``<=``/``>=``, so the converter adds no ``let`` to them."""
    assert talks(f"{lines}\nTALK x") == [shown]


def test_check_is_quiet_on_shift_assignment() -> None:
    assert [d.message for d in check_source("x = 3\nx <<= 2\nx >>= 1\nTALK x\n", "t.bas")] == []
