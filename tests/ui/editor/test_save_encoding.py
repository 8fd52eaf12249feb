"""Saving a character the dialog's file encoding cannot hold (an emoji in a Windows-1252
file): the question names the character, line and column and offers UTF-8; Cancel keeps the
file and the text and puts the cursor on the character."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
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


def encoding_problems(window) -> list[str]:
    return [t for t in window.problems.texts()
            if "reads dialogs as UTF-8" in t or "byte-order mark" in t]


def test_file_menu_save_as_utf8_converts_keeps_undo_and_the_warning_goes(
        window, qtbot, tmp_path):
    path = tmp_path / "latin.bas"
    path.write_bytes(OLD.replace("\n", "\r\n").encode("cp1252"))
    tab = window.open_file(path)
    action = window.actions_by_name["save_utf8"]
    qtbot.waitUntil(lambda: encoding_problems(window) != [], timeout=5000)
    assert action.isEnabled()
    assert action in window.problems.actions()  # offered where the warning is shown
    assert "Save as &UTF-8" in [a.text() for a in window._menus["&File"].actions()]
    tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(tab.editor, "'")
    action.trigger()
    # The line endings stay; the characters are the same, now in UTF-8 without a BOM.
    assert path.read_bytes() == (OLD.replace("\n", "\r\n") + "'").encode("utf-8")
    assert not tab.modified
    qtbot.waitUntil(lambda: encoding_problems(window) == [], timeout=5000)
    assert not action.isEnabled()
    tab.editor.undo()  # the edit made before the conversion can still be undone
    assert tab.editor.toPlainText() == OLD


def test_save_as_utf8_drops_a_byte_order_mark(window, qtbot, tmp_path):
    path = tmp_path / "bom.bas"
    path.write_bytes(b'\xef\xbb\xbfTALK "hi"\n')
    window.open_file(path)
    qtbot.waitUntil(lambda: encoding_problems(window) != [], timeout=5000)
    assert ":1:1:" in encoding_problems(window)[0]
    window.actions_by_name["save_utf8"].trigger()
    assert path.read_bytes() == b'TALK "hi"\n'
    qtbot.waitUntil(lambda: encoding_problems(window) == [], timeout=5000)
    assert not window.actions_by_name["save_utf8"].isEnabled()


def test_save_as_utf8_follows_the_tab_in_front_before_the_first_check(qapp, qloop, tmp_path):
    """At start-up the first check waits for the window's idle build: until then the
    command matched nothing (it was enabled on a sample or UTF-8 dialog)."""
    from ui.main import build_window

    plain = tmp_path / "plain.bas"
    plain.write_text('TALK "hi"\n', encoding="utf-8")
    latin = tmp_path / "latin.bas"
    latin.write_bytes(OLD.encode("cp1252"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([str(plain)], str(tmp_path / "memory.sqlite3"), "testbot", settings)
    try:  # not shown yet: no check has run
        action = win.actions_by_name["save_utf8"]
        assert not action.isEnabled()
        win.open_file(latin)
        assert action.isEnabled()
        win.tabs.setCurrentIndex(0)
        assert not action.isEnabled()
    finally:
        win.store.close(timeout=5.0)
        win.deleteLater()
