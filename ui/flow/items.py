"""The flow scene's items: a node box drawn by kind, and an edge with its arrow and label.

Looks follow the kind (a HEAR is a parallelogram, IF/SELECT/loops are hexagons, memory
reads/writes a cylinder showing the key, "cannot draw" dashed red); states overlay it:
selected (thick outline), active (the run stands here), visited (tinted), breakpoint (dot).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from interpreter.flow import FlowNode, NodeKind

from .layout import LINE_HEIGHT, PADDING, Box, EdgeRoute, node_lines

_FILL = {
    NodeKind.START: "#d9e7ff", NodeKind.END: "#d9e7ff", NodeKind.TALK: "#e8f5e9",
    NodeKind.HEAR: "#fff3e0", NodeKind.SUGGESTION: "#f3e5f5", NodeKind.IF: "#fffde7",
    NodeKind.SELECT: "#fffde7", NodeKind.LOOP: "#e0f7fa", NodeKind.CALL: "#ede7f6",
    NodeKind.RETURN: "#eceff1", NodeKind.MEMORY_READ: "#e3f2fd",
    NodeKind.MEMORY_WRITE: "#fce4ec", NodeKind.GOTO: "#eceff1", NodeKind.LABEL: "#eceff1",
    NodeKind.GENERIC: "#fafafa", NodeKind.UNPARSABLE: "#ffebee",
}
_OUTLINE = QColor("#607d8b")
_SELECTED = QColor("#1565c0")
_ACTIVE = QColor("#ffca28")
_VISITED = QColor("#66bb6a")
_TAKEN = QColor("#2e7d32")
_BREAKPOINT = QColor("#d32f2f")
_ERROR = QColor("#c62828")


@dataclass
class NodeState:
    selected: bool = False
    active: bool = False
    visited: bool = False
    breakpoint: bool = False


class NodeItem(QGraphicsItem):
    """One flow node. ``node_id`` is how the panel finds it again."""

    def __init__(self, node: FlowNode, box: Box) -> None:
        super().__init__()
        self.node = node
        self.node_id = node.id
        self.box = box
        self.state = NodeState()
        self.lines = node_lines(node)
        self.setPos(box.x, box.y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{node.kind.value}: lines {node.first_line}–{node.last_line}"
                        if node.in_text else node.label)
        self.setZValue(1)

    def boundingRect(self) -> QRectF:
        return QRectF(-4, -4, self.box.w + 8, self.box.h + 8)

    def shape_path(self) -> QPainterPath:
        w, h, kind = self.box.w, self.box.h, self.node.kind
        path = QPainterPath()
        if kind in (NodeKind.START, NodeKind.END):
            path.addRoundedRect(QRectF(0, 0, w, h), h / 2, h / 2)
        elif kind.decides:
            d = min(14.0, w / 6)
            path.addPolygon(QPolygonF([QPointF(d, 0), QPointF(w - d, 0), QPointF(w, h / 2),
                                       QPointF(w - d, h), QPointF(d, h), QPointF(0, h / 2),
                                       QPointF(d, 0)]))
        elif kind is NodeKind.HEAR:
            d = 10.0
            path.addPolygon(QPolygonF([QPointF(d, 0), QPointF(w, 0), QPointF(w - d, h),
                                       QPointF(0, h), QPointF(d, 0)]))
        else:
            path.addRoundedRect(QRectF(0, 0, w, h), 6, 6)
        return path

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        kind, state = self.node.kind, self.state
        fill = QColor(_FILL.get(kind, "#fafafa"))
        if state.visited:
            fill = _blend(fill, _VISITED, 0.35)
        if state.active:
            painter.setPen(QPen(_ACTIVE, 8))
            painter.drawPath(self.shape_path())
        pen = QPen(_SELECTED if state.selected else (_ERROR if kind is NodeKind.UNPARSABLE
                                                     else _OUTLINE),
                   2.5 if state.selected else 1.2)
        if kind is NodeKind.UNPARSABLE:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPath(self.shape_path())
        self._decorate(painter)
        painter.setPen(QColor("#212121") if kind is not NodeKind.UNPARSABLE else _ERROR)
        font = QFont(painter.font())
        font.setPointSizeF(9)
        painter.setFont(font)
        for k, text in enumerate(self.lines):
            if k == 1:
                font.setItalic(True)
                painter.setFont(font)
            rect = QRectF(0, PADDING / 2 + k * LINE_HEIGHT + (4 if kind.decides else 0),
                          self.box.w, LINE_HEIGHT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if state.breakpoint:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_BREAKPOINT)
            painter.drawEllipse(QPointF(-1, -1), 6, 6)

    def _decorate(self, painter: QPainter) -> None:
        """Kind marks inside the box: a memory cylinder's rims, a call's side bars."""
        w, h, kind = self.box.w, self.box.h, self.node.kind
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if kind in (NodeKind.MEMORY_READ, NodeKind.MEMORY_WRITE):
            painter.drawArc(QRectF(0, -4, w, 10), 180 * 16, 180 * 16)
            painter.drawArc(QRectF(0, h - 6, w, 10), 0, 180 * 16)
        elif kind is NodeKind.CALL:
            painter.drawLine(QPointF(7, 0), QPointF(7, h))
            painter.drawLine(QPointF(w - 7, 0), QPointF(w - 7, h))

    def set_state(self, **changes: bool) -> None:
        changed = False
        for key, value in changes.items():
            if getattr(self.state, key) != value:
                setattr(self.state, key, value)
                changed = True
        if changed:
            self.update()


class EdgeItem(QGraphicsPathItem):
    def __init__(self, route: EdgeRoute) -> None:
        super().__init__()
        self.route = route
        self.taken = False
        path = QPainterPath()
        points = [QPointF(x, y) for x, y in route.points]
        if points:
            path.moveTo(points[0])
            for p in points[1:]:
                path.lineTo(p)
            if len(points) >= 2:
                _arrow(path, points[-2], points[-1])
        self.setPath(path)
        self._restyle()
        self.label: QGraphicsSimpleTextItem | None = None
        if route.label and len(points) >= 2:
            self._add_label(route.label, points[0], points[1])

    def _add_label(self, text: str, a: QPointF, b: QPointF) -> None:
        """The branch's name on a white patch, two thirds down its first stretch (where the
        branches of one IF have spread apart)."""
        backdrop = QGraphicsRectItem(self)
        self.label = QGraphicsSimpleTextItem(text, backdrop)
        font = QFont(self.label.font())
        font.setPointSizeF(8)
        self.label.setFont(font)
        self.label.setBrush(QColor("#37474f"))
        rect = self.label.boundingRect().adjusted(-2, 0, 2, 0)
        backdrop.setRect(rect)
        backdrop.setBrush(QColor(255, 255, 255, 220))
        backdrop.setPen(Qt.PenStyle.NoPen)
        x = a.x() + (b.x() - a.x()) * 0.66
        y = a.y() + (b.y() - a.y()) * 0.66
        backdrop.setPos(x - rect.width() / 2, y - rect.height() / 2)

    def set_taken(self, taken: bool) -> None:
        if taken != self.taken:
            self.taken = taken
            self._restyle()

    def _restyle(self) -> None:
        pen = QPen(_TAKEN if self.taken else QColor("#90a4ae"), 2.4 if self.taken else 1.2)
        if self.route.back:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)


def _arrow(path: QPainterPath, a: QPointF, b: QPointF) -> None:
    angle = math.atan2(b.y() - a.y(), b.x() - a.x())
    for side in (-0.45, 0.45):
        tip = QPointF(b.x() - 9 * math.cos(angle + side), b.y() - 9 * math.sin(angle + side))
        path.moveTo(b)
        path.lineTo(tip)


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(int(a.red() * (1 - t) + b.red() * t), int(a.green() * (1 - t) + b.green() * t),
                  int(a.blue() * (1 - t) + b.blue() * t))
