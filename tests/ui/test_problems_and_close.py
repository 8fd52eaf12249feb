"""The Problems tab counts the current file's problems; closing the window with several
modified files asks once: Save All, Don't Save or Cancel."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextCharFormat
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


SEVERAL_MISTAKES = ('x = 1\nTALKK TALK "hi"\nPRNT x\nTALK "a" +\nIF x = 1 THEN\n'
                    '  TALK "y"\n')
EXPECTED_PROBLEMS = [
    (2, 1, "error: unknown SUB or keyword 'TALKK' (did you mean TALK?)"),
    (3, 1, "error: unknown SUB or keyword 'PRNT' (did you mean PRINT?)"),
    (4, 11, "error: expected a value, got end of line"),
    (5, 1, "error: IF at line 5 is not closed: expected END IF, found end of file"),
]


def problems_listed(window) -> list[tuple[int, int, str]]:
    found = []
    for i in range(window.problems.count()):
        text = window.problems.item(i).text()
        line, col, rest = re.search(r":(\d+):(\d+): (.*)$", text).groups()
        found.append((int(line), int(col), rest))
    return found


def squiggles(editor) -> list[tuple[int, int, str]]:
    """(line, column, tooltip) of each wavy underline the editor draws."""
    wavy = QTextCharFormat.UnderlineStyle.WaveUnderline
    found = []
    for sel in editor.extraSelections():
        if sel.format.underlineStyle() == wavy:
            start = sel.cursor.selectionStart()
            block = editor.document().findBlock(start)
            found.append((block.blockNumber() + 1, start - block.position() + 1,
                          sel.format.toolTip()))
    return sorted(found)


def test_every_mistake_is_listed_and_underlined_where_it_is(window, qtbot):
    tab = window.add_tab(SEVERAL_MISTAKES, None)
    qtbot.waitUntil(lambda: window.problems.count() == len(EXPECTED_PROBLEMS), timeout=5000)
    assert problems_listed(window) == EXPECTED_PROBLEMS
    qtbot.waitUntil(lambda: len(squiggles(tab.editor)) == len(EXPECTED_PROBLEMS))
    lines = SEVERAL_MISTAKES.split("\n")
    # A mistake at the end of a line ("got end of line") is underlined on its last character
    at_text = [(line, min(col, len(lines[line - 1])), "error: " + message.split(": ", 1)[1])
               for line, col, message in EXPECTED_PROBLEMS]
    assert [(line, col, "error: " + tip) for line, col, tip in squiggles(tab.editor)] == at_text
