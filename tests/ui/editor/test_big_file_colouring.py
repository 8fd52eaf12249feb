"""Opening a big dialog: the lines in view are coloured at once, the rest in idle slices that
neither repaint the view for lines out of it nor leave a line uncoloured (Qt is not asked to
colour the lines below the screen while the text loads); the completion index of the file
is built in idle slices too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from ui.editor.code_editor import CodeEditor
from ui.editor.completion import IdentifierIndex, identifier_counts
from ui.editor.highlighter import SLICE_BLOCKS, BasicHighlighter

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


class Recording(BasicHighlighter):
    """The editor's highlighter, remembering the blocks Qt asked it to colour."""

    def __init__(self, editor: CodeEditor) -> None:
        editor.highlighter.setDocument(None)  # the one the editor made steps aside
        super().__init__(editor.document())
        editor.highlighter = self
        self.sliceColoured.connect(editor._show_if_visible)
        self.asked: list[int] = []

    def highlightBlock(self, text: str) -> None:
        self.asked.append(self.currentBlock().blockNumber())
        super().highlightBlock(text)


def shown_editor(qtbot) -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.resize(800, 600)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def colours(doc: QTextDocument, line: int) -> list[tuple[int, int, str]]:
    return [(f.start, f.length, f.format.foreground().color().name())
            for f in doc.findBlockByNumber(line).layout().formats()]


def test_opening_asks_the_highlighter_for_no_line_below_the_screen(qtbot):
    editor = shown_editor(qtbot)
    recording = Recording(editor)
    editor.setPlainText(big_text())
    # Qt used to call highlightBlock for each of the 10,000 new lines (most returned at once).
    assert recording.asked == list(range(len(recording.asked)))
    assert last_visible_block(editor) < len(recording.asked) < SLICE_BLOCKS
    assert all(editor.document().findBlockByNumber(n).layout().formats()
               for n in range(last_visible_block(editor) + 1))
    below = len(recording.asked) + 5  # not on screen yet: coloured by an idle slice
    assert not editor.document().findBlockByNumber(below).layout().formats()
    qtbot.waitUntil(lambda: recording.done, timeout=30_000)
    assert colours(editor.document(), below) == colours_of_whole_text(qtbot, big_text(), below)


def colours_of_whole_text(qtbot, text: str, line: int) -> list[tuple[int, int, str]]:
    """The colours of ``line`` when Qt colours the whole text in one go."""
    plain = QPlainTextEdit()
    qtbot.addWidget(plain)
    plain.setPlainText(text)
    highlighter = BasicHighlighter(plain.document())
    highlighter.rehighlight()
    qtbot.waitUntil(lambda: highlighter.done, timeout=30_000)
    return colours(plain.document(), line)


def test_an_edit_after_opening_is_coloured_at_once(qtbot):
    editor = open_editor(qtbot, big_text())
    doc = editor.document()
    cursor = QTextCursor(doc.findBlockByNumber(4))  # x4 = 4 : TALK "line 4"
    cursor.insertText("' ")  # the line becomes a comment
    assert [(f.start, f.length) for f in doc.findBlockByNumber(4).layout().formats()] == [
        (0, len(doc.findBlockByNumber(4).text()))]


def test_a_second_text_is_coloured_from_its_own_first_line(qtbot):
    # The first text leaves an open string (a state) on every line; the second has none.
    editor = open_editor(qtbot, 'TALK "open\n' + big_text())
    qtbot.waitUntil(lambda: editor.highlighter.done, timeout=30_000)
    editor.setPlainText(big_text())
    qtbot.waitUntil(lambda: editor.highlighter.done, timeout=30_000)
    for line in (0, 1, 7, 500, LINES - 1):
        assert colours(editor.document(), line) == colours_of_whole_text(qtbot, big_text(), line)


def test_opening_leaves_no_undo_step_and_an_unmodified_document_as_qt_does(qtbot):
    plain = QPlainTextEdit()
    qtbot.addWidget(plain)
    editor = shown_editor(qtbot)
    for widget in (plain, editor):
        widget.insertPlainText("typed before\n")  # an undo step the load drops
        widget.setPlainText(big_text())
    for doc in (plain.document(), editor.document()):
        assert doc.availableUndoSteps() == 0 and not doc.isUndoAvailable()
    assert editor.document().isModified() == plain.document().isModified()
    assert editor.toPlainText() == plain.toPlainText()


def test_the_text_arrives_in_a_viewport_of_its_final_width(qtbot):
    # Widened after the load (the gutter's digits, the scroll bar), the viewport made Qt lay
    # out every line again.
    editor = shown_editor(qtbot)
    widths: list[int] = []
    editor.document().contentsChange.connect(lambda *_: widths.append(editor.viewport().width()))
    editor.setPlainText(big_text())
    assert editor.verticalScrollBar().isVisible()
    assert widths and set(widths) == {editor.viewport().width()}
    assert editor.gutter_width() == editor.viewportMargins().left()
