"""The scene of one routine's flow: node and edge items from a layout, and the states the
panel sets on them (selection, breakpoints, the run's active node and coverage)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneMouseEvent

from interpreter.flow import FlowGraph
from interpreter.flow.coverage import Coverage

from .items import EdgeItem, NodeItem
from .layout import FlowLayout


class FlowScene(QGraphicsScene):
    nodeClicked = Signal(str)
    nodeDoubleClicked = Signal(str)

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.graph: FlowGraph | None = None
        self.layout: FlowLayout | None = None
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: list[EdgeItem] = []
        self.selected_id = ""

    def show_flow(self, graph: FlowGraph, layout: FlowLayout) -> None:
        self.clear()
        self.graph, self.layout = graph, layout
        self.node_items = {}
        self.edge_items = []
        for route in layout.edges:
            item = EdgeItem(route)
            self.addItem(item)
            self.edge_items.append(item)
        for node_id, box in layout.boxes.items():
            item = NodeItem(graph.nodes[node_id], box)
            self.addItem(item)
            self.node_items[node_id] = item
        bounds = self.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        self.setSceneRect(bounds)
        if self.selected_id in self.node_items:
            self.node_items[self.selected_id].set_state(selected=True)

    def select(self, node_id: str) -> NodeItem | None:
        old = self.node_items.get(self.selected_id)
        if old is not None:
            old.set_state(selected=False)
        self.selected_id = node_id
        item = self.node_items.get(node_id)
        if item is not None:
            item.set_state(selected=True)
        return item

    def set_breakpoints(self, lines: frozenset[int]) -> None:
        for item in self.node_items.values():
            node = item.node
            item.set_state(breakpoint=node.in_text and not node.expanded_from
                           and node.first_line in lines)

    def set_coverage(self, cov: Coverage) -> None:
        for node_id, item in self.node_items.items():
            item.set_state(visited=node_id in cov.visited, active=node_id == cov.active)
        for edge in self.edge_items:
            r = edge.route
            edge.set_taken((r.src, r.dst, r.label) in cov.taken)

    def item_at(self, event: QGraphicsSceneMouseEvent) -> NodeItem | None:
        for item in self.items(event.scenePos()):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if isinstance(item, NodeItem):
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.item_at(event)
        if item is not None:
            self.nodeClicked.emit(item.node_id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.item_at(event)
        if item is not None:
            self.nodeDoubleClicked.emit(item.node_id)
        super().mouseDoubleClickEvent(event)
