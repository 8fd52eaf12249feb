"""Bracket matching over tokens, for the parser and for the compatibility rules that read a
line's tokens without parsing it."""

from __future__ import annotations

from collections.abc import Sequence

from .lexer import Kind, Token

OPENING = frozenset({"(", "[", "{", "#{"})
CLOSING = frozenset({")", "]", "}"})
# Words the converter always reads as the start of a condition (convert_if_then_syntax,
# convert_while_wend_syntax), so ``IF [a] = [b] THEN`` is no item assignment to ``IF``.
_CONDITION_WORDS = frozenset({"IF", "ELSEIF", "WHILE"})


def opens_condition(tokens: Sequence[Token], i: int) -> bool:
    """Whether ``tokens[i]`` is IF, ELSEIF or WHILE followed by ``[``: a condition that starts
    with an array (``ELSEIF [a] = [b] THEN``), not an item assignment."""
    t, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
    return t.kind is Kind.IDENT and t.upper in _CONDITION_WORDS and nxt is not None \
        and nxt.kind is Kind.OP and nxt.value == "["


def closing_bracket(tokens: Sequence[Token], start: int) -> int | None:
    """Index of the bracket that closes the one at ``start``; None when the tokens end first
    (their end, or the line's: a NEWLINE or EOF token)."""
    depth = 0
    for j in range(start, len(tokens)):
        t = tokens[j]
        if t.kind is not Kind.OP:
            if t.kind in (Kind.NEWLINE, Kind.EOF):
                return None
        elif t.value in OPENING:
            depth += 1
        elif t.value in CLOSING:
            depth -= 1
            if depth == 0:
                return j
    return None


def opens_call(tokens: Sequence[Token], index: int) -> bool:
    """Is the token after ``index`` an opening parenthesis (``W(`` …)?"""
    return index + 1 < len(tokens) and tokens[index + 1].kind is Kind.OP \
        and tokens[index + 1].value == "("
