"""``${…}`` in BEGIN TALK blocks as blocks/talk.rs converts it.

``convert_talk_line_with_substitution`` (botbasic_compiler/src/blocks/talk.rs) copies a
substitution's characters one by one: letters, digits, ``_ . [ ] , "`` and parentheses stay,
a space inside parentheses stays, a space, ``:`` or ``=`` outside them ends the substitution
(the rest is text), any other sign is dropped. The engine-oracle prints, for x = 5:
``A ${x + 1} B`` → "A 5 + 1} B", ``I ${x*2} J`` → Variable not found: x2, ``E ${ x } F`` →
"E  x } F", while ``${UCASE(n)}`` and ``${LEFT(n, 2)}`` work.
"""

from __future__ import annotations

import pytest

from interpreter import check_source
from interpreter.compat.talk_blocks import engine_substitution


@pytest.mark.parametrize(("expr", "code", "stop"), [
    ("x", "x", None),
    ("UCASE(n)", "UCASE(n)", None),
    ("LEFT(n, 2)", "LEFT(n, 2)", None),
    ("row.name", "row.name", None),
    ('m["k"]', 'm["k"]', None),
    ("x + 1", "x", 1),
    ("x*2", "x2", None),
    (" x ", "", 0),
    ("a:b", "a", 1),
    ("x-1", "x1", None),
])
def test_what_the_converter_keeps(expr: str, code: str, stop: int | None) -> None:
    assert engine_substitution(expr) == (code, stop)


def substitutions(block: str) -> list[tuple[int, str]]:
    source = 'x = 5\nn = "ann"\nm = #{k: 1}\nBEGIN TALK\n' + block + "END TALK\n"
    return [(d.line, d.message) for d in check_source(source, "t.bas")
            if "BEGIN TALK substitution" in d.message]


def test_mangled_substitutions_are_reported_once_per_line() -> None:
    found = substitutions("A ${x + 1} B ${x * 2}\nI ${x*2} J\nE ${ x } F\n")
    assert [line for line, _ in found] == [5, 6, 7]
    assert 'turns ${x + 1} into ${x} followed by the text " + 1}"' in found[0][1]
    assert "turns ${x*2} into ${x2}" in found[1][1]
    assert 'turns ${ x } into nothing followed by the text " x }"' in found[2][1]


def test_names_calls_and_indexes_are_quiet() -> None:
    assert substitutions('C ${UCASE(n)} D ${LEFT(n, 2)}\nG ${x}:${n} ${m["k"]}\n') == []


def blank_notes(block: str) -> list[int]:
    source = "BEGIN TALK\n" + block + "END TALK\n"
    return [d.line for d in check_source(source, "t.bas") if "blank lines" in d.message]


def test_blank_lines_are_reported_once_whenever_they_change_the_text() -> None:
    # lib.rs preprocess_basic drops them: the oracle prints "" for two blank lines, "A" for
    # "A" and a blank line (Talkbench keeps them: "\n", "A\n").
    assert blank_notes("\n\n") == [2]
    assert blank_notes("A\n\n") == [3]
    assert blank_notes("\nA\n\nB\n") == [2]
    assert blank_notes("\n") == []


def escape_notes(block: str) -> list[tuple[int, int, str]]:
    source = "BEGIN TALK\n" + block + "END TALK\n"
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "escape" in d.message]


def test_a_rejected_escape_wins_over_an_earlier_read_one() -> None:
    # The oracle: "C:\\x \\d" stops at \d; "C:\\" (a \ at the end) with "Open string is not
    # terminated", as the backslash escapes the quote the converter closes the text with.
    found = escape_notes("C:\\\\x \\d\nC:\\\nok \\t\n")
    assert [(line, col) for line, col, _ in found] == [(2, 7), (3, 3), (4, 4)]
    assert "rejects the escape \\d" in found[0][2]
    assert "rejects the escape \\ " in found[1][2]
    assert "prints a tab for \\t" in found[2][2]
