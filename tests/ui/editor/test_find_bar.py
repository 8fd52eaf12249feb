"""The find/replace bar, driven through its fields, checkboxes and keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.editor.code_editor import CodeEditor
from ui.editor.find_bar import FindBar

TEXT = "Talk talk TALK\ntalking = 1\nTALK talking\n"


_hosts: list[QWidget] = []  # keeps each test's window alive (qtbot holds only a weak reference)


def make(qtbot, text: str = TEXT) -> tuple[CodeEditor, FindBar]:
    host = QWidget()
    _hosts[:] = [host]
    editor = CodeEditor()
    editor.setPlainText(text)
    bar = FindBar(lambda: editor)
    layout = QVBoxLayout(host)
    layout.addWidget(editor)
    layout.addWidget(bar)
    qtbot.addWidget(host)
    host.show()
    bar.hide()
    return editor, bar


def selection(editor: CodeEditor) -> tuple[int, int, str]:
    cursor = editor.textCursor()
    return cursor.blockNumber(), cursor.positionInBlock(), cursor.selectedText()


def test_enter_and_shift_enter_walk_matches_and_wrap(qtbot):
    editor, bar = make(qtbot)
    bar.show_find()
    assert bar.isVisible() and not bar.replace_visible
    qtbot.keyClicks(bar.field, "talk")
    QTest.keyClick(bar.field, Qt.Key.Key_Return)
    assert selection(editor) == (0, 4, "Talk")  # case-insensitive by default
    QTest.keyClick(bar.field, Qt.Key.Key_Return)
    assert selection(editor) == (0, 9, "talk")
    QTest.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert selection(editor) == (0, 4, "Talk")
    QTest.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert selection(editor)[2] == "talk"  # wrapped to the last match ("talking" on line 3)
    assert selection(editor)[0] == 2


def test_case_and_whole_word_toggles(qtbot):
    editor, bar = make(qtbot)
    bar.show_find()
    qtbot.keyClicks(bar.field, "talk")
    qtbot.mouseClick(bar.case, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.whole, Qt.MouseButton.LeftButton)
    found = []
    for _ in range(3):
        QTest.keyClick(bar.field, Qt.Key.Key_Return)
        found.append(selection(editor))
    assert found == [(0, 9, "talk")] * 3  # only the lower-case whole word, wrapping to itself
    bar.field.setText("nothing like this")
    assert not bar.find()
    assert bar.status.text() == "No matches"


def test_escape_closes_and_returns_focus(qtbot):
    editor, bar = make(qtbot)
    bar.show_find()
    qtbot.waitUntil(bar.field.hasFocus)
    QTest.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    qtbot.waitUntil(editor.hasFocus)


def test_selection_seeds_the_search(qtbot):
    editor, bar = make(qtbot)
    editor.find("talking")
    bar.show_find()
    assert bar.field.text() == "talking"


def test_replace_one_then_replace_all_is_one_undo_step(qtbot):
    editor, bar = make(qtbot)
    bar.show_replace()
    assert bar.replace_visible
    qtbot.keyClicks(bar.field, "talking")
    qtbot.keyClicks(bar.replace_field, "speaking")
    QTest.keyClick(bar.field, Qt.Key.Key_Return)  # select the first match
    QTest.keyClick(bar.replace_field, Qt.Key.Key_Return)  # replace it, select the next
    assert editor.toPlainText() == "Talk talk TALK\nspeaking = 1\nTALK talking\n"
    assert selection(editor) == (2, 12, "talking")

    bar.field.setText("talk")
    bar.replace_field.setText("say")
    qtbot.mouseClick(bar.whole, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == "say say say\nspeaking = 1\nsay talking\n"
    assert bar.status.text() == "4 replaced"
    editor.undo()
    assert editor.toPlainText() == "Talk talk TALK\nspeaking = 1\nTALK talking\n"


def test_replace_all_handles_a_replacement_containing_the_needle(qtbot):
    editor, bar = make(qtbot, "a a a\n")
    bar.show_replace()
    bar.field.setText("a")
    bar.replace_field.setText("aa")
    assert bar.replace_all() == 3
    assert editor.toPlainText() == "aa aa aa\n"


def test_window_ctrl_f_and_ctrl_h(window, qtbot):
    window.add_tab('TALK "hello"\nTALK "hello again"\n', None)
    window.actions_by_name["find"].trigger()
    assert window.find_bar.isVisible() and not window.find_bar.replace_visible
    assert window.actions_by_name["replace"].shortcut().toString() == "Ctrl+H"
    window.actions_by_name["replace"].trigger()
    assert window.find_bar.replace_visible
    window.find_bar.field.setText("hello")
    window.find_bar.replace_field.setText("bye")
    assert window.find_bar.replace_all() == 2
    assert window.editor().toPlainText() == 'TALK "bye"\nTALK "bye again"\n'
