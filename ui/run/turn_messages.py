"""The Turn dock's message list as a model over the turn's own messages.

A turn keeps up to ``app.run.turns.MAX_TURN_MESSAGES`` messages; one list item each cost
~0.5 s and ~90 MB for a full turn, while a model hands the view the messages it already has
(one reference per row) and the view lays out only the rows on screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from app.run import turns
from app.run.turns import Turn, TurnMessage

LINE_ROLE = Qt.ItemDataRole.UserRole  # the line that produced a message (0: none)
_WHO = {"bot": "bot", "user": "user"}
_Index = QModelIndex | QPersistentModelIndex


def dropped_note(count: int) -> str:
    return f"\N{HORIZONTAL ELLIPSIS} {count:,} earlier message(s) of this turn are not kept"


class TurnMessages(QAbstractListModel):
    """One turn's messages as shown (a snapshot: the turn goes on growing while it runs), with a
    note where the messages it no longer keeps were."""

    def __init__(self, file_icon: QIcon, parent: Any = None) -> None:
        super().__init__(parent)
        self.file_icon = file_icon
        self._rows: list[TurnMessage | int] = []  # int: the note, with the dropped count

    def show(self, turn: Turn) -> None:
        self.beginResetModel()
        rows: list[TurnMessage | int] = list(turn.messages)
        if turn.dropped:
            rows.insert(turn.dropped_at, turn.dropped)
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if isinstance(self._row(index), int):
            return Qt.ItemFlag.NoItemFlags  # the note: nothing to select or click, no line
        return super().flags(index)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row(index)
        if row is None:
            return None
        if isinstance(row, int):
            if role == Qt.ItemDataRole.DisplayRole:
                return dropped_note(row)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"A turn keeps its newest {turns.MAX_TURN_MESSAGES:,} messages"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{_WHO.get(row.who, row.who)}: {row.text}"
        if role == LINE_ROLE:
            return row.line
        if role == Qt.ItemDataRole.DecorationRole and row.file:
            return self.file_icon
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.file}\n" if row.file else ""
            return tip + (f"Click to go to line {row.line}" if row.line else "No line")
        return None

    def _row(self, index: _Index) -> TurnMessage | int | None:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]
