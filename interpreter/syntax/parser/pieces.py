"""Parsing a dialog by pieces (see ``syntax.pieces``): each piece's top-level statements are
parsed on their own and remembered, with the questions the parser asked about the names and
SUBs before the piece (``parser.state``), so the parse is reused only when they still get the
same answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...errors import Diagnostic
from .. import nodes as n
from ..lexer import Chunk, Kind, Lexed, Token
from ..nesting import too_deep
from ..pieces.generations import TwoGenerations
from ..pieces.shift import CannotShift, note_moved, shifted_nodes
from .core import Parser, parse_with
from .state import DefinedSubs, KnownNames


@dataclass(frozen=True)
class _ParsedPiece:
    program: n.Program  # the piece's own statements, SUBs, names … (source not set)
    diagnostics: tuple[Diagnostic, ...]  # the parser's, then those of ``too_deep``
    names_asked: tuple[tuple[str, bool], ...]
    subs_asked: tuple[tuple[str, int | None], ...]
    read_past_end: bool  # a statement went on past the piece's last line

    def fits(self, names: Mapping[str, str], sub_lines: Mapping[str, int]) -> bool:
        """Whether the pieces before it answer the parser's questions as they did."""
        return all((name in names) is known for name, known in self.names_asked) and \
            all(sub_lines.get(name) == line for name, line in self.subs_asked)


# (file, first line, the pieces' texts, the raw source lines when they differ from the texts)
_Key = tuple[str, int, tuple[str, ...], str]
_pieces: TwoGenerations[_Key, _ParsedPiece] = TwoGenerations()
# The same pieces by (file, texts, raw lines) with their first line: a piece found at another
# first line (a line inserted or deleted above it) is moved there instead of parsed again.
_TextKey = tuple[str, tuple[str, ...], str]
_by_text: TwoGenerations[_TextKey, tuple[int, _ParsedPiece]] = TwoGenerations()


def forget_parsed() -> None:
    with _pieces.lock:
        _pieces.clear()
        _by_text.clear()


def parse_reusing(source: str, file: str = "<script>") -> tuple[n.Program, list[Diagnostic]]:
    """What ``parser.core.parse`` gives, reusing the pieces parsed for the last two calls."""
    return parse_with(source, file, program_by_pieces)


class _Program:
    """The dialog's program put together from its pieces, in order."""

    def __init__(self, file: str, source: str):
        self.file, self.source = file, source
        self.body: list[n.Node] = []
        self.subs: dict[str, n.SubDef] = {}
        self.sub_lines: dict[str, int] = {}
        self.params: list[n.Param] = []
        self.descriptions: list[n.Description] = []
        self.tables: list[n.TableDef] = []
        self.names: dict[str, str] = {}
        self.statement_lines: set[int] = set()
        self.closer_lines: set[int] = set()
        self.diagnostics: list[Diagnostic] = []
        self.moved: list[tuple[n.Node, n.Node]] = []  # (moved statement or SUB, original)
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The source's lines, split once (for the pieces parsed again)."""
        if self._lines is None:
            self._lines = self.source.split("\n")
        return self._lines

    def add(self, piece: _ParsedPiece) -> None:
        p = piece.program
        self.body.extend(p.body)
        self.subs.update(p.subs)
        self.sub_lines.update((key, sub.line) for key, sub in p.subs.items())
        self.params.extend(p.params)
        self.descriptions.extend(p.descriptions)
        self.tables.extend(p.tables)
        for key, spelling in p.names.items():
            self.names.setdefault(key, spelling)
        self.statement_lines |= p.statement_lines
        self.closer_lines |= p.closer_lines
        self.diagnostics.extend(piece.diagnostics)

    def program(self) -> n.Program:
        return n.Program(self.file, self.body, self.subs, self.params, self.descriptions,
                         self.tables, self.names, self.source, frozenset(self.statement_lines),
                         frozenset(self.closer_lines))


def program_by_pieces(lexed: Lexed, source: str,
                      file: str) -> tuple[n.Program, list[Diagnostic]]:
    """A ``parser.core.ProgramBuilder``: the same program and diagnostics as parsing the whole
    token list, from the pieces ``lexed`` was lexed in."""
    # The raw lines (the parser reads some statements' text from them) are keyed only when
    # they differ from what the lexer read (curly quotes, \r line ends).
    raw_lines = [] if lexed.text == source else source.split("\n")
    whole = _Program(file, source)
    chunks = lexed.chunks
    with _pieces.lock:
        k = 0
        while k < len(chunks):
            piece, k = _parse_from(chunks, k, lexed, raw_lines, whole)
            whole.add(piece)
        _pieces.next_generation()
        _by_text.next_generation()
    note_moved(whole.moved)
    return whole.program(), whole.diagnostics


def _parse_from(chunks: Sequence[Chunk], k: int, lexed: Lexed, raw_lines: list[str],
                whole: _Program) -> tuple[_ParsedPiece, int]:
    """The parse of the pieces from ``k`` on that stand on their own, and the index after."""
    last = len(chunks)
    for end in (k + 1, k + 2, last):
        end = min(end, last)
        after = lexed.tokens[-1] if end == last else \
            Token(Kind.EOF, "", chunks[end].first_line, 1)  # where the lines after begin
        piece = _parsed(chunks[k:end], after, lexed, raw_lines, whole)
        if not piece.read_past_end or end == last:
            return piece, end
    raise AssertionError("unreachable: the last try takes the rest of the dialog")


def _parsed(group: Sequence[Chunk], end: Token, lexed: Lexed, raw_lines: list[str],
            whole: _Program) -> _ParsedPiece:
    first = group[0].first_line
    texts = tuple(c.text for c in group)
    raw = "\n".join(raw_lines[first - 1:first - 1 + sum(t.count("\n") for t in texts) + 1]) \
        if raw_lines else ""
    key = (whole.file, first, texts, raw)
    found = _pieces.get(key)
    origin = None
    if found is None:
        origin = _by_text.get((whole.file, texts, raw))
        found = _moved(origin, first)
    if found is not None and found.fits(whole.names, whole.sub_lines):
        if origin is not None:
            was, now = origin[1].program, found.program
            whole.moved.extend(zip(now.body, was.body, strict=True))
            whole.moved.extend(zip(now.subs.values(), was.subs.values(), strict=True))
        _pieces.put(key, found)
        _by_text.put((whole.file, texts, raw), (first, found))
        return found
    tokens = [t for c in group for t in c.tokens]
    tokens.append(end)
    # The entries are read only while this piece is parsed (they grow after it).
    names, subs = KnownNames(whole.names), DefinedSubs(whole.sub_lines)
    parser = Parser(tokens, whole.file, whole.source, raw_lines or whole.lines(), names, subs)
    program = parser.parse_program()
    found = _ParsedPiece(program, (*parser.diagnostics, *too_deep(program)),
                         tuple(names.asked.items()), tuple(subs.asked.items()),
                         parser.read_past_end)
    _pieces.put(key, found)
    _by_text.put((whole.file, texts, raw), (first, found))
    return found


def _moved(entry: tuple[int, _ParsedPiece] | None, first: int) -> _ParsedPiece | None:
    """The piece parsed at another first line, moved to ``first``: the parser reads the
    tokens (moved alike, see ``pieces.lexing``) and the raw lines of the piece, the same
    text, and asks about the pieces before it only what ``fits`` compares. None when it
    reported something (a message may quote a line) or holds what cannot be moved."""
    if entry is None or entry[1].diagnostics:
        return None
    at, piece = entry
    delta = first - at
    p = piece.program
    try:
        program = n.Program(p.file, shifted_nodes(p.body, delta), shifted_nodes(p.subs, delta),
                            shifted_nodes(p.params, delta), shifted_nodes(p.descriptions, delta),
                            shifted_nodes(p.tables, delta), p.names, p.source,
                            frozenset(line + delta for line in p.statement_lines),
                            frozenset(line + delta for line in p.closer_lines))
    except CannotShift:
        return None
    return _ParsedPiece(program, (), piece.names_asked, piece.subs_asked, piece.read_past_end)
