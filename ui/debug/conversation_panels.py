"""The two small panels of conversation debugging: the Answers dock (answers typed ahead for
the coming HEARs, later messages offered after a rewind) and the conversation breakpoints box
shown in the Breakpoints dock."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.conversation.channel import answers_from_chat, parse_answers
from app.conversation.chat_format import ChatFormatError
from interpreter.debug.conversation import ConversationBreakpoints, ConversationWatch

from .. import file_dialogs

if TYPE_CHECKING:
    from .conversation import ChatSession


class AnswersPanel(QWidget):
    """The answers typed ahead for the main chat, one per line, and later messages offered
    after a rewind."""

    def __init__(self, session: ChatSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.offered: list[str] = []
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("One answer per line; each HEAR takes the next one")
        self.status = QLabel()
        queue_button = QPushButton("Queue")
        queue_button.setToolTip("Use these answers for the coming HEARs")
        queue_button.clicked.connect(self.queue_text)
        load_button = QPushButton("Load from Test…")
        load_button.clicked.connect(self._ask_chat_file)
        clear_button = QPushButton("Clear")
        clear_button.clicked.connect(lambda: session.queue.set([]))
        self.offer_button = QPushButton()
        self.offer_button.clicked.connect(self.queue_offered)
        row = QHBoxLayout()
        for button in (queue_button, load_button, clear_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        layout.addWidget(self.offer_button)
        layout.addWidget(self.status)
        session.queue.on_change = self.refresh
        session.chat.answeredByHand.connect(self._answered_by_hand)
        self.refresh()

    def _answered_by_hand(self, _answer: str) -> None:
        """The conversation left the rewound one: its later messages no longer follow."""
        if self.offered:
            self.offer([])

    def queue_text(self) -> None:
        self.session.queue.set(parse_answers(self.editor.toPlainText()))
        self.session.feed_waiting_hear()

    def load_chat(self, path: str | Path) -> list[str]:
        answers = answers_from_chat(path)
        self.session.queue.set(answers)
        self.session.feed_waiting_hear()
        return answers

    def _ask_chat_file(self) -> None:
        path = file_dialogs.open_file_name(self, "Answers from a conversation test", "",
                                              "Conversation tests (*.chat)")
        if path:
            try:
                self.load_chat(path)
            except (OSError, ChatFormatError) as exc:
                QMessageBox.warning(self, "Cannot load answers", str(exc))

    def offer(self, messages: list[str] | tuple[str, ...]) -> None:
        self.offered = list(messages)
        self.refresh()

    def queue_offered(self) -> None:
        """Replay the later messages of a rewound conversation."""
        offered, self.offered = self.offered, []
        self.session.queue.extend(offered)
        self.session.feed_waiting_hear()

    def refresh(self) -> None:
        answers = self.session.queue.answers
        self.editor.blockSignals(True)
        self.editor.setPlainText("\n".join(answers))
        self.editor.blockSignals(False)
        self.status.setText(f"{len(answers)} answer(s) queued")
        self.offer_button.setText(f"Replay the later messages ({len(self.offered)})")
        self.offer_button.setVisible(bool(self.offered))


class ConversationBreakpointsBox(QGroupBox):
    """Conversation breakpoints, shown in the Breakpoints dock under line and memory ones."""

    def __init__(self, watch: ConversationWatch, parent: QWidget | None = None) -> None:
        super().__init__("Conversation breakpoints", parent)
        self.watch = watch
        self.next_hear = QCheckBox("Break at the next HEAR")
        self.talk = QLineEdit()
        self.talk.setPlaceholderText("pattern (regular expression or text)")
        self.turn = QSpinBox()
        self.turn.setRange(0, 9999)
        self.turn.setSpecialValueText("off")
        self.input = QLineEdit()
        self.input.setPlaceholderText("pattern (regular expression or text)")
        form = QFormLayout(self)
        form.addRow(self.next_hear)
        form.addRow("When a TALK matches", self.talk)
        form.addRow("At turn", self.turn)
        form.addRow("When the user's input matches", self.input)
        self.next_hear.toggled.connect(self.apply)
        self.talk.textChanged.connect(self.apply)
        self.turn.valueChanged.connect(self.apply)
        self.input.textChanged.connect(self.apply)

    def apply(self, *_: Any) -> None:
        self.watch.set_breakpoints(ConversationBreakpoints(
            self.next_hear.isChecked(), self.talk.text().strip(), self.turn.value(),
            self.input.text().strip()))

    def sync(self) -> None:
        """The one-shot "next HEAR" switches itself off when it fires."""
        self.next_hear.blockSignals(True)
        self.next_hear.setChecked(self.watch.breakpoints.next_hear)
        self.next_hear.blockSignals(False)
