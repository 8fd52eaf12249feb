"""The chat's messages as an item model: appending one costs the same however many there are.

A view over it (``view.ChatView``) lays out and paints only what is on screen, so the chat
keeps every message of a run up to ``limit``; past it the oldest ``trim`` leave together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

MESSAGE_ROLE = Qt.ItemDataRole.UserRole
KINDS = ("bot", "user", "note", "file")


@dataclass(eq=False, slots=True)
class ChatMessage:
    """One message: ``kind`` is "bot", "user", "note" or "file" (a SEND FILE attachment,
    ``text`` its name and caption, ``path`` the file). ``turn`` and ``line`` name the turn and
    the line that produced it once the Turn linker tagged it; ``linked`` stays true after a
    new run forgot the turn."""

    kind: str
    text: str
    path: str = ""
    turn: int | None = None
    line: int = 0
    linked: bool = False
    # Its text's size, kept by BubbleDelegate.text_size as numbers rather than tuples: a
    # tuple made for each of 100,000 messages at a font change waited in the garbage
    # collector's youngest generation, and collecting it held the GUI thread ~25 ms.
    # Unwrapped (known once laid out with no line wrapped; -1: not known): a message that
    # fits its bubble is not laid out again when the chat is resized.
    natural_width: float = -1.0
    natural_height: float = 0.0
    wrapped_at: float = -1.0  # the width it was last wrapped at (-1: none), and its size then
    wrapped_width: float = 0.0
    wrapped_height: float = 0.0
    font_generation: int = 0  # BubbleDelegate.font_generation when those were measured

    @property
    def label(self) -> str:
        """What ``ChatPanel.bubbles`` reports: the text, or an attachment's file name."""
        return PurePath(self.path).name if self.kind == "file" else self.text


Index = QModelIndex | QPersistentModelIndex


class ChatModel(QAbstractListModel):
    def __init__(self, limit: int, trim: int) -> None:
        super().__init__()
        self.limit = limit
        self.trim = trim
        self.messages: list[ChatMessage] = []
        self.left = 0  # messages that left past ``limit`` since the chat was cleared
        # Made when a tooltip is about to show: a turn goes on changing memory after its message.
        self.tooltip: Callable[[ChatMessage], str] = lambda message: ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self.messages)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.messages):
            return None
        message = self.messages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return message.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(message) or None
        if role == MESSAGE_ROLE:
            return message
        return None

    def append(self, message: ChatMessage) -> None:
        row = len(self.messages)
        self.beginInsertRows(QModelIndex(), row, row)
        self.messages.append(message)
        self.endInsertRows()
        excess = len(self.messages) - self.limit
        if excess >= self.trim:  # many at once: each removal shifts the rest of the list
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            del self.messages[:excess]
            self.endRemoveRows()
            self.left += excess

    def clear(self) -> None:
        self.beginResetModel()
        self.messages = []
        self.left = 0
        self.endResetModel()

    def newest(self, kind: str) -> ChatMessage | None:
        """The newest message of ``kind``, looked for from the end."""
        for message in reversed(self.messages):
            if message.kind == kind:
                return message
        return None
