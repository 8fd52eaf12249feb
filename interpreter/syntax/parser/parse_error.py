"""The exception a parser rule raises to abandon a statement; the parser reports it and moves on.

Apart from the parser so the rule modules it mixes in can catch it without importing it.
"""

from __future__ import annotations

from ..lexer import Token


class ParseError(Exception):
    def __init__(self, message: str, tok: Token, end_col: int = 0):
        super().__init__(message)
        self.message = message
        self.tok = tok
        self.end_col = end_col  # where the mistake ends on tok's line, when it spans tokens
