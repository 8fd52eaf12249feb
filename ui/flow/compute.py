"""What the flow worker computes off the GUI thread: the graph of a text and the layout of
the routine shown (no Qt, so a benchmark or a test can run it anywhere)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from interpreter.flow import FlowGraph, Segment, build_flow

from .layout import FlowLayout, layout_routine


@dataclass(frozen=True)
class FlowRequest:
    source: str
    routine: str = ""
    expanded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DrawnFlow:
    request: FlowRequest
    graph: FlowGraph
    layout: FlowLayout

    @property
    def routine(self) -> str:
        return self.layout.routine


def compute_flow(request: FlowRequest) -> DrawnFlow:
    """The graph and the layout of its routine ``request.routine`` (the dialog's when that
    routine is gone). The outline (the text again, as pieces) stays behind: the panel edits
    through offsets, and the result crosses a process boundary."""
    graph = build_flow(request.source, request.expanded)
    routine = request.routine if graph.routine(request.routine) is not None else ""
    light = replace(graph, outline=Segment("", ()))
    return DrawnFlow(request, light, layout_routine(graph, routine))

