"""The dialog as the engine's converter sees it: physical lines, each with its tokens.

General Bots converts BASIC line by line with string matching, so the compatibility rules
work on physical lines too. Talkbench's own lexer supplies where strings and comments are,
so a rule never mistakes a quote inside a string for a comment or the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..syntax.lexer import Kind, TextBlock, Token
from ..syntax.pieces.lexing import lex_dialog


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

    def open_string(self) -> Token | None:
        """The string literal that starts on this line and ends on a later one, if any."""
        return next((t for t in self.tokens if _goes_on(t)), None)

    def source_of(self, token: Token) -> str:
        return self.text[token.col - 1 : token.end_col - 1]


# A piece of a dialog (``syntax.pieces``) as (its text, whether it is the last piece: the text
# after its last \n is then a line of its own), and its lines (never none). The key says
# nothing of where the piece stands: the same key, the same lines but for their numbers.
PieceKey = tuple[str, bool]
LinePiece = tuple[PieceKey, tuple["SourceLine", ...]]

_LAST: list[tuple[str, tuple[LinePiece, ...]]] = []  # a check reads the lines twice
# The lines of each lexed piece of the dialog last read: a piece lexes the same wherever it
# stands, so its lines are the same too, moved to where it stands now.
_PIECES: dict[PieceKey, tuple[SourceLine, ...]] = {}


def source_lines(source: str) -> list[SourceLine]:
    """Every physical line of ``source`` with the lexer's view of it."""
    return [line for _, lines in line_pieces(source) for line in lines]


def line_pieces(source: str) -> tuple[LinePiece, ...]:
    """:func:`source_lines` in the pieces the dialog was lexed in, each with its key (the same
    key, the same lines: passes over the lines can remember their results by it)."""
    last = next(iter(_LAST), None)  # one read: another thread may replace or clear it
    if last is not None and last[0] == source:
        return last[1]
    pieces = _line_pieces(source)
    _LAST[:] = [(source, pieces)]
    return pieces


def forget() -> None:
    _LAST.clear()
    _PIECES.clear()


def _line_pieces(source: str) -> tuple[LinePiece, ...]:
    lexed = lex_dialog(source)  # the parser's tokens: a check lexes the dialog once
    pieces: list[LinePiece] = []
    for k, chunk in enumerate(lexed.chunks):
        last = k == len(lexed.chunks) - 1
        key = (chunk.text, last)
        found = _PIECES.get(key)
        if found is not None and found[0].number != chunk.first_line:
            found = _moved(found, chunk.first_line, chunk.tokens)
        if found is None:
            texts = chunk.text.split("\n")
            if not last:
                texts.pop()  # the text after the piece's last \n is the next piece's
            found = _lines_of(texts, chunk.first_line, chunk.tokens)
        pieces.append((key, found))
    _PIECES.clear()  # what the next read may find: this dialog's pieces, no older ones
    _PIECES.update(pieces)
    return tuple(pieces)


def _moved(lines: tuple[SourceLine, ...], first: int, tokens: tuple[Token, ...]
           ) -> tuple[SourceLine, ...] | None:
    """``lines`` of a piece moved to where its tokens (the same, moved, see
    ``syntax.pieces.lexing``) now stand: each line's tokens are the next ones of the piece
    (a line's tokens follow each other). None when the counts disagree."""
    delta = first - lines[0].number
    own = [t for t in tokens if t.kind not in (Kind.NEWLINE, Kind.EOF)]
    if sum(len(line.tokens) for line in lines) != len(own):
        return None
    moved = []
    at = 0
    for line in lines:
        count = len(line.tokens)
        moved.append(SourceLine(line.number + delta, line.text, tuple(own[at:at + count]),
                                line.starts_statement, line.block, line.comment_col))
        at += count
    return tuple(moved)


def _lines_of(texts: list[str], first: int, tokens: tuple[Token, ...]
              ) -> tuple[SourceLine, ...]:
    """The lines ``texts`` (line ``first`` on), whose tokens are ``tokens``; each piece of a
    dialog starts a statement (nothing is open before it)."""
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
    for number, text in enumerate(texts, start=first):
        own = tuple(by_line.get(number, ()))
        lines.append(SourceLine(number, text, own, number in first_after_break,
                                block_lines.get(number, ""), _comment_col(text, own)))
    return tuple(lines)


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
