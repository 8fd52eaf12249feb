"""The highlighter colours only what an edit changed, and follows multi-line state changes."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from ui.editor.highlighter import BasicHighlighter


class Recording(BasicHighlighter):
    """The real highlighter, remembering which blocks it coloured."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.coloured: list[int] = []

    def highlightBlock(self, text: str) -> None:
        self.coloured.append(self.currentBlock().blockNumber())
        super().highlightBlock(text)


def spans(doc: QTextDocument, line: int) -> list[tuple[int, int, str]]:
    layout = doc.findBlockByNumber(line).layout()
    return [(f.start, f.length, f.format.foreground().color().name()) for f in layout.formats()]


def insert(doc: QTextDocument, line: int, column: int, text: str) -> None:
    cursor = QTextCursor(doc.findBlockByNumber(line))
    cursor.setPosition(cursor.position() + column)
    cursor.insertText(text)


def plain_editor(qtbot, text: str) -> QPlainTextEdit:
    # A document without a layout reports no changes, so it lives in an editor.
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    return editor


def settle(qtbot, doc: QTextDocument, hl: BasicHighlighter) -> None:
    # Qt colours a new document from the event loop, then idle slices continue.
    qtbot.waitUntil(lambda: hl.done and bool(doc.lastBlock().layout().formats()), timeout=10_000)


def test_typing_in_the_middle_colours_only_that_line(qtbot):
    editor = plain_editor(qtbot, "\n".join(f"x{i} = {i} + y : TALK x{i}" for i in range(2000)))
    doc = editor.document()
    hl = Recording(doc)  # colours the whole document, from the event loop
    settle(qtbot, doc, hl)
    hl.coloured.clear()
    insert(doc, 1000, 0, "z")
    insert(doc, 1000, 1, "IF ")
    assert hl.coloured == [1000, 1000]
    assert doc.findBlockByNumber(1000).text().startswith("zIF x1000")


def test_an_opened_string_recolours_the_following_lines_and_closing_it_restores_them(qtbot):
    lines = [f"x{i} = {i} + y" for i in range(600)]
    editor = plain_editor(qtbot, "\n".join(lines))
    doc = editor.document()
    hl = Recording(doc)  # colours the whole document, from the event loop
    settle(qtbot, doc, hl)
    before = spans(doc, 599)
    insert(doc, 300, len(lines[300]), ' & "open')  # a string left open at the line end
    qtbot.waitUntil(lambda: hl.done, timeout=10_000)
    assert len(spans(doc, 599)) == 1 and spans(doc, 599)[0][:2] == (0, len(lines[599]))
    assert spans(doc, 599) != before  # the whole line is now string text
    hl.coloured.clear()
    insert(doc, 300, len(lines[300]) + len(' & "open'), '"')  # closed again
    qtbot.waitUntil(lambda: hl.done, timeout=10_000)
    assert spans(doc, 599) == before
    assert sorted(set(hl.coloured)) == list(range(300, 600))  # each following line re-coloured
