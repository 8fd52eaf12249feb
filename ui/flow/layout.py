"""Where each flow node and edge goes: grandalf's layered (Sugiyama) layout, top to bottom.

No Qt here: it runs on the flow worker's thread. Node sizes come from their text (a fixed
width per character, what the scene's font needs at most), so the layout needs no fonts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grandalf.graphs import Edge, Graph, Vertex, graph_core
from grandalf.layouts import SugiyamaLayout
from grandalf.routing import EdgeViewer, route_with_lines

from interpreter.flow import FlowGraph, FlowNode, NodeKind

CHAR_WIDTH = 7.2
LINE_HEIGHT = 16.0
PADDING = 14.0
MIN_WIDTH = 90.0
GAP_X, GAP_Y = 30.0, 42.0
MAX_CHARS = 44


@dataclass(frozen=True)
class Box:
    x: float  # top-left
    y: float
    w: float
    h: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True)
class EdgeRoute:
    src: str
    dst: str
    label: str
    back: bool
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class FlowLayout:
    routine: str
    boxes: dict[str, Box]
    edges: tuple[EdgeRoute, ...]


def node_lines(node: FlowNode) -> list[str]:
    """The text a node box shows: its kind tag and label, then its detail."""
    lines = [_clip(node.label)]
    if node.detail:
        lines.append(_clip(node.detail))
    return lines


def node_size(node: FlowNode) -> tuple[float, float]:
    lines = node_lines(node)
    width = max(MIN_WIDTH, max(len(s) for s in lines) * CHAR_WIDTH + 2 * PADDING)
    height = len(lines) * LINE_HEIGHT + PADDING
    if node.kind.decides:
        height += 8  # the diamond's points
    return width, height


class _View:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


def layout_routine(graph: FlowGraph, routine: str) -> FlowLayout:
    """Lay out one routine's flow (the dialog's, or a SUB's)."""
    flow = graph.routine(routine)
    if flow is None:
        return FlowLayout(routine, {}, ())
    vertices = {i: Vertex(i) for i in flow.nodes}
    for i, v in vertices.items():
        v.view = _View(*node_size(graph.nodes[i]))
    edges: list[Edge] = []
    for e in flow.edges:
        if e.src == e.dst:
            continue
        edge = Edge(vertices[e.src], vertices[e.dst], data=e)
        edge.view = EdgeViewer()
        edges.append(edge)
    g = Graph(list(vertices.values()), edges)
    for core in g.C:
        _lay_out_component(core, [e for e in edges if e.data.back])
    _stack_components(g, vertices)
    boxes = {i: Box(v.view.xy[0] - v.view.w / 2, v.view.xy[1] - v.view.h / 2, v.view.w,
                    v.view.h) for i, v in vertices.items()}
    routes = tuple(EdgeRoute(e.data.src, e.data.dst, e.data.label, e.data.back,
                             _oriented(getattr(e.view, "_pts", ()), boxes[e.data.src]))
                   for e in edges)
    return FlowLayout(routine, boxes, routes)


def _lay_out_component(core: graph_core, back_edges: list[Edge]) -> None:
    sug = SugiyamaLayout(core)
    sug.xspace, sug.yspace = GAP_X, GAP_Y
    sug.route_edge = route_with_lines
    roots = [v for v in core.sV if v.data.startswith("start:")] or None
    inverted = [e for e in back_edges if e in core.sE]
    sug.init_all(roots=roots, inverted_edges=inverted or None)
    sug.draw(N=1.5)


def _stack_components(g: Graph, vertices: dict[str, Vertex]) -> None:
    """grandalf lays out each connected part at the origin: put them side by side, the one
    with START first."""
    x = 0.0
    for core in sorted(g.C, key=lambda c: not any(v.data.startswith("start:")
                                                    for v in c.sV)):
        vs = list(core.sV)
        left = min(v.view.xy[0] - v.view.w / 2 for v in vs)
        top = min(v.view.xy[1] - v.view.h / 2 for v in vs)
        right = max(v.view.xy[0] + v.view.w / 2 for v in vs)
        dx, dy = x - left, -top
        for v in vs:
            v.view.xy = (v.view.xy[0] + dx, v.view.xy[1] + dy)
        for e in core.sE:
            pts = getattr(e.view, "_pts", None)
            if pts:
                e.view._pts = [(px + dx, py + dy) for px, py in pts]
        x += right - left + GAP_X * 2


def _oriented(points: Iterable[Sequence[float]], src: Box
              ) -> tuple[tuple[float, float], ...]:
    """The route from the source's end (grandalf routes a loop's way back reversed)."""
    pts = [(float(p[0]), float(p[1])) for p in points]
    if len(pts) >= 2:
        cx, cy = src.center
        first, last = pts[0], pts[-1]
        if (last[0] - cx) ** 2 + (last[1] - cy) ** 2 < (first[0] - cx) ** 2 + \
                (first[1] - cy) ** 2:
            pts.reverse()
    return tuple(pts)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


__all__ = ["Box", "EdgeRoute", "FlowLayout", "NodeKind", "layout_routine", "node_lines",
           "node_size"]
