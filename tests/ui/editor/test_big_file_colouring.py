"""Opening a big dialog: the lines in view are coloured at once, the rest in idle slices that
neither repaint the view for lines out of it nor leave a line uncoloured; the completion
index of the file is built in idle slices too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QTextCursor

from ui.editor.code_editor import CodeEditor
from ui.editor.completion import IdentifierIndex, identifier_counts

LINES = 10_000


def big_text() -> str:
    return "\n".join(f'x{i} = {i} : TALK "line {i}"' if i % 3 else f"' comment {i}"
                     for i in range(LINES))


def open_editor(qtbot, text: str) -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.resize(800, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.setPlainText(text)
    return editor


def last_visible_block(editor: CodeEditor) -> int:
    return editor.cursorForPosition(QPoint(0, editor.viewport().height() - 1)).blockNumber()


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_the_lines_in_view_are_coloured_at_once_and_the_whole_file_in_the_end(qtbot):
    editor = open_editor(qtbot, big_text())
    hl = editor.highlighter
    doc = editor.document()
    assert hl.coloured_blocks() > last_visible_block(editor)  # before any event-loop pass
    assert all(doc.findBlockByNumber(n).layout().formats()
               for n in range(last_visible_block(editor) + 1))
    assert not hl.done and not doc.lastBlock().layout().formats()
    qtbot.waitUntil(lambda: hl.done, timeout=30_000)
    assert hl.coloured_blocks() == doc.blockCount()
    assert all(doc.findBlockByNumber(n).layout().formats() for n in range(0, LINES, 97))
    assert doc.lastBlock().layout().formats()


def test_idle_slices_out_of_view_do_not_repaint_the_view(qtbot):
    editor = open_editor(qtbot, big_text())
    qtbot.wait(50)  # the first paint of the opened file
    counter = PaintCounter()
    slices: list[tuple[int, int]] = []
    editor.highlighter.sliceColoured.connect(lambda first, last: slices.append((first, last)))
    editor.viewport().installEventFilter(counter)
    qtbot.waitUntil(lambda: editor.highlighter.done, timeout=30_000)
    view_end = last_visible_block(editor)
    assert len(slices) >= 10 and all(first > view_end for first, _ in slices)
    # The slices coloured lines below the view: no repaint for them (the cursor's blinking
    # still repaints now and then).
    assert counter.paints < len(slices) // 3


def test_an_edit_in_the_turn_of_a_big_change_is_coloured_at_once(qtbot):
    editor = open_editor(qtbot, big_text())
    doc = editor.document()
    block = doc.findBlockByNumber(4)  # x4 = 4 : TALK "line 4"
    before = [(f.start, f.length) for f in block.layout().formats()]
    cursor = QTextCursor(block)
    cursor.insertText("' ")  # the line becomes a comment, before the event loop runs
    after = [(f.start, f.length) for f in doc.findBlockByNumber(4).layout().formats()]
    assert after != before and after == [(0, len(doc.findBlockByNumber(4).text()))]


def test_the_completion_index_built_in_slices_counts_every_identifier(qtbot):
    editor = open_editor(qtbot, big_text())
    index = IdentifierIndex(editor.document())
    qtbot.waitUntil(lambda: index._lines is not None, timeout=30_000)
    assert index.counts() == identifier_counts(editor.toPlainText())


def test_an_edit_during_the_sliced_build_is_counted(qtbot):
    editor = open_editor(qtbot, big_text())
    index = IdentifierIndex(editor.document())
    qtbot.waitUntil(lambda: index._partial is not None, timeout=10_000)  # build under way
    cursor = QTextCursor(editor.document())
    cursor.insertText("fresh_name = 1\n")
    qtbot.waitUntil(lambda: index._lines is not None, timeout=30_000)
    counts = index.counts()
    assert counts["fresh_name"] == 1
    assert counts == identifier_counts(editor.toPlainText())
