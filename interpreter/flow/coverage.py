"""Which flow nodes and edges a run went through, from the lines it reported.

A run reports the line of each statement it starts (the debugger's coverage hook), and a
loop's NEXT/LOOP line on each pass. A node was visited when one of its ``hook_lines`` was
reported; an edge was taken when the run went from a line of its source straight to a line
of its target (a transition), or, for the way out to END, when its source was the last."""

from __future__ import annotations

from dataclasses import dataclass

from .model import FlowEdge, FlowGraph, NodeKind


@dataclass(frozen=True)
class Coverage:
    visited: frozenset[str]
    taken: frozenset[tuple[str, str, str]]  # (src, dst, label) of taken edges
    active: str = ""  # the node the run stands at (paused there, or running it last)


def coverage(graph: FlowGraph, routine: str, lines: frozenset[int],
             transitions: frozenset[tuple[int, int]], current: int = 0) -> Coverage:
    flow = graph.routine(routine)
    if flow is None:
        return Coverage(frozenset(), frozenset())
    nodes = [graph.nodes[i] for i in flow.nodes]
    visited = {n.id for n in nodes if n.hook_lines & lines}
    if any(n.kind is NodeKind.START for n in nodes) and visited:
        visited.add(f"start:{routine}")
    taken = {(e.src, e.dst, e.label) for e in flow.edges if _taken(graph, e, lines, transitions)}
    for src, dst, _label in taken:
        visited.update((src, dst))
    active = ""
    if current:
        node = graph.node_at_line(current, routine)
        active = node.id if node is not None else ""
    return Coverage(frozenset(visited), frozenset(taken), active)


def _taken(graph: FlowGraph, edge: FlowEdge, lines: frozenset[int],
           transitions: frozenset[tuple[int, int]]) -> bool:
    src, dst = graph.nodes[edge.src], graph.nodes[edge.dst]
    if src.kind is NodeKind.START:
        return bool(dst.hook_lines & lines)
    if dst.kind is NodeKind.END:
        return False
    return any(a in src.hook_lines and b in dst.hook_lines for a, b in transitions)


class RunTrace:
    """The lines a run reported and the steps between them (for :func:`coverage`).

    Fed from the debugger's per-statement hook (``on_line``) and from the lines the run's
    events name; cheap enough to call for every statement: two set insertions."""

    def __init__(self) -> None:
        self.lines: set[int] = set()
        self.transitions: set[tuple[int, int]] = set()
        self.last = 0
        self.version = 0  # bumped on every change, so a view redraws only when needed

    def reset(self) -> None:
        self.lines.clear()
        self.transitions.clear()
        self.last = 0
        self.version += 1

    def on_line(self, line: int) -> None:
        if self.last and self.last != line:
            self.transitions.add((self.last, line))
        self.lines.add(line)
        self.last = line
        self.version += 1

    def note_line(self, line: int) -> None:
        """A line an event named (TALK, HEAR…): visited, without a step."""
        if line and line not in self.lines:
            self.lines.add(line)
            self.version += 1
