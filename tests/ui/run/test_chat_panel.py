"""The chat keeps every message of a run (up to a bound far above what a run shows: past it a
line above says how many left), and a message's wrapped height is measured when it arrives.
A dialog TALKing in a loop used to slow the IDE down without end (each new bubble laid out
every one shown: ~90 ms a message with 3,000), then lost all but its last 300 messages."""

from __future__ import annotations

import asyncio

from PySide6.QtGui import QFont

from interpreter.ports.host import BotMessage
from tests.ui.conftest import chat_message, click_message, message_tooltip, until
from ui.run.chat.bubbles import colors
from ui.run.chat_panel import MAX_ROWS, TRIM_ROWS, ChatPanel


def test_the_chat_keeps_the_newest_messages_and_says_how_many_left(qtbot) -> None:
    chat = ChatPanel(limit=300, trim=100)
    qtbot.addWidget(chat)
    chat.show()
    for i in range(1, 1001):
        asyncio.run(chat.talk(BotMessage(f"line {i}")))
    shown = chat.bubbles()
    assert 300 <= len(shown) < 400
    assert shown == [("bot", f"line {i}") for i in range(1001 - len(shown), 1001)]
    assert chat.earlier.isVisibleTo(chat)
    assert chat.earlier.text().startswith(f"{1000 - len(shown):,} earlier messages")
    assert "keeps the last 300" in chat.earlier.text()
    assert chat.view.following  # the newest message is on screen
    chat.clear()
    assert chat.bubbles() == [] and not chat.earlier.isVisibleTo(chat)
    asyncio.run(chat.talk(BotMessage("again")))
    assert chat.bubbles() == [("bot", "again")]


def test_a_conversation_below_the_bound_is_kept_whole(qtbot) -> None:
    assert (MAX_ROWS, TRIM_ROWS) == (100_000, 10_000)
    chat = ChatPanel()
    qtbot.addWidget(chat)
    for i in range(5_000):
        chat.add_note(f"note {i}")
    assert len(chat.bubbles()) == 5_000
    assert not chat.earlier.isVisibleTo(chat)


def test_a_message_is_measured_again_when_the_width_or_the_font_changes(qtbot) -> None:
    chat = ChatPanel()
    qtbot.addWidget(chat)
    chat.resize(400, 500)
    chat.show()
    chat.add_bubble("short", from_bot=True)
    chat.add_bubble("many words " * 40, from_bot=True)
    chat.add_bubble("x" * 300, from_bot=False)  # no space: broken where it must be
    one_line = chat.view.row_rect(0).height()
    tall = chat.view.row_rect(1).height()
    assert tall > 3 * one_line
    assert chat.view.row_rect(2).height() > 2 * one_line
    for row in (1, 2):
        assert chat.view.viewport().rect().contains(chat.view.bubble_rect(row).topRight())
    chat.resize(800, 500)
    qtbot.waitUntil(lambda: chat.view.row_rect(1).height() < tall)
    assert chat.view.row_rect(0).height() == one_line
    font = QFont(chat.view.font())
    font.setPointSize(font.pointSize() * 2)
    chat.view.setFont(font)  # (the rows off screen are measured in idle time)
    qtbot.waitUntil(lambda: chat.view.row_rect(0).height() > one_line)


def test_a_dialog_talking_in_a_loop_keeps_every_bubble_linked_to_its_turn(
        window, run, qtbot) -> None:
    editor = window.add_tab('FOR i = 1 TO 600\n  TALK "line " + i\nNEXT\nTALK "done"\n',
                            None).editor
    editor.document().setModified(False)

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running)

    run(scenario())
    bots = [text for kind, text in window.chat.bubbles() if kind == "bot"]
    assert bots == [f"line {i}" for i in range(1, 601)] + ["done"]
    assert not window.chat.earlier.isVisible()
    first = chat_message(window.chat, "bot", "line 1")
    done = chat_message(window.chat, "bot", "done")
    assert (first.line, first.turn) == (2, 0) and (done.line, done.turn) == (4, 0)
    click_message(qtbot, window.chat, done)
    entries = window.conversation.turn_panel.entries()
    assert [e for e in entries if e.startswith("bot:")] == (
        [f"bot: line {i}" for i in range(1, 601)] + ["bot: done"])
    assert "Turn 0" in message_tooltip(window.chat, done)


def test_the_earlier_messages_line_follows_the_theme_and_wraps_in_a_narrow_chat(qtbot) -> None:
    """The line saying how many messages left is a note like the others: dark theme colours
    (it kept the light ones), and wrapped, so a narrow chat dock is not pushed wider than
    it was by its one long line."""
    chat = ChatPanel(limit=300, trim=100)
    qtbot.addWidget(chat)
    chat.show()
    narrow = chat.minimumSizeHint().width()
    for i in range(400):
        chat.add_note(f"n{i}")
    assert chat.earlier.isVisibleTo(chat)
    assert chat.minimumSizeHint().width() <= narrow
    chat.set_dark(True)
    assert colors("note", True).text in chat.earlier.styleSheet()
    chat.set_dark(False)
    assert colors("note", False).text in chat.earlier.styleSheet()
