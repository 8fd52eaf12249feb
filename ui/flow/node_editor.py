"""The strip under the flow that edits the selected node's fields (TALK text, HEAR prompt and
type, CASE values, memory key, IF condition): Enter in a field writes it into the text."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from interpreter.flow import FlowNode


class NodeEditor(QWidget):
    fieldEdited = Signal(str, str, str)  # node id, field name, new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Click a node to see it here")
        self.title.setWordWrap(True)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        self.node_id = ""
        self.node: FlowNode | None = None
        self.edits: dict[str, QLineEdit] = {}

    def show_node(self, node: FlowNode | None) -> None:
        if node == self.node:
            return  # the same node redrawn: keep what is being typed
        self.node = node
        while self.form.rowCount():
            self.form.removeRow(0)
        self.edits = {}
        self.node_id = node.id if node is not None else ""
        if node is None:
            self.title.setText("Click a node to see it here")
            return
        lines = f"line {node.first_line}" if node.first_line == node.last_line else \
            f"lines {node.first_line}–{node.last_line}"
        where = f" ({lines})" if node.in_text else ""
        self.title.setText(f"{node.kind.value.capitalize()}{where}: {node.label}")
        if node.expanded_from:
            return  # a copy shown in place of a call: edit the routine itself
        for field in node.fields:
            edit = QLineEdit(field.value)
            edit.setObjectName(f"field:{field.name}")
            edit.setPlaceholderText("(none: type to add)" if field.start == field.end else "")
            edit.returnPressed.connect(
                lambda e=edit, name=field.name, nid=node.id: self.fieldEdited.emit(
                    nid, name, e.text()))
            self.form.addRow(field.name.capitalize(), edit)
            self.edits[field.name] = edit
