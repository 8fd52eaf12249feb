"""The chat's message list: lays out and paints only the messages on screen.

Each row's height is measured once when its message arrives; the rows' tops are a running
sum, so adding a message costs the same with 5 or 100,000 shown, and finding the row under the
mouse is a binary search. A QListView would lay out every row again at each message. When the
width or the font changes, the rows on screen are measured at once and the others keep their
old height as an estimate until slices of idle time (or the reader scrolling to them) measure
them. Dragging over a message selects part of its text, as a label allowed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate
from time import perf_counter

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QWidget

from .bubbles import GAP, MARGIN, PAD_Y, BubbleDelegate
from .messages import ChatMessage, ChatModel

_FOLLOW_SLACK = 4  # px from the bottom that still count as "at the newest message"
_SLICE_SECONDS = 0.005  # of measuring rows in idle time at once: a frame at 60 Hz is 16 ms
_TURNS_PER_SUM = 16  # idle turns of measuring between two sums of the rows' tops


class ChatView(QAbstractItemView):
    """A list of message bubbles over a :class:`ChatModel`. Messages are selected by click,
    Shift/Ctrl+click, Ctrl+A, part of one's text by dragging over it; Ctrl+C copies. It
    follows the newest message unless the user scrolled up."""

    messageClicked = Signal(object)  # ChatMessage (left button, released where pressed)
    menuRequested = Signal(object, QPoint)  # ChatMessage, global position

    def __init__(self, model: ChatModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here, not the one Qt makes: PySide's first wrap of a widget Qt made
        # itself costs ~6 ms (it makes the Python classes of every widget type), and the chat
        # is built and painted before the IDE's first paint.
        viewport = QWidget()
        viewport.setBackgroundRole(QPalette.ColorRole.Base)  # as Qt's own viewport
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.messages = model
        self._heights: list[int] = []
        self._tops: list[int] = [0]  # row i spans tops[i] .. tops[i + 1]; the last: the total
        self._width = self._row_width()
        self._pressed: ChatMessage | None = None
        # Text selected by dragging in one message: the message, its row, (anchor, cursor).
        self._marked_in: ChatMessage | None = None
        self._marked_row = 0
        self._marked = (0, 0)
        self._refining = False
        self._follow = True
        self._stale = 0  # rows 0 .. _stale - 1 may hold an estimated height
        self._pending: list[int] = []  # measured heights of rows _stale on, not yet in effect
        self._pending_turns = 0
        self._measuring = QTimer(self)
        self._measuring.setSingleShot(True)
        self._measuring.timeout.connect(self._measure_slice)
        self.bubbles = BubbleDelegate(self)
        self.setItemDelegate(self.bubbles)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setMouseTracking(True)  # the hand over a message that leads somewhere
        model.rowsRemoved.connect(self._removed)
        # (after QAbstractScrollArea's own connection: the view has scrolled already)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._range_changed)

    # -- layout -------------------------------------------------------------------------------

    def _row_width(self) -> int:
        return max(40, self.viewport().width() - 2 * MARGIN)

    def _relayout(self) -> None:
        """Every row again for a new width or font. Laying out 100,000 messages takes seconds:
        the rows on screen are measured now, the others keep their heights as estimates until
        idle turns measure them (``settled`` then)."""
        self._width = self._row_width()
        self._stale = len(self._heights)
        self._pending, self._pending_turns = [], 0
        if self._follow:  # the newest rows exact, then the bottom shown
            changed = self._measure_rows(range(len(self._heights) - 1, -1, -1))
            if changed >= 0:
                self._retop(changed)
        self._refine()
        if self._stale:
            self._measuring.start()

    @property
    def settled(self) -> bool:
        """Whether every row has its exact height (none is left to measure in idle time)."""
        return not self._stale and not self._pending

    def _measure_slice(self) -> None:
        """One idle turn: measure stale rows, newest first, for a few milliseconds, keeping
        their heights aside; every few turns (and at the end) those take effect at once, as
        summing the tops again costs a few milliseconds with 100,000 rows. The GUI thread is
        never held for more than a frame."""
        if self._stale and self._pending_turns < _TURNS_PER_SUM:
            self._pending_turns += 1
            deadline = perf_counter() + _SLICE_SECONDS
            messages, pending = self.messages.messages, self._pending
            height, width = self.bubbles.height, self._width
            row = self._stale
            while row:
                row -= 1
                pending.append(height(messages[row], width))
                if perf_counter() >= deadline:
                    break
            self._stale = row
        else:
            self._apply_pending()
        if not self.settled:
            self._measuring.start()

    def _apply_pending(self) -> None:
        """The heights measured in idle turns (of rows ``_stale`` on, newest first) in effect."""
        pending, self._pending, self._pending_turns = self._pending, [], 0
        pending.reverse()
        start, end = self._stale, self._stale + len(pending)
        if self._heights[start:end] != pending:
            self._heights[start:end] = pending
            self._retop(start)

    def _refine(self) -> None:
        """Measure the rows on screen whose height is an estimate."""
        if not self._heights or self._refining:
            return
        first = max(0, self._row_at(0))
        # The rows below the first one shown stay in place (see _retop): the page is covered
        # from the second one's top.
        changed = self._measure_rows(range(first, first + 1))
        below = self._measure_rows(range(first + 1, len(self._heights)),
                                   self._tops[first + 1] + MARGIN - self.verticalOffset())
        if changed >= 0 or below >= 0:
            self._retop(changed if changed >= 0 else below)

    def _measure_rows(self, rows: range, covered: int = 0) -> int:
        """Measure ``rows`` exactly, in that order, until a viewport's height is covered
        (``covered``: how much of it is before the first row): the lowest row whose height
        changed, or -1."""
        page = self.viewport().height() + 2 * MARGIN
        changed = -1
        for row in rows:
            exact = self.bubbles.height(self.messages.messages[row], self._width)
            if exact != self._heights[row]:
                self._heights[row] = exact
                changed = row if changed < 0 else min(changed, row)
            covered += exact
            if covered > page:
                break
        return changed

    def _retop(self, start: int) -> None:
        """The rows' tops again from row ``start`` on, for new heights. The rows below the
        first one shown stay where they are on screen (the scroll position moves by their
        move), or the newest stay shown when the view follows them."""
        first = max(0, self._row_at(0))
        below_first = self._tops[first + 1]
        self._tops[start:] = accumulate(self._heights[start:], initial=self._tops[start])
        bar, follow = self.verticalScrollBar(), self._follow
        self._refining = True
        try:
            value = bar.value()  # (a shorter range may clamp it)
            self.updateGeometries()
            if not follow:
                bar.setValue(value + self._tops[first + 1] - below_first)
        finally:
            self._refining = False
        self.viewport().update()  # (a scroll moves the pixels: the rows did not move)

    @property
    def following(self) -> bool:
        """Whether the view follows the newest message: it was at the bottom when the user
        last scrolled (a longer list or a shorter view keeps it there)."""
        return self._follow

    def follow_newest(self) -> None:
        """Show the newest message and follow the next ones (the user answered: they look at
        the end of the conversation again)."""
        self._follow = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - _FOLLOW_SLACK
        self._refine()

    def _range_changed(self, _low: int, high: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(high)

    def rowsInserted(self, parent: QModelIndex | QPersistentModelIndex, start: int,
                     end: int) -> None:
        if start == len(self._heights):
            added = [self.bubbles.height(message, self._width)
                     for message in self.messages.messages[start:end + 1]]
            self._heights += added
            total = self._tops[-1]
            for height in added:
                total += height
                self._tops.append(total)
            self.updateGeometries()
            self.viewport().update()
        else:  # (the chat only appends)
            self._guess_all()
        super().rowsInserted(parent, start, end)

    def _removed(self, _parent: QModelIndex, start: int, end: int) -> None:
        gone = self._tops[end + 1] - self._tops[start]
        del self._heights[start:end + 1]
        # The heights measured in idle time, not in effect yet, of rows _stale on: those of
        # the rows that left go too. (Not put in effect first: the model has no such rows
        # any more, and Qt, reacting to the scroll that would move, crashed looking for them.)
        band = self._pending[::-1]
        del band[max(0, start - self._stale):max(0, end + 1 - self._stale)]
        self._pending = band[::-1]
        self._stale -= max(0, min(end + 1, self._stale) - start)
        self._tops = [0, *accumulate(self._heights)]
        bar = self.verticalScrollBar()
        value, follow = bar.value(), self._follow
        self.updateGeometries()
        if not follow:  # the oldest rows left: the reader's place moves up with the rest
            bar.setValue(value - gone)
        self.viewport().update()

    def reset(self) -> None:
        self._heights = []
        self._tops = [0]
        self._follow = True
        self._stale = 0
        self._pending = []
        self._marked_in = self._pressed = None
        super().reset()
        self._guess_all()

    def _guess_all(self) -> None:
        """Every row a one-line message until it is measured (after a reset: a cleared chat
        has none; or rows inserted above others, which the chat never does)."""
        line = self.fontMetrics().lineSpacing() + 2 * PAD_Y + GAP
        self._heights = [line] * self.messages.rowCount()
        self._tops = [0, *accumulate(self._heights)]
        self.updateGeometries()
        self._relayout()

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setRange(0, max(0, self._tops[-1] + 2 * MARGIN - GAP - page))
        bar.setPageStep(page)
        bar.setSingleStep(20)
        super().updateGeometries()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._row_width() != self._width:
            self._relayout()
        else:
            self._refine()  # taller: rows come on screen

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.bubbles.font_changed()
            self._relayout()
        super().changeEvent(event)

    # -- geometry -----------------------------------------------------------------------------

    def row_rect(self, row: int) -> QRect:
        """Row ``row`` in viewport coordinates, without the gap below it."""
        top = MARGIN + self._tops[row] - self.verticalScrollBar().value()
        return QRect(MARGIN, top, self._width, self._heights[row] - GAP)

    def bubble_rect(self, row: int) -> QRect:
        """Row ``row``'s bubble in viewport coordinates."""
        return self.bubbles.bubble_rect(self.messages.messages[row], self.row_rect(row))

    def _row_at(self, y: int) -> int:
        """The row at viewport height ``y`` (gaps included), or -1."""
        row = bisect_right(self._tops, y - MARGIN + self.verticalScrollBar().value()) - 1
        return row if 0 <= row < len(self._heights) else -1

    def message_at(self, point: QPoint) -> ChatMessage | None:
        index = self.indexAt(point)
        return self.messages.messages[index.row()] if index.isValid() else None

    def indexAt(self, point: QPoint) -> QModelIndex:
        row = self._row_at(point.y())
        if row < 0 or not self.bubble_rect(row).contains(point):
            return QModelIndex()
        return self.messages.index(row, 0)

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not index.isValid() or index.row() >= len(self._heights):
            return QRect()
        return self.row_rect(index.row())

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
                 ) -> None:
        if not index.isValid() or index.row() >= len(self._heights):
            return
        bar = self.verticalScrollBar()
        top = self._tops[index.row()]
        bottom = top + self._heights[index.row()] - GAP + 2 * MARGIN
        page = self.viewport().height()
        if hint == QAbstractItemView.ScrollHint.PositionAtTop or top < bar.value():
            bar.setValue(top)
        elif hint == QAbstractItemView.ScrollHint.PositionAtBottom or bottom > bar.value() + page:
            bar.setValue(bottom - page)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return False

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        count = len(self._heights)
        if not count:
            return QModelIndex()
        current = self.currentIndex().row() if self.currentIndex().isValid() else count - 1
        page = self.viewport().height() - 2 * MARGIN
        # The farthest row a screen away by the rows' own heights, the current row still on
        # screen with it: a count of rows of a guessed height passed rows never shown.
        if action == QAbstractItemView.CursorAction.MovePageDown:
            step = max(1, bisect_right(self._tops, self._tops[current + 1] + page) - 2 - current)
        elif action == QAbstractItemView.CursorAction.MovePageUp:
            step = min(-1, bisect_left(self._tops, self._tops[current] - page) - current)
        else:
            step = {
                QAbstractItemView.CursorAction.MoveUp: -1,
                QAbstractItemView.CursorAction.MovePrevious: -1,
                QAbstractItemView.CursorAction.MoveDown: 1,
                QAbstractItemView.CursorAction.MoveNext: 1,
                QAbstractItemView.CursorAction.MoveHome: -count,
                QAbstractItemView.CursorAction.MoveEnd: count,
            }.get(action, 0)
        return self.messages.index(min(count - 1, max(0, current + step)), 0)

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        first = self._row_at(rect.top())
        last = self._row_at(rect.bottom())
        if first < 0 and last < 0:
            return
        first = max(first, 0)
        last = len(self._heights) - 1 if last < 0 else last
        selection = QItemSelection(self.messages.index(min(first, last), 0),
                                   self.messages.index(max(first, last), 0))
        self.selectionModel().select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        return QRegion(self.viewport().rect())  # (what is painted is only what is on screen)

    # -- painting -----------------------------------------------------------------------------

    def visible_rows(self) -> range:
        if not self._heights:
            return range(0)
        first = max(0, self._row_at(0))
        last = self._row_at(self.viewport().height())
        return range(first, (len(self._heights) if last < 0 else last + 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setFont(self.font())
        selection = self.selectionModel()
        for row in self.visible_rows():
            rect = self.row_rect(row)
            if not rect.intersects(event.rect()):
                continue
            message = self.messages.messages[row]
            marked = self._marked if self._marked_in is message else None
            selected = selection.isRowSelected(row, QModelIndex())
            self.bubbles.paint_message(painter, message, rect, selected, marked)
        painter.end()

    # -- mouse and keys -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        left = event.button() == Qt.MouseButton.LeftButton
        self._pressed = self.message_at(point) if left else None
        if left:  # (a right click keeps what is marked, for the menu's Copy)
            self._unmark()
        if self._pressed is not None and not event.modifiers():
            # Dragging from here selects part of the message's text (as in a label).
            row = self.indexAt(point).row()
            at = self.bubbles.position_at(self._pressed, self.row_rect(row), event.position())
            self._marked_in, self._marked_row, self._marked = self._pressed, row, (at, at)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pressed is not None and self._marked_in is self._pressed:
            # (not passed on: the view would select the rows the mouse went over)
            if self.messages.messages[self._marked_row:self._marked_row + 1] != [self._pressed]:
                return  # trimmed meanwhile
            at = self.bubbles.position_at(self._pressed, self.row_rect(self._marked_row),
                                          event.position())
            self._marked = (self._marked[0], at)
            self.viewport().update()
            return
        message = self.message_at(event.position().toPoint())
        leads = message is not None and (message.turn is not None or message.kind == "file")
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if leads
                                  else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._pressed = self._pressed, None
        if pressed is not None and event.button() == Qt.MouseButton.LeftButton \
                and not self.marked_text() \
                and self.message_at(event.position().toPoint()) is pressed:
            self.messageClicked.emit(pressed)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        message = self.message_at(event.pos())
        if message is not None:
            self.menuRequested.emit(message, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        else:
            super().keyPressEvent(event)

    def selectAll(self) -> None:
        self._unmark()
        super().selectAll()

    # -- selection and copy -------------------------------------------------------------------

    def _unmark(self) -> None:
        if self._marked_in is not None:
            self._marked_in = None
            self.viewport().update()

    def marked_text(self) -> str:
        """The part of a message's text the user selected by dragging over it."""
        if self._marked_in is None:
            return ""
        start, end = sorted(self._marked)
        return self._marked_in.text[start:end]

    def selected_messages(self) -> list[ChatMessage]:
        """The selected messages, oldest first. Taken from the selection's ranges of rows:
        listing its rows made an index object for each (~0.3 s with 100,000 selected)."""
        messages, chosen, after = self.messages.messages, [], 0
        selection = self.selectionModel().selection()
        parts = (selection.at(i) for i in range(selection.count()))
        for top, bottom in sorted((part.top(), part.bottom()) for part in parts):
            chosen += messages[max(top, after):bottom + 1]  # (ranges may overlap)
            after = max(after, bottom + 1)
        return chosen

    def copy(self, message: ChatMessage | None = None) -> None:
        """Put on the clipboard the text selected in ``message`` (default: in any message),
        else the selected messages' text if ``message`` is one of them (one message a line),
        else ``message``'s."""
        marked = self.marked_text()
        if marked and message in (None, self._marked_in):
            QGuiApplication.clipboard().setText(marked)
            return
        chosen = self.selected_messages()
        if message is not None and message not in chosen:
            chosen = [message]
        if chosen:
            QGuiApplication.clipboard().setText("\n".join(m.text for m in chosen))
