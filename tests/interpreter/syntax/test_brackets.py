"""Bracket matching over a line's tokens (interpreter.syntax.brackets)."""

from __future__ import annotations

from interpreter.syntax.brackets import closing_bracket, opens_call
from interpreter.syntax.lexer import Kind, tokenize


def tokens(text: str) -> list:
    return [t for t in tokenize(text)[0] if t.kind is not Kind.EOF]


def test_the_closing_bracket_skips_nested_ones_of_every_kind() -> None:
    toks = tokens('f(a[1], #{k: (2)}, ")") + 1\n')
    close = closing_bracket(toks, 1)
    assert close is not None and toks[close].value == ")" and toks[close + 1].value == "+"


def test_an_unclosed_bracket_ends_at_the_line() -> None:
    toks = tokens("f(a, b\nTALK 1\n")
    assert closing_bracket(toks, 1) is None


def test_opens_call_wants_a_parenthesis_right_after() -> None:
    toks = tokens("JOIN(l) + LAST [1]\n")
    assert opens_call(toks, 0) and not opens_call(toks, 5)
