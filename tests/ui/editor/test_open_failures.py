"""Opening what is no readable dialog: a missing file is named once with the OS's reason,
and a binary file (NUL bytes) is opened only when the author says so."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.ui.editor.test_save_and_reload import answer_modal
from tests.ui.modals import press


def test_a_missing_file_is_named_once_with_the_reason(window, qtbot, tmp_path):
    path = tmp_path / "nope.bas"
    seen: list[str] = []
    tabs = window.tabs.count()
    answer_modal(qtbot, QMessageBox, press("OK", seen))
    assert window.open_file(path) is None
    assert seen == [f"Cannot open nope.bas: No such file or directory.\n\n{path}"]
    assert window.tabs.count() == tabs


def binary_file(tmp_path):
    path = tmp_path / "picture.bas"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return path


def test_a_binary_file_is_opened_only_when_the_author_says_so(window, qtbot, tmp_path):
    path = binary_file(tmp_path)
    seen: list[str] = []
    tabs = window.tabs.count()
    answer_modal(qtbot, QMessageBox, press("Cancel", seen))
    assert window.open_file(path) is None
    assert "picture.bas does not look like a dialog" in seen[0]
    assert window.tabs.count() == tabs
    answer_modal(qtbot, QMessageBox, press("Open", seen))
    tab = window.open_file(path)
    assert len(seen) == 2 and tab is not None and "\0" in tab.editor.toPlainText()
