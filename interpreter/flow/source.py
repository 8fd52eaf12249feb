"""Source positions for the flow view: (line, column) ↔ offsets in the text as written.

The lexer reads a normalised copy of the text (``\\r\\n`` and ``\\r`` become ``\\n``, curly
quotes straight ones), so its lines and columns are mapped back onto the original text here:
the flow view edits and reproduces the user's bytes, not the lexer's copy.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..syntax.lexer import CURLY_QUOTES

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SourceText:
    """The text being drawn with the offset where each of its lines starts."""

    text: str
    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> SourceText:
        starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        return cls(text, tuple(starts))

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def offset(self, line: int, col: int) -> int:
        """Offset of 1-based (line, col); past the end clamps to the end of the text."""
        if line < 1:
            return 0
        if line > len(self.line_starts):
            return len(self.text)
        return min(self.line_starts[line - 1] + max(col, 1) - 1, len(self.text))

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        return bisect.bisect_right(self.line_starts, offset)

    def line_end(self, line: int) -> int:
        """Offset just before the line break ending ``line`` (the text's end for the last)."""
        if line >= len(self.line_starts):
            return len(self.text)
        nxt = self.line_starts[line]
        text = self.text
        if text.startswith("\r\n", nxt - 2):
            return nxt - 2
        return nxt - 1

    def line_text(self, line: int) -> str:
        return self.text[self.line_starts[line - 1]:self.line_end(line)]

    def indent_of(self, line: int) -> str:
        row = self.line_text(line)
        return row[:len(row) - len(row.lstrip(" \t"))]

    def newline(self) -> str:
        """The line break the text uses (its first one; ``\\n`` when it has none)."""
        m = _NEWLINE.search(self.text)
        return m.group() if m else "\n"


def string_end(text: str, start: int) -> int:
    """Offset after the string literal opening at ``start`` (its quote), read as the lexer
    reads strings: ``""`` doubles a double quote, a backslash escapes the next character.
    An unclosed string runs to the end of the text."""
    quote = text[start].translate(CURLY_QUOTES)
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 2
            continue
        if ch.translate(CURLY_QUOTES) == quote:
            if quote == '"' and text[i + 1:i + 2].translate(CURLY_QUOTES) == '"':
                i += 2
                continue
            return i + 1
        i += 1
    return len(text)
