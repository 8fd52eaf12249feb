"""String literals General Bots reads in a different way: warnings from ``talkbench check``.

The converter (botbasic_compiler/src/syntax_transforms.rs) passes strings on to Rhai as
written, and Rhai 1.24's tokenizer (``src/tokenizer.rs`` ``parse_string_literal``) decides:
- an escape other than ``\\n \\t \\r \\\\ \\" \\xHH \\uHHHH \\UHHHHHHHH`` is a compile error
  ("Invalid escape sequence: '\\d'"), e.g. a Windows path ``"C:\\data"``;
- ``'abc'`` is not text but a malformed character literal (a compile error); ``'a'`` is fine;
- ``${name}`` in ``"…"`` prints as written: only backtick strings interpolate in Rhai, and
  the converter expands ``${}`` only in BEGIN TALK blocks (blocks/talk.rs). No keyword code
  substitutes it at run time either.
Talkbench keeps the documented meaning (the backslash, the text, the interpolation) and warns.
"""

from __future__ import annotations

import pytest

from interpreter import check_source
from interpreter.compat.string_literals import rejected_escape
from tests.interpreter.helpers import talks


def findings(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "General Bots" in d.message]


@pytest.mark.parametrize(("line", "col", "escape"), [
    ('TALK "C:\\data"', 9, "\\d"),
    ('TALK "it\\\'s"', 9, "\\'"),
    ('TALK "nul\\0"', 10, "\\0"),
    ('x = "\\u{1F600}"', 6, "\\u{"),
    ('x = "ok \\x4g"', 9, "\\x4g"),
    ('x = "\\uD800"', 6, "\\uD800"),
])
def test_an_escape_rhai_rejects_is_reported_where_it_stands(line: str, col: int,
                                                             escape: str) -> None:
    found = findings(line + "\n")
    assert len(found) == 1
    assert found[0][:2] == (1, col)
    assert f"fails to compile this: Rhai rejects the escape {escape} " in found[0][2]


def test_only_the_first_rejected_escape_of_a_string_is_reported() -> None:
    assert len(findings('TALK "\\d and \\w"\n')) == 1


def test_escapes_rhai_reads_are_quiet() -> None:
    source = 'x = "a\\tb\\nc\\r\\\\ \\"q\\" ""d"" \\x41 \\u00e9 \\U0001F600"\nTALK x\n'
    assert findings(source) == []
    assert rejected_escape('"\\x41\\\\d"') is None  # the \\ is one escape, d is a letter


def test_the_documented_meaning_still_runs() -> None:
    assert talks('TALK "C:\\data"\n') == ["C:\\data"]


def test_single_quoted_text_does_not_compile_but_one_character_does() -> None:
    found = findings("TALK 'abc'\nTALK 'a'\nTALK ''\n")
    assert [(line, col) for line, col, _ in found] == [(1, 6), (3, 6)]
    assert "reads '…' as one character" in found[0][2]
    assert talks("TALK 'abc'\n") == ["abc"]


def test_interpolation_in_a_plain_string_prints_as_written_in_general_bots() -> None:
    source = 'name = "Ann"\nTALK "Hi ${name}!"\nTALK "no ${ here"\n'
    found = findings(source)
    assert [(line, col) for line, col, _ in found] == [(2, 6)]
    assert "prints ${…} in \"Hi ${name}!\" as written" in found[0][2]
    assert talks(source) == ["Hi Ann!", "no ${ here"]


def test_interpolation_in_a_begin_talk_block_is_quiet() -> None:
    source = 'name = "Ann"\nBEGIN TALK\nHi ${name}!\nEND TALK\n'
    assert findings(source) == []


def test_dropped_lines_are_not_checked() -> None:
    assert findings('REM "C:\\data"\n\' "C:\\data"\n') == []


def test_a_one_character_argument_is_a_char_that_string_functions_reject() -> None:
    # Engine-oracle: UCASE('a') stops with "Function not found: UCASE (char)", while
    # 'a' + "b" is "ab" and TALK 'a' prints a.
    found = findings("TALK UCASE('a')\nTALK REPLACE(\"x\", 'x', \"y\")\nTALK 'a' + \"b\"\n")
    assert [(line, col) for line, col, _ in found] == [(1, 12), (2, 19)]
    assert "reads 'a' as a character, not text" in found[0][2]


def test_curly_quotes_as_delimiters_do_not_compile_but_as_text_they_do() -> None:
    # Engine-oracle: TALK “Hello” stops with "Unexpected '“'"; "He said “hi”" is fine.
    source = 'TALK “Hello”\nTALK "He said “hi”"\n\' “note”\nx = ‘a’\nTALK x\n'
    found = findings(source)
    assert [(line, col) for line, col, _ in found] == [(1, 6), (4, 5)]
    assert "fails to compile this: Rhai reads “ as a character, not a quote" in found[0][2]
