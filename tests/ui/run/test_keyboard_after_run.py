"""Where the keyboard is after a run: the last HEAR was answered in the chat, the input went
idle and Qt parked the keyboard on the next widget (the Output list); when the run ends the
dialog's editor gets it back, so the author fixes the dialog without a click first. If the
author put the keyboard somewhere meanwhile, it stays there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import until

DIALOG = 'TALK "Your name?"\nHEAR name\nWAIT 0.3\nTALK "Bye " + name\n'


def answer_in_the_chat(window, then=None):
    async def scenario():
        window.activateWindow()
        window.actions_by_name["run"].trigger()
        await until(lambda: window.chat.waiting)
        await until(window.chat.input.hasFocus)
        QTest.keyClicks(window.chat.input, "Ada")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        if then is not None:
            then()
        await until(lambda: not window.runner.running)
    return scenario()


def test_the_editor_gets_the_keyboard_back_when_the_run_ends(window, qtbot, run):
    tab = window.add_tab(DIALOG, None)
    run(answer_in_the_chat(window))
    assert ("bot", "Bye Ada") in window.chat.bubbles()
    qtbot.waitUntil(tab.editor.hasFocus)
    QTest.keyClicks(QApplication.focusWidget(), "' fixed")
    assert "' fixed" in tab.editor.toPlainText()


def test_a_keyboard_the_author_moved_during_the_run_stays(window, qtbot, run):
    window.add_tab(DIALOG, None)
    panel = window.memory
    run(answer_in_the_chat(window, then=panel.filter.setFocus))
    qtbot.wait(50)
    assert panel.filter.hasFocus()
