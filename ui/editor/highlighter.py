"""Syntax colouring: Pygments tokens from ``highlight_line_tokens``, one block at a time.

Qt re-highlights only the changed block and the following ones whose incoming state changed,
so the per-block state (text block, TABLE, open string) makes this incremental by construction.

Big changes (opening a 10,000-line file, a style switch, a quote that opens a string across the
file) would still colour every block in one go and freeze the window for a third of a second.
So the turn that makes a change colours at most ``SLICE_BLOCKS`` blocks (a screenful: opening
shows the top of the file, coloured at once); the rest is left for idle slices of at most
``SLICE_SECONDS`` each that continue from the first skipped block. Qt still calls
``highlightBlock`` for every block of a big change: once a slice is spent those calls return at
the first line. Loading a whole text (``CodeEditor.setPlainText``) goes further, see
:meth:`BasicHighlighter.loading`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from pygments.styles import get_style_by_name
from PySide6.QtCore import SIGNAL, SLOT, QObject, QTimer, Signal
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
SLICE_BLOCKS = 120  # blocks per event-loop turn at most: a tall window's visible lines
# An idle slice also stops after this long (colouring and Qt's layout of the blocks), so it
# stays well under one frame (16 ms). The slice of the turn that made the change has no time
# limit: the visible lines are coloured before they are first painted.
SLICE_SECONDS = 0.006
# Qt's own connection that colours each change: QSyntaxHighlighter::setDocument makes it by
# these names, so it can be undone and made again by them.
_QT_CHANGE = SIGNAL("contentsChange(int,int,int)")
_QT_COLOUR = SLOT("_q_reformatBlocks(int,int,int)")


class BasicHighlighter(QSyntaxHighlighter):
    # Blocks (first, last numbers) an idle slice coloured. Idle slices keep the document's
    # layout from announcing each block: for blocks out of view (most of them) Qt repainted the
    # whole viewport and emitted updateRequest once per block, which cost more than the
    # colouring. A view shows the range itself when it can see part of it.
    sliceColoured = Signal(int, int)

    def __init__(self, document: QTextDocument, style: str = LIGHT_STYLE) -> None:
        # The document comes below, after a connection of ours; the stubs omit the None form.
        super().__init__(None)  # type: ignore[call-overload]
        self.setParent(document)  # as QSyntaxHighlighter(document) would: it owns us
        self._style_name = style
        self._style = get_style_by_name(style)
        self._formats: dict[object, QTextCharFormat] = {}
        self._in_slice = False
        self._left = SLICE_BLOCKS  # blocks the current slice may still colour
        self._deadline = float("inf")  # time.perf_counter() ending an idle slice
        self._skipping = False  # the current slice is spent: Qt's further calls return at once
        self._last = -1  # number of the last block coloured
        self._pending: int | None = None  # first block still to colour, if any
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.setInterval(0)
        self._resume_timer.timeout.connect(self._resume)
        # Connected before Qt's own connection (setDocument below), so it runs before Qt
        # colours the change: an edit after a spent slice in the same turn is not skipped.
        document.contentsChange.connect(self._on_contents_change)
        self.setDocument(document)

    @property
    def style_name(self) -> str:
        return self._style_name

    @property
    def done(self) -> bool:
        """True when no block is waiting for an idle slice."""
        return self._pending is None

    def coloured_blocks(self) -> int:
        """How many blocks from the top are coloured (idle slices go on from there)."""
        if self._pending is not None:
            return self._pending
        doc = self.document()
        return 0 if doc is None else doc.blockCount()

    def set_style(self, style: str) -> None:
        if style == self._style_name:
            return  # re-colouring a big file costs as much as opening it
        self._style_name = style
        self._style = get_style_by_name(style)
        self._formats.clear()
        self.rehighlight()

    @contextmanager
    def loading(self, first_view: int = SLICE_BLOCKS) -> Iterator[None]:
        """Around a change that replaces the whole text (``setPlainText``): Qt does not colour
        it, then the first view (``first_view`` blocks from the top) is coloured at once and
        the rest in idle slices. Qt would call ``highlightBlock`` for every block of the new
        text, and 10,000 Python calls that return at once were a third of opening a
        10,000-line file. The blocks of a new text have no formats and no state, as if never
        coloured: the first view then picks up from the top."""
        doc = self.document()
        detached = doc is not None and QObject.disconnect(doc, _QT_CHANGE, self, _QT_COLOUR)
        try:
            yield
        finally:
            if detached:
                QObject.connect(doc, _QT_CHANGE, self, _QT_COLOUR)
                self._pending, self._last = None, -1
                # Announced by the layout, as Qt's own colouring would be: the view (about to
                # be painted) is all these lines.
                self._colour_from(0, float("inf"), max(first_view, 1), quiet=False)

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
        if self._skipping:
            return  # the rest of a big change: the pending idle slice colours it
        if not self._in_slice:
            self._start_slice()
        if self._left <= 0 or time.perf_counter() > self._deadline:
            self._skip_from(self.currentBlock().blockNumber())
            return
        self._left -= 1
        spans, state = highlight_line_tokens(text, self.previousBlockState())
        # Pygments counts Python characters, Qt UTF-16 units: they differ after an emoji.
        offsets = utf16_offsets(text)
        for start, length, token in spans:
            begin = offsets[start]
            self.setFormat(begin, offsets[start + length] - begin, self._format(token))
        self.setCurrentBlockState(state)
        self._last = self.currentBlock().blockNumber()

    def _start_slice(self) -> None:
        self._in_slice = True
        self._left = SLICE_BLOCKS
        QTimer.singleShot(0, self._end_slice)

    def _skip_from(self, number: int) -> None:
        """Leave block ``number`` and the rest of this change to an idle slice. Its stored
        state is kept (nothing set here), so Qt's cascade stops at it on later edits."""
        self._skipping = True
        if self._pending is None or number < self._pending:
            self._pending = number
        self._resume_timer.start()

    def _on_contents_change(self, _position: int, _removed: int, _added: int) -> None:
        # A new text change (colouring makes none) gets its own budget in this turn.
        self._skipping = False
        self._left = SLICE_BLOCKS

    def _end_slice(self) -> None:
        self._in_slice = False
        self._skipping = False

    def _resume(self) -> None:
        """One idle slice: colour blocks from the first skipped one, up to the slice budget."""
        if self.document() is None or self._pending is None:
            self._pending = None
            return
        if self._in_slice:  # Qt coloured blocks in this turn already: wait for the next one
            self._resume_timer.start()
            return
        first = self._pending
        self._pending = None
        self._colour_from(first, time.perf_counter() + SLICE_SECONDS)

    def _colour_from(self, first: int, deadline: float, blocks: int = SLICE_BLOCKS,
                     quiet: bool = True) -> None:
        """Colour blocks from number ``first`` on until ``blocks`` of them or ``deadline``;
        leave the rest to the next idle slice. ``quiet``: the layout does not announce each
        block, ``sliceColoured`` says what was coloured."""
        doc = self.document()
        if doc is None:
            return
        block: QTextBlock = doc.findBlockByNumber(first)
        self._in_slice, self._left = True, blocks
        self._deadline = deadline
        layout = doc.documentLayout()
        announcing = not layout.signalsBlocked()
        layout.blockSignals(quiet or not announcing)
        try:
            while block.isValid() and not self._skipping:
                self.rehighlightBlock(block)  # may cascade into the following blocks
                after = max(block.blockNumber(), self._last) + 1
                block = doc.findBlockByNumber(after)
        finally:
            layout.blockSignals(not announcing)
            self._in_slice = self._skipping = False
            self._deadline = float("inf")
        if quiet and self._last >= first:
            self.sliceColoured.emit(first, self._last)
        if self._pending is not None:
            self._resume_timer.start()
