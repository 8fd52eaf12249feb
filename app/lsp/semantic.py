"""Semantic tokens: the IDE's highlighting (``interpreter.tooling.highlight_lexer``), with the
dialog's SUBs/FUNCTIONs, labels and variables told apart by the analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygments.token import Comment, Keyword, Name, Number, Operator, String

from interpreter.tooling.highlight_lexer import STATE_NORMAL, highlight_line_tokens

from .analysis import Analysis, NameKind
from .positions import utf16_width

if TYPE_CHECKING:
    from .server import TalkbenchServer

TOKEN_TYPES = ["keyword", "function", "variable", "string", "number", "comment", "operator",
               "label"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=[])
_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}
_NAMES = {NameKind.SUB: "function", NameKind.VARIABLE: "variable", NameKind.LABEL: "label"}


def _lexer_type(token) -> str | None:  # a pygments token type
    if token in Keyword or token in Operator.Word:
        return "keyword"
    if token in Name.Builtin:
        return "function"
    if token in String:
        return "string"
    if token in Number:
        return "number"
    if token in Comment:
        return "comment"
    if token in Operator:
        return "operator"
    return None


def token_data(analysis: Analysis) -> list[int]:
    """LSP's relative encoding: (line delta, start delta, length, type, modifiers) per token."""
    names = {(o.line, o.col): (o.end_col - o.col, _NAMES[o.kind])
             for o in analysis.occurrences}
    data: list[int] = []
    last_line = last_start = 0
    state = STATE_NORMAL
    for row, line in enumerate(analysis.lines if analysis.tokens else ()):
        spans, state = highlight_line_tokens(line, state)
        found = {start: (length, kind) for start, length, token in spans
                 if (kind := _lexer_type(token)) is not None}
        inside = [(start, start + length) for start, length, _ in spans]
        for (line_no, col), named in names.items():
            # A name inside a wider span (``${x}`` in a string) keeps the span's colour:
            # tokens must not overlap.
            if line_no == row + 1 and not any(a < col - 1 < b for a, b in inside):
                found[col - 1] = named
        for start in sorted(found):
            length, kind = found[start]
            begin = utf16_width(line[:start])
            width = utf16_width(line[start:start + length])
            delta_line = row - last_line
            data += [delta_line, begin - (last_start if delta_line == 0 else 0), width,
                     _INDEX[kind], 0]
            last_line, last_start = row, begin
    return data


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def semantic_tokens(ls: TalkbenchServer,
                        params: types.SemanticTokensParams) -> types.SemanticTokens:
        return types.SemanticTokens(data=token_data(ls.analysis(params.text_document.uri)))
