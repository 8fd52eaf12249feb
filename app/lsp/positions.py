"""Talkbench columns (1-based characters) <-> LSP positions (0-based UTF-16 code units)."""

from __future__ import annotations

from lsprotocol import types


def utf16_width(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def lines_of(source: str) -> list[str]:
    # LSP counts only \n, \r\n and \r as line ends, unlike str.splitlines (which also splits
    # on \x0b, \x1c, \u2028 ...). The lexer counts lines the same way.
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def to_lsp(lines: list[str], line: int, col: int) -> types.Position:
    """The LSP position of Talkbench's 1-based ``line``/``col`` (clamped into the text)."""
    row = min(max(line, 1), max(len(lines), 1)) - 1
    text = lines[row] if row < len(lines) else ""
    chars = min(max(col - 1, 0), len(text))
    return types.Position(line=row, character=utf16_width(text[:chars]))


def char_index(lines: list[str], position: types.Position) -> tuple[int, int]:
    """``(0-based line, 0-based character index)`` of an LSP position, clamped into the text."""
    row = min(max(position.line, 0), max(len(lines) - 1, 0))
    text = lines[row] if lines else ""
    units = 0
    for i, ch in enumerate(text):
        if units >= position.character:
            return row, i
        units += 2 if ord(ch) > 0xFFFF else 1
    return row, len(text)


def span(lines: list[str], line: int, col: int, end_col: int) -> types.Range:
    """The range of 1-based columns ``col`` (inclusive) to ``end_col`` (exclusive) on ``line``."""
    return types.Range(start=to_lsp(lines, line, col), end=to_lsp(lines, line, end_col))
