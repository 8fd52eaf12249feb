"""The bar shown above an editor when something happened to its text outside the typing
(the file changed on disk, text recovered after a crash): a tinted line of text and buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QFrame):
    """``tint``: a translucent background colour (reads on light and dark themes alike)."""

    def __init__(self, name: str, tint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#{name} {{ background: {tint}; }}")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(6, 3, 6, 3)
        self._row.addWidget(self.label, 1)

    def add_button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        self._row.addWidget(button)
        return button
