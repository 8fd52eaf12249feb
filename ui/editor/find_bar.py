"""The find/replace bar under the editor tabs.

Ctrl+F shows the find row, Ctrl+H the replace row too. Enter finds the next match, Shift+Enter
the previous one (both wrap once), Esc closes and gives the focus back to the editor. "Replace
all" is a single edit block, so one Ctrl+Z undoes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

EditorProvider = Callable[[], QPlainTextEdit | None]
FindFlag = QTextDocument.FindFlag


class FindBar(QWidget):
    def __init__(self, editor: EditorProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find (Enter: next, Shift+Enter: previous, Esc: close)")
        self.field.returnPressed.connect(self.find)
        self.replace_field = QLineEdit()
        self.replace_field.setPlaceholderText("Replace with (Enter: replace and find next)")
        self.replace_field.returnPressed.connect(self.replace)
        self.case = QCheckBox("Aa")
        self.case.setToolTip("Match case")
        self.whole = QCheckBox("Whole word")
        self.whole.setToolTip("Match whole words only")
        self.status = QLabel()
        self.field.installEventFilter(self)
        self.replace_field.installEventFilter(self)

        def button(text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False: slot())
            return b

        self.next_button = button("↓", "Next match (Enter)", self.find)
        self.prev_button = button("↑", "Previous match (Shift+Enter)", self.find_previous)
        self.replace_button = button(
            "Replace", "Replace this match and find the next", self.replace
        )
        self.replace_all_button = button(
            "All", "Replace every match (one undo step)", self.replace_all
        )
        close = button("✕", "Close (Esc)", self.close_bar)
        self.replace_label = QLabel("Replace:")

        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setVerticalSpacing(2)
        grid.addWidget(QLabel("Find:"), 0, 0)
        grid.addWidget(self.field, 0, 1)
        grid.addWidget(self.prev_button, 0, 2)
        grid.addWidget(self.next_button, 0, 3)
        grid.addWidget(self.case, 0, 4)
        grid.addWidget(self.whole, 0, 5)
        grid.addWidget(self.status, 0, 6)
        grid.addWidget(close, 0, 7)
        grid.addWidget(self.replace_label, 1, 0)
        grid.addWidget(self.replace_field, 1, 1)
        grid.addWidget(self.replace_button, 1, 2, 1, 2)
        grid.addWidget(self.replace_all_button, 1, 4)
        grid.setColumnStretch(1, 1)
        self._set_replace_visible(False)

    # -- showing ---------------------------------------------------------------------------

    def show_find(self) -> None:
        self._open(replace=False)

    def show_replace(self) -> None:
        self._open(replace=True)

    def _open(self, replace: bool) -> None:
        self._set_replace_visible(replace)
        editor = self._editor()
        if editor is not None and editor.textCursor().hasSelection():
            selected = editor.textCursor().selectedText()
            if "\u2029" not in selected:  # a one-line selection seeds the search
                self.field.setText(selected)
        self.status.clear()
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def _set_replace_visible(self, visible: bool) -> None:
        for widget in (
            self.replace_label,
            self.replace_field,
            self.replace_button,
            self.replace_all_button,
        ):
            widget.setVisible(visible)

    @property
    def replace_visible(self) -> bool:
        return not self.replace_field.isHidden()

    def close_bar(self) -> None:
        self.hide()
        editor = self._editor()
        if editor is not None:
            editor.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Before the line edits see them: QLineEdit emits returnPressed for Shift+Enter too.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find_previous()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        else:
            super().keyPressEvent(event)

    # -- searching ------------------------------------------------------------------------------

    def flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = FindFlag(0)
        if backward:
            flags |= FindFlag.FindBackward
        if self.case.isChecked():
            flags |= FindFlag.FindCaseSensitively
        if self.whole.isChecked():
            flags |= FindFlag.FindWholeWords
        return flags

    # Shadows QWidget.find(id), the static lookup of a widget by window id, which nothing
    # calls on this bar.
    def find(self, backward: bool = False) -> bool:  # type: ignore[override]
        """Select the next (or previous) match, wrapping around once."""
        editor = self._editor()
        needle = self.field.text()
        if editor is None or not needle:
            return False
        flags = self.flags(backward)
        found = editor.find(needle, flags)
        if not found:
            cursor = editor.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            editor.setTextCursor(cursor)
            found = editor.find(needle, flags)
        self.status.setText("" if found else "No matches")
        return found

    def find_previous(self) -> bool:
        return self.find(backward=True)

    def _selection_matches(self, editor: QPlainTextEdit) -> bool:
        cursor = editor.textCursor()
        if not cursor.hasSelection():
            return False
        # Search again from the selection start: it honours case and whole-word exactly.
        probe = editor.document().find(self.field.text(), cursor.selectionStart(), self.flags())
        return (
            not probe.isNull()
            and probe.selectionStart() == cursor.selectionStart()
            and probe.selectionEnd() == cursor.selectionEnd()
        )

    def replace(self) -> bool:
        """Replace the selected match (if it is one), then select the next match."""
        editor = self._editor()
        if editor is None or not self.field.text():
            return False
        if self._selection_matches(editor):
            editor.textCursor().insertText(self.replace_field.text())
        return self.find()

    def replace_all(self) -> int:
        """Replace every match in one undo step; returns how many were replaced."""
        editor = self._editor()
        needle = self.field.text()
        if editor is None or not needle:
            return 0
        doc = editor.document()
        flags = self.flags()
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        count = 0
        found = doc.find(needle, 0, flags)
        while not found.isNull():
            found.insertText(self.replace_field.text())
            count += 1
            found = doc.find(needle, found.position(), flags)  # after the replacement
        edit.endEditBlock()
        self.status.setText(f"{count} replaced" if count else "No matches")
        return count
