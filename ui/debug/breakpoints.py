"""The Breakpoints dock: line breakpoints of the current editor, and memory breakpoints.

Line breakpoints are added in the gutter (click or F9); here they get an enable checkbox and
an editable condition, hit count and log message, and show how the debugger verified them.
Memory breakpoints pause the run when SET BOT MEMORY writes a key (optionally only when a
condition over ``key`` and ``value`` holds).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interpreter.debug.model import MemoryBreakpointSpec

from .controller import DebugController

LINE_COLUMNS = ["Line", "Condition", "Hit count", "Log message", "Status"]
FIELDS = {1: "condition", 2: "hit_condition", 3: "log_message"}  # column -> spec field
LINE_ROLE = Qt.ItemDataRole.UserRole


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.SelectedClicked)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setMinimumHeight(table.fontMetrics().height() * 3)  # the dock may be short
    return table


def _wrapping(text: str) -> QLabel:
    # A long one-line label would set the whole left dock column's minimum width.
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _cell(text: str, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class BreakpointsPanel(QWidget):
    jumpRequested = Signal(int, int)  # line, column: show a breakpoint's line

    def __init__(self, controller: DebugController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._editing = False
        self.lines = _table(LINE_COLUMNS)
        self.lines.setColumnWidth(0, 70)
        self.lines.itemChanged.connect(self._line_edited)
        self.lines.cellDoubleClicked.connect(self._line_double_clicked)
        remove_line = QPushButton("Remove")
        remove_line.clicked.connect(self._remove_lines)

        self.memory = _table(["Memory key", "Only when (key, value)"])
        self.memory.setColumnWidth(0, 120)
        self.memory.itemChanged.connect(self._memory_edited)
        self.key_input = QLineEdit()
        self.key_input.setPlaceholderText("memory key")
        self.condition_input = QLineEdit()
        self.condition_input.setPlaceholderText('condition, e.g. value = "2" (optional)')
        self.key_input.returnPressed.connect(self._add_memory_from_inputs)
        self.condition_input.returnPressed.connect(self._add_memory_from_inputs)
        add_memory = QPushButton("Add")
        add_memory.clicked.connect(self._add_memory_from_inputs)
        remove_memory = QPushButton("Remove")
        remove_memory.clicked.connect(self._remove_memory)

        line_head = QHBoxLayout()
        line_head.addWidget(_wrapping("Line breakpoints (click the gutter or press F9)"), 1)
        line_head.addWidget(remove_line)
        memory_row = QHBoxLayout()
        memory_row.addWidget(self.key_input, 1)
        memory_row.addWidget(self.condition_input, 2)
        memory_row.addWidget(add_memory)
        memory_row.addWidget(remove_memory)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(line_head)
        layout.addWidget(self.lines, 3)
        layout.addWidget(_wrapping("Memory breakpoints: pause when SET BOT MEMORY writes a key"))
        layout.addLayout(memory_row)
        layout.addWidget(self.memory, 2)
        controller.breakpointsChanged.connect(self.refresh)
        self.refresh()

    # -- line breakpoints ---------------------------------------------------------------------

    def refresh(self) -> None:
        if self._editing:  # never rebuild the table under the item being edited
            QTimer.singleShot(0, self.refresh)
            return
        verified = self.controller.verified()
        specs = self.controller.specs()
        self.lines.blockSignals(True)
        self.lines.setRowCount(len(specs))
        for row, spec in enumerate(specs):
            line = _cell(str(spec.line), editable=False)
            line.setFlags(line.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            line.setCheckState(Qt.CheckState.Checked if spec.enabled else Qt.CheckState.Unchecked)
            line.setData(LINE_ROLE, spec.line)
            self.lines.setItem(row, 0, line)
            for column, field in FIELDS.items():
                self.lines.setItem(row, column, _cell(getattr(spec, field) or ""))
            bp = verified.get(spec.line)
            status = "" if bp is None else (bp.message or "verified") if bp.verified \
                else f"unverified: {bp.message}"
            self.lines.setItem(row, 4, _cell(status, editable=False))
        self.lines.blockSignals(False)
        self._fill_memory()

    def row_of(self, line: int) -> int | None:
        for row in range(self.lines.rowCount()):
            if self._line_at(row) == line:
                return row
        return None

    def _line_at(self, row: int) -> int | None:
        """The line number the breakpoint row ``row`` holds (its first cell's data)."""
        cell = self.lines.item(row, 0)
        return cell.data(LINE_ROLE) if cell is not None else None

    def _line_edited(self, item: QTableWidgetItem) -> None:
        line = self._line_at(item.row())
        if line is None:
            return
        self._editing = True
        try:
            if item.column() == 0:
                enabled = item.checkState() == Qt.CheckState.Checked
                self.controller.update_breakpoint(line, enabled=enabled)
            elif item.column() in FIELDS:
                self.controller.update_breakpoint(line, **{FIELDS[item.column()]: item.text()})
        finally:
            self._editing = False

    def _line_double_clicked(self, row: int, column: int) -> None:
        if column == 0:
            self.jumpRequested.emit(self._line_at(row), 1)

    def _remove_lines(self) -> None:
        rows = {i.row() for i in self.lines.selectedItems()}
        for line in [self._line_at(r) for r in rows]:
            if line is not None:
                self.controller.remove_breakpoint(line)

    # -- memory breakpoints -------------------------------------------------------------------

    def add_memory_breakpoint(self, key: str, condition: str = "") -> None:
        if key.strip():
            spec = MemoryBreakpointSpec(key.strip(), condition.strip() or None)
            self.controller.set_memory_breakpoints(self.controller.memory_breakpoints + [spec])

    def _add_memory_from_inputs(self) -> None:
        self.add_memory_breakpoint(self.key_input.text(), self.condition_input.text())
        self.key_input.clear()
        self.condition_input.clear()

    def _fill_memory(self) -> None:
        self.memory.blockSignals(True)
        specs = self.controller.memory_breakpoints
        self.memory.setRowCount(len(specs))
        for row, spec in enumerate(specs):
            self.memory.setItem(row, 0, _cell(spec.key))
            self.memory.setItem(row, 1, _cell(spec.condition or ""))
        self.memory.blockSignals(False)

    def _memory_specs_from_table(self) -> list[MemoryBreakpointSpec]:
        specs = []
        for row in range(self.memory.rowCount()):
            key, condition = (cell.text().strip() if (cell := self.memory.item(row, c)) is not None
                              else ""
                              for c in (0, 1))
            if key:  # clearing a key removes that breakpoint
                specs.append(MemoryBreakpointSpec(key, condition or None))
        return specs

    def _memory_edited(self, _item: QTableWidgetItem) -> None:
        self._editing = True
        try:
            self.controller.set_memory_breakpoints(self._memory_specs_from_table())
        finally:
            self._editing = False

    def _remove_memory(self) -> None:
        rows = {i.row() for i in self.memory.selectedItems()}
        specs = [s for r, s in enumerate(self.controller.memory_breakpoints) if r not in rows]
        self.controller.set_memory_breakpoints(specs)
