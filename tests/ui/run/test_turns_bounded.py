"""An endless TALK loop is one turn for ever: the turn keeps its user message and its newest
messages, the Turn dock says how many earlier ones it let go, and the Tests recorder stops
where a replay would (real window offscreen, caps lowered as the chat's tests do)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import Qt

from app.conversation import replay
from app.run import turns
from interpreter.events import Talked
from tests.ui.conftest import chat_message, click_message, run_dialog_file, until
from ui.run import tests_panel

LOOP = """\
TALK "Hi"
HEAR name
n = 0
DO WHILE n < 57
  TALK "m" + n
  n = n + 1
LOOP
HEAR more
"""


def test_a_long_turn_keeps_its_user_message_and_newest_messages(window, qtbot, run,
                                                                 monkeypatch):
    monkeypatch.setattr(turns, "MAX_TURN_MESSAGES", 20)
    monkeypatch.setattr(turns, "TRIM_TURN_MESSAGES", 5)
    editor = window.add_tab(LOOP, None).editor
    recorder = window.conversation.main.recorder
    first: list[weakref.ref] = []

    def keep_a_weak_ref_to_m0(event: object) -> None:  # subscribed after the recorder
        if isinstance(event, Talked) and event.message.text == "m0":
            first.append(weakref.ref(recorder.current.messages[-1]))

    window.runner.subscribe(keep_a_weak_ref_to_m0)

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Ann")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: window.chat.waiting)

    run(scenario())
    turn = recorder.current
    # 1 + 57 messages, trimmed by 5 each time there were 21: 40 dropped, "m40".."m56" kept.
    assert (turn.dropped, len(turn.messages)) == (40, 18)
    assert [m.text for m in turn.messages[:2]] == ["Ann", "m40"]
    gc.collect()
    assert len(first) == 1 and first[0]() is None  # nothing (chat bubble, linker) keeps a dropped message alive

    click_message(qtbot, window.chat, chat_message(window.chat, "bot", "m56"))
    panel = window.conversation.turn_panel
    assert panel.title.text().startswith("Turn 1: 58 message(s)")
    entries = panel.entries()
    note = "\N{HORIZONTAL ELLIPSIS} 40 earlier message(s) of this turn are not kept"
    assert entries[:3] == ["user: Ann", note, "bot: m40"]
    assert entries[-1] == "bot: m56" and len(entries) == 19

    editor.go_to_line(1)
    messages, model = panel.messages, panel.messages.model()
    qtbot.mouseClick(messages.viewport(), Qt.MouseButton.LeftButton,
                     pos=messages.visualRect(model.index(2)).center())
    assert editor.textCursor().blockNumber() + 1 == 5  # the TALK in the loop
    editor.go_to_line(1)
    qtbot.mouseClick(messages.viewport(), Qt.MouseButton.LeftButton,
                     pos=messages.visualRect(model.index(1)).center())
    assert editor.textCursor().blockNumber() + 1 == 1  # the note has no line
    assert recorder.rewind_plan(1).replay == ("Ann",)


def test_the_tests_recorder_stops_where_a_replay_would_and_refuses_to_save(
        window, run, tmp_path, monkeypatch):
    monkeypatch.setattr(replay, "MAX_MESSAGES", 10)
    monkeypatch.setattr(tests_panel, "MAX_MESSAGES", 10)
    run_dialog_file(window, run, tmp_path / "loop.bas", 'FOR i = 1 TO 25\n  TALK "t" + i\nNEXT\n')
    recorder = window.tests.recorder
    assert [s.text for s in recorder.steps] == [f"t{i}" for i in range(1, 11)]
    assert recorder.dropped == 15
    assert window.tests.save_conversation() is None
    assert "more than 10 bot messages" in window.statusBar().currentMessage()
    assert not (tmp_path / "loop.chat").exists()
