"""``()``: Rhai's unit literal, the empty value, which General Bots dialogs may write.

Rhai 1.24's tokenizer (src/tokenizer.rs) reads ``()`` written together as one token, the unit
value; ``( )`` with a space is a parenthesis missing its value. Every expected line is what the
engine-oracle printed for the same dialog.
"""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, check_source
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("source", "shown"), [
    ("x = ()\nTALK x\nTALK x == ()", ["", "true"]),
    ("x = ()\nIF x = () THEN\n  TALK \"unit\"\nEND IF", ["unit"]),
    ('TALK "[" + () + "]"\nTALK () == ""', ["[]", "false"]),
    ("z = 1\nTALK z == ()\nTALK ().type_of()", ["false", "()"]),
    ("xs = [1, (), 2]\nTALK xs", ["[1, (), 2]"]),
    ("x = ()\nx = x ?? 5\nTALK x", ["5"]),
    ("TALK ()", [""]),
])
def test_unit_is_the_empty_value(source: str, shown: list[str]) -> None:
    assert talks(source) == shown


def test_a_function_given_unit_fails_as_in_general_bots() -> None:
    with pytest.raises(BasicRuntimeError, match=r"Function not found: LEN \(\(\)\)"):
        talks("TALK LEN(())")


def test_unit_is_quiet_in_check() -> None:
    assert check_source("x = ()\nIF x == () THEN\n  TALK ()\nEND IF\n", "u.bas") == []


def test_a_spaced_pair_is_still_a_missing_value() -> None:
    assert [d.severity.name for d in check_source("x = ( )\n", "u.bas")] == ["ERROR"]
