"""Edits made in the flow, as the smallest change to the BASIC text.

Each function returns one :class:`TextEdit` (an editor applies it as one undo step); the
replaced range is trimmed to what really changes, so comments, spacing and the rest of the
file stay byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .model import FlowGraph, FlowNode, NodeKind
from .source import SourceText


class FlowEditError(ValueError):
    """A flow edit that cannot be written as text (with the reason, for the user)."""


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str

    def apply(self, source: str) -> str:
        return source[:self.start] + self.text + source[self.end:]


def minimal(source: str, start: int, end: int, text: str) -> TextEdit:
    """Replace [start, end) by ``text``, trimmed to the part that differs."""
    old = source[start:end]
    head = 0
    limit = min(len(old), len(text))
    while head < limit and old[head] == text[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == text[len(text) - 1 - tail]:
        tail += 1
    return TextEdit(start + head, end - tail, text[head:len(text) - tail])


# ---------------------------------------------------------------- field edits


def set_field(source: str, graph: FlowGraph, node_id: str, name: str, value: str) -> TextEdit:
    """A new value for a node's field (TALK text, HEAR prompt/type, CASE value, key)."""
    node = _node(graph, node_id)
    field = node.field(name)
    if field is None:
        raise FlowEditError(f"{node.label}: nothing named {name!r} to edit")
    if "\n" in value or "\r" in value:
        raise FlowEditError(f"{name}: one line only")
    if field.start == field.end and value == "":
        return TextEdit(field.start, field.start, "")
    return minimal(source, field.start, field.end, field.text_for(value))


# ---------------------------------------------------------------- new statements


class Template(Enum):
    """What the palette adds: the statement's lines ({i} is one indentation step)."""

    TALK = ('TALK "Hello"',)
    HEAR = ("HEAR answer AS STRING",)
    SUGGESTION = ('ADD SUGGESTION "yes" AS "Yes"',)
    IF = ('IF answer = "yes" THEN', '{i}TALK "Yes"', "END IF")
    SELECT = ("SELECT CASE answer", '{i}CASE "a"', '{i}{i}TALK "A"', "END SELECT")
    LOOP = ("FOR EACH item IN items", "{i}TALK item", "NEXT")
    MEMORY_WRITE = ('SET BOT MEMORY "key", answer',)
    MEMORY_READ = ('value = GET BOT MEMORY("key")',)
    CALL = ("CALL routine",)
    RETURN = ("RETURN",)

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").title()


def insert_after(source: str, graph: FlowGraph, node_id: str, template: Template) -> TextEdit:
    """A new statement on the lines after ``node_id`` (after its END line for a block; the
    first statement for START), indented as it is."""
    text = SourceText.of(source)
    node = graph.nodes.get(node_id)
    if node is not None and node.kind is NodeKind.START:
        return _insert_at_top(text, graph, node, template)
    node = _statement(graph, node_id)
    _own_lines(text, node)
    indent = text.indent_of(node.first_line)
    return _insert_lines(text, node.last_line, indent, template)


def insert_into(source: str, graph: FlowGraph, node_id: str, branch: int,
                template: Template) -> TextEdit:
    """A new first statement of branch ``branch`` of an IF/SELECT/loop (its header line is
    ``branch_lines[branch]``)."""
    text = SourceText.of(source)
    node = _statement(graph, node_id)
    if not node.kind.decides or branch >= len(node.branch_lines) - 1:
        raise FlowEditError(f"{node.label}: no branch {branch + 1} to add to")
    header = node.branch_lines[branch]
    indent = text.indent_of(header) + _step(text)
    return _insert_lines(text, header, indent, template)


def add_branch(source: str, graph: FlowGraph, node_id: str) -> TextEdit:
    """One more branch: ELSE (then ELSEIF) for an IF, CASE for a SELECT CASE."""
    text = SourceText.of(source)
    node = _statement(graph, node_id)
    if node.kind not in (NodeKind.IF, NodeKind.SELECT) or len(node.branch_lines) < 2:
        raise FlowEditError(f"{node.label}: branches are added to IF and SELECT CASE")
    indent = text.indent_of(node.first_line)
    headers = [text.line_text(line).strip().upper() for line in node.branch_lines]
    if node.kind is NodeKind.IF:
        has_else = any(h == "ELSE" or h.startswith(("ELSE ", "ELSE'")) for h in headers)
        lines = ('ELSEIF answer = "other" THEN', '{i}TALK "Other"') if has_else \
            else ("ELSE", '{i}TALK "Otherwise"')
        at = next((b for b, h in zip(node.branch_lines, headers)
                   if h == "ELSE" or h.startswith(("ELSE ", "ELSE'"))), node.branch_lines[-1])
    else:
        lines = ('{i}CASE "other"', '{i}{i}TALK "Other"')
        at = next((b for b, h in zip(node.branch_lines, headers)
                   if h.startswith("CASE ELSE")), node.branch_lines[-1])
    return _insert_lines(text, at - 1, indent, lines)


def _insert_at_top(text: SourceText, graph: FlowGraph, start: FlowNode,
                   template: Template) -> TextEdit:
    routine = graph.routine(start.routine)
    first = next((graph.nodes[i] for i in routine.nodes if graph.nodes[i].in_text),
                 None) if routine else None
    if first is None:
        at = len(text.text)
        sep = "" if not text.text or text.text.endswith(("\n", "\r")) else text.newline()
        body = text.newline().join(_lines(template.value, "", _step(text)))
        return TextEdit(at, at, sep + body + text.newline())
    return _insert_lines(text, first.first_line - 1, text.indent_of(first.first_line),
                         template)


def _insert_lines(text: SourceText, after_line: int, indent: str,
                  template: Template | tuple[str, ...]) -> TextEdit:
    """Lines inserted after line ``after_line`` (0: at the top)."""
    rows = template.value if isinstance(template, Template) else template
    nl = text.newline()
    block = "".join(line + nl for line in _lines(rows, indent, _step(text)))
    if after_line <= 0:
        return TextEdit(0, 0, block)
    if after_line >= text.line_count:  # after a last line without a line break
        at = len(text.text)
        return TextEdit(at, at, nl + block.removesuffix(nl))
    at = text.line_starts[after_line]
    return TextEdit(at, at, block)


def _lines(rows: tuple[str, ...], indent: str, step: str) -> list[str]:
    return [indent + row.replace("{i}", step) for row in rows]


def _step(text: SourceText) -> str:
    """The dialog's indentation step (its first indented line's), four spaces by default."""
    for line in range(1, text.line_count + 1):
        indent = text.indent_of(line)
        if indent and text.line_text(line).strip():
            return indent
    return "    "


# ---------------------------------------------------------------- delete and move


def delete_node(source: str, graph: FlowGraph, node_id: str) -> TextEdit:
    """Remove the statement's lines (a block with everything inside it)."""
    text = SourceText.of(source)
    node = _statement(graph, node_id)
    start, end = _own_lines(text, node)
    if end == len(source) and not source.endswith(("\n", "\r")) and start > 0:
        start = text.line_end(node.first_line - 1)  # the last line: drop the break before it
    return TextEdit(start, end, "")


def move_node(source: str, graph: FlowGraph, node_id: str, step: int) -> TextEdit:
    """Swap the statement with its previous (``step`` -1) or next (+1) one in its block;
    the lines between them (comments, blank lines) stay where they are."""
    text = SourceText.of(source)
    node = _statement(graph, node_id)
    body = graph.body_of(node_id) or ()
    k = body.index(node_id) + step
    if not 0 <= k < len(body):
        raise FlowEditError(f"{node.label}: already the {'first' if step < 0 else 'last'} "
                            f"statement of its block")
    other = _statement(graph, body[k])
    first, second = (other, node) if step < 0 else (node, other)
    a_start, a_end = _own_lines(text, first)
    b_start, b_end = _own_lines(text, second)
    a, between, b = source[a_start:a_end], source[a_end:b_start], source[b_start:b_end]
    nl = text.newline()
    if not b.endswith(("\n", "\r")):  # the last line of the file: keep the file's ending
        b, a = b + nl, a.removesuffix(nl)
    return minimal(source, a_start, b_end, b + between + a)


def _own_lines(text: SourceText, node: FlowNode) -> tuple[int, int]:
    """[start, end) of the node's whole lines, line break included; refused when another
    statement shares them."""
    line_start = text.line_starts[node.first_line - 1]
    if text.text[line_start:node.start].strip():
        raise FlowEditError(f"{node.label}: shares line {node.first_line} with another "
                            f"statement")
    if text.text[node.end:text.line_end(node.last_line)].strip():
        raise FlowEditError(f"{node.label}: shares line {node.last_line} with another "
                            f"statement")
    end = text.line_starts[node.last_line] if node.last_line < text.line_count \
        else len(text.text)
    return line_start, end


def _node(graph: FlowGraph, node_id: str) -> FlowNode:
    node = graph.nodes.get(node_id)
    if node is None:
        raise FlowEditError(f"no node {node_id!r} in the flow (the text changed?)")
    return node


def _statement(graph: FlowGraph, node_id: str) -> FlowNode:
    node = _node(graph, node_id)
    if not node.in_text or node.expanded_from:
        raise FlowEditError(f"{node.label}: not a statement of this text (edit the routine "
                            f"itself)")
    return node
