"""Chat bubbles linked to code and memory: which line produced a bubble, what its turn ran.

A :class:`BubbleLinker` follows one chat panel and its runner. Runtime events reach it
synchronously (``DialogRunner.subscribe``), right after the chat added the message, so the
newest message of the right kind is the one an event describes; it is tagged with its turn and
line. Clicking a tagged bubble emits :attr:`BubbleLinker.bubbleClicked`; its context menu offers
"Rewind to here" and "Show turn".

:class:`LineShade` shows the coverage of a turn in an editor's gutter (the text and its
selections are left alone; an edit or a new run clears it); :class:`TurnPanel` lists a turn's
messages (bot, user, files sent) and memory changes; clicking a message emits the line that
produced it.

Files sent with SEND FILE are attachments in the chat (a click opens the file): they are tagged
with their turn too, and their context menu shows the turn or rewinds to it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.run.turns import Turn, TurnRecorder
from interpreter.events import FileSent, Heard, InvalidAnswer, Talked

from ..editor.code_editor import CodeEditor
from .chat.bubbles import file_icon
from .chat.messages import ChatMessage
from .chat_panel import ChatPanel
from .turn_messages import LINE_ROLE, TurnMessages

EARLIER_RUN = "from an earlier run"


def describe_turn(turn: Turn) -> str:
    """Tooltip text: the turn number and its memory changes."""
    rows = turn.memory_rows()
    head = f"Turn {turn.index}"
    if not rows:
        return head + ": no memory changes"
    return head + "\n" + "\n".join(f"{k}: {old or '∅'} → {new or '∅'}" for k, old, new in rows)


class BubbleLinker(QObject):
    bubbleClicked = Signal(int, int)  # turn index, line
    rewindRequested = Signal(int)  # turn index

    def __init__(self, chat: ChatPanel, recorder: TurnRecorder,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chat = chat
        self.recorder = recorder
        chat.model.tooltip = self.tooltip
        chat.messageClicked.connect(self.click)
        chat.add_menu_hook(self._add_turn_actions)

    def on_event(self, event: object) -> None:
        """Subscribed to the runner after the recorder, so the turn already exists."""
        if isinstance(event, Talked):
            self._tag("bot", event.line)
        elif isinstance(event, (Heard, InvalidAnswer)):
            self._tag("user", event.line)
        elif isinstance(event, FileSent):
            # The attachment's own click opens the file; its turn is reached from the menu.
            self._tag("file", event.line)

    def _tag(self, kind: str, line: int) -> None:
        message = self.chat.model.newest(kind)
        if message is None or message.turn is not None:
            return  # (Heard after a rejected answer: that bubble is tagged already)
        message.turn = self.recorder.current.index
        message.line = line
        message.linked = True

    def forget(self) -> None:
        """A new run began: messages of earlier runs no longer name a recorded turn."""
        for message in self.chat.messages:
            message.turn = None

    def tooltip(self, message: ChatMessage) -> str:
        """A bubble's tooltip names its turn and that turn's memory changes as they are now:
        made when it is about to show (a turn goes on changing memory after its bubble), not
        for every bubble at every message. An attachment's names its file."""
        if message.kind == "file":
            return message.path
        turn = self.recorder.turn(message.turn) if message.turn is not None else None
        if turn is not None:
            return describe_turn(turn)
        return EARLIER_RUN if message.linked else ""

    def click(self, message: ChatMessage) -> None:
        if message.turn is not None:
            self.bubbleClicked.emit(message.turn, message.line)

    def bubble_menu(self, message: ChatMessage) -> QMenu:
        """The message's context menu (the chat's, with the turn's actions)."""
        return self.chat.message_menu(message)

    def _add_turn_actions(self, menu: QMenu, message: ChatMessage) -> None:
        if not message.linked:
            return
        index = message.turn
        rewind = menu.addAction("Rewind to here")
        rewind.setToolTip("Restore memory and conversation to the state right after this "
                          "turn (this bubble stays; the later messages are offered)")
        rewind.setEnabled(index is not None)
        rewind.triggered.connect(lambda: self.rewindRequested.emit(int(index or 0)))
        show = menu.addAction("Show turn")
        show.triggered.connect(lambda: self.click(message))


class LineShade(QObject):
    """A turn's coverage on one editor, drawn in its gutter (``CodeEditor.set_coverage``):
    the text keeps its own colours and selections. Editing the text or a new run clears it."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    @property
    def lines(self) -> frozenset[int]:
        return self.editor.coverage

    @property
    def line(self) -> int:
        """The producing line, drawn stronger (0: none)."""
        return self.editor.coverage_line

    def set_lines(self, lines: set[int] | frozenset[int], line: int = 0) -> None:
        self.editor.set_coverage(lines, line)

    def clear(self) -> None:
        self.editor.set_coverage(frozenset())


class TurnPanel(QWidget):
    """The selected turn: its messages (a click emits the line that produced one) and its
    memory changes (key, old → new)."""

    lineClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Click a chat bubble to see its turn")
        self.title.setWordWrap(True)
        self.model = TurnMessages(file_icon(self), self)
        self.messages = QListView()
        self.messages.setUniformItemSizes(True)  # one height: no per-row measuring
        self.messages.setModel(self.model)
        self.messages.clicked.connect(self._clicked)
        self.messages.activated.connect(self._clicked)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Key", "Old", "New"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.messages, 1)
        layout.addWidget(self.table, 1)

    def show_turn(self, turn: Turn) -> None:
        rows = turn.memory_rows()
        lines = len(turn.lines)
        self.title.setText(f"Turn {turn.index}: {len(turn.messages) + turn.dropped:,} "
                           f"message(s), {len(rows)} memory change(s), {lines} line(s) executed")
        self.model.show(turn)
        self.table.setRowCount(len(rows))
        for row, (key, old, new) in enumerate(rows):
            for column, text in enumerate((key, old or "∅", new or "∅")):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, cell)

    def entries(self) -> list[str]:
        """The texts of the message list, in order."""
        model = self.model
        return [model.index(i).data() for i in range(model.rowCount())]

    def _clicked(self, index: QModelIndex) -> None:
        line = index.data(LINE_ROLE)
        if line:
            self.lineClicked.emit(int(line))

    def rows(self) -> list[tuple[str, str, str]]:
        return [(self._text(r, 0), self._text(r, 1), self._text(r, 2))
                for r in range(self.table.rowCount())]

    def _text(self, row: int, column: int) -> str:
        cell = self.table.item(row, column)
        return cell.text() if cell is not None else ""


def shade_for(editor: CodeEditor, make: Callable[[CodeEditor], LineShade] = LineShade,
              ) -> LineShade:
    """The editor's overlay, created on first use."""
    shade = editor.findChild(LineShade)
    return shade if shade is not None else make(editor)


def show_line(editor: CodeEditor | None, line: int) -> None:
    """A turn panel entry was clicked: go to its line and mark it as the producing line,
    keeping the turn's coverage shaded."""
    if editor is None or not line:
        return
    editor.go_to_line(line)
    shade = shade_for(editor)
    shade.set_lines(shade.lines, line)


__all__ = ["EARLIER_RUN", "BubbleLinker", "LineShade", "TurnPanel", "describe_turn",
           "shade_for", "show_line"]
