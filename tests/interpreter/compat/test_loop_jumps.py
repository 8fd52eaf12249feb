"""BREAK or CONTINUE outside a loop: General Bots 2026-05 cannot compile it (the engine-oracle:
"Break statement should only be used inside a loop"); inside a WHILE, SELECT CASE included,
it compiles."""

from __future__ import annotations

import pytest

from interpreter import check_source

# scripts/compat_oracle_check.py checks these against the engine-oracle
OUTSIDE_LOOPS = [
    ('TALK 1\nBREAK\nTALK 2\n', (2, 1)),
    ('x = "1"\nSELECT x\n  CASE "1"\n    TALK "a"\n    CONTINUE\nEND SELECT\n', (5, 5)),
]
INSIDE_LOOPS = [
    ('i = 0\nWHILE i < 5\n  i = i + 1\n  x = "" + i\n  SELECT x\n    CASE "2"\n      BREAK\n'
    '  END SELECT\nWEND\nTALK i\n'),
    'i = 0\nWHILE i < 3\n  i = i + 1\n  CONTINUE\nWEND\n',
]


def jumps(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "only inside a loop" in d.message]


@pytest.mark.parametrize(("source", "where"), OUTSIDE_LOOPS)
def test_outside_a_loop_it_fails_to_compile(source: str, where: tuple[int, int]) -> None:
    [(line, col, message)] = jumps(source)
    assert (line, col) == where and "fails to compile this" in message


@pytest.mark.parametrize("source", INSIDE_LOOPS)
def test_inside_a_loop_it_is_quiet(source: str) -> None:
    assert jumps(source) == []


# The engine-oracle compiles these and goes on after END (it prints "a" and "b"; as the last
# statement of an IF block END stops with "Variable not found: END"): no pass converts END.
END_GOES_ON = ['TALK "a"\nEND\nTALK "b"\n',
               'x = 1\nIF x = 1 THEN\n  END\n  TALK "a"\nEND IF\nTALK "b"\n']


@pytest.mark.parametrize(("source", "line"), list(zip(END_GOES_ON, [2, 3], strict=True)))
def test_end_is_warned_as_not_ending_the_dialog(source: str, line: int) -> None:
    [(at, message)] = [(d.line, d.message) for d in check_source(source, "t.bas")
                       if "does not end the dialog" in d.message]
    assert at == line and "compile" not in message


def test_exit_alone_keeps_its_compile_failure_only() -> None:
    found = [d.message for d in check_source("x = 1\nIF x = 1 THEN\n  EXIT\nEND IF\n", "t.bas")
             if d.line == 3]
    assert len(found) == 1 and "fails to compile" in found[0]
