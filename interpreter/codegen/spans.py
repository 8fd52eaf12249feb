"""Where a runtime error happened inside a statement: the failing operator or call.

The generated Python keeps one BASIC statement per line (``line_map``), so a traceback names
the statement. To name the sub-expression, the generator notes where the code of each operator,
call, member and index lands in the line it emits (:class:`SpanNotes`); when a run fails,
:func:`failing_position` takes the instruction that raised (``co_positions``, Python 3.11+) and
picks the innermost noted code around it. Notes are keyed by the text of the generated line and
its statement, not by its number, because the generator moves and deletes lines after emitting
them.
"""

from __future__ import annotations

from types import CodeType, TracebackType

from ..syntax import nodes as n

# (start, end) columns of the code in the generated line (characters), then the BASIC node's
# line and column.
Span = tuple[int, int, int, int]
# A generated line: its text and the BASIC statement (line, col) it belongs to. The same text
# may stand for statements written with other spacing, so the statement is part of the key.
LineKey = tuple[str, tuple[int, int]]

# The nodes whose failure a user wants pointed at (Rhai reports a call at its name and an
# operator at its sign, as these nodes' positions are).
NOTED = frozenset({n.Binary, n.Unary, n.Call, n.MethodCall, n.Member, n.Index, n.KeywordExpr})


def reported_at(node: n.Node) -> tuple[int, int]:
    """Where Rhai reports a failure of ``node``: a method or property at its name, an index at
    the index's first character, anything else at the node (a call's name, an operator's
    sign)."""
    if isinstance(node, (n.MethodCall, n.Member)):
        dot = 2 if isinstance(node, n.Member) and node.optional else 1
        return node.line, node.col + dot
    if isinstance(node, n.Index):
        return _first(node.index)
    return node.line, node.col


def _first(node: n.Node) -> tuple[int, int]:
    """The position of an expression's first character (its leftmost operand's)."""
    while isinstance(node, (n.Binary, n.Index, n.Member, n.MethodCall)):
        node = node.left if isinstance(node, n.Binary) else node.obj
    return node.line, node.col


class SpanNotes:
    """The code of the statement being generated, and where it landed in the lines emitted."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, int, int]] = []
        self.by_line: dict[LineKey, tuple[Span, ...]] = {}

    def note(self, code: str, node: n.Node) -> None:
        line, col = reported_at(node)
        self.pending.append((code, line, col))

    def statement_starts(self) -> None:
        self.pending = []

    def emitted(self, line: str, statement: tuple[int, int]) -> None:
        key = (line, statement)
        if not self.pending or key in self.by_line:
            return
        spans = []
        for code, node_line, col in self.pending:
            at = line.find(code)
            if at >= 0:
                spans.append((at, at + len(code), node_line, col))
        if spans:
            self.by_line[key] = tuple(spans)


def failing_position(tb: TracebackType, source_lines: list[str],
                     by_line: dict[LineKey, tuple[Span, ...]], statement: tuple[int, int]
                     ) -> tuple[int, int]:
    """The BASIC (line, col) of the innermost noted code around the instruction ``tb`` was at,
    in the statement at ``statement``; the statement itself when none is noted."""
    code: CodeType = tb.tb_frame.f_code
    positions = list(code.co_positions())
    index = tb.tb_lasti // 2
    if not 0 <= index < len(positions) or not 0 < tb.tb_lineno <= len(source_lines):
        return statement
    first, last, start, end = positions[index]
    if first != tb.tb_lineno or last != first or start is None or end is None:
        return statement
    text = source_lines[first - 1]
    raw = text.encode("utf-8")  # positions count UTF-8 bytes
    start = len(raw[:start].decode("utf-8", "ignore"))
    end = len(raw[:end].decode("utf-8", "ignore"))
    around = [s for s in by_line.get((text, statement), ()) if s[0] <= start and end <= s[1]]
    if not around:
        return statement
    _, _, line, col = min(around, key=lambda s: s[1] - s[0])
    return line, col
