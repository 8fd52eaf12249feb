"""End-to-end IDE behaviour through the real widgets: type, run, chat, memory, problems, stop."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from tests.stalls import StallMeter
from tests.ui.conftest import settle, type_lines, until, value_of
from ui.editor.code_editor import CodeEditor


def fresh_editor(window) -> CodeEditor:
    tab = window.add_tab("", None)
    return tab.editor


def test_type_run_answer_hear_and_see_memory(window, qtbot, run):
    editor = fresh_editor(window)
    type_lines(qtbot, editor, 'TALK "Your name?"', "HEAR name", 'SET_BOT_MEMORY "visitor", name')

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Ada")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: value_of(window, "visitor") == "Ada")
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "Your name?") in window.chat.bubbles()
    assert ("user", "Ada") in window.chat.bubbles()
    assert not window.chat.input.isEnabled()
    window.store.flush(5)
    assert window.store.bot("testbot").get("visitor") == "Ada"
    assert "■ Finished" in window.output.texts()


def test_menu_options_are_buttons_that_answer(window, run):
    editor = fresh_editor(window)
    editor.setPlainText('HEAR c AS "Red", "Blue"\nSET_BOT_MEMORY "color", c\n')

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting and window.chat.choice_buttons())
        next(b for b in window.chat.choice_buttons() if b.text() == "Blue").click()
        await until(lambda: value_of(window, "color") == "Blue")

    run(scenario())


def test_editing_a_value_in_the_table_writes_the_store(window, run):
    window.store.set("testbot", "greeting", "hi")

    async def scenario():
        await until(lambda: value_of(window, "greeting") == "hi")
        model = window.memory.model
        index = model.index(model.row_of("greeting"), 1)
        assert model.setData(index, "hello")
        await until(lambda: value_of(window, "greeting") == "hello")

    run(scenario())
    window.store.flush(5)
    assert window.store.get_entry("testbot", "greeting").value == "hello"


def test_pending_row_is_italic_then_normal_once_landed(window, run):
    model = window.memory.model

    async def scenario():
        window.store.bot("testbot").set("k", "v")
        await until(lambda: model.row_of("k") is not None)
        window.store.flush(5)
        await until(lambda: not model.entry(model.row_of("k")).pending)

    run(scenario())
    font = model.data(model.index(model.row_of("k"), 0), Qt.ItemDataRole.FontRole)
    assert font is None or not font.italic()


def test_syntax_error_shows_underline_and_problem(window, qtbot):
    editor = fresh_editor(window)
    type_lines(qtbot, editor, "IF x THEN", "TALK 1")
    qtbot.waitUntil(lambda: window.problems.count() > 0, timeout=3000)
    assert any(":1:" in t or ":3:" in t for t in window.problems.texts())
    underlines = [
        s
        for s in editor.extraSelections()
        if s.format.underlineStyle() == s.format.UnderlineStyle.WaveUnderline
    ]
    assert underlines
    assert underlines[0].format.toolTip()


def test_clicking_a_problem_moves_the_cursor(window, qtbot):
    editor = fresh_editor(window)
    editor.setPlainText('TALK "a"\nTALK "b"\nIF x THEN\n')
    qtbot.waitUntil(lambda: window.problems.count() > 0, timeout=3000)
    window.problems.itemClicked.emit(window.problems.item(0))
    line = window.problems.item(0).data(Qt.ItemDataRole.UserRole)[0]
    assert editor.textCursor().blockNumber() + 1 == line


def test_stop_ends_an_endless_loop_quickly_and_ui_stays_responsive(window, run):
    editor = fresh_editor(window)
    editor.setPlainText("n = 0\nDO\n    n = n + 1\nLOOP\n")
    ticks = StallMeter(started=False)  # the GUI thread's turns, less what a busy machine withheld
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(ticks.mark)

    async def scenario():
        timer.start()
        window.run()
        # The timer keeps firing while the loop runs (counted, not a fixed time: on a loaded
        # machine 0.3 s held only six ticks).
        await until(lambda: len(ticks.gaps) >= 10, timeout=30)
        assert window.runner.running
        stopping = StallMeter()
        window.actions_by_name["stop"].trigger()
        await until(lambda: not window.runner.running, timeout=30, step=0.005)
        stopping.mark()
        return stopping.gaps[0]

    stopped = run(scenario(), timeout=60)
    timer.stop()
    assert stopped.stall < 0.2, stopped
    assert ticks.longest_stall().stall < 0.25, ticks.longest_stall()
    assert any(t.startswith("■ Stopped") for t in window.output.texts())


def test_runtime_error_marks_line_and_output_jumps(window, run):
    editor = fresh_editor(window)
    editor.setPlainText('TALK "ok"\nx = 1 / 0\n')

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running and editor.runtime_mark is not None)

    run(scenario())
    assert editor.runtime_mark.line == 2
    errors = [
        window.output.item(i)
        for i in range(window.output.count())
        if "runtime error" in window.output.item(i).text()
    ]
    assert errors and ":2:" in errors[0].text()
    editor.go_to_line(1)
    window.output.itemClicked.emit(errors[0])
    assert editor.textCursor().blockNumber() == 1


def test_input_is_disabled_without_a_pending_hear(window):
    assert not window.chat.input.isEnabled()
    assert "not waiting" in window.chat.input.placeholderText()


def test_none_refcount_guard(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 5


def test_delete_and_rename_update_only_their_rows(window, run):
    model = window.memory.model

    async def scenario():
        for key in ("a", "b", "c"):
            window.store.set("testbot", key, key.upper())
        window.store.flush(5)
        await until(
            lambda: model.rowCount() == 3 and not any(model.entry(r).pending for r in range(3))
        )
        window.store.delete("testbot", ["b"])
        window.store.rename("testbot", "c", "d")
        await until(lambda: model.row_of("b") is None and model.row_of("d") is not None)

    run(scenario())
    assert sorted(model.entry(r).key for r in range(model.rowCount())) == ["a", "d"]


def test_memory_rows_load_lazily(window, monkeypatch, qtbot):
    from ui.memory import model as memory_model

    monkeypatch.setattr(memory_model, "PAGE_SIZE", 10)
    for i in range(25):
        window.store.set("testbot", f"k{i:02}", str(i))
    window.store.flush(5)
    model = window.memory.model
    model.reload()
    settle(qtbot, window.memory)  # the panel reads off the GUI thread
    assert model.rowCount() == 10 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
        settle(qtbot, window.memory)
    assert model.rowCount() == 25


def test_filter_box_filters_rows(window, qtbot):
    window.store.set("testbot", "apple", "red")
    window.store.set("testbot", "pear", "green")
    window.store.flush(5)
    window.memory.reload()
    qtbot.keyClicks(window.memory.filter, "gre")
    settle(qtbot, window.memory)
    assert window.memory.proxy.rowCount() == 1


def test_open_sample_remembers_recent_and_find(window):
    from ui.main_window import SAMPLES

    tab = window.open_file(SAMPLES / "greeting.bas")
    assert tab is not None and window.tabs.currentWidget() is tab
    assert str((SAMPLES / "greeting.bas").resolve()) in window._recent()
    window.show_find()
    window.find_bar.field.setText("HEAR")
    assert window.find_bar.find()
    assert window.editor().textCursor().selectedText() == "HEAR"


def test_new_session_clears_chat(window):
    window.chat.add_bubble("old", from_bot=True)
    first = window.runner.session
    window.actions_by_name["new_session"].trigger()
    assert window.runner.session is not first
    # Still the conversation's user, not the one shared "anonymous" user, and it says so.
    user = first.user_id
    assert user.startswith("user-") and window.runner.session.user_id == user
    assert window.chat.bubbles() == [("note", f"New session, same user {user}")]


def test_bot_selector_switches_the_run_bot(window, qtbot):
    window.memory.bot_box.setCurrentText("other")
    window.memory.bot_box.activated.emit(0)  # as when the user picks it
    settle(qtbot, window.memory)
    assert window.runner.bot == "other"
    assert "other" in window.bot_label.text()


def test_new_session_keeps_the_users_memory(window, run):
    from tests.ui.conftest import until

    window.add_tab('SET USER MEMORY "color", "green"\n', None)

    async def first():
        window.run()
        await until(lambda: not window.runner.running)

    run(first())
    window.actions_by_name["new_session"].trigger()
    window.add_tab('c = GET USER MEMORY "color"\nTALK "color " + c\n', None)

    async def second():
        window.run()
        await until(lambda: ("bot", "color green") in window.chat.bubbles())

    run(second())


def test_a_new_run_shows_the_newest_chat_messages_after_reading_back(window, qtbot, run):
    """The user scrolled the chat up to read an earlier run, then runs again: the chat goes
    back to the newest messages (it stopped following when they scrolled up)."""
    fresh_editor(window).setPlainText('TALK "again"\n')
    for i in range(200):
        window.chat.add_bubble(f"earlier {i}", from_bot=True)
    bar = window.chat.view.verticalScrollBar()
    bar.setValue(0)
    assert not window.chat.view.following

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: ("bot", "again") in window.chat.bubbles())
        await until(lambda: not window.runner.running)

    run(scenario())
    assert window.chat.view.following and bar.value() == bar.maximum()
