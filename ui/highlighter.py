"""Syntax colouring: Pygments tokens from ``highlight_line_tokens``, one block at a time.

Qt re-highlights only the changed block and the following ones whose incoming state changed,
so the per-block state (text block, TABLE, open string) makes this incremental by construction.
"""

from __future__ import annotations

from pygments.styles import get_style_by_name
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from interpreter.highlight_lexer import highlight_line_tokens, utf16_offsets

LIGHT_STYLE = "default"
DARK_STYLE = "monokai"


class BasicHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, style: str = LIGHT_STYLE) -> None:
        super().__init__(document)
        self._style = get_style_by_name(style)
        self._formats: dict[object, QTextCharFormat] = {}

    def set_style(self, style: str) -> None:
        self._style = get_style_by_name(style)
        self._formats.clear()
        self.rehighlight()

    def _format(self, token: object) -> QTextCharFormat:
        fmt = self._formats.get(token)
        if fmt is None:
            spec = self._style.style_for_token(token)
            fmt = QTextCharFormat()
            if spec["color"]:
                fmt.setForeground(QColor("#" + spec["color"]))
            if spec["bold"]:
                fmt.setFontWeight(QFont.Weight.Bold)
            if spec["italic"]:
                fmt.setFontItalic(True)
            self._formats[token] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:
        spans, state = highlight_line_tokens(text, self.previousBlockState())
        # Pygments counts Python characters, Qt UTF-16 units: they differ after an emoji.
        offsets = utf16_offsets(text)
        for start, length, token in spans:
            begin = offsets[start]
            self.setFormat(begin, offsets[start + length] - begin, self._format(token))
        self.setCurrentBlockState(state)
