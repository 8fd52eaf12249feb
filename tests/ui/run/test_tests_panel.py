"""The Tests dock: record a chat as a test, list it, run it (pass), break the dialog (fail+diff)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from tests.stalls import StallMeter
from tests.ui.conftest import run_dialog_file, run_front_tab, until

DIALOG = 'TALK "Your name?"\nHEAR name\nSET_BOT_MEMORY "visitor", name\nTALK "Hi " + name + "!"\n'


def test_save_conversation_list_run_pass_then_fail_with_diff(window, qtbot, run, tmp_path):
    dialog = tmp_path / "hello.bas"
    dialog.write_text(DIALOG, encoding="utf-8")
    window.store.set("testbot", "colour", "blue")  # becomes the test's seed memory
    window.store.flush(5)
    tab = window.open_file(dialog)
    panel = window.tests
    assert panel.test_paths() == []

    async def chat():
        window.actions_by_name["run"].trigger()
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Ada")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: not window.runner.running)

    run(chat())
    window.actions_by_name["save_test"].trigger()
    saved = tmp_path / "hello.chat"
    text = saved.read_text(encoding="utf-8")
    assert "seed memory:\ncolour = blue\n" in text
    assert "bot: Your name?\nuser: Ada\nbot: Hi Ada!\n" in text
    assert "memory:\ncolour = blue\nvisitor = Ada\n" in text
    assert panel.test_paths() == [saved]

    async def run_all():
        await panel.run_all()

    run(run_all())
    assert panel.status_of(saved) == "pass"
    assert panel.summary.text() == "1 passed, 0 failed"

    tab.editor.setPlainText(DIALOG.replace('"Hi "', '"Hello "'))
    assert window.save(tab)
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

    async def finished():
        await until(lambda: panel.run_task is None and panel.status_of(saved) == "fail")

    run(finished())
    assert panel.summary.text() == "0 passed, 1 failed"
    assert "expected bot 'Hi Ada!', got bot 'Hello Ada!'" in panel.reasons.text()
    rows = panel.diff.rows()
    assert ("bot: Hi Ada!", "bot: Hello Ada!") in rows
    assert ("bot: Your name?", "bot: Your name?") in rows


def test_second_save_does_not_overwrite_and_unsaved_dialog_is_refused(window, run, tmp_path):
    run_dialog_file(window, run, tmp_path / "bye.bas", 'TALK "Bye"\n')
    first = window.tests.save_conversation()
    second = window.tests.save_conversation()
    assert (first.name, second.name) == ("bye.chat", "bye.2.chat")
    assert window.tests.test_paths() == [first, second]

    window.add_tab('TALK "x"\n', None)
    run_front_tab(window, run)
    assert window.tests.save_conversation() is None
    assert "Save the dialog first" in window.statusBar().currentMessage()


def test_window_stays_responsive_while_a_looping_test_runs(window, run, tmp_path):
    (tmp_path / "spin.bas").write_text("i = 0\nDO WHILE 1 = 1\n  i = i + 1\nLOOP\n", encoding="utf-8")
    (tmp_path / "spin.chat").write_text("timeout: 0.8\n\nconversation:\n", encoding="utf-8")
    window.open_file(tmp_path / "spin.bas")
    ticks = StallMeter(started=False)  # the GUI thread's turns, less what a busy machine withheld
    timer = QTimer()
    timer.timeout.connect(ticks.mark)
    timer.start(20)

    async def scenario():
        task = window.tests.run_all()
        await task

    run(scenario())
    timer.stop()
    assert window.tests.status_of(tmp_path / "spin.chat") == "fail"
    assert "timed out" in window.tests.reasons.text() or window.tests.list.currentItem() is None
    # The Qt event loop kept running during ~0.8 s of looping: no turn held it back long.
    # (Counting ticks assumed an unloaded machine: at load 8 a 20 ms timer fired every
    # 60-90 ms, the GUI thread waiting for a CPU.)
    assert len(ticks.gaps) >= 3
    assert ticks.longest_stall().stall < 0.25, ticks.longest_stall()


def test_selecting_a_test_enables_run(window, qtbot, run, tmp_path):
    dialog = tmp_path / "hello.bas"
    dialog.write_text(DIALOG, encoding="utf-8")
    (tmp_path / "hello.chat").write_text(
        "dialog: hello.bas\n\nbot: Your name?\nuser: Ada\nbot: Hi Ada!\n", encoding="utf-8")
    window.open_file(dialog)
    panel = window.tests
    panel.refresh()
    assert panel.list.currentItem() is None and not panel.run_button.isEnabled()
    dock = panel.parentWidget()
    dock.show()
    dock.raise_()
    item = panel.list.item(0)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.list.currentItem() is item
    assert panel.run_button.isEnabled()
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

    async def finished():
        await until(lambda: panel.run_task is None and panel.status_of(tmp_path / "hello.chat"))

    run(finished())
    assert panel.status_of(tmp_path / "hello.chat") == "pass", panel.reasons.text()
