"""Document symbols (SUBs, FUNCTIONs, labels) and folding ranges for blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from interpreter.syntax.lexer import Kind, TextBlock, Token

from .analysis import Analysis, NameKind
from .positions import span, to_lsp

if TYPE_CHECKING:
    from .server import TalkbenchServer

# First word(s) of a line that open a block, and those that close one.
_OPENERS = {"IF", "FOR", "DO", "WHILE", "SELECT", "SUB", "FUNCTION", "WITH", "SWITCH"}
_CLOSERS = {"NEXT", "LOOP", "WEND"}


def symbols(analysis: Analysis) -> list[types.DocumentSymbol]:
    found = []
    for sub in analysis.program.subs.values():
        name = next((o for o in analysis.occurrences if o.kind is NameKind.SUB
                     and o.key == sub.name.lower() and o.line == sub.line), None)
        end_line = max(sub.end_line, sub.line)
        whole = types.Range(start=to_lsp(analysis.lines, sub.line, 1),
                            end=to_lsp(analysis.lines, end_line, 1 << 30))
        selection = span(analysis.lines, name.line, name.col, name.end_col) if name else whole
        found.append(types.DocumentSymbol(
            name=sub.name, detail="FUNCTION" if sub.is_function else "SUB",
            kind=types.SymbolKind.Function if sub.is_function else types.SymbolKind.Method,
            range=whole, selection_range=selection))
    for label in analysis.labels.values():
        where = span(analysis.lines, label.line, label.col, label.col + len(label.name))
        found.append(types.DocumentSymbol(name=label.name, kind=types.SymbolKind.Key,
                                          detail="label", range=where, selection_range=where))
    return sorted(found, key=lambda s: (s.range.start.line, s.range.start.character))


def _line_starts(tokens: list[Token]) -> dict[int, list[Token]]:
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        if t.kind not in (Kind.NEWLINE, Kind.EOF):
            by_line.setdefault(t.line, []).append(t)
    return by_line


def _opens(words: list[str], line_tokens: list[Token]) -> bool:
    first = words[0]
    if first == "IF":  # only a block IF: THEN ends the line
        return line_tokens[-1].upper == "THEN"
    return first in _OPENERS


def _closes(words: list[str]) -> bool:
    return words[0] in _CLOSERS or (words[0] == "END" and len(words) > 1 and words[1] in (
        _OPENERS | {"FOR"}))


def folding_ranges(analysis: Analysis) -> list[types.FoldingRange]:
    """One range per block, from its opening line to the line before its closing one."""
    ranges = []
    stack: list[int] = []
    for line, line_tokens in sorted(_line_starts(analysis.tokens).items()):
        words = [t.upper for t in line_tokens[:2]]
        first = line_tokens[0]
        if first.kind is Kind.TEXTBLOCK and isinstance(first.value, TextBlock):
            if first.value.end_line > line:
                ranges.append(_fold(line, first.value.end_line))
            continue
        if _closes(words):
            if stack:
                ranges.append(_fold(stack.pop(), line))
        elif _opens(words, line_tokens):
            stack.append(line)
    return sorted(ranges, key=lambda r: r.start_line)


def _fold(first_line: int, closing_line: int) -> types.FoldingRange:
    return types.FoldingRange(start_line=first_line - 1, end_line=closing_line - 1,
                              kind=types.FoldingRangeKind.Region)


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: TalkbenchServer,
                        params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        return symbols(ls.analysis(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(ls: TalkbenchServer,
                      params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        return folding_ranges(ls.analysis(params.text_document.uri))
