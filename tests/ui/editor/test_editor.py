"""Editor editing aids and highlighting, without running anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import type_lines
from ui.editor.code_editor import CodeEditor, Mark


def make(qtbot, text: str = "") -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    return editor


def test_auto_indent_after_block_openers(qtbot):
    editor = make(qtbot)
    type_lines(qtbot, editor, "FOR i = 1 TO 3", "IF i > 1 THEN", "TALK i")
    assert editor.toPlainText().splitlines() == [
        "FOR i = 1 TO 3",
        "    IF i > 1 THEN",
        "        TALK i",
    ]


def test_single_line_if_does_not_indent(qtbot):
    editor = make(qtbot)
    type_lines(qtbot, editor, 'IF x THEN TALK "y"', "z = 1")
    assert editor.toPlainText().splitlines()[1] == "z = 1"


def test_toggle_comment_round_trip(qtbot):
    editor = make(qtbot, 'TALK "a"\n    TALK "b"\n')
    editor.selectAll()
    editor.toggle_comment()
    assert editor.toPlainText().splitlines() == ['\' TALK "a"', '    \' TALK "b"']
    editor.selectAll()
    editor.toggle_comment()
    assert editor.toPlainText().splitlines() == ['TALK "a"', '    TALK "b"']


def test_breakpoints_toggle_and_signal(qtbot):
    editor = make(qtbot, "a = 1\nb = 2\n")
    with qtbot.waitSignal(editor.breakpointsChanged) as blocker:
        editor.toggle_breakpoint(2)
    assert blocker.args[0] == frozenset({2})
    editor.toggle_breakpoint(2)
    assert editor.breakpoints == set()


def test_go_to_line_and_mark_tooltip_range(qtbot):
    editor = make(qtbot, "a = 1\nb = 2\nc = 3\n")
    editor.go_to_line(3, 2)
    assert (editor.textCursor().blockNumber(), editor.textCursor().positionInBlock()) == (2, 1)
    editor.set_marks([Mark(2, 1, 2, "bad b")])
    position = editor.document().findBlockByNumber(1).position()
    assert [m.message for m in editor.marks_at(position)] == ["bad b"]


def test_highlighter_colours_keywords_after_emoji(qtbot):
    editor = make(qtbot, 'x = "😀" : TALK x\n')
    block = editor.document().firstBlock()
    formats = block.layout().formats()
    talk_at = block.text().index("TALK") + 1  # Qt counts the emoji as two UTF-16 units
    assert any(f.start == talk_at and f.length == 4 for f in formats)
    assert any(f.start == 4 and f.length == 4 for f in formats)  # the whole string


# -- hover and F1 help ------------------------------------------------------------------------


def hover(qtbot, editor: CodeEditor, line: int, col: int) -> str:
    """Send a real tooltip event for 1-based ``line``, 0-based ``col``; the tooltip text."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent, QTextCursor
    from PySide6.QtWidgets import QApplication, QToolTip

    cursor = QTextCursor(editor.document().findBlockByNumber(line - 1))
    cursor.setPosition(cursor.position() + col)
    rect = editor.cursorRect(cursor)
    pos = rect.center() + editor.viewport().pos()
    pos.setX(rect.left() + editor.viewport().pos().x() + 2)  # inside the character, not before
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())  # hiding is animated
    event = QHelpEvent(QEvent.Type.ToolTip, pos, editor.mapToGlobal(pos))
    QApplication.sendEvent(editor, event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_hover_over_a_keyword_shows_its_syntax_and_summary(qtbot):
    editor = make(qtbot, 'x = 1\nSET_BOT_MEMORY "visits", x\n')
    editor.show()
    text = hover(qtbot, editor, 2, 5)
    assert "SET BOT MEMORY key, value" in text and "bot&#x27;s memory" in text
    assert hover(qtbot, editor, 2, 18) == ""  # inside the string: no help


def test_hover_prefers_the_problem_message_over_help(qtbot):
    editor = make(qtbot, "TALK x\n")
    editor.show()
    editor.set_marks([Mark(1, 1, 5, "something is wrong here")])
    assert hover(qtbot, editor, 1, 1) == "something is wrong here"


def test_f1_shows_help_for_the_keyword_at_the_cursor(qtbot):
    editor = make(qtbot, 'name = "Ann"\nTALK name\n')
    editor.show()
    editor.setFocus()
    editor.go_to_line(2, 3)
    with qtbot.waitSignal(editor.helpRequested) as blocker:
        QTest.keyClick(editor, Qt.Key.Key_F1)
    assert blocker.args[0].phrase == "TALK"
    editor.go_to_line(1, 2)  # on a variable: no help, no signal
    assert editor.show_help_at_cursor() == ""


# -- themes -----------------------------------------------------------------------------------


def _keyword_colour(editor: CodeEditor) -> str:
    block = editor.document().firstBlock()
    talk = next(f for f in block.layout().formats() if f.start == 0)
    return talk.format.foreground().color().name()


def test_dark_theme_recolours_background_gutter_and_tokens(qtbot):
    from pygments.styles import get_style_by_name
    from pygments.token import Keyword
    from PySide6.QtGui import QPalette

    from ui.editor.themes import DARK, LIGHT

    editor = make(qtbot, 'TALK "hi"\n')
    light_keyword = _keyword_colour(editor)
    editor.set_theme(DARK)
    monokai = get_style_by_name("monokai")
    assert editor.palette().color(QPalette.ColorRole.Base).name() == monokai.background_color
    assert editor.colors.dark and editor.colors.gutter.lightnessF() < 0.5
    assert _keyword_colour(editor) == "#" + monokai.style_for_token(Keyword)["color"].lower()
    assert _keyword_colour(editor) != light_keyword
    current_line = editor.extraSelections()[0]
    assert current_line.format.background().color() == editor.colors.current_line
    editor.set_theme(LIGHT)
    assert _keyword_colour(editor) == light_keyword


def test_theme_menu_applies_and_remembers_the_choice(window, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QPalette

    from ui.editor.themes import ThemeMenu

    editor = window.add_tab('TALK "x"\n', None).editor
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    theme_menu = next(a.menu() for a in view_menu.actions() if a.menu())
    dark = next(a for a in theme_menu.actions() if "Dark" in a.text())
    dark.trigger()
    assert editor.palette().color(QPalette.ColorRole.Base).lightnessF() < 0.5
    assert window.add_tab("", None).editor.colors.dark  # new tabs follow
    window.settings.sync()
    again = ThemeMenu(QSettings(window.settings.fileName(), QSettings.Format.IniFormat))
    assert again.current().name == "dark" and again.actions_by_theme["dark"].isChecked()


# -- big files --------------------------------------------------------------------------------


def test_big_file_opens_fast_and_is_coloured_in_idle_slices(qtbot):
    from tests.stalls import StallMeter
    from ui.editor import highlighter

    lines = [f'TALK "line {i}"' if i % 3 else f"' comment {i}" for i in range(10_000)]
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.show()
    opening = StallMeter()  # wall time less what a busy machine withheld from this thread
    editor.setPlainText("\n".join(lines))
    opening.mark()
    opened = opening.gaps[0].stall
    last = editor.document().lastBlock()
    assert not editor.highlighter.done and not last.layout().formats()  # not yet coloured
    top = editor.document().firstBlock()
    assert top.layout().formats()  # the visible top is coloured at once
    qtbot.waitUntil(lambda: editor.highlighter.done, timeout=10_000)
    assert editor.document().lastBlock().layout().formats()
    assert opened < 2.0, f"opening 10,000 lines took {opened:.2f} s"
    assert highlighter.SLICE_BLOCKS < 10_000
