"""The Debug Console: evaluate BASIC expressions in the selected frame; logpoint output.

Up/Down walk the history of typed expressions.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from interpreter.debug.model import DebugMessage, MessageKind

from .controller import DebugController


class DebugConsole(QWidget):
    def __init__(self, controller: DebugController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.history: list[str] = []
        self._history_pos = 0
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(font)
        self.log.setMaximumBlockCount(5000)
        self.input = QLineEdit()
        self.input.setFont(font)
        self.input.setPlaceholderText("Evaluate an expression in the paused frame (Enter)")
        self.input.returnPressed.connect(self._submit)
        self.input.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.input)
        controller.message.connect(self.show_message)

    def lines(self) -> list[str]:
        return self.log.toPlainText().splitlines()

    def write(self, text: str) -> None:
        self.log.appendPlainText(text)

    def show_message(self, message: DebugMessage) -> None:
        prefix = "⚠ " if message.kind is MessageKind.WARNING else ""
        self.write(f"{prefix}[line {message.line}] {message.text}")

    def evaluate(self, expression: str) -> str:
        """Evaluate and print ``expression``; returns the printed result (or error)."""
        expression = expression.strip()
        if not expression:
            return ""
        self.history.append(expression)
        self._history_pos = len(self.history)
        self.write(f"> {expression}")
        try:
            result = self.controller.evaluate(expression)
        except Exception as exc:  # noqa: BLE001 - every failure is shown, the run is untouched
            result = f"error: {exc}"
        self.write(result)
        return result

    def _submit(self) -> None:
        self.evaluate(self.input.text())
        self.input.clear()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.history:
                step = -1 if key == Qt.Key.Key_Up else 1
                self._history_pos = max(0, min(len(self.history), self._history_pos + step))
                text = self.history[self._history_pos] if self._history_pos < len(
                    self.history) else ""
                self.input.setText(text)
                return True
        return super().eventFilter(watched, event)
