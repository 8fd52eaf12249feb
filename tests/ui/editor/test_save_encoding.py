"""Saving a character the dialog's file encoding cannot hold (an emoji in a Windows-1252
file): the question names the character, line and column and offers UTF-8; Cancel keeps the
file and the text and puts the cursor on the character."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from tests.ui.editor.test_save_and_reload import answer_modal
from tests.ui.modals import press

OLD = 'TALK "Olá, café €"\n'


def cp1252_dialog(window, qtbot, tmp_path):
    path = tmp_path / "latin.bas"
    path.write_bytes(OLD.encode("cp1252"))
    tab = window.open_file(path)
    window.activateWindow()
    qtbot.waitUntil(tab.editor.hasFocus)
    tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.End)
    tab.editor.insertPlainText('TALK "ok 😀"')  # pasted: QTest types Latin-1 keys only
    return path, tab


def test_the_question_names_the_place_and_save_as_utf8_keeps_every_character(
        window, qtbot, tmp_path):
    path, tab = cp1252_dialog(window, qtbot, tmp_path)
    asked: list[str] = []
    done = answer_modal(qtbot, QMessageBox, press("Save as UTF-8", asked))
    QTest.keyClick(tab.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert done
    assert "line 2, column 10" in asked[0] and "cp1252" in asked[0] and "😀" in asked[0]
    assert path.read_bytes().decode("utf-8") == OLD + 'TALK "ok 😀"'
    assert not tab.modified
    # The next save goes straight through, as UTF-8.
    QTest.keyClicks(tab.editor, "!")
    assert window.save(tab)
    assert path.read_text(encoding="utf-8").endswith('😀"!')


def test_cancel_keeps_the_file_and_shows_the_character(window, qtbot, tmp_path):
    path, tab = cp1252_dialog(window, qtbot, tmp_path)
    answer_modal(qtbot, QMessageBox, press("Cancel", []))
    assert not window.save(tab)
    assert path.read_bytes() == OLD.encode("cp1252")
    assert tab.modified
    cursor = tab.editor.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (2, 10)


def test_the_live_check_warns_until_the_file_is_saved_as_utf8(window, qtbot, tmp_path):
    # generalbots f59afde5 botdrive/src/drive_monitor/types.rs sync_bas_to_work reads UTF-8
    # only: the Problems list says where production stops, until the file is UTF-8.
    def encoding_problems() -> list[str]:
        return [t for t in window.problems.texts() if "reads dialogs as UTF-8" in t]

    path, tab = cp1252_dialog(window, qtbot, tmp_path)
    qtbot.waitUntil(lambda: encoding_problems() != [], timeout=5000)
    assert ":1:9:" in encoding_problems()[0] and "Windows-1252" in encoding_problems()[0]
    answer_modal(qtbot, QMessageBox, press("Save as UTF-8", []))
    assert window.save(tab)
    assert path.read_bytes().decode("utf-8").startswith(OLD)
    qtbot.waitUntil(lambda: encoding_problems() == [], timeout=5000)
