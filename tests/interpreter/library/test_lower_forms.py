"""Function names as Rhai resolves them: by exact spelling.

The engine registers ``SQRT`` and ``sqrt`` (botbasic_core/src/keywords/math/*.rs,
validation/str_val.rs); a mixed-case ``Sqrt`` is "Function not found", and a few lower-case
names take other types than their upper-case twin (``sgn`` and ``mod`` integers only, ``val``
text only; ``max``/``min`` with mixed types and ``ceiling`` are Rhai's own, rhai
src/packages/logic.rs and math_basic.rs).
"""

from __future__ import annotations

import re

import pytest

from interpreter import BasicRuntimeError, check_source
from tests.interpreter.helpers import talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = re.escape("&str | ImmutableString | String")


@pytest.mark.parametrize(("call", "shown"), [
    ("max(1, 2.5)", "2.5"),
    ("min(2.5, 1)", "1.0"),
    ("max(3, 2)", "3"),
    ("ceiling(2.1)", "3.0"),
    ('val(" 3.5 ")', "3.5"),
    ("sgn(-2)", "-1"),
    ("mod(-7, 2)", "-1"),
    ('IsEmpty("")', "true"),
    # botbasic_core arrays/mod.rs: first/last take an array and give its item.
    ("first([3, 1, 2])", "3"),
    ("last([3, 1, 2])", "2"),
    ("first([])", ""),
])
def test_lower_case_forms_compute_as_the_engine(call: str, shown: str) -> None:
    assert talks(f"TALK {call}") == [shown]


@pytest.mark.parametrize(("call", "engine_error"), [
    ("sgn(-2.5)", r"sgn \(f64\)"),
    ("mod(7.0, 2.0)", r"mod \(f64, f64\)"),
    ("val(3)", r"val \(i64\)"),
    ("atn(1.0)", r"atn \(f64\)"),
    ("cint(TRUE)", r"cint \(bool\)"),
    ("Sqrt(4.0)", r"Sqrt \(f64\)"),
    ('Len("abc")', rf"Len \({TEXT}\)"),
    ('first("hello world")', rf"first \({TEXT}\)"),
])
def test_spellings_the_engine_lacks_fail(call: str, engine_error: str) -> None:
    with pytest.raises(BasicRuntimeError, match="Function not found: " + engine_error):
        talks(f"TALK {call}")


def test_upper_case_forms_keep_the_registry_meaning() -> None:
    assert talks("TALK MAX(1, 2)\nTALK VAL(3)\nTALK SGN(-2.5)") == ["2", "3.0", "-1"]


def test_check_warns_at_a_mixed_case_name() -> None:
    found = [d for d in check_source("x = Sqrt(4.0)\nTALK x\n", "t.bas")
             if "has no function 'Sqrt'" in d.message]
    assert [(d.line, d.col) for d in found] == [(1, 5)]


def test_a_mixed_case_name_in_text_production_prints_is_quiet() -> None:
    """General Bots prints the ${…} of a "…" literal as written: no call to warn about."""
    found = [d for d in check_source('TALK "root: ${Sqrt(4.0)}"\n', "t.bas")
             if "has no function" in d.message]
    assert found == []


def test_a_sub_of_that_name_is_called_as_written() -> None:
    assert talks("FUNCTION Len(x)\nRETURN \"mine\"\nEND FUNCTION\nTALK Len(1)") == ["mine"]
