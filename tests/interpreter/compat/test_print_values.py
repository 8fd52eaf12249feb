"""PRINT takes one value in General Bots (print.rs: ``PRINT $expr$``); the engine-oracle
fails to compile ``PRINT "a", "b"`` ("Expecting ';' to terminate this statement")."""

from __future__ import annotations

from interpreter import check_source
from interpreter.events import Printed
from tests.interpreter.helpers import run


def warned(source: str) -> list[tuple[int, int]]:
    return [(d.line, d.col) for d in check_source(source, "t.bas")
            if "PRINT takes one value" in d.message]


def test_print_with_several_values_is_warned_at_the_second() -> None:
    source = 'x = 1\nPRINT "total", x\n'
    assert warned(source) == [(2, 16)]
    assert [e.text for e in run(source).events if isinstance(e, Printed)] == ["total 1"]


def test_print_with_one_value_is_quiet() -> None:
    assert warned('x = 1\nPRINT "total " + x\nPRINT x\n') == []
