"""Syntax colouring: Pygments tokens from ``highlight_line_tokens``, one block at a time.

Qt re-highlights only the changed block and the following ones whose incoming state changed,
so the per-block state (text block, TABLE, open string) makes this incremental by construction.

Big changes (opening a 10,000-line file, a style switch, a quote that opens a string across the
file) would still colour every block in one go and freeze the window for a third of a second.
So one event-loop turn colours at most ``SLICE_BLOCKS`` blocks; the rest is left for idle slices
that continue from the first skipped block. Opening shows the top of the file, which is coloured
first.
"""

from __future__ import annotations

from pygments.styles import get_style_by_name
from PySide6.QtCore import QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

from interpreter.tooling.highlight_lexer import highlight_line_tokens, utf16_offsets

LIGHT_STYLE = "default"
DARK_STYLE = "monokai"
SLICE_BLOCKS = 250  # ~15-25 ms of lexing and layout per event-loop turn


class BasicHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, style: str = LIGHT_STYLE) -> None:
        super().__init__(document)
        self._style_name = style
        self._style = get_style_by_name(style)
        self._formats: dict[object, QTextCharFormat] = {}
        self._in_slice = False
        self._count = 0  # blocks coloured in the current slice
        self._last = -1  # number of the last block coloured
        self._pending: int | None = None  # first block still to colour, if any
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.setInterval(0)
        self._resume_timer.timeout.connect(self._resume)

    @property
    def style_name(self) -> str:
        return self._style_name

    @property
    def done(self) -> bool:
        """True when no block is waiting for an idle slice."""
        return self._pending is None

    def set_style(self, style: str) -> None:
        if style == self._style_name:
            return  # re-colouring a big file costs as much as opening it
        self._style_name = style
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
        if not self._in_slice:
            self._in_slice = True
            self._count = 0
            QTimer.singleShot(0, self._end_slice)
        number = self.currentBlock().blockNumber()
        self._count += 1
        if self._count > SLICE_BLOCKS:
            # Keep the stored state: Qt then stops its cascade here; an idle slice goes on.
            self.setCurrentBlockState(self.currentBlockState())
            if self._pending is None or number < self._pending:
                self._pending = number
            self._resume_timer.start()
            return
        spans, state = highlight_line_tokens(text, self.previousBlockState())
        # Pygments counts Python characters, Qt UTF-16 units: they differ after an emoji.
        offsets = utf16_offsets(text)
        for start, length, token in spans:
            begin = offsets[start]
            self.setFormat(begin, offsets[start + length] - begin, self._format(token))
        self.setCurrentBlockState(state)
        self._last = number

    def _end_slice(self) -> None:
        self._in_slice = False

    def _resume(self) -> None:
        """One idle slice: colour blocks from the first skipped one, up to the slice budget."""
        doc = self.document()
        if doc is None or self._pending is None:
            self._pending = None
            return
        if self._in_slice:  # Qt coloured blocks in this turn already: wait for the next one
            self._resume_timer.start()
            return
        block: QTextBlock = doc.findBlockByNumber(self._pending)
        self._pending = None
        self._in_slice, self._count = True, 0
        try:
            while block.isValid() and self._pending is None:
                if self._count >= SLICE_BLOCKS:
                    self._pending = block.blockNumber()
                    break
                self.rehighlightBlock(block)  # may cascade into the following blocks
                after = max(block.blockNumber(), self._last) + 1
                block = doc.findBlockByNumber(after)
        finally:
            self._in_slice = False
        if self._pending is not None:
            self._resume_timer.start()
