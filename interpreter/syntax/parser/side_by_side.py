"""Two values written side by side in a one-argument keyword (``TALK "Hi " name``,
``TALK "He said "hi""``): the parser reads them as two arguments, but the author forgot a
``+`` or put a quote inside a text. The arity error says which, at the place it happened.
"""

from __future__ import annotations

from ..lexer import Kind, Token

_ENDS_VALUE = (Kind.STRING, Kind.NUMBER, Kind.IDENT)
_OPENERS = {"(": ")", "[": "]", "{": "}", "#{": "}"}


def first_pair(toks: list[Token], start: int, end: int) -> tuple[Token, Token] | None:
    """The first two neighbouring tokens of ``toks[start:end]`` outside brackets that are
    two values with nothing between them, if any."""
    closers: list[str] = []
    for a, b in zip(toks[start:end], toks[start + 1:end]):
        if a.kind is Kind.OP and a.value in _OPENERS:
            closers.append(_OPENERS[str(a.value)])
        elif a.kind is Kind.OP and closers and a.value == closers[-1]:
            closers.pop()
        ends = a.kind in _ENDS_VALUE or (a.kind is Kind.OP and a.value in (")", "]", "}"))
        starts = b.kind in (Kind.STRING, Kind.NUMBER, Kind.IDENT) or (
            b.kind is Kind.OP and b.value == "(")
        if not closers and ends and starts and a.line == b.line:
            return a, b
    return None


def explain(pair: tuple[Token, Token]) -> str:
    """What the author most likely meant by the two values side by side."""
    a, b = pair
    if a.kind is Kind.STRING and a.quote == '"' and b.col == a.end_col:
        return ('a " inside a text ends it: write "" (or \\") for each quote inside the '
                'text')
    return f"a + is missing before {b.describe()}"
