"""Editor editing aids and highlighting, without running anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.editor import CodeEditor, Mark


def make(qtbot, text: str = "") -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    return editor


def test_auto_indent_after_block_openers(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, "FOR i = 1 TO 3")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "IF i > 1 THEN")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "TALK i")
    assert editor.toPlainText().splitlines() == [
        "FOR i = 1 TO 3",
        "    IF i > 1 THEN",
        "        TALK i",
    ]


def test_single_line_if_does_not_indent(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, 'IF x THEN TALK "y"')
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "z = 1")
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
