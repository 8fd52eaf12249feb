"""The chat panel: the IDE's Channel. TALK shows a bot bubble; HEAR waits for the input line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .chat.bubbles import colors
from .chat.messages import ChatMessage, ChatModel
from .chat.view import ChatView

if TYPE_CHECKING:
    import asyncio

    from interpreter.ports.host import BotMessage, HearRequest

IDLE_HINT = "The bot is not waiting for input"

# Messages the chat keeps at most; past it the oldest TRIM_ROWS leave together (a line above
# says how many). The view lays out and paints only what is on screen, so a message costs the
# same however many there are. A turn keeps as many (app.run.turns.MAX_TURN_MESSAGES).
MAX_ROWS = 100_000
TRIM_ROWS = 10_000

MenuHook = Callable[[QMenu, ChatMessage], None]


class ChatPanel(QWidget):
    """Implements ``interpreter.ports.host.Channel`` on top of a bubble list and an input line."""

    answeredByHand = Signal(str)  # the user typed or picked an answer (not a queued one)
    messageClicked = Signal(object)  # a ChatMessage that is not an attachment (those open)

    def __init__(self, parent: QWidget | None = None, limit: int = MAX_ROWS,
                 trim: int = TRIM_ROWS) -> None:
        super().__init__(parent)
        self._dark = False
        self._pending: asyncio.Future[str] | None = None
        # Where the keyboard went when the answered input was disabled (the Output list, by
        # Qt's focus chain): the window takes it back for the editor when the run ends.
        self.keyboard_parked_on: QWidget | None = None
        self._menu_hooks: list[MenuHook] = []
        self.earlier = QLabel()
        self.earlier.setObjectName("earlier")
        self.earlier.setWordWrap(True)  # one long line: unwrapped, it set the dock's width
        self.earlier.setStyleSheet(self.note_style())
        self.earlier.hide()
        self.model = ChatModel(limit, trim)
        self.model.tooltip = lambda message: message.path
        self.view = ChatView(self.model)
        self.view.messageClicked.connect(self._clicked)
        self.view.menuRequested.connect(self._popup_menu)
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
        layout.addWidget(self.view, 1)
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
        self._add(ChatMessage("file", name + (f"\n{caption}" if caption else ""), path))

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

    @property
    def messages(self) -> list[ChatMessage]:
        """Every message the chat keeps, oldest first (read only)."""
        return self.model.messages

    def bubbles(self) -> list[tuple[str, str]]:
        """(``"bot"``/``"user"``/``"note"``, text) of every message, oldest first;
        (``"file"``, name) for an attachment."""
        return [(message.kind, message.label) for message in self.model.messages]

    def choice_buttons(self) -> list[QPushButton]:
        items = (self._choices.itemAt(i) for i in range(self._choices.count()))
        return [button for item in items if item is not None
                if isinstance(button := item.widget(), QPushButton)]

    def add_bubble(self, text: str, from_bot: bool) -> None:
        self._add(ChatMessage("bot" if from_bot else "user", text))

    def add_note(self, text: str) -> None:
        """A grey line between bubbles (run started, finished, new session)."""
        self._add(ChatMessage("note", text))

    def start_run(self, text: str) -> None:
        """The note that a run starts, shown with the newest messages even when the user had
        scrolled up to read: what the run says next is what they started it for."""
        self.add_note(text)
        self.view.follow_newest()

    def clear(self) -> None:
        self.model.clear()
        self.earlier.hide()
        self._clear_choices()

    def _add(self, message: ChatMessage) -> None:
        left = self.model.left
        self.model.append(message)
        if self.model.left != left:
            self.earlier.setText(f"{self.model.left:,} earlier messages are not shown here: the "
                                 f"chat keeps the last {self.model.limit:,}, the Turn dock every "
                                 "message of a turn")
            self.earlier.show()

    def _clicked(self, message: ChatMessage) -> None:
        if message.kind == "file":
            self.open_file(message.path)
        else:
            self.messageClicked.emit(message)

    def edit_command(self, name: str) -> bool:
        """Edit menu's copy or select all while the message list has focus; False for the
        others (the input field is a QLineEdit: the window's Edit menu reaches it itself)."""
        if name not in ("copy", "selectAll") or not self.view.hasFocus():
            return False
        getattr(self.view, name)()
        return True

    def add_menu_hook(self, hook: MenuHook) -> None:
        """``hook(menu, message)`` adds its actions to every message's context menu."""
        self._menu_hooks.append(hook)

    def message_menu(self, message: ChatMessage) -> QMenu:
        """The context menu of ``message``: Copy (the text selected in it, or the selected
        messages if it is one of them, or the message), then what the hooks add."""
        menu = QMenu(self.view)
        copy = menu.addAction("Copy")
        copy.triggered.connect(lambda: self.view.copy(message))
        for hook in self._menu_hooks:
            hook(menu, message)
        return menu

    def _popup_menu(self, message: ChatMessage, where: QPoint) -> None:
        menu = self.message_menu(message)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(where)

    def set_dark(self, dark: bool) -> None:
        """Bubble colours for a dark or a light application theme (existing bubbles too)."""
        self._dark = dark
        self.view.bubbles.dark = dark
        self.earlier.setStyleSheet(self.note_style())
        self.view.viewport().update()

    def note_style(self) -> str:
        """The style sheet of a grey note line in the current theme."""
        return f"color:{colors('note', self._dark).text};font-style:italic;"

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
        self.view.follow_newest()
        self.add_bubble(answer, from_bot=False)
        assert self._pending is not None
        self._pending.set_result(answer)
