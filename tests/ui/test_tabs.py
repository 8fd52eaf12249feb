"""Editor tabs as the keyboard reaches them: New, Open and Close Tab leave the keyboard in
the editor in front, and Ctrl+W closes the tab in front (asking about unsaved changes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.editor.test_save_and_reload import answer_modal


def focus_on_memory_table(window, qtbot):
    """Where an author's keyboard often is: the memory table, after a hand edit."""
    window.activateWindow()
    window.memory.view.setFocus()
    qtbot.waitUntil(window.memory.view.hasFocus)


def test_new_dialog_takes_the_keyboard(window, qtbot):
    focus_on_memory_table(window, qtbot)
    QTest.keyClick(window.memory.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor()
    qtbot.waitUntil(editor.hasFocus)
    typed = "' typed at once"
    QTest.keyClicks(QApplication.focusWidget(), typed)
    assert typed in editor.toPlainText()


def test_opened_dialog_takes_the_keyboard_also_when_already_open(window, qtbot, tmp_path):
    path = tmp_path / "a.bas"
    path.write_text('TALK "a"\n')
    first = window.open_file(path)
    window.add_tab("", None)
    focus_on_memory_table(window, qtbot)
    assert window.open_file(path) is first  # the open tab comes to the front
    qtbot.waitUntil(first.editor.hasFocus)


def test_ctrl_w_closes_the_tab_in_front_and_the_next_one_gets_the_keyboard(window, qtbot):
    below = window.add_tab("' below\n", None)
    window.add_tab("' on top\n", None)
    count = window.tabs.count()
    window.activateWindow()
    qtbot.waitUntil(window.editor().hasFocus)
    QTest.keyClick(window.editor(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == count - 1
    assert window.current_tab() is below
    qtbot.waitUntil(below.editor.hasFocus)


def test_ctrl_w_on_unsaved_changes_asks_and_cancel_keeps_the_text(window, qtbot):
    tab = window.add_tab("", None)
    window.activateWindow()
    qtbot.waitUntil(tab.editor.hasFocus)
    QTest.keyClicks(tab.editor, "' not saved")
    asked: list[str] = []

    def cancel(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    done = answer_modal(qtbot, QMessageBox, cancel)
    QTest.keyClick(tab.editor, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert done and "Save changes" in asked[0]
    assert window.current_tab() is tab
    assert tab.editor.toPlainText() == "' not saved"
