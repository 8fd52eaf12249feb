"""Rhai's code-point escapes in string literals: ``\\xHH``, ``\\uHHHH``, ``\\UHHHHHHHH``.

General Bots passes a line's strings to Rhai unchanged, and Rhai's tokenizer (rhai 1.24
``src/tokenizer.rs`` ``parse_string_literal``) turns these escapes into the character, so
``TALK "\\x41B"`` prints ``AB`` and ``LEN("\\u00e9")`` is 2 (UTF-8 bytes). A malformed one
does not compile there; Talkbench keeps its backslash (and ``talkbench check`` warns, see
tests/interpreter/compat/test_string_literals.py).
"""

from __future__ import annotations

import pytest

from interpreter.syntax.lexer import Kind, tokenize
from tests.interpreter.helpers import talks


def string_value(literal: str) -> list[object]:
    toks, diags = tokenize(f"x = {literal}")
    assert diags == []
    return next(t.value for t in toks if t.kind is Kind.STRING)


@pytest.mark.parametrize(("literal", "text"), [
    (r'"\x41B"', "AB"),
    (r'"\xe9"', "é"),
    (r'"\u00e9!"', "é!"),
    (r'"\U0001F600"', "😀"),
    (r'"a\x41\u0042\U00000043"', "aABC"),
    (r'"\u00E9\u00e9"', "éé"),  # upper- and lower-case hex digits
])
def test_code_point_escapes_become_the_character(literal: str, text: str) -> None:
    assert string_value(literal) == [text]


@pytest.mark.parametrize("literal", [
    r'"\x4g"', r'"\x4"', r'"\u00e"', r'"\u{1F600}"', r'"\uD800"', r'"\U00110000"',
    r'"\U0001F60"',
])
def test_malformed_escapes_keep_their_backslash(literal: str) -> None:
    assert string_value(literal) == [literal[1:-1]]


def test_an_escaped_character_prints_and_counts_as_in_general_bots() -> None:
    source = 's = "caf\\u00e9"\nTALK s\nTALK LEN(s)\nTALK UCASE("\\x61b")\n'
    assert talks(source) == ["café", "5", "AB"]
