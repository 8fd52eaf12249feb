"""Output (PRINT, run status, runtime errors) and Problems (live diagnostics) lists.

Both emit ``jumpRequested(line, col)`` when an entry with a position is activated.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

_POSITION = Qt.ItemDataRole.UserRole
_LEVEL_COLORS = {
    "warning": QColor("#9a6700"),
    "error": QColor("#c62828"),
    "status": QColor("#777777"),
}
_DARK_LEVEL_COLORS = {  # the same meaning, readable on a dark background
    "warning": QColor("#e0b050"),
    "error": QColor("#ff7b7b"),
    "status": QColor("#9a9a9a"),
}
_LEVEL = Qt.ItemDataRole.UserRole + 1
MAX_ENTRIES = 10_000  # Output's entries kept at most; older ones leave …
TRIM_ENTRIES = 1_000  # … this many at a time


class PositionList(QListWidget):
    jumpRequested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dark = False
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.itemClicked.connect(self._jump)
        self.itemActivated.connect(self._jump)

    def add(self, text: str, level: str = "info", line: int = 0, col: int = 1) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(_LEVEL, level)
        self._color(item)
        if line:
            item.setData(_POSITION, (line, col))
            item.setToolTip(f"Click to go to line {line}")
        self.addItem(item)
        return item

    def set_dark(self, dark: bool) -> None:
        """Level colours for a dark or a light application theme (existing entries too)."""
        self._dark = dark
        for i in range(self.count()):
            self._color(self.item(i))

    def _color(self, item: QListWidgetItem) -> None:
        colors = _DARK_LEVEL_COLORS if self._dark else _LEVEL_COLORS
        level = item.data(_LEVEL)
        if level in colors:
            item.setForeground(QBrush(colors[level]))

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def _jump(self, item: QListWidgetItem) -> None:
        position = item.data(_POSITION)
        if position:
            self.jumpRequested.emit(int(position[0]), int(position[1]))


class OutputPanel(PositionList):
    """What a run printed, oldest first; keeps the newest entry visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Entries are laid out in batches between events, not all of them at each one: a
        # dialog PRINTing in a loop cost 2.6 ms a line with 1,000 lines shown, growing with
        # every line (entries may hold several lines, so their heights are not uniform).
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self._dropped = 0  # entries removed past MAX_ENTRIES (the first entry says so)
        # Each batch laid out lengthens the list below the view after add() scrolled to the
        # bottom: a view left at the bottom follows it (one the user scrolled up stays).
        self._at_end = True
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._grown)

    def add(self, text: str, level: str = "info", line: int = 0, col: int = 1) -> QListWidgetItem:
        item = super().add(text, level, line, col)
        if self.count() > MAX_ENTRIES + TRIM_ENTRIES:
            self._drop_oldest()
        self.scrollToBottom()
        return item

    def _scrolled(self, value: int) -> None:
        self._at_end = value >= self.verticalScrollBar().maximum()

    def _grown(self, _low: int, high: int) -> None:
        if self._at_end:
            self.verticalScrollBar().setValue(high)

    def clear(self) -> None:
        self._dropped = 0
        super().clear()

    def _drop_oldest(self) -> None:
        """Keep the newest MAX_ENTRIES: a dialog PRINTing in a loop grew the IDE by ~19 MB a
        second. The first entry says how many earlier ones left."""
        noted = 1 if self._dropped else 0
        extra = self.count() - noted - MAX_ENTRIES
        self.model().removeRows(noted, extra)
        self._dropped += extra
        text = f"… {self._dropped:,} earlier lines removed (Output keeps the last {MAX_ENTRIES:,})"
        if noted:
            self.item(0).setText(text)
        else:
            note = QListWidgetItem(text)
            note.setData(_LEVEL, "status")
            self._color(note)
            self.insertItem(0, note)


class ProblemsPanel(PositionList):
    """The current file's diagnostics; replaced wholesale after each check."""

    countChanged = Signal(int)

    def set_diagnostics(self, diagnostics: list) -> None:
        before = self.count()
        self.clear()
        for d in diagnostics:
            level = "error" if d.severity.name == "ERROR" else "warning"
            self.add(f"{d.file}:{d.line}:{d.col}: {level}: {d.message}", level, d.line, d.col)
        if self.count() != before:
            self.countChanged.emit(self.count())


def problems_title(count: int) -> str:
    """The Problems dock's title (its tab shows it): the count when there are any."""
    return f"Problems ({count})" if count else "Problems"
