"""The flow graph of a dialog: nodes with their place in the text, edges, routines, and an
outline that gives the text back (the text as statement pieces and the gaps between them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class NodeKind(Enum):
    START = "start"
    END = "end"
    TALK = "talk"
    HEAR = "hear"
    SUGGESTION = "suggestion"
    IF = "if"
    SELECT = "select"
    LOOP = "loop"
    CALL = "call"
    RETURN = "return"
    MEMORY_READ = "memory read"
    MEMORY_WRITE = "memory write"
    GOTO = "goto"
    LABEL = "label"
    GENERIC = "statement"
    UNPARSABLE = "cannot draw"

    @property
    def decides(self) -> bool:
        return self in (NodeKind.IF, NodeKind.SELECT, NodeKind.LOOP)


@dataclass(frozen=True)
class Field:
    """An editable part of a node's text: [start, end) holds ``value``; a quoted string's
    value is what stands between its quotes (``quote`` and ``close`` keep them). An absent
    part has start == end and is inserted with ``before`` and ``after`` around it."""

    name: str
    start: int
    end: int
    value: str
    quote: str = ""
    close: str = ""
    before: str = ""
    after: str = ""

    def text_for(self, value: str) -> str:
        """The text that replaces [start, end) for a new value."""
        core = f"{self.quote}{value}{self.close}" if self.quote else value
        return f"{self.before}{core}{self.after}" if self.start == self.end else core


@dataclass(frozen=True)
class FlowNode:
    id: str
    kind: NodeKind
    label: str  # the statement's first line (trimmed), or START/END
    detail: str = ""  # the memory key, the HEAR type, the called routine…
    start: int = -1  # [start, end) of the statement's text; -1 for START/END
    end: int = -1
    first_line: int = 0
    last_line: int = 0
    routine: str = ""  # "" for the dialog, else the SUB/FUNCTION's lower-case name
    fields: tuple[Field, ...] = ()
    hook_lines: frozenset[int] = frozenset()  # lines a run reports for this node
    branch_lines: tuple[int, ...] = ()  # IF/ELSEIF/ELSE, CASE… lines, the END line last
    target: str = ""  # CALL: the routine's lower-case name
    expanded_from: str = ""  # a copy inlined at this CALL node's id

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def in_text(self) -> bool:
        return self.start >= 0


@dataclass(frozen=True)
class FlowEdge:
    src: str
    dst: str
    label: str = ""
    back: bool = False  # a loop's way back to its head


@dataclass(frozen=True)
class Routine:
    """The flow of the dialog's top level ("") or of one SUB/FUNCTION."""

    name: str
    title: str
    nodes: tuple[str, ...]
    edges: tuple[FlowEdge, ...]


@dataclass(frozen=True)
class Segment:
    """A statement's text (or the whole text, node ""): gaps and nested statements."""

    node: str
    pieces: tuple[str | Segment, ...]

    def text(self) -> str:
        out: list[str] = []
        stack: list[str | Segment] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
            else:
                stack.extend(reversed(item.pieces))
        return "".join(out)


@dataclass(frozen=True)
class FlowGraph:
    nodes: dict[str, FlowNode]
    routines: tuple[Routine, ...]  # the dialog's first
    outline: Segment
    bodies: tuple[tuple[str, ...], ...]  # statements of each block, in order (moves)
    parents: dict[str, str]  # statement id -> the id of the statement it stands in ("" top)

    def routine(self, name: str) -> Routine | None:
        return next((r for r in self.routines if r.name == name), None)

    def text(self) -> str:
        """The dialog's text, rebuilt from the outline."""
        return self.outline.text()

    def node_at_line(self, line: int, routine: str | None = None) -> FlowNode | None:
        """The innermost node whose lines hold ``line``."""
        best: FlowNode | None = None
        for node in self.nodes.values():
            if node.expanded_from or not node.in_text or (
                    routine is not None and node.routine != routine):
                continue
            if node.first_line <= line <= node.last_line and (
                    best is None or node.last_line - node.first_line
                    < best.last_line - best.first_line):
                best = node
        return best

    def body_of(self, node_id: str) -> tuple[str, ...] | None:
        return next((b for b in self.bodies if node_id in b), None)
