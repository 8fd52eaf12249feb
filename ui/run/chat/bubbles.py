"""How a chat message looks: its bubble's shape, colours and wrapped text.

:class:`BubbleDelegate` measures and paints one message. The text is laid out by one function
(:func:`lay_out`) for both, so what is painted is exactly what was measured; a long word with
no space breaks where it must instead of running out of its bubble.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen, QTextLayout, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from .messages import MESSAGE_ROLE, ChatMessage

MARGIN = 4  # around the list
GAP = 6  # between two messages
PAD_X, PAD_Y = 10, 6  # inside a bubble
RADIUS = 10
ICON = 16  # an attachment's file icon
BUBBLE_SHARE = 0.8  # of the row's width at most; a note takes the whole row


class Colors(NamedTuple):
    background: str  # "" for none (a note)
    text: str
    border: str = ""


_COLORS = {  # (light, dark) per message kind
    "bot": (Colors("#e8eefc", "#1b2a4a"), Colors("#2c3a55", "#e3eaff")),
    "user": (Colors("#2e7d32", "#ffffff"), Colors("#2e6b31", "#ffffff")),
    "note": (Colors("", "#888888"), Colors("", "#9a9a9a")),
    "file": (Colors("#e8eefc", "#1b2a4a", "#9fb3e0"), Colors("#2c3a55", "#e3eaff", "#4a5f8a")),
}


def colors(kind: str, dark: bool) -> Colors:
    light, darker = _COLORS.get(kind, _COLORS["note"])
    return darker if dark else light


def file_icon(widget: QWidget) -> QIcon:
    """The style's file icon marks a sent file (a paperclip emoji shows as a box where no
    colour emoji font is installed)."""
    return widget.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


_WRAP = QTextOption()
_WRAP.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
_ANYWHERE = QTextOption()
_ANYWHERE.setWrapMode(QTextOption.WrapMode.WrapAnywhere)
# Qt looks for a word boundary from each line's start to the end of a word: wrapping one word
# of n characters costs n² (~0.8 s for 100,000, twice: measured, then painted). A message
# holding so long a word (a blob, a minified file) breaks anywhere, in linear time.
_LONG_WORD = re.compile(r"\S{2000}")


def lay_out(text: str, font: QFont, width: float) -> tuple[QTextLayout, float, float]:
    """``text`` wrapped at ``width``: the layout, its widest line and its height."""
    # QTextLayout breaks lines at U+2028 only, not at "\n".
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    layout.setTextOption(_ANYWHERE if _LONG_WORD.search(text) else _WRAP)
    layout.beginLayout()
    height = widest = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return layout, widest, height


def to_chars(text: str, units: int) -> int:
    """The Python index of Qt's text position ``units`` (Qt counts UTF-16 units: an emoji
    is two)."""
    if text.isascii():
        return units
    return len(text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", "ignore"))


def to_units(text: str, chars: int) -> int:
    """Qt's text position of the Python index ``chars``."""
    return chars if text.isascii() else len(text[:chars].encode("utf-16-le")) // 2


class BubbleDelegate(QStyledItemDelegate):
    """Measures and paints messages: bot bubbles on the left, the user's on the right, notes
    as grey italic lines, attachments as framed bubbles with the file icon."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.widget = parent
        self.dark = False
        self._fonts: dict[bool, QFont] = {}
        # Which font the messages' cached sizes were measured in: a font change makes them all
        # stale at once, with no pass over 100,000 messages to forget them.
        self.font_generation = 0
        # The text laid out for painting, by message: the rows on screen are painted again
        # at every new message, mostly the same ones.
        self._painted: dict[int, tuple[ChatMessage, float, QTextLayout]] = {}

    def font_changed(self) -> None:
        self._fonts.clear()
        self._painted.clear()
        self.font_generation += 1

    def font_for(self, kind: str) -> QFont:
        italic = kind == "note"
        font = self._fonts.get(italic)
        if font is None:
            font = self._fonts[italic] = QFont(self.widget.font())
            font.setItalic(italic)
        return font

    def text_width(self, kind: str, row_width: int) -> float:
        """The widest a message's text may be in a row ``row_width`` wide."""
        bubble = row_width if kind == "note" else int(row_width * BUBBLE_SHARE)
        inner = bubble - (0 if kind == "note" else 2 * PAD_X)
        return max(20.0, inner - (ICON + PAD_X // 2 if kind == "file" else 0))

    def text_size(self, message: ChatMessage, row_width: int) -> tuple[float, float]:
        """The wrapped text's (width, height) in a row ``row_width`` wide."""
        if message.font_generation != self.font_generation:
            message.font_generation = self.font_generation
            message.natural_width = message.wrapped_at = -1.0
        limit = self.text_width(message.kind, row_width)
        if 0 <= message.natural_width <= limit:
            return message.natural_width, message.natural_height
        if message.wrapped_at != limit:
            layout, widest, height = lay_out(message.text, self.font_for(message.kind), limit)
            if layout.lineCount() == message.text.count("\n") + 1:
                # No line wrapped: its size at any width it fits in (one layout, not one
                # unwrapped then one wrapped: a font change measures every message).
                message.natural_width, message.natural_height = widest, height
                return widest, height
            message.wrapped_at, message.wrapped_width, message.wrapped_height = (
                limit, widest, height)
        return message.wrapped_width, message.wrapped_height

    def is_measured(self, message: ChatMessage, row_width: int) -> bool:
        """Whether ``height(message, row_width)`` is known without laying the text out."""
        limit = self.text_width(message.kind, row_width)
        return message.font_generation == self.font_generation and (
            0 <= message.natural_width <= limit or message.wrapped_at == limit)

    def height(self, message: ChatMessage, row_width: int) -> int:
        """The row's height, the gap below it included."""
        _, text = self.text_size(message, row_width)
        pad = 0 if message.kind == "note" else 2 * PAD_Y
        content = max(text, ICON) if message.kind == "file" else text
        return int(content + 0.999) + pad + GAP

    def _layout(self, message: ChatMessage, limit: float) -> QTextLayout:
        kept = self._painted.get(id(message))
        if kept is not None and kept[0] is message and kept[1] == limit:
            return kept[2]
        if len(self._painted) > 512:
            self._painted.clear()
        layout, _, _ = lay_out(message.text, self.font_for(message.kind), limit)
        self._painted[id(message)] = (message, limit, layout)
        return layout

    def bubble_rect(self, message: ChatMessage, row: QRect) -> QRect:
        """Where the bubble sits in its row (``row``: the row without the gap below)."""
        if message.kind == "note":
            return QRect(row)
        widest, _ = self.text_size(message, row.width())
        width = int(widest + 0.999) + 2 * PAD_X + (ICON + PAD_X // 2 if message.kind == "file"
                                                   else 0)
        width = min(width, row.width())
        left = row.right() + 1 - width if message.kind == "user" else row.left()
        return QRect(left, row.top(), width, row.height())

    def text_origin(self, message: ChatMessage, row: QRect) -> QPointF:
        """Where the message's text starts in a row at ``row``."""
        bubble = self.bubble_rect(message, row)
        if message.kind == "note":
            return QPointF(bubble.topLeft())
        left = bubble.left() + PAD_X + (ICON + PAD_X // 2 if message.kind == "file" else 0)
        return QPointF(left, bubble.top() + PAD_Y)

    def position_at(self, message: ChatMessage, row: QRect, point: QPointF) -> int:
        """The index in the text nearest ``point`` (above the text: 0, below: the end)."""
        layout = self._layout(message, self.text_width(message.kind, row.width()))
        local = point - self.text_origin(message, row)
        if local.y() < 0:
            return 0
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if local.y() < line.y() + line.height():
                return to_chars(message.text, line.xToCursor(local.x()))
        return len(message.text)

    def paint_message(self, painter: QPainter, message: ChatMessage, row: QRect,
                      selected: bool, marked: tuple[int, int] | None = None) -> None:
        """``marked``: the (start, end) indices of the text the user selected in it."""
        look = colors(message.kind, self.dark)
        bubble = self.bubble_rect(message, row)
        palette = self.widget.palette()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        elif look.border:
            painter.setPen(QPen(QColor(look.border), 1))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        if look.background:
            painter.setBrush(QColor(look.background))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
        if look.background or selected:
            painter.drawRoundedRect(QRectF(bubble).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        origin = self.text_origin(message, row)
        if message.kind == "file":
            icon = QRect(bubble.left() + PAD_X, bubble.top() + PAD_Y, ICON, ICON)
            file_icon(self.widget).paint(painter, icon)
        layout = self._layout(message, self.text_width(message.kind, row.width()))
        painter.setPen(QColor(look.text))
        marks = []
        if marked is not None and marked[0] != marked[1]:
            mark = QTextLayout.FormatRange()
            start, end = (to_units(message.text, at) for at in sorted(marked))
            mark.start, mark.length = start, end - start
            mark.format.setBackground(palette.color(QPalette.ColorRole.Highlight))
            mark.format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            marks.append(mark)
        layout.draw(painter, origin, marks)
        painter.restore()

    # -- QStyledItemDelegate, for any other view over the model ------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        message = index.data(MESSAGE_ROLE)
        row = QRect(option.rect)
        row.setHeight(row.height() - GAP)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        self.paint_message(painter, message, row, selected)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = option.rect.width()
        return QSize(width, self.height(index.data(MESSAGE_ROLE), width))
