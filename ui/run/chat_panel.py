"""The chat panel: the IDE's Channel. TALK shows a bot bubble; HEAR waits for the input line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    import asyncio

    from interpreter.ports.host import BotMessage, HearRequest

IDLE_HINT = "The bot is not waiting for input"
_BUBBLE = "border-radius:10px;padding:6px 10px;"
_STYLES = {  # (light, dark) per bubble kind
    "bot": ("background:#e8eefc;color:#1b2a4a;" + _BUBBLE,
            "background:#2c3a55;color:#e3eaff;" + _BUBBLE),
    "user": ("background:#2e7d32;color:white;" + _BUBBLE,
             "background:#2e6b31;color:white;" + _BUBBLE),
    "note": ("color:#888;font-style:italic;", "color:#9a9a9a;font-style:italic;"),
    "file": ("background:#e8eefc;color:#1b2a4a;border:1px solid #9fb3e0;text-align:left;"
             + _BUBBLE,
             "background:#2c3a55;color:#e3eaff;border:1px solid #4a5f8a;text-align:left;"
             + _BUBBLE),
}


# Messages the chat shows at most; older ones leave it (a line above says how many). Each
# message is a widget, and adding one lays out all those shown again: ~2 ms with 50 shown,
# 14 ms with 1,000, 90 ms with 3,000, so a dialog TALKing in a loop slowed the IDE down
# without end. The Turn dock lists every message of a turn, and a recorded test keeps them.
MAX_ROWS = 300
TRIM_ROWS = 100  # rows past MAX_ROWS that leave together


def file_icon(widget: QWidget) -> QIcon:
    """The style's file icon marks a sent file (a paperclip emoji shows as a box where no
    colour emoji font is installed)."""
    return widget.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


# What makes a bubble measure its text again: a theme's style sheet (other padding), a font.
_MEASURE_AGAIN = frozenset((QEvent.Type.StyleChange, QEvent.Type.FontChange,
                            QEvent.Type.ContentsRectChange))


class Bubble(QLabel):
    """A message's label, its wrapped height measured once per width: every layout pass asks
    each message shown, and QLabel measured its text again each time (~55 µs a message)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._heights: dict[int, int] = {}

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _MEASURE_AGAIN:
            self._heights.clear()
        super().changeEvent(event)


class ChatPanel(QWidget):
    """Implements ``interpreter.ports.host.Channel`` on top of a bubble list and an input line."""

    answeredByHand = Signal(str)  # the user typed or picked an answer (not a queued one)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dark = False
        self._pending: asyncio.Future[str] | None = None
        # Where the keyboard went when the answered input was disabled (the Output list, by
        # Qt's focus chain): the window takes it back for the editor when the run ends.
        self.keyboard_parked_on: QWidget | None = None
        self._left = 0  # messages that left the chat past MAX_ROWS since it was cleared
        self.earlier = QLabel()
        self.earlier.setObjectName("earlier")
        self.earlier.setWordWrap(True)  # one long line: unwrapped, it set the dock's width
        self.earlier.setStyleSheet(self._style("note"))
        self.earlier.hide()
        self._messages = QWidget()
        self._list = QVBoxLayout(self._messages)
        self._list.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(self._messages)
        self._scroll.verticalScrollBar().rangeChanged.connect(
            lambda _lo, hi: self._scroll.verticalScrollBar().setValue(hi)
        )
        self._choices = QHBoxLayout()
        self._choices.addStretch(1)
        self.input = QLineEdit()
        self.input.returnPressed.connect(lambda: self.answer_by_hand())
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(lambda: self.answer_by_hand())
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.earlier)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(self._choices)
        layout.addLayout(row)
        self._set_waiting(False)

    # -- Channel protocol -------------------------------------------------------------------

    async def talk(self, message: BotMessage) -> None:
        prefix = f"(to {message.recipient}) " if message.recipient else ""
        self.add_bubble(prefix + message.text, from_bot=True)
        if message.suggestions:
            self._show_choices([s.text for s in message.suggestions])

    async def send_file(self, path: str, caption: str = "") -> None:
        """SEND FILE: an attachment bubble with the file name; a click opens the file."""
        name = Path(path).name
        # The caption sits in the button, not in a QLabel bubble: label bubbles pair with
        # Talked events (turns view), and SEND FILE reports a FileSent event instead.
        button = QPushButton(file_icon(self), name + (f"\n{caption}" if caption else ""))
        button.setObjectName("file")
        button.setProperty("fileName", name)
        button.setToolTip(path)
        button.setStyleSheet(self._style("file"))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda _=False: self.open_file(path))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(button)
        layout.addStretch(1)
        self._append(row)

    def open_file(self, path: str) -> None:
        """Open an attachment with the desktop's program for its type."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    async def hear(self, request: HearRequest) -> str:
        if request.options:
            self._show_choices(list(request.options))
        import asyncio  # loaded with the qasync loop, after the window's first paint

        self._pending = asyncio.get_running_loop().create_future()
        self._set_waiting(True, request)
        try:
            return await self._pending
        finally:  # answered or cancelled by Stop: the input goes idle either way
            self._pending = None
            self._set_waiting(False)

    # -- widgets ----------------------------------------------------------------------------

    @property
    def waiting(self) -> bool:
        return self._pending is not None and not self._pending.done()

    def rows(self) -> list[QWidget]:
        """The row widget of every message (bubble, note or attachment), oldest first."""
        items = (self._list.itemAt(i) for i in range(self._list.count()))
        return [w for item in items if item is not None and (w := item.widget()) is not None]

    def bubbles(self) -> list[tuple[str, str]]:
        """(``"bot"``/``"user"``/``"note"``, text) of every message, oldest first;
        (``"file"``, name) for an attachment."""
        found = []
        for i in range(self._list.count()):
            item = self._list.itemAt(i)
            widget = item.widget() if item is not None else None
            label = widget.findChild(QLabel) if widget else None
            attachment = widget.findChild(QPushButton, "file") if widget else None
            if label is not None:
                found.append((label.objectName(), label.text()))
            elif attachment is not None:
                found.append(("file", attachment.property("fileName")))
        return found

    def choice_buttons(self) -> list[QPushButton]:
        items = (self._choices.itemAt(i) for i in range(self._choices.count()))
        return [button for item in items if item is not None
                if isinstance(button := item.widget(), QPushButton)]

    def add_bubble(self, text: str, from_bot: bool) -> None:
        self._add(text, "bot" if from_bot else "user")

    def add_note(self, text: str) -> None:
        """A grey line between bubbles (run started, finished, new session)."""
        self._add(text, "note")

    def clear(self) -> None:
        self._left = 0
        self.earlier.hide()
        while self._list.count() > 1:
            item = self._list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget:
                widget.deleteLater()
        self._clear_choices()

    def _add(self, text: str, kind: str) -> None:
        label = Bubble(text)
        label.setObjectName(kind)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet(self._style(kind))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        if kind == "user":
            layout.addStretch(1)
        layout.addWidget(label, 4 if kind != "note" else 1)
        if kind == "bot":
            layout.addStretch(1)
        self._append(row)

    def _append(self, row: QWidget) -> None:
        """Add a message's row below the others; past MAX_ROWS the oldest leaves."""
        self._list.insertWidget(self._list.count() - 1, row)
        excess = self._list.count() - 1 - MAX_ROWS
        if excess >= TRIM_ROWS:
            # Many at once and hidden first: removing a shown row lays out the others again.
            self._messages.setUpdatesEnabled(False)
            for _ in range(excess):
                item = self._list.takeAt(0)
                old = item.widget() if item is not None else None
                if old is not None:
                    old.hide()
                    old.deleteLater()
            self._messages.setUpdatesEnabled(True)
            self._left += excess
            self.earlier.setText(f"{self._left:,} earlier messages are not shown here: the chat "
                                 f"keeps the last {MAX_ROWS}, the Turn dock every message of a "
                                 "turn")
            self.earlier.show()

    def set_dark(self, dark: bool) -> None:
        """Bubble colours for a dark or a light application theme (existing bubbles too)."""
        self._dark = dark
        self.earlier.setStyleSheet(self._style("note"))
        for widget in self.findChildren(QWidget):
            if widget.objectName() in _STYLES:
                widget.setStyleSheet(self._style(widget.objectName()))

    def _style(self, kind: str) -> str:
        light, dark = _STYLES.get(kind, _STYLES["note"])
        return dark if self._dark else light

    def _show_choices(self, texts: list[str]) -> None:
        self._clear_choices()
        for text in texts:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, t=text: self.answer_by_hand(t))
            self._choices.insertWidget(self._choices.count() - 1, button)

    def _clear_choices(self) -> None:
        for button in self.choice_buttons():
            self._choices.removeWidget(button)
            button.deleteLater()

    def _set_waiting(self, waiting: bool, request: HearRequest | None = None) -> None:
        typing_here = not waiting and self.input.hasFocus()
        self.input.setEnabled(waiting)
        self.send_button.setEnabled(waiting)
        if typing_here:  # Qt handed the keyboard on along the chain, past Send
            self.keyboard_parked_on = QApplication.focusWidget()
        if waiting:
            kind = (
                "" if request is None or request.kind == "STRING" else f" ({request.kind.lower()})"
            )
            self.input.setPlaceholderText(f"Type your answer{kind} and press Enter")
            self.input.setFocus()
        else:
            self.input.setPlaceholderText(IDLE_HINT)

    def answer_by_hand(self, text: str | None = None) -> None:
        """The user typed the answer (Enter, Send) or picked a choice button: answer the
        pending HEAR and emit ``answeredByHand`` (``send`` alone is for queued answers)."""
        if not self.waiting:
            return
        answer = self.input.text() if text is None else text
        self.send(answer)
        self.answeredByHand.emit(answer)

    def send(self, text: str | None = None) -> None:
        """Answer the pending HEAR with ``text`` (default: the input line)."""
        if not self.waiting:
            return
        answer = self.input.text() if text is None else text
        self.input.clear()
        self._clear_choices()
        self.add_bubble(answer, from_bot=False)
        assert self._pending is not None
        self._pending.set_result(answer)
