"""Syntax tree → flow graph: one node per statement, edges for the way a run goes through
them (IF/CASE branches, loops and their way back, RETURN and GOTO), one flow per routine,
and the outline that gives the text back."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..syntax import nodes as n
from .classify import classify
from .fields import fields_of
from .model import Field, FlowEdge, FlowGraph, FlowNode, NodeKind, Routine, Segment
from .spans import ParsedDialog, Record, Unparsable, parse_spans

_LABEL_WIDTH = 60
Exits = list[tuple[str, str]]  # (node id, edge label) still to connect to what follows


def build_flow(source: str, expanded: frozenset[str] = frozenset(),
               file: str = "<dialog>") -> FlowGraph:
    """The flow of ``source``; calls whose node ids are in ``expanded`` show the routine's
    flow in place (once per call, not recursively into a routine already being shown)."""
    return FlowBuilder(parse_spans(source, file), expanded).graph()


@dataclass
class _Flow:
    name: str
    nodes: list[str] = field(default_factory=list)
    edges: list[FlowEdge] = field(default_factory=list)
    end: str = ""
    loops: list[Exits] = field(default_factory=list)  # EXIT FOR/DO targets, innermost last


class FlowBuilder:
    def __init__(self, parsed: ParsedDialog, expanded: frozenset[str] = frozenset()) -> None:
        self.parsed = parsed
        self.expanded = expanded
        self.nodes: dict[str, FlowNode] = {}
        self.bodies: list[tuple[str, ...]] = []
        self.parents: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.gotos: list[tuple[_Flow, str, str]] = []
        self.prefix = ""  # inside an inlined call: "<call id>>"
        self.inlining: list[str] = []

    # -- entry ----------------------------------------------------------------------------

    def graph(self) -> FlowGraph:
        program = self.parsed.program
        outline = Segment("", self._pieces(0, len(self.parsed.source.text),
                                           self.parsed.records, ""))
        routines = [self._routine("", "Dialog", program.body)]
        for key, sub in program.subs.items():
            kind = "FUNCTION" if sub.is_function else "SUB"
            routines.append(self._routine(key, f"{kind} {sub.name}", sub.body))
        for flow, src, label in self.gotos:
            target = self.labels.get(label)
            if target is not None:
                flow.edges.append(FlowEdge(src, target, "GOTO"))
        done = tuple(Routine(f.name, title, tuple(f.nodes), tuple(f.edges))
                     for f, title in routines)
        return FlowGraph(dict(self.nodes), done, outline, tuple(self.bodies),
                         dict(self.parents))

    def _routine(self, name: str, title: str, body: list[n.Node]) -> tuple[_Flow, str]:
        flow = _Flow(name)
        start = self._add(flow, FlowNode(f"start:{name}", NodeKind.START, title, routine=name))
        flow.end = self._add(flow, FlowNode(f"end:{name}", NodeKind.END, "END", routine=name))
        self._join(flow, self._sequence(flow, body, [(start, "")], ""), flow.end)
        return flow, title

    # -- outline --------------------------------------------------------------------------

    def _pieces(self, start: int, end: int, records: tuple[Record, ...],
                routine: str) -> tuple[str | Segment, ...]:
        text = self.parsed.source.text
        pieces: list[str | Segment] = []
        at = start
        for rec in records:
            pieces.append(text[at:rec.start])
            inner = routine
            if isinstance(rec.node, n.SubDef):
                inner = rec.node.name.lower()
            pieces.append(Segment(self._id(rec.node),
                                  self._pieces(rec.start, rec.end, rec.children, inner)))
            at = rec.end
        pieces.append(text[at:end])
        return tuple(p for p in pieces if p != "")

    # -- statements -----------------------------------------------------------------------

    def _sequence(self, flow: _Flow, body: list[n.Node], preds: Exits, parent: str) -> Exits:
        ids: list[str] = []
        previous_unparsable = False
        for stmt in body:
            if isinstance(stmt, n.SubDef):
                continue
            if isinstance(stmt, Unparsable) and previous_unparsable and ids:
                self._widen(ids[-1], stmt)  # one "cannot draw" node per unreadable region
                continue
            previous_unparsable = isinstance(stmt, Unparsable)
            preds = self._statement(flow, stmt, preds)
            ids.append(self.prefix + self._id(stmt))
            self.parents.setdefault(ids[-1], parent)
        if not self.prefix:
            self.bodies.append(tuple(ids))
        return preds

    def _statement(self, flow: _Flow, stmt: n.Node, preds: Exits) -> Exits:
        node = self._node(flow, stmt)
        self._join(flow, preds, node.id)
        me = node.id
        if isinstance(stmt, n.If):
            exits: Exits = []
            for k, (cond, body) in enumerate(stmt.branches):
                label = "then" if k == 0 else "elseif " + self._expr_label(cond, k)
                exits += self._sequence(flow, body, [(me, label)], me)
            if stmt.else_body is None:
                return exits + [(me, "else")]
            return exits + self._sequence(flow, stmt.else_body, [(me, "else")], me)
        if isinstance(stmt, n.Select):
            exits = []
            for k, (values, body) in enumerate(stmt.cases):
                exits += self._sequence(flow, body, [(me, self._case_label(values, k))], me)
            if stmt.else_body is None:
                return exits + [(me, "no case")]
            return exits + self._sequence(flow, stmt.else_body, [(me, "CASE ELSE")], me)
        if isinstance(stmt, (n.ForEach, n.ForTo, n.DoLoop)):
            flow.loops.append([])
            body_exits = self._sequence(flow, stmt.body, [(me, "loop")], me)
            for src, label in body_exits:
                flow.edges.append(FlowEdge(src, me, label, back=True))
            return [(me, "done")] + flow.loops.pop()
        if node.kind is NodeKind.RETURN:
            self._join(flow, [(me, "")], flow.end)
            return []
        if isinstance(stmt, n.Exit) and flow.loops:
            flow.loops[-1].append((me, ""))
            return []
        if isinstance(stmt, n.Goto):
            self.gotos.append((flow, me, stmt.label))
            return []
        if isinstance(stmt, n.Label) and not self.prefix:
            self.labels[stmt.name] = me
        if node.kind is NodeKind.CALL and stmt.__class__ is not Unparsable:
            return self._maybe_inline(flow, node)
        return [(me, "")]

    def _maybe_inline(self, flow: _Flow, call: FlowNode) -> Exits:
        sub = self.parsed.program.subs.get(call.target)
        if call.id not in self.expanded or sub is None or call.target in self.inlining:
            return [(call.id, "")]
        outer_prefix, outer_end = self.prefix, flow.end
        self.prefix = call.id + ">"
        self.inlining.append(call.target)
        flow.end = self._add(flow, FlowNode(self.prefix + "return", NodeKind.END,
                                            f"back from {sub.name}", routine=flow.name,
                                            expanded_from=call.id))
        try:
            exits = self._sequence(flow, sub.body, [(call.id, "")], call.id)
            self._join(flow, exits, flow.end)
            return [(flow.end, "")]
        finally:
            self.prefix, flow.end = outer_prefix, outer_end
            self.inlining.pop()

    def _expr_label(self, node: n.Node, k: int) -> str:
        span = self.parsed.expr_span(node)
        return _short(self.parsed.source.text[span[0]:span[1]], 24) if span else str(k)

    def _case_label(self, values: list[n.Node], k: int) -> str:
        first, last = self.parsed.expr_span(values[0]), self.parsed.expr_span(values[-1])
        if first is None or last is None:
            return f"case {k + 1}"
        return _short(self.parsed.source.text[first[0]:last[1]], 24)

    # -- nodes ----------------------------------------------------------------------------

    def _node(self, flow: _Flow, stmt: n.Node) -> FlowNode:
        rec = self.parsed.record(stmt)
        kinded = classify(stmt, self.parsed.program.subs)
        source = self.parsed.source
        if rec is None:  # every statement of a body was read as one; kept safe anyway
            node = FlowNode(self.prefix + self._id(stmt), NodeKind.GENERIC,
                            type(stmt).__name__, first_line=stmt.line, last_line=stmt.line,
                            routine=flow.name)
            self._add(flow, node)
            return node
        first = source.line_of(rec.start)
        last = source.line_of(max(rec.end - 1, rec.start))
        fields = () if self.prefix else fields_of(self.parsed, rec, kinded)
        own = self._own_lines(rec)
        label = _short(source.line_text(first).strip(), _LABEL_WIDTH)
        if isinstance(stmt, Unparsable):
            label = f"cannot draw: {_short(stmt.message, _LABEL_WIDTH)}"
        detail = _detail(kinded.kind, fields, kinded.target, stmt)
        node = FlowNode(self.prefix + self._id(stmt), kinded.kind, label, detail, rec.start,
                        rec.end, first, last, flow.name, fields, frozenset(own), tuple(own),
                        kinded.target, self.prefix[:-1])
        self._add(flow, node)
        return node

    def _own_lines(self, rec: Record) -> list[int]:
        """Lines where the statement's own tokens start a line: IF/ELSEIF/ELSE/END IF,
        FOR…NEXT, CASE…, not the statements inside it."""
        toks = self.parsed.tokens
        inner = {k for child in rec.children for k in range(child.first_tok, child.end_tok)}
        lines: list[int] = []
        for k in range(rec.first_tok, rec.end_tok):
            if k in inner or toks[k].kind.name in ("NEWLINE", "EOF"):
                continue
            starts_line = k == rec.first_tok or toks[k - 1].kind.name == "NEWLINE" or \
                (k - 1) in inner
            if starts_line and (not lines or toks[k].line != lines[-1]):
                lines.append(toks[k].line)
        return lines

    def _widen(self, node_id: str, stmt: Unparsable) -> None:
        node = self.nodes[node_id]
        rec = self.parsed.record(stmt)
        if rec is None:
            return
        source = self.parsed.source
        self.nodes[node.id] = FlowNode(
            node.id, node.kind, node.label, node.detail, node.start, rec.end, node.first_line,
            source.line_of(max(rec.end - 1, rec.start)), node.routine)

    def _add(self, flow: _Flow, node: FlowNode) -> str:
        self.nodes[node.id] = node
        flow.nodes.append(node.id)
        return node.id

    def _join(self, flow: _Flow, preds: Exits, dst: str) -> None:
        flow.edges.extend(FlowEdge(src, dst, label) for src, label in preds)

    @staticmethod
    def _id(stmt: n.Node) -> str:
        return f"L{stmt.line}.{stmt.col}"


def _detail(kind: NodeKind, fields: tuple[Field, ...], target: str, stmt: n.Node) -> str:
    by_name = {f.name: f for f in fields}
    if kind in (NodeKind.MEMORY_READ, NodeKind.MEMORY_WRITE):
        key = by_name.get("key")
        return f"key: {key.value}" if key else ""
    if kind is NodeKind.HEAR and isinstance(stmt, n.Hear):
        if not stmt.options:
            return f"AS {stmt.kind}"
        names = [str(o.value) if isinstance(o, n.Literal) else "…" for o in stmt.options]
        return f"AS {stmt.kind}: " + " | ".join(names)
    if kind is NodeKind.CALL:
        return f"→ {target}"
    return ""


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
