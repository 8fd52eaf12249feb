"""The memory dock: the bot's keys and values, live, with hand edits, import and export."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.memory_store import MemoryChange, MemoryStore

from .memory_model import MemoryTableModel


class MemoryPanel(QWidget):
    botChanged = Signal(str)

    def __init__(self, store: MemoryStore, bot: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.model = MemoryTableModel(store, bot, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # key or value

        self.bot_box = QComboBox()
        self.bot_box.setEditable(True)
        self.bot_box.setToolTip("Bot whose memory is shown (and used by Run)")
        self.bot_box.activated.connect(lambda _i: self._select_bot(self.bot_box.currentText()))
        self.bot_box.lineEdit().editingFinished.connect(
            lambda: self._select_bot(self.bot_box.currentText())
        )
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter keys and values")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, 130)
        self.view.setColumnWidth(2, 72)
        self.view.setColumnWidth(3, 72)

        tools = QHBoxLayout()
        tools.addWidget(self.bot_box, 1)
        for text, tip, slot in (
            ("+", "Add a key", self.add_row),
            ("−", "Delete the selected keys", self.delete_selected),
            ("⟳", "Reload from the database", self.reload),
            ("Export…", "Export this bot's memory as JSON or CSV", self.export),
            ("Import…", "Import JSON or CSV into this bot's memory", self.import_),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            tools.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(tools)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        self._fill_bots(bot)

    @property
    def bot(self) -> str:
        return self.model.bot

    def set_store(self, store: MemoryStore, bot: str) -> None:
        self._store = store
        self.model.set_source(store, bot)
        self._fill_bots(bot)

    def apply_change(self, change: MemoryChange) -> None:
        self.model.apply_change(change)
        if change.bot not in self._bot_names():
            self.bot_box.addItem(change.bot)

    def reload(self) -> None:
        self.model.reload()
        self._fill_bots(self.bot)

    def _bot_names(self) -> list[str]:
        return [self.bot_box.itemText(i) for i in range(self.bot_box.count())]

    def _fill_bots(self, current: str) -> None:
        self.bot_box.blockSignals(True)
        self.bot_box.clear()
        self.bot_box.addItems(sorted(set(self._store.bots()) | {current}))
        self.bot_box.setCurrentText(current)
        self.bot_box.blockSignals(False)

    def _select_bot(self, name: str) -> None:
        name = name.strip()
        if name and name != self.bot:
            self.model.set_source(self._store, name)
            self.botChanged.emit(name)

    # -- hand edits ---------------------------------------------------------------------------

    def add_row(self) -> None:
        key, ok = QInputDialog.getText(self, "Add key", "Key:")
        if not ok or not key:
            return
        value, ok = QInputDialog.getText(self, "Add key", f"Value of {key}:")
        if ok:
            self._store.set(self.bot, key, value)

    def selected_keys(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.entry(r).key for r in sorted(rows)]

    def delete_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        answer = QMessageBox.question(
            self,
            "Delete keys",
            f"Delete {len(keys)} key(s) from bot '{self.bot}'?\n"
            + ", ".join(keys[:10])
            + (" …" if len(keys) > 10 else ""),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._store.delete(self.bot, keys)

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export memory", f"{self.bot}.json", "JSON (*.json);;CSV (*.csv)"
        )
        if not path:
            return
        try:
            write = (
                self._store.export_csv if path.lower().endswith(".csv") else self._store.export_json
            )
            count = write(self.bot, path)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never fatal
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        QMessageBox.information(self, "Export", f"Exported {count} entries to {path}")

    def import_(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import memory", "", "JSON or CSV (*.json *.csv)"
        )
        if not path:
            return
        try:
            read = (
                self._store.import_csv if path.lower().endswith(".csv") else self._store.import_json
            )
            read(self.bot, path)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Import failed", str(exc))
            return
        self.reload()
