"""The Tables dock: a bot's data tables (FIND/SAVE …) and their rows, fetched page by page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.tables import TableStore
from interpreter.values import to_display

PAGE_ROWS = 200
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the table's only parent; immutable, so one instance is enough


class RowsModel(QAbstractTableModel):
    """Rows of one table; Qt asks for more (``fetchMore``) as the view scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tables: TableStore | None = None
        self._table = ""
        self._columns: list[str] = []
        self._rows: list[dict[str, Any]] = []
        self._total = 0

    def show_table(self, tables: TableStore | None, table: str) -> None:
        self.beginResetModel()
        self._tables, self._table = tables, table
        info = tables.info(table) if tables and table else None
        self._columns = [c.name for c in info.columns] if info else []
        self._rows = []
        self._total = tables.count(table) if info and tables else 0
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    @property
    def total(self) -> int:
        return self._total

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index) -> None:
        if self._tables is None or parent.isValid():
            return
        page = self._tables.rows(self._table, len(self._rows), PAGE_ROWS)
        if not page:
            self._total = len(self._rows)  # rows were deleted meanwhile
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        value = self._rows[index.row()].get(self._columns[index.column()])
        return "" if value is None else to_display(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if section < len(self._columns) else None
        return section + 1


class TablesPanel(QWidget):
    """Lists the bot's tables; the selected one's rows show in a lazy table view."""

    tableShown = Signal(str)

    def __init__(self, store: Any, bot: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._bot = bot
        self._tables: TableStore | None = None
        self.list = QListWidget()
        self.model = RowsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.list.currentTextChanged.connect(self._show)

        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(self.view)
        split.setStretchFactor(1, 3)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(split, 1)
        layout.addLayout(bar)
        self.refresh()

    @property
    def bot(self) -> str:
        return self._bot

    def set_store(self, store: Any, bot: str) -> None:
        self._store, self._bot, self._tables = store, bot, None
        self.refresh()

    def table_names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def refresh(self) -> None:
        """Re-read the table list and the shown table (after a run changed them)."""
        current = self.list.currentItem().text() if self.list.currentItem() else ""
        try:
            if self._tables is None:
                self._tables = TableStore(self._store.database, self._bot)
            names = [t.name for t in self._tables.tables()]
        except (ValueError, Exception) as exc:  # noqa: BLE001 - a dead database shows here
            self.status.setText(f"Cannot read tables: {exc}")
            return
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(names)
        self.list.blockSignals(False)
        if current in names:
            self.list.setCurrentRow(names.index(current))
        elif names:
            self.list.setCurrentRow(0)
        self._show(self.list.currentItem().text() if self.list.currentItem() else "")
        if not names:
            self.status.setText(f"No tables in bot '{self._bot}' yet (SAVE or TABLE creates one)")

    def _show(self, name: str) -> None:
        self.model.show_table(self._tables, name)
        if name:
            self.status.setText(f"{name}: {self.model.total} row(s)")
            self.tableShown.emit(name)
