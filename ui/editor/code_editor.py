"""The code editor: line-number gutter with breakpoints, error underlines, BASIC editing aids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QGuiApplication,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPolygon,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QInputDialog, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ..turns import FirstPaint
from .highlighter import BasicHighlighter
from .keyword_tips import help_at_cursor, help_html
from .themes import LIGHT, EditorColors, Theme, editor_colors

if TYPE_CHECKING:
    from .completion import Completion, MemoryKeys

INDENT = "    "
# Lines after which the next line is indented one more level.
_OPENERS = re.compile(
    r"^\s*(FOR|DO|SUB|FUNCTION|SELECT|WHILE|ELSE|ELSEIF|CASE|BEGIN|TABLE)\b"
    r"|^\s*IF\b.*\bTHEN\s*('.*)?$",
    re.IGNORECASE,
)
_ERROR_COLOR = QColor("#d32f2f")
_WARNING_COLOR = QColor("#e0a800")
_EXECUTION_ARROW = QColor("#f0b400")
# Turn coverage, shown in the gutter so the text and its selections stay untouched.
_COVERED = QColor(76, 175, 80, 90)  # lines executed in the selected turn
_PRODUCER = QColor(255, 193, 7, 170)  # the TALK/HEAR line of the clicked bubble


def _fill(painter: QPainter, rect: QRect, color: QColor) -> None:
    """``painter.fillRect(rect, color)``, the same pixels: PySide's choice among fillRect's
    overloads builds the Python enum of ``QGradient.Preset`` (~2 ms) on its first call, which
    was the editor's first paint."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRect(rect)
    painter.restore()


class Mark(NamedTuple):
    """An underlined range: 1-based line and column, end column exclusive (0 = to line end)."""

    line: int
    col: int
    end_col: int
    message: str
    error: bool = True


class _Gutter(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)

    def mousePressEvent(self, event) -> None:
        line = self._editor.line_at_y(int(event.position().y()))
        if line:
            self._editor.toggle_breakpoint(line)


class CodeEditor(QPlainTextEdit):
    breakpointsChanged = Signal(object)  # frozenset[int] of 1-based lines
    helpRequested = Signal(object)  # KeywordHelp shown by F1 (a help dock may follow it)

    def __init__(self, parent: QWidget | None = None, style: str = "default") -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = BasicHighlighter(self.document(), style)
        self.highlighter.sliceColoured.connect(self._show_if_visible)
        self.colors: EditorColors = editor_colors(LIGHT)
        self._completion: Completion | None = None
        self._memory_keys: MemoryKeys = ()
        self._painted = False
        FirstPaint(self, self._first_painted)
        self.breakpoints: set[int] = set()
        self.marks: list[Mark] = []
        self.runtime_mark: Mark | None = None
        self.execution_line = 0  # the debugger's current line (arrow + highlight), 0 = none
        self.breakpoint_colors: dict[int, QColor] = {}  # per-line dot colour (disabled, ...)
        # A turn's coverage (gutter shading): stale once the text changes, so edits clear it.
        self.coverage: frozenset[int] = frozenset()
        self.coverage_line = 0
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._on_update_request)
        self.cursorPositionChanged.connect(self._refresh_selections)
        self.document().contentsChange.connect(self._clear_coverage_on_edit)
        self._update_margins()
        self._refresh_selections()

    # -- gutter -----------------------------------------------------------------------------

    def gutter_width(self, lines: int | None = None) -> int:
        """Pixels the gutter takes for ``lines`` lines (default: the document's)."""
        digits = max(3, len(str(self.blockCount() if lines is None else lines)))
        return 18 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margins(self, *_: object) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def setPlainText(self, text: str, /) -> None:
        """Replace the whole text, as ``QPlainTextEdit.setPlainText`` does (no undo step, not
        modified), faster for a big one: the highlighter colours the lines on screen and
        leaves the rest to idle slices (:meth:`BasicHighlighter.loading`), and the gutter and
        the vertical scroll bar take their new width first. Either widening after the load
        narrowed the viewport, and Qt then dropped the layout of every block (~4 ms each for
        10,000 lines)."""
        lines = text.count("\n") + 1
        self.setViewportMargins(self.gutter_width(lines), 0, 0, 0)
        with self._scroll_bar_before(lines), self.highlighter.loading(self._lines_on_screen()):
            super().setPlainText(text)

    @contextmanager
    def _scroll_bar_before(self, lines: int) -> Iterator[None]:
        """Around loading ``lines`` lines: the vertical scroll bar is shown first if they will
        need it (already shown, it stays as it is). Whether they fit is judged from the
        editor's own size: the viewport and the bar are widgets Qt made, and PySide's first
        wrap of one costs ~15 ms (:mod:`ui.editor.widget_types`)."""
        early = (self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
                 and lines * self.fontMetrics().height() > self.contentsRect().height())
        if early:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        try:
            yield
        finally:
            if early:  # the bar stays, as the text needs it
                self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _lines_on_screen(self) -> int:
        """How many lines the editor can show at once: as many as its own height or the
        screen's holds, whichever is taller (an editor not yet shown gets its size later)."""
        # Not QWidget.screen(): wrapping its answer for an editor not yet shown left the
        # process to crash in the next QMainWindow's constructor (a test file of editors
        # followed by one of IDE windows: 3 crashes in 3 runs).
        screen = QGuiApplication.primaryScreen()
        height = max(self.contentsRect().height(),
                     screen.availableGeometry().height() if screen is not None else 0)
        return height // max(self.fontMetrics().height(), 1) + 1

    def _show_if_visible(self, first: int, last: int) -> None:
        """Repaint after an idle colouring slice, if it coloured a line in view."""
        top = self.firstVisibleBlock().blockNumber()
        bottom = self.cursorForPosition(QPoint(0, self.viewport().height() - 1)).blockNumber()
        if first <= bottom and last >= top:
            self.viewport().update()
            self._gutter.update()

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def line_at_y(self, y: int) -> int:
        """1-based line shown at gutter height ``y``, 0 below the last line."""
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid():
            bottom = top + self.blockBoundingRect(block).height()
            if top <= y < bottom:
                return block.blockNumber() + 1
            top = bottom
            block = block.next()
        return 0

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        _fill(painter, event.rect(), self.colors.gutter)
        error_lines = {m.line for m in self._all_marks() if m.error}
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        height = self.fontMetrics().height()
        width = self._gutter.width()
        while block.isValid() and top <= event.rect().bottom():
            line = block.blockNumber() + 1
            if block.isVisible():
                if line == self.coverage_line or line in self.coverage:
                    shade = _PRODUCER if line == self.coverage_line else _COVERED
                    _fill(painter, QRect(0, int(top), width,
                                         int(self.blockBoundingRect(block).height())), shade)
                if line == self.execution_line:
                    self._paint_arrow(painter, int(top), height)
                if line in self.breakpoints:  # a smaller dot inside the arrow keeps it visible
                    painter.setBrush(self.breakpoint_colors.get(line, QColor("#e51400")))
                    painter.setPen(Qt.PenStyle.NoPen if line != self.execution_line
                                   else QColor("#ffffff"))
                    size = min(height - 4, 10 if line != self.execution_line else 6)
                    x = 3 if line != self.execution_line else 4
                    painter.drawEllipse(x, int(top) + (height - size) // 2, size, size)
                painter.setPen(_ERROR_COLOR if line in error_lines else self.colors.line_number)
                painter.drawText(
                    0, int(top), width - 4, height, Qt.AlignmentFlag.AlignRight, str(line)
                )
            top += self.blockBoundingRect(block).height()
            block = block.next()
        painter.end()

    def _paint_arrow(self, painter: QPainter, top: int, height: int) -> None:
        mid, half = top + height // 2, max(height // 2 - 2, 3)
        arrow = QPolygon([QPoint(1, mid - half // 2), QPoint(7, mid - half // 2),
                          QPoint(7, mid - half), QPoint(14, mid), QPoint(7, mid + half),
                          QPoint(7, mid + half // 2), QPoint(1, mid + half // 2)])
        painter.setBrush(_EXECUTION_ARROW)
        painter.setPen(QColor("#8a6d00"))
        painter.drawPolygon(arrow)

    def set_execution_line(self, line: int) -> None:
        """Mark where a paused run stands (0 clears it) and scroll it into view, leaving the
        text cursor where the user put it."""
        self.execution_line = line
        self._refresh_selections()
        block = self.document().findBlockByNumber(line - 1)
        if line and block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
            if geometry.top() < 0 or geometry.bottom() > self.viewport().height():
                visible = max(self.viewport().height() // max(self.fontMetrics().height(), 1), 1)
                self.verticalScrollBar().setValue(max(line - 1 - visible // 2, 0))

    def set_coverage(self, lines: set[int] | frozenset[int], line: int = 0) -> None:
        """Shade the gutter of ``lines`` (a turn's executed lines) and, stronger, ``line``
        (the one that produced a clicked bubble); empty clears it."""
        self.coverage, self.coverage_line = frozenset(lines), line
        self._gutter.update()

    def _clear_coverage_on_edit(self, _position: int, removed: int, added: int) -> None:
        if (removed or added) and (self.coverage or self.coverage_line):
            self.set_coverage(frozenset())

    def set_breakpoint_colors(self, colors: dict[int, QColor]) -> None:
        """Dot colours of particular breakpoint lines (disabled, conditional, logpoint)."""
        self.breakpoint_colors = dict(colors)
        self._gutter.update()

    def toggle_breakpoint(self, line: int) -> None:
        self.breakpoints ^= {line}
        self._gutter.update()
        self.breakpointsChanged.emit(frozenset(self.breakpoints))

    # -- marks (diagnostics, runtime error) and the current line ---------------------------------

    def set_marks(self, marks: list[Mark]) -> None:
        self.marks = list(marks)
        self._refresh_selections()

    def set_runtime_error(self, mark: Mark | None) -> None:
        self.runtime_mark = mark
        self._refresh_selections()

    def _all_marks(self) -> list[Mark]:
        return self.marks + ([self.runtime_mark] if self.runtime_mark else [])

    def _refresh_selections(self) -> None:
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(self.colors.current_line)
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = self.textCursor()
        current.cursor.clearSelection()
        selections = [current] + [self._selection(m) for m in self._all_marks()]
        block = self.document().findBlockByNumber(self.execution_line - 1)
        if self.execution_line and block.isValid():
            execution = QTextEdit.ExtraSelection()
            execution.format.setBackground(self.colors.execution_line)
            execution.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            execution.cursor = QTextCursor(block)
            selections.insert(1, execution)
        self.setExtraSelections([s for s in selections if s is not None])
        self._gutter.update()

    def _range(self, mark: Mark) -> tuple[int, int] | None:
        block = self.document().findBlockByNumber(mark.line - 1)
        if not block.isValid():
            return None
        length = max(len(block.text()), 1)
        start = min(max(mark.col - 1, 0), length - 1)
        end = mark.end_col - 1 if mark.end_col > mark.col else length
        return block.position() + start, block.position() + max(end, start + 1)

    def _selection(self, mark: Mark) -> QTextEdit.ExtraSelection | None:
        span = self._range(mark)
        if span is None:
            return None
        sel = QTextEdit.ExtraSelection()
        sel.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        sel.format.setUnderlineColor(_ERROR_COLOR if mark.error else _WARNING_COLOR)
        sel.format.setToolTip(mark.message)
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(
            min(span[1], self.document().characterCount() - 1), QTextCursor.MoveMode.KeepAnchor
        )
        sel.cursor = cursor
        return sel

    def marks_at(self, position: int) -> list[Mark]:
        """Marks covering document position ``position`` (for tooltips)."""
        found = []
        for mark in self._all_marks():
            span = self._range(mark)
            if span and span[0] <= position <= span[1]:
                found.append(mark)
        return found

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = event.pos() - self.viewport().pos()
            cursor = self.cursorForPosition(pos)
            marks = self.marks_at(cursor.position())
            help_ = help_at_cursor(cursor) if not marks else None
            if marks:
                QToolTip.showText(event.globalPos(), "\n".join(m.message for m in marks), self)
            elif help_ is not None:
                QToolTip.showText(event.globalPos(), help_html(help_), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # -- editing aids -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.completion.handle_key(event):
            return
        if event.key() == Qt.Key.Key_F1:
            self.show_help_at_cursor()
            return
        self._key_press(event)
        self.completion.after_key(event)

    def _key_press(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
        ):
            line = self.textCursor().block().text()[: self.textCursor().positionInBlock()]
            indent = line[: len(line) - len(line.lstrip())]
            if _OPENERS.search(line):
                indent += INDENT
            self.textCursor().insertText("\n" + indent)
            self.ensureCursorVisible()
            return
        super().keyPressEvent(event)

    @property
    def completion(self) -> Completion:
        """The completion popup and its word index, made on the loop's turn after the
        editor's first paint (its module, the QCompleter and the index cost the first window
        ~5 ms it does not need), or when first used."""
        if self._completion is None:
            from .completion import Completion

            self._completion = Completion(self, painted=self._painted)
            self._completion.set_memory_keys(self._memory_keys)
        return self._completion

    def _first_painted(self) -> None:
        self._painted = True
        QTimer.singleShot(0, self, self._make_completion)

    def _make_completion(self) -> None:
        self.completion  # noqa: B018 - made by reading it

    def set_memory_keys(self, keys: MemoryKeys) -> None:
        """Memory keys offered by completion inside strings (a list or ``prefix -> keys``)."""
        self._memory_keys = keys
        if self._completion is not None:
            self._completion.set_memory_keys(keys)

    def show_help_at_cursor(self) -> str:
        """F1: the keyword's syntax and summary in a tooltip at the cursor; returns the text."""
        entry = help_at_cursor(self.textCursor())
        if entry is None:
            QToolTip.hideText()
            return ""
        self.helpRequested.emit(entry)
        text = help_html(entry)
        rect = self.cursorRect()
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), text, self)
        return text

    def set_theme(self, theme: Theme) -> None:
        """Colours of the text, background, current line and gutter, and token formats."""
        self.colors = editor_colors(theme)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, self.colors.background)
        palette.setColor(QPalette.ColorRole.Text, self.colors.text)
        self.setPalette(palette)
        self.highlighter.set_style(theme.pygments_style)
        self._refresh_selections()

    def toggle_comment(self) -> None:
        """Comment the selected lines with ``'``, or uncomment them if all are comments."""
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(cursor.selectionEnd()).blockNumber()
        if (
            cursor.hasSelection()
            and last > first
            and cursor.selectionEnd() == doc.findBlock(cursor.selectionEnd()).position()
        ):
            last -= 1  # a selection ending at column 0 does not include that line
        blocks = [doc.findBlockByNumber(n) for n in range(first, last + 1)]
        texts = [b.text() for b in blocks if b.text().strip()]
        uncomment = bool(texts) and all(t.lstrip().startswith("'") for t in texts)
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        for block in blocks:
            text = block.text()
            if not text.strip():
                continue
            col = len(text) - len(text.lstrip())
            edit.setPosition(block.position() + col)
            if uncomment:
                width = 2 if text[col:].startswith("' ") else 1
                edit.setPosition(block.position() + col + width, QTextCursor.MoveMode.KeepAnchor)
                edit.removeSelectedText()
            else:
                edit.insertText("' ")
        edit.endEditBlock()

    def go_to_line(self, line: int, col: int = 1) -> None:
        block = self.document().findBlockByNumber(max(line, 1) - 1)
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + min(max(col - 1, 0), len(block.text())))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    def ask_go_to_line(self) -> None:
        line, ok = QInputDialog.getInt(
            self, "Go to line", "Line:", self.textCursor().blockNumber() + 1, 1, self.blockCount()
        )
        if ok:
            self.go_to_line(line)
