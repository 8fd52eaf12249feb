"""Debug docks that show a paused run: Variables (editable), Watch and Call Stack.

Each panel reads a frozen ``PausedState`` through the :class:`DebugController` and writes
only through it (``set_variable``, ``select_frame``), so none of them holds engine objects.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interpreter.debug.model import FrameSnapshot, VariableSnapshot

from .controller import DebugController

NAME_ROLE = Qt.ItemDataRole.UserRole  # a top-level variable's name, for set_variable
FRAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the frame index that variable lives in


def _tree(headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    tree.header().setStretchLastSection(True)
    tree.setColumnWidth(0, 120)
    return tree


class VariablesPanel(QWidget):
    """The selected frame's locals and the script globals as a tree; double-click a value to
    assign a new one (a BASIC expression: ``42``, ``"Bob"``, ``[1, 2]``)."""

    editFailed = Signal(str)

    def __init__(self, controller: DebugController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tree = _tree(["Name", "Value", "Type"])
        self.tree.setColumnWidth(1, 160)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.itemDoubleClicked.connect(self._start_edit)
        self.tree.itemChanged.connect(self._edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        controller.paused.connect(lambda _state: self.refresh())
        controller.frameSelected.connect(lambda _index: self.refresh())
        controller.resumed.connect(self.refresh)

    def refresh(self) -> None:
        """Rebuild from the controller's state, keeping what the user had expanded."""
        expanded = self._expanded_paths()
        self.tree.blockSignals(True)
        self.tree.clear()
        state, frame = self.controller.state, self.controller.frame()
        if state is not None and frame is not None:
            last = len(state.frames) - 1
            if self.controller.frame_index != last:
                self._add_scope(f"Locals ({frame.name})", frame, self.controller.frame_index)
            self._add_scope("Globals", state.frames[last], last)
            self._add_session(state.session)
        self._restore_expanded(expanded)
        self.tree.blockSignals(False)

    def item(self, *path: str) -> QTreeWidgetItem | None:
        """The item under scope/name/child... labels, e.g. ``item("Globals", "total")``."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        found = None
        for label in path:
            found = next((it for it in items if it is not None and it.text(0) == label), None)
            if found is None:
                return None
            items = [found.child(i) for i in range(found.childCount())]
        return found

    def _scope_item(self, title: str) -> QTreeWidgetItem:
        scope = QTreeWidgetItem(self.tree, [title])
        scope.setFirstColumnSpanned(True)
        font = scope.font(0)
        font.setBold(True)
        scope.setFont(0, font)
        return scope

    def _add_scope(self, title: str, frame: FrameSnapshot, index: int) -> None:
        scope = self._scope_item(title)
        for variable in sorted(frame.variables, key=lambda v: v.name.lower()):
            item = self._add_variable(scope, variable)
            item.setData(0, NAME_ROLE, variable.name)
            item.setData(0, FRAME_ROLE, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(1, "Double-click to set a new value (a BASIC expression)")
        scope.setExpanded(True)

    def _add_session(self, values: tuple[VariableSnapshot, ...]) -> None:
        # Read-only: the conversation changes through keywords, not through assignments.
        if not values:
            return
        scope = self._scope_item("Session")
        for variable in values:
            self._add_variable(scope, variable)

    def _add_variable(self, parent: QTreeWidgetItem, var: VariableSnapshot) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [var.name, var.value, var.type])
        for child in var.children:
            self._add_variable(item, child)
        if var.truncated:
            QTreeWidgetItem(item, ["…", "(more items not shown)", ""])
        return item

    def _start_edit(self, item: QTreeWidgetItem, column: int) -> None:
        if item.data(0, NAME_ROLE) is not None and self.controller.is_paused:
            self.tree.editItem(item, 1)

    def _edited(self, item: QTreeWidgetItem, column: int) -> None:
        name = item.data(0, NAME_ROLE)
        if column != 1 or name is None:
            return
        try:
            self.controller.set_variable(name, item.text(1), item.data(0, FRAME_ROLE))
        except Exception as exc:  # noqa: BLE001 - any bad input is reported, not raised
            self.editFailed.emit(f"Cannot set {name}: {exc}")
            self.refresh()  # back to the value the script really has

    def _expanded_paths(self) -> set[tuple[str, ...]]:
        paths: set[tuple[str, ...]] = set()

        def walk(item: QTreeWidgetItem, path: tuple[str, ...]) -> None:
            for i in range(item.childCount()):
                child = item.child(i)
                if child is None:
                    continue
                child_path = path + (child.text(0),)
                if child.isExpanded():
                    paths.add(child_path)
                    walk(child, child_path)

        walk(self.tree.invisibleRootItem(), ())
        return paths

    def _restore_expanded(self, paths: set[tuple[str, ...]]) -> None:
        for path in sorted(paths, key=len):
            item = self.item(*path)
            if item is not None:
                item.setExpanded(True)


class WatchPanel(QWidget):
    """Expressions re-evaluated in the selected frame at every pause (Delete removes one)."""

    def __init__(self, controller: DebugController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.expressions: list[str] = []
        self.tree = _tree(["Expression", "Value", "Type"])
        self.tree.setRootIsDecorated(False)
        self.tree.installEventFilter(self)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Add a watch expression (Enter)")
        self.input.returnPressed.connect(self._add_from_input)
        remove = QToolButton()
        remove.setText("Remove")
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input, 1)
        row.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.tree)
        controller.paused.connect(lambda _state: self.refresh())
        controller.frameSelected.connect(lambda _index: self.refresh())
        controller.resumed.connect(self.refresh)

    def add(self, expression: str) -> None:
        if expression.strip():
            self.expressions.append(expression.strip())
            self.refresh()

    def remove_selected(self) -> None:
        rows = sorted({self.tree.indexOfTopLevelItem(i) for i in self.tree.selectedItems()})
        for row in reversed(rows):
            del self.expressions[row]
        self.refresh()

    def value_of(self, expression: str) -> str | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(0) == expression:
                return item.text(1)
        return None

    def refresh(self) -> None:
        self.tree.clear()
        if self.controller.is_paused:
            for result in self.controller.watch(self.expressions):
                item = QTreeWidgetItem(self.tree, [result.expression,
                                                   result.error or result.value, result.type])
                if result.error:
                    item.setForeground(1, Qt.GlobalColor.darkRed)
                    item.setToolTip(1, result.error)
        else:
            for expression in self.expressions:
                item = QTreeWidgetItem(self.tree, [expression, "(not paused)", ""])
                item.setForeground(1, Qt.GlobalColor.gray)

    def _add_from_input(self) -> None:
        self.add(self.input.text())
        self.input.clear()

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.tree and isinstance(event, QKeyEvent)
                and event.type() == QKeyEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)


class CallStackPanel(QListWidget):
    """SUB/FUNCTION frames, innermost first; clicking one shows its line and variables."""

    def __init__(self, controller: DebugController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.paused.connect(lambda _state: self.refresh())
        controller.resumed.connect(self.refresh)
        controller.frameSelected.connect(self._select_row)
        self.itemClicked.connect(lambda item: controller.select_frame(self.row(item)))

    def refresh(self) -> None:
        self.clear()
        state = self.controller.state
        if state is None:
            return
        for frame in state.frames:
            QListWidgetItem(f"{frame.name}    line {frame.line}", self)
        self._select_row(self.controller.frame_index)

    def _select_row(self, index: int) -> None:
        self.blockSignals(True)
        self.setCurrentRow(index)
        self.blockSignals(False)
