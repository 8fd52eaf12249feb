"""The dialog as the engine's converter sees it: physical lines, each with its tokens.

General Bots converts BASIC line by line with string matching, so the compatibility rules
work on physical lines too. Talkbench's own lexer supplies where strings and comments are,
so a rule never mistakes a quote inside a string for a comment or the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..syntax.lexer import Kind, TextBlock, Token, lex_dialog


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str  # the physical line, curly quotes made straight as the lexer reads them
    tokens: tuple[Token, ...]  # the tokens that start on this line
    starts_statement: bool  # False for the later lines of a multi-line array, call or string
    block: str  # "TALK", "SYSTEM PROMPT" or "TABLE" for a block's body lines; "" elsewhere
    comment_col: int  # column of a ``'`` comment after code on this line; 0 when none

    @property
    def in_text_block(self) -> bool:
        return bool(self.block)

    @property
    def opens_block(self) -> TextBlock | None:
        """The raw block this line opens (``BEGIN TALK``, ``TABLE name`` …), if any."""
        first = self.tokens[0] if self.tokens else None
        if first is not None and first.kind is Kind.TEXTBLOCK:
            return first.value if isinstance(first.value, TextBlock) else None
        return None

    @cached_property
    def indent(self) -> int:
        """Column of the first character that is not blank."""
        return len(self.text) - len(self.text.lstrip()) + 1

    @cached_property  # the rules ask for it many times per line
    def trimmed(self) -> str:
        return self.text.strip()

    @cached_property
    def upper(self) -> str:
        return self.trimmed.upper()

    @cached_property
    def code(self) -> str:
        """The trimmed line without its trailing comment."""
        end = self.comment_col - 1 if self.comment_col else len(self.text)
        return self.text[:end].strip()

    def col_of(self, index: int) -> int:
        """The column of ``trimmed[index]``."""
        return self.indent + index

    def strings(self) -> list[Token]:
        """The one-line string literals of this line."""
        return [t for t in self.tokens if t.kind is Kind.STRING and not _goes_on(t)]

    def source_of(self, token: Token) -> str:
        return self.text[token.col - 1 : token.end_col - 1]


_LAST: list[tuple[str, tuple[SourceLine, ...]]] = []  # a check reads the lines twice


def source_lines(source: str) -> list[SourceLine]:
    """Every physical line of ``source`` with the lexer's view of it."""
    last = next(iter(_LAST), None)  # one read: another thread may replace or clear it
    if last is not None and last[0] == source:
        return list(last[1])
    lines = _source_lines(source)
    _LAST[:] = [(source, tuple(lines))]
    return lines


def forget() -> None:
    _LAST.clear()


def _source_lines(source: str) -> list[SourceLine]:
    lexed = lex_dialog(source)  # the parser's tokens: a check lexes the dialog once
    tokens = lexed.tokens
    texts = lexed.text.split("\n")
    by_line: dict[int, list[Token]] = {}
    first_after_break: set[int] = set()
    block_lines: dict[int, str] = {}
    previous: Token | None = None
    for tok in tokens:
        if tok.kind is Kind.TEXTBLOCK and isinstance(tok.value, TextBlock):
            block_lines.update((number, tok.value.kind) for number, _ in tok.value.lines)
            block_lines[tok.value.end_line] = tok.value.kind
        if tok.kind not in (Kind.NEWLINE, Kind.EOF):
            if tok.line not in by_line and (
                    previous is None or previous.kind in (Kind.NEWLINE, Kind.TEXTBLOCK)):
                first_after_break.add(tok.line)
            by_line.setdefault(tok.line, []).append(tok)
        previous = tok
    lines = []
    for number, text in enumerate(texts, start=1):
        own = tuple(by_line.get(number, ()))
        lines.append(SourceLine(number, text, own, number in first_after_break,
                                block_lines.get(number, ""), _comment_col(text, own)))
    return lines


def _comment_col(text: str, tokens: tuple[Token, ...]) -> int:
    """Where a ``'`` comment starts after the code; the lexer skipped it, so no token is there."""
    if not tokens or tokens[-1].kind is Kind.TEXTBLOCK:
        return 0
    last = tokens[-1]
    if last.kind is Kind.STRING and _goes_on(last):
        return 0
    index = text.find("'", last.end_col - 1)
    return index + 1 if index >= 0 else 0


def _goes_on(token: Token) -> bool:
    """A string that ends on a later line (the lexer gives it a one-character span)."""
    return token.kind is Kind.STRING and token.end_col == token.col + 1
