"""Conversation-level debugging through the real chat panel: turns, rewind, queued answers,
conversation breakpoints, session controls, skip waits and a second user."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDockWidget

from tests.app.run.test_turns import DIALOG  # the two-HEAR dialog the recorder tests use
from tests.ui.conftest import chat_message, click_message, message_tooltip, until
from ui.run.turns_view import LineShade


def open_dialog(window, text: str = DIALOG):
    editor = window.add_tab(text, None).editor
    window.activateWindow()
    return editor


bubble = chat_message


def has_bubble(chat, kind: str, text: str):
    return lambda: (kind, text) in chat.bubbles()


def type_answer(qtbot, chat, text: str) -> None:
    qtbot.keyClicks(chat.input, text)
    qtbot.keyClick(chat.input, Qt.Key.Key_Return)


def memory(window, key: str) -> str:
    return window.store.bot(window.runner.bot).get(key)


async def answer_ann_then_paris(qtbot, window) -> None:
    """Run the dialog to its end, answering its two HEARs."""
    window.run()
    await until(lambda: window.chat.waiting)
    type_answer(qtbot, window.chat, "Ann")
    await until(lambda: window.chat.waiting)
    type_answer(qtbot, window.chat, "Paris")
    await until(lambda: not window.runner.running)


def rewind_to(window, answer: str) -> None:
    """Choose "Rewind to here" on the user's bubble that says ``answer``."""
    menu = window.conversation.main.linker.bubble_menu(bubble(window.chat, "user", answer))
    next(a for a in menu.actions() if a.text() == "Rewind to here").trigger()


def test_click_bubble_highlights_line_coverage_and_memory_diff(window, qtbot, run):
    editor = open_dialog(window)

    async def scenario():
        window.run(debug=True)  # a debug build records every executed line
        await until(lambda: window.chat.waiting)
        type_answer(qtbot, window.chat, "Ann")
        await until(has_bubble(window.chat, "bot", "Hello Ann"))
        await until(lambda: window.chat.waiting)

    run(scenario())
    label = bubble(window.chat, "bot", "Hello Ann")
    assert (label.turn, label.line) == (1, 5)
    click_message(qtbot, window.chat, label)
    assert editor.textCursor().blockNumber() + 1 == 5
    shade = editor.findChild(LineShade)
    assert shade.line == 5 and shade.lines == {3, 4, 5, 6}
    assert window.conversation.turn_panel.rows() == [("visits", "∅", "1")]
    assert "visits: ∅ → 1" in message_tooltip(window.chat, label)
    click_message(qtbot, window.chat, bubble(window.chat, "user", "Ann"))
    assert editor.textCursor().blockNumber() + 1 == 2  # the HEAR that took the answer


def test_a_message_in_the_turn_dock_goes_to_the_line_that_said_it(window, qtbot, run):
    """The conversation tools wire their own Turn dock (MainWindow no longer reaches in)."""
    editor = open_dialog(window)

    async def scenario():
        window.run(debug=True)
        await until(lambda: window.chat.waiting)
        type_answer(qtbot, window.chat, "Ann")
        await until(lambda: window.chat.waiting and ("bot", "Hello Ann") in window.chat.bubbles())

    run(scenario())
    click_message(qtbot, window.chat, bubble(window.chat, "bot", "Hello Ann"))
    editor.go_to_line(1)
    messages = window.conversation.turn_panel.messages
    model = messages.model()
    index = next(model.index(i) for i in range(model.rowCount())
                 if model.index(i).data().endswith("Hello Ann"))
    qtbot.mouseClick(messages.viewport(), Qt.MouseButton.LeftButton,
                     pos=messages.visualRect(index).center())
    assert editor.textCursor().blockNumber() + 1 == 5


def test_rewind_restores_memory_and_replays_earlier_messages(window, qtbot, run):
    open_dialog(window)
    window.store.set(window.runner.bot, "visits", "7")

    async def scenario():
        await answer_ann_then_paris(qtbot, window)
        assert memory(window, "city") == "Paris" and memory(window, "visits") == "71"
        rewind_to(window, "Ann")
        await until(lambda: window.chat.waiting)  # replayed "Ann", waiting at HEAR city

    run(scenario())
    assert memory(window, "city") == ""  # restored, then turn 1 replayed
    assert memory(window, "visits") == "71"
    # The state right after the clicked turn: its bubble is there, the later one is not.
    assert ("user", "Ann") in window.chat.bubbles() and ("user", "Paris") not in \
        window.chat.bubbles()
    answers = window.conversation.answers
    assert answers.offered == ["Paris"] and answers.offer_button.isVisibleTo(answers)

    async def replay():
        qtbot.mouseClick(answers.offer_button, Qt.MouseButton.LeftButton)
        await until(lambda: not window.runner.running)

    run(replay())
    assert memory(window, "city") == "Paris" and memory(window, "visits") == "71"


def test_queued_answers_are_consumed_by_hears(window, qtbot, run, tmp_path):
    open_dialog(window)
    answers = window.conversation.answers
    answers.editor.setPlainText("Ann\nRome")
    qtbot.mouseClick(next(b for b in answers.findChildren(type(answers.offer_button))
                          if b.text() == "Queue"), Qt.MouseButton.LeftButton)
    assert answers.status.text() == "2 answer(s) queued"

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running)

    run(scenario())
    bubbles = window.chat.bubbles()
    assert ("user", "Ann") in bubbles and ("user", "Rome") in bubbles and ("bot", "Bye") in bubbles
    assert answers.status.text() == "0 answer(s) queued"

    chat_file = tmp_path / "d.chat"
    chat_file.write_text("bot: Hi, what is your name?\nuser: Bea\nbot: Hello Bea\nuser: Oslo\n",
                         encoding="utf-8")
    assert answers.load_chat(chat_file) == ["Bea", "Oslo"]
    run(scenario())
    assert ("bot", "Hello Bea") in window.chat.bubbles()


def test_break_at_next_hear_pauses_with_a_reason(window, qtbot, run):
    open_dialog(window)
    box = window.conversation.breakpoints
    window.findChild(QDockWidget, "breakpointsDock").show()  # the Breakpoints dock
    assert box.isVisible()
    qtbot.mouseClick(box.next_hear, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, box.next_hear.height() // 2))  # on the tick box
    assert box.next_hear.isChecked()
    controller = window.debug.controller

    async def scenario():
        window.run(debug=True)
        await until(lambda: controller.is_paused)
        assert controller.state.line == 2
        assert window.run_label.text() == "Paused at line 2 (next HEAR)"
        assert not box.next_hear.isChecked()  # one-shot
        controller.continue_()
        await until(lambda: window.chat.waiting)

    run(scenario())


def test_break_at_turn_and_on_input(window, qtbot, run):
    open_dialog(window)
    box = window.conversation.breakpoints
    box.turn.setValue(1)
    controller = window.debug.controller

    async def scenario():
        window.run(debug=True)
        await until(lambda: window.chat.waiting)
        type_answer(qtbot, window.chat, "Ann")
        await until(lambda: controller.is_paused)
        assert window.run_label.text() == "Paused at line 3 (turn 1)"
        controller.continue_()
        await until(lambda: window.chat.waiting)

    run(scenario())


def test_skip_waits_makes_an_hour_long_wait_finish_fast(window, run):
    # An hour against a bound of 30 s: the bound is far from both outcomes, so a slow
    # machine cannot fail the test and a wait that is not skipped cannot pass it.
    open_dialog(window, 'TALK "before"\nWAIT 3600\nTALK "after"\n')
    window.actions_by_name["skip_waits"].trigger()
    assert window.runner.skip_waits

    async def scenario():
        started = time.monotonic()
        window.run()
        await until(lambda: not window.runner.running, timeout=30)
        return time.monotonic() - started

    assert run(scenario(), timeout=60) < 30
    assert ("bot", "after") in window.chat.bubbles()


def test_session_controls_new_user_and_clear_memory_with_undo(window, run):
    open_dialog(window)
    tools = window.conversation
    first_user = window.runner.session.user_id
    window.actions_by_name["new_user"].trigger()
    assert window.runner.session.user_id != first_user
    assert window.chat.bubbles()[-1][1].startswith("New user")

    window.store.set(window.runner.bot, "a", "1")
    window.store.set(window.runner.bot, "b", "2")
    tools.confirm = lambda _text: False
    window.actions_by_name["clear_memory"].trigger()
    assert memory(window, "a") == "1"  # declined
    tools.confirm = lambda _text: True
    window.actions_by_name["clear_memory"].trigger()
    assert memory(window, "a") == "" and memory(window, "b") == ""
    assert window.actions_by_name["undo_clear_memory"].isEnabled()
    window.actions_by_name["undo_clear_memory"].trigger()
    assert memory(window, "a") == "1" and memory(window, "b") == "2"

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting)
        user = window.runner.session.user_id
        window.actions_by_name["restart_conversation"].trigger()
        await until(lambda: window.chat.waiting)
        assert window.runner.session.user_id == user
        assert window.chat.bubbles()[0] == ("note", "Conversation restarted")

    run(scenario())


def test_two_chat_tabs_share_bot_memory(window, qtbot, run):
    open_dialog(window, 'v = GET BOT MEMORY "note"\nTALK "note: " + v\nHEAR x\n'
                        'SET BOT MEMORY "note", x\nTALK "saved"\n')

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting)
        type_answer(qtbot, window.chat, "from one")
        await until(has_bubble(window.chat, "bot", "saved"))
        second = window.conversation.new_chat_tab()
        await until(has_bubble(second.chat, "bot", "note: from one"))
        assert second.runner.session.user_id != window.runner.session.user_id
        type_answer(qtbot, second.chat, "from two")
        await until(lambda: not second.runner.running)
        window.run()
        await until(has_bubble(window.chat, "bot", "note: from two"))
        window.runner.stop()

    run(scenario())


def test_rewind_to_the_last_turn_keeps_its_bubble(window, qtbot, run):
    open_dialog(window)

    async def scenario():
        await answer_ann_then_paris(qtbot, window)
        rewind_to(window, "Paris")
        await until(lambda: not window.runner.running and ("bot", "Bye") in window.chat.bubbles())

    run(scenario())
    bubbles = window.chat.bubbles()
    assert ("user", "Ann") in bubbles and ("user", "Paris") in bubbles  # the clicked one stays
    assert memory(window, "city") == "Paris"
    assert window.conversation.answers.offered == []


def test_answering_by_hand_after_a_rewind_drops_the_replay_offer(window, qtbot, run):
    open_dialog(window)
    answers = window.conversation.answers

    async def scenario():
        await answer_ann_then_paris(qtbot, window)
        rewind_to(window, "Ann")
        await until(lambda: window.chat.waiting)
        assert answers.offer_button.isVisibleTo(answers)
        type_answer(qtbot, window.chat, "Rome")  # the user takes another path
        await until(lambda: not window.runner.running)

    run(scenario())
    assert answers.offered == [] and not answers.offer_button.isVisibleTo(answers)
    assert ("user", "Rome") in window.chat.bubbles()


def _row_colors(editor, line: int):
    """(gutter colour, text-area colour) at the left of ``line``, as painted."""
    block = editor.document().findBlockByNumber(line - 1)
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    y = int(top) + 2
    gutter = editor._gutter.grab().toImage().pixelColor(2, y)
    text = editor.viewport().grab().toImage().pixelColor(editor.viewport().width() - 5, y)
    return gutter, text


def test_turn_coverage_shades_the_gutter_and_clears_on_edit_and_new_run(window, qtbot, run):
    editor = open_dialog(window)
    editor.setTextCursor(editor.cursorForPosition(editor.rect().topLeft()))
    plain_gutter, plain_text = _row_colors(editor, 4)

    async def scenario():
        window.run(debug=True)
        await until(lambda: window.chat.waiting)
        type_answer(qtbot, window.chat, "Ann")
        await until(has_bubble(window.chat, "bot", "Hello Ann"))

    run(scenario())
    click_message(qtbot, window.chat, bubble(window.chat, "bot", "Hello Ann"))
    assert editor.coverage == {3, 4, 5, 6} and editor.coverage_line == 5
    editor.moveCursor(editor.textCursor().MoveOperation.End)  # the current line elsewhere
    gutter, text = _row_colors(editor, 4)
    assert gutter != plain_gutter  # shaded in the gutter...
    assert text == plain_text  # ...not over the text

    editor.textCursor().insertText("' edited\n")  # the lines moved: the shading is stale
    assert editor.coverage == frozenset() and editor.coverage_line == 0

    click_message(qtbot, window.chat, bubble(window.chat, "bot", "Hello Ann"))
    assert editor.coverage

    async def again():
        window.runner.stop()
        window.run()
        await until(lambda: window.chat.waiting)

    run(again())
    qtbot.waitUntil(lambda: editor.coverage == frozenset(), timeout=2000)
