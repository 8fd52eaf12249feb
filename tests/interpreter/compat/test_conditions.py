"""A constant condition that is not a boolean: General Bots 2026-05 cannot compile it.

Checked with the engine-oracle: ``IF 1 THEN``, ``IF "a" THEN``, ``IF -1 THEN``, ``IF [1] THEN``,
``IF #{a: 1} THEN``, ``IF 1.5 THEN`` and ``WHILE 1`` fail with "Expecting a boolean
expression, not a number" (… a string, an array, an object map, a floating-point number);
Rhai 1.24 ``src/parser.rs`` ``ensure_bool_expr`` checks if and while conditions. A computed
condition (``IF 1 + 1 THEN``) compiles and fails only when it runs, as Talkbench does.
"""

from __future__ import annotations

import pytest

from interpreter import check_source


def refused(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "Expecting a boolean expression" in d.message]


@pytest.mark.parametrize("condition, kind", [
    ("1", "a number"), ("-1", "a number"), ('"a"', "a string"), ("1.5", "a floating-point"),
    ("[1]", "an array"), ("#{a: 1}", "an object map"),
])
def test_a_constant_if_condition_is_refused(condition: str, kind: str) -> None:
    found = refused(f"TALK 0\nIF {condition} THEN\n  TALK 1\nEND IF\n")
    assert [(line, col) for line, col, _ in found] == [(2, 4)]
    assert kind in found[0][2]


def test_elseif_and_while_conditions_too() -> None:
    source = "x = 1\nIF x = 1 THEN\n  TALK 1\nELSEIF 2 THEN\n  TALK 2\nEND IF\nWHILE 1\nWEND\n"
    assert [line for line, _, _ in refused(source)] == [4, 7]


@pytest.mark.parametrize("condition", ["true", "1 + 1", "x", "x = 1", "NOT x"])
def test_other_conditions_are_left_to_the_run(condition: str) -> None:
    assert refused(f"x = false\nIF {condition} THEN\n  TALK 1\nEND IF\n") == []


# scripts/compat_oracle_check.py checks that the engine-oracle cannot compile these: Rhai
# checks both sides of && and || (the converter's AND and OR in a condition) the same way.
REFUSED_SIDES = [
    ('x = 1\nIF x > 1 AND "yes" THEN\n  TALK 1\nEND IF\n', (2, 14), "a string"),
    ('x = 1\nIF x = 1 THEN\n  TALK 0\nELSEIF x > 1 OR (x = 2 AND 2) THEN\n  TALK 1\nEND IF\n',
     (4, 28), "a number"),
    ('x = 1\nIF -1 OR x = 1 THEN\n  TALK 1\nEND IF\n', (2, 4), "a number"),
]


@pytest.mark.parametrize(("source", "where", "kind"), REFUSED_SIDES)
def test_a_constant_side_of_and_or_is_refused(source: str, where: tuple[int, int],
                                              kind: str) -> None:
    [(line, col, message)] = refused(source)
    assert (line, col) == where
    assert f"a side of {'AND' if ' AND ' in source else 'OR'} that is {kind}" in message


def test_computed_sides_are_left_to_the_run() -> None:
    assert refused("x = 1\nIF x > 1 AND (x + 1) THEN\n  TALK 1\nEND IF\n") == []
