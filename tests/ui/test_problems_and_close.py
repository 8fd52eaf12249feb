"""The Problems tab counts the current file's problems; closing the window with several
modified files asks once: Save All, Don't Save or Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QMessageBox, QTabBar

from tests.ui.editor.test_save_and_reload import answer_modal


def tab_titles(window) -> list[str]:
    return [bar.tabText(i) for bar in window.findChildren(QTabBar) for i in range(bar.count())]


def test_problems_tab_shows_the_count(window, qtbot):
    dock = window.findChild(QDockWidget, "problemsDock")
    tab = window.add_tab('TALK "ok"\n', None)
    qtbot.waitUntil(lambda: dock.windowTitle() == "Problems")
    tab.editor.setPlainText('TALK (\nFOR i = 1 TO 3\n')
    qtbot.waitUntil(lambda: dock.windowTitle() != "Problems", timeout=3000)
    count = window.problems.count()
    assert count >= 2
    assert dock.windowTitle() == f"Problems ({count})"
    qtbot.waitUntil(lambda: f"Problems ({count})" in tab_titles(window))  # the bottom tab
    tab.editor.setPlainText('TALK "ok"\n')
    qtbot.waitUntil(lambda: dock.windowTitle() == "Problems", timeout=3000)


def two_modified_files(window, tmp_path):
    tabs = []
    for name in ("a.bas", "b.bas"):
        path = tmp_path / name
        path.write_text('TALK "old"\n')
        tab = window.open_file(path)
        tab.editor.selectAll()
        tab.editor.textCursor().insertText(f'TALK "new {name}"\n')
        tabs.append(tab)
    return tabs


def press(label: str):
    def act(box: QMessageBox):
        assert box.objectName() == "closeAllQuestion"
        assert "a.bas" in box.text() and "b.bas" in box.text()
        next(b for b in box.buttons() if b.text().replace("&", "") == label).click()
    return act


def test_close_with_several_modified_files_can_save_all(window, qtbot, tmp_path):
    two_modified_files(window, tmp_path)
    done = answer_modal(qtbot, QMessageBox, press("Save All"))
    assert window.close()
    assert done
    assert (tmp_path / "a.bas").read_text() == 'TALK "new a.bas"\n'
    assert (tmp_path / "b.bas").read_text() == 'TALK "new b.bas"\n'


def test_close_with_several_modified_files_can_discard(window, qtbot, tmp_path):
    two_modified_files(window, tmp_path)
    answer_modal(qtbot, QMessageBox, press("Don't Save"))
    assert window.close()
    assert (tmp_path / "a.bas").read_text() == 'TALK "old"\n'


def test_close_with_several_modified_files_can_be_cancelled(window, qtbot, tmp_path):
    tabs = two_modified_files(window, tmp_path)
    answer_modal(qtbot, QMessageBox, press("Cancel"))
    assert not window.close()
    assert window.isVisible()
    assert all(t.modified for t in tabs)
    assert (tmp_path / "b.bas").read_text() == 'TALK "old"\n'
