"""The parser's syntax tree with where each statement and expression stands in the text.

:class:`SpanParser` is the IDE's own :class:`~interpreter.syntax.parser.core.Parser` (no second grammar)
that also notes, for each statement it reads, the tokens it consumed, nested as the
statements are; for each expression its tokens; and for each line it could not read an
:class:`Unparsable` marker in place of the statement, so the rest of the dialog still draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import Diagnostic, Severity
from ..syntax import nodes as n
from ..syntax.lexer import Kind, TextBlock, Token, tokenize
from ..syntax.parser.core import ParseError, Parser
from .source import SourceText, string_end

_T = TypeVar("_T")


@dataclass(slots=True)
class Unparsable(n.Node):
    """Lines the parser could not read (it reported why); the flow draws "cannot draw"."""

    message: str


@dataclass(frozen=True, slots=True)
class Record:
    """One statement as read: its node, its tokens [first_tok, end_tok), its text
    [start, end) (up to its line break, a trailing comment included) and the statements
    read inside it."""

    node: n.Node
    first_tok: int
    end_tok: int
    start: int
    end: int
    children: tuple[Record, ...]


@dataclass(slots=True)
class _Open:
    node: n.Node
    first_tok: int
    end_tok: int
    children: list[_Open] = field(default_factory=list)


class SpanParser(Parser):
    """The parser, noting statement and expression token ranges as it reads."""

    def __init__(self, tokens: list[Token], file: str, source: str) -> None:
        super().__init__(tokens, file, source)
        self.frames: list[list[_Open]] = [[]]
        self.expr_tokens: dict[int, tuple[n.Node, int, int]] = {}
        self._failed: tuple[Unparsable, int] | None = None

    def statement(self) -> n.Node | None:
        start = self.i
        self.frames.append([])
        try:
            node = super().statement()
        finally:
            children = self.frames.pop()
        if node is None:
            self.frames[-1].extend(children)
        else:
            self.frames[-1].append(_Open(node, start, self.i, children))
        return node

    def statement_into(self, body: list[n.Node]) -> None:
        start, mark = self.i, len(self.frames[-1])
        try:
            super().statement_into(body)
        except ParseError as e:
            dropped = self.frames[-1][mark:]
            del self.frames[-1][mark:]
            if body and any(body[-1] is d.node for d in dropped):
                body.pop()  # junk after a statement: the whole line cannot be drawn
            first = self.toks[start]
            marker = Unparsable(first.line, first.col, e.message)
            body.append(marker)
            self._failed = (marker, start)
            raise

    def recover(self, rule: Callable[[], _T]) -> _T | None:
        result = super().recover(rule)
        if self._failed is not None:
            marker, start = self._failed
            self._failed = None
            self.frames[-1].append(_Open(marker, start, self.i))
        return result

    def expression(self) -> n.Node:
        return self._noted(super().expression)

    def concat(self) -> n.Node:
        return self._noted(super().concat)

    def _noted(self, rule: Callable[[], n.Node]) -> n.Node:
        start = self.i
        node = rule()
        self.expr_tokens.setdefault(id(node), (node, start, self.i))
        return node


@dataclass(frozen=True)
class ParsedDialog:
    """A dialog parsed for the flow view: tree, tokens, statement records, diagnostics."""

    source: SourceText
    program: n.Program
    tokens: tuple[Token, ...]
    records: tuple[Record, ...]
    by_node: dict[int, Record]
    expr_tokens: dict[int, tuple[n.Node, int, int]]
    diagnostics: tuple[Diagnostic, ...]
    token_index: dict[tuple[int, int], int]  # (line, col) -> the token starting there

    def record(self, node: n.Node) -> Record | None:
        rec = self.by_node.get(id(node))
        return rec if rec is not None and rec.node is node else None

    def token_start(self, index: int) -> int:
        tok = self.tokens[index]
        return self.source.offset(tok.line, tok.col)

    def token_end(self, index: int) -> int:
        """Offset just after token ``index`` (strings and text blocks may span lines)."""
        return token_end(self.tokens, index, self.source)

    def expr_span(self, node: n.Node | None) -> tuple[int, int] | None:
        """[start, end) of an expression's text, when the parser read it as one."""
        if node is None:
            return None
        noted = self.expr_tokens.get(id(node))
        if noted is not None and noted[0] is node and noted[2] > noted[1]:
            return self.token_start(noted[1]), self.token_end(noted[2] - 1)
        index = self.token_at(node.line, node.col)
        if index is None or isinstance(node, (n.Binary, n.Call, n.KeywordExpr, n.Member,
                                              n.Index, n.MethodCall)):
            return None
        return self.token_start(index), self.token_end(index)

    def token_at(self, line: int, col: int) -> int | None:
        return self.token_index.get((line, col))


def parse_spans(source: str, file: str = "<dialog>") -> ParsedDialog:
    """Parse ``source`` once with :class:`SpanParser` (lexical errors included)."""
    text = SourceText.of(source)
    tokens, lex_diagnostics = tokenize(source, file)
    parser = SpanParser(tokens, file, source)
    program = parser.parse_program()
    diagnostics = tuple(sorted(lex_diagnostics + parser.diagnostics,
                               key=lambda d: (d.line, d.col)))
    records = tuple(_freeze(o, tokens, text) for o in parser.frames[0])
    records = _stray_lines(records, diagnostics, program, tokens, text)
    by_node: dict[int, Record] = {}
    stack = list(records)
    while stack:
        rec = stack.pop()
        by_node[id(rec.node)] = rec
        stack.extend(rec.children)
    index = {(t.line, t.col): k for k, t in reversed(list(enumerate(tokens)))
             if t.kind is not Kind.NEWLINE}
    return ParsedDialog(text, program, tuple(tokens), records, by_node,
                        parser.expr_tokens, diagnostics, index)


def _freeze(o: _Open, tokens: list[Token], text: SourceText) -> Record:
    first = tokens[o.first_tok]
    start = text.offset(first.line, first.col)
    children = tuple(_freeze(c, tokens, text) for c in o.children)
    return Record(o.node, o.first_tok, o.end_tok, start, _end(o, tokens, text, start),
                  children)


def _end(o: _Open, tokens: list[Token], text: SourceText, start: int) -> int:
    """Where a statement's text ends: at the line break (or ``;``) after its last token, or,
    inside a single-line IF, right after its last token."""
    last = o.end_tok - 1
    if last >= 0 and tokens[last].kind is Kind.NEWLINE and last > o.first_tok:
        tok = tokens[last]
    else:
        tok = tokens[min(o.end_tok, len(tokens) - 1)]
    if tok.kind in (Kind.NEWLINE, Kind.EOF):
        return max(text.offset(tok.line, tok.col), start)
    return max(token_end(tokens, o.end_tok - 1, text), start)


def token_end(tokens: list[Token] | tuple[Token, ...], index: int, text: SourceText) -> int:
    """Offset just after token ``index`` (strings and text blocks may span lines)."""
    tok = tokens[index]
    start = text.offset(tok.line, tok.col)
    if tok.kind is Kind.STRING:
        return string_end(text.text, start)
    if tok.kind is Kind.TEXTBLOCK:
        block: TextBlock = tok.value  # type: ignore[assignment]
        return text.line_end(block.end_line or text.line_count)
    return text.offset(tok.line, tok.end_col)


def _stray_lines(records: tuple[Record, ...], diagnostics: tuple[Diagnostic, ...],
                 program: n.Program, tokens: list[Token], text: SourceText
                 ) -> tuple[Record, ...]:
    """Top-level lines the parser skipped without a statement (``END IF`` with no IF): an
    :class:`Unparsable` record each, in place, so they are drawn and kept."""
    covered = [(text.line_of(r.start), text.line_of(max(r.end - 1, r.start))) for r in records]
    extra: list[Record] = []
    for d in diagnostics:
        if d.severity is not Severity.ERROR or any(a <= d.line <= b for a, b in covered):
            continue
        first = next((k for k, t in enumerate(tokens) if t.line == d.line
                      and t.kind is not Kind.NEWLINE), None)
        if first is None:
            continue
        end_tok = next((k for k in range(first, len(tokens))
                        if tokens[k].kind in (Kind.NEWLINE, Kind.EOF)), len(tokens) - 1)
        marker = Unparsable(d.line, tokens[first].col, d.message)
        tok = tokens[end_tok]
        extra.append(Record(marker, first, end_tok + 1, text.offset(d.line, tokens[first].col),
                            text.offset(tok.line, tok.col), ()))
        covered.append((d.line, d.line))
        program.body.append(marker)
    if not extra:
        return records
    program.body.sort(key=lambda s: (s.line, s.col))
    return tuple(sorted(records + tuple(extra), key=lambda r: r.start))
