"""The scene of one routine's flow: node and edge items from a layout, and the states the
panel sets on them (selection, breakpoints, the run's active node and coverage)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QRectF, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from interpreter.flow import FlowGraph
from interpreter.flow.coverage import Coverage

from .items import EdgeItem, NodeItem
from .layout import FlowLayout

# A slice's items are painted before the next slice (~3-4 ms for a 600-node flow), so a
# timer due meanwhile waits for both: 8 ms slices made the longest block ~16 ms.
SLICE_MS = 5.0


class FlowScene(QGraphicsScene):
    nodeClicked = Signal(str)
    nodeDoubleClicked = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.graph: FlowGraph | None = None
        self.layout: FlowLayout | None = None
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: list[EdgeItem] = []
        self.selected_id = ""
        self._filling = 0  # show_flow calls so far; an older unfinished one stops
        # The top-level items this scene made and has not removed yet: the drawing's (in
        # _drawn) and those of older drawings a fill still has to remove (in _stale). Kept
        # here: self.items() wrapped all ~1,300 items (labels too) in Python objects, ~1.5 ms
        # of the turn that receives a new flow.
        self._drawn: list[QGraphicsItem] = []
        self._stale: list[QGraphicsItem] = []
        # The next slice runs from a zero timer, not QTimer.singleShot(0, ...): that one is a
        # posted event, and Qt sends posted events (the next slice, the repaint) before it
        # looks at timers, so a timer due during a slice waited for the slices after it.
        # As a child of the scene it dies with it: a scene deleted meanwhile runs no slice.
        self._next_slice: Callable[[], None] = lambda: None
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(lambda: self._next_slice())

    def show_flow(self, graph: FlowGraph, layout: FlowLayout,
                  then: Callable[[], None] = lambda: None) -> None:
        """Replace the drawing: the old items are removed and the new ones made in slices of
        at most ``SLICE_MS`` per turn of the event loop (a big flow never blocks the UI for
        more than a frame), then ``then`` runs. A newer call abandons an unfinished one."""
        self._filling += 1
        self._stale += self._drawn  # an abandoned fill's old items are still in _stale
        self._drawn = []
        self.graph, self.layout = graph, layout
        self.node_items = {}
        self.edge_items = []
        self.setSceneRect(_bounds(layout))
        self._hold_repaints(True)
        work = self._makers(graph, layout)
        filling = self._filling
        self._next_slice = lambda: self._fill(filling, work, then)
        self._slice_timer.start()

    def _makers(self, graph: FlowGraph, layout: FlowLayout) -> Iterator[None]:
        stale, drawn = self._stale, self._drawn
        while stale:  # one by one: deleting a thousand items at once takes frames
            item = stale.pop()
            if item.scene() is self:
                self.removeItem(item)
            del item
            yield
        for route in layout.edges:
            item = EdgeItem(route)
            self.addItem(item)
            drawn.append(item)
            self.edge_items.append(item)
            yield
        for node_id, box in layout.boxes.items():
            item = NodeItem(graph.nodes[node_id], box)
            self.addItem(item)
            drawn.append(item)
            self.node_items[node_id] = item
            if node_id == self.selected_id:
                item.set_state(selected=True)
            yield

    def _fill(self, filling: int, makers: Iterator[None], then: Callable[[], None]) -> None:
        if filling != self._filling:
            return
        deadline = time.perf_counter() + SLICE_MS / 1000.0
        for _ in makers:
            if time.perf_counter() > deadline:
                self._next_slice = lambda: self._fill(filling, makers, then)
                self._slice_timer.start()
                return
        self._hold_repaints(False)
        then()

    def _hold_repaints(self, hold: bool) -> None:
        """The views keep the picture they show until the new flow is complete: a repaint
        after each slice (the new items so far, the scroll bars: 2-4 ms) followed the slice
        before a timer due meanwhile could run, and showed a half-made flow."""
        for view in self.views():
            view.setUpdatesEnabled(not hold)

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


def _bounds(layout: FlowLayout) -> QRectF:
    boxes = list(layout.boxes.values())
    if not boxes:
        return QRectF(0, 0, 200, 100)
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    right = max(b.x + b.w for b in boxes)
    bottom = max(b.y + b.h for b in boxes)
    for route in layout.edges:
        for x, y in route.points:
            left, right, top, bottom = min(left, x), max(right, x), min(top, y), max(bottom, y)
    return QRectF(left - 40, top - 30, right - left + 120, bottom - top + 60)
