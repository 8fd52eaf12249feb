"""The chat stays quick however long the conversation: it shows the last MAX_ROWS messages
(a line above says how many more there were), and a message's wrapped height is measured once.
A dialog TALKing in a loop used to slow the IDE down without end (each new bubble laid out
every one shown: ~90 ms a message with 3,000)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from interpreter.ports.host import BotMessage
from tests.ui.conftest import until
from ui.run.chat_panel import MAX_ROWS, TRIM_ROWS, Bubble, ChatPanel
from ui.run.turns_view import LINE_PROPERTY, TURN_PROPERTY, chat_labels


def test_the_chat_keeps_the_newest_messages_and_says_how_many_left(qtbot) -> None:
    chat = ChatPanel()
    qtbot.addWidget(chat)
    chat.show()
    for i in range(1, 1001):
        asyncio.run(chat.talk(BotMessage(f"line {i}")))
    shown = chat.bubbles()
    assert MAX_ROWS <= len(shown) < MAX_ROWS + TRIM_ROWS
    assert shown == [("bot", f"line {i}") for i in range(1001 - len(shown), 1001)]
    assert chat.earlier.isVisibleTo(chat)
    assert chat.earlier.text().startswith(f"{1000 - len(shown):,} earlier messages")
    chat.clear()
    assert chat.bubbles() == [] and not chat.earlier.isVisibleTo(chat)
    asyncio.run(chat.talk(BotMessage("again")))
    assert chat.bubbles() == [("bot", "again")]


def test_a_short_conversation_is_shown_whole(qtbot) -> None:
    chat = ChatPanel()
    qtbot.addWidget(chat)
    for i in range(MAX_ROWS + TRIM_ROWS - 1):
        chat.add_note(f"note {i}")
    assert len(chat.bubbles()) == MAX_ROWS + TRIM_ROWS - 1
    assert not chat.earlier.isVisibleTo(chat)


def test_a_bubble_measures_its_text_again_when_it_or_its_font_changes(qtbot) -> None:
    bubble = Bubble("short")
    qtbot.addWidget(bubble)
    bubble.setWordWrap(True)
    one_line = bubble.heightForWidth(200)
    assert bubble.heightForWidth(200) == one_line
    bubble.setText("many words " * 40)
    tall = bubble.heightForWidth(200)
    assert tall > 3 * one_line
    font = QFont(bubble.font())
    font.setPointSize(font.pointSize() * 2)
    bubble.setFont(font)
    assert bubble.heightForWidth(200) > tall


def test_a_dialog_talking_in_a_loop_leaves_the_last_bubbles_linked_to_their_turn(
        window, run, qtbot) -> None:
    editor = window.add_tab('FOR i = 1 TO 600\n  TALK "line " + i\nNEXT\nTALK "done"\n',
                            None).editor
    editor.document().setModified(False)

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running)

    run(scenario())
    bots = [text for kind, text in window.chat.bubbles() if kind == "bot"]
    assert bots[-2:] == ["line 600", "done"]
    assert len(window.chat.bubbles()) < MAX_ROWS + TRIM_ROWS
    assert window.chat.earlier.isVisible()
    done = next(lb for lb in reversed(chat_labels(window.chat)) if lb.text() == "done")
    assert done.property(LINE_PROPERTY) == 4 and done.property(TURN_PROPERTY) == 0
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    entries = window.conversation.turn_panel.entries()
    # Every message of the turn, those the chat no longer shows too.
    assert [e for e in entries if e.startswith("bot:")] == (
        [f"bot: line {i}" for i in range(1, 601)] + ["bot: done"])
    assert "Turn 0" in done.toolTip()


def test_the_earlier_messages_line_follows_the_theme_and_wraps_in_a_narrow_chat(qtbot) -> None:
    """The line saying how many messages left is a note like the others: dark theme colours
    (it kept the light ones), and wrapped, so a narrow chat dock is not pushed wider than
    it was by its one long line."""
    chat = ChatPanel()
    qtbot.addWidget(chat)
    chat.show()
    narrow = chat.minimumSizeHint().width()
    for i in range(MAX_ROWS + TRIM_ROWS):
        chat.add_note(f"n{i}")
    assert chat.earlier.isVisibleTo(chat)
    assert chat.minimumSizeHint().width() <= narrow
    chat.set_dark(True)
    note = next(lb for lb in chat_labels(chat) if lb.objectName() == "note")
    assert chat.earlier.styleSheet() == note.styleSheet()
    chat.set_dark(False)
    assert chat.earlier.styleSheet() == note.styleSheet()
