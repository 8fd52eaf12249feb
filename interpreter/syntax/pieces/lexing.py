"""Lexing a dialog by pieces (see the package's notes), each piece remembered by its text and
first line number; :func:`lex_dialog` is what every pass that reads a dialog's tokens calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ...errors import Diagnostic
from ..lexer import Chunk, Lexed, Lexer, Token, normalized
from .cuts import cuts
from .generations import TwoGenerations
from .shift import shifted_token, shifted_tokens


@dataclass(frozen=True)
class _LexedPiece:
    chunk: Chunk
    end: Token  # the EOF the piece's lexer ended with (the dialog's own for the last piece)
    diagnostics: tuple[Diagnostic, ...]
    closed: bool  # nothing open at its end: the lines after it lex the same without it


_pieces: TwoGenerations[tuple[str, int], _LexedPiece] = TwoGenerations()
# The same pieces by their text alone: a piece found at another first line (a line inserted
# or deleted above it) is moved there instead of lexed again.
_by_text: TwoGenerations[str, _LexedPiece] = TwoGenerations()


_LEXED: dict[str, Lexed] = {}
_LEXED_KEPT = 2  # the newest dialogs: a check lexes its source up to three times
_LEXED_LOCK = threading.Lock()  # the language server checks off its event loop


def lex_dialog(source: str) -> Lexed:
    """``source`` lexed, reusing the result of the last calls for the same text, and the
    pieces of it the dialogs lexed by the last two calls had too."""
    with _LEXED_LOCK:
        found = _LEXED.get(source)
    if found is None:
        found = lex_in_chunks(source)
        with _LEXED_LOCK:
            while len(_LEXED) >= _LEXED_KEPT:
                _LEXED.pop(next(iter(_LEXED)))
            _LEXED[source] = found
    return found


def forget_lexed() -> None:
    with _LEXED_LOCK:
        _LEXED.clear()
    with _pieces.lock:
        _pieces.clear()
        _by_text.clear()


def lex_in_chunks(source: str) -> Lexed:
    """``source`` lexed exactly as ``Lexer(source).tokenize()`` does, reusing the pieces lexed
    for the last two calls."""
    text = normalized(source)
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    firsts = cuts(lines)
    bounds = [*firsts, len(lines)]
    tokens: list[Token] = []
    diagnostics: list[Diagnostic] = []
    chunks: list[Chunk] = []
    with _pieces.lock:
        k = 0
        while k < len(firsts):
            piece, k = _lex_from(text, starts, firsts, bounds, k)
            tokens.extend(piece.chunk.tokens)
            diagnostics.extend(piece.diagnostics)
            chunks.append(piece.chunk)
        _pieces.next_generation()
        _by_text.next_generation()
    tokens.append(piece.end)
    return Lexed(text, tuple(tokens), tuple(diagnostics), tuple(chunks))


def _lex_from(text: str, starts: list[int], firsts: list[int], bounds: list[int],
              k: int) -> tuple[_LexedPiece, int]:
    """The piece starting at cut ``k``, and the cut after it: alone, joined to the next piece
    when it leaves something open, else with the whole rest of the dialog."""
    last = len(firsts)
    for end in (k + 1, k + 2, last):
        end = min(end, last)
        first = firsts[k]
        piece_text = text[starts[first]:starts[bounds[end]]] if end < last else \
            text[starts[first]:]
        piece = _lexed(piece_text, first + 1)
        if piece.closed or end == last:
            return piece, end
    raise AssertionError("unreachable: the last try takes the rest of the dialog")


def _lexed(text: str, first_line: int) -> _LexedPiece:
    key = (text, first_line)
    found = _pieces.get(key)
    if found is None:
        found = _moved(_by_text.get(text), first_line)
    if found is None:
        lexer = Lexer(text, first_line=first_line)
        tokens = lexer.tokenize()
        found = _LexedPiece(Chunk(first_line, text, tuple(tokens[:-1])), tokens[-1],
                            tuple(lexer.diagnostics), not lexer.reached_end)
    _pieces.put(key, found)
    _by_text.put(text, found)
    return found


def _moved(piece: _LexedPiece | None, first_line: int) -> _LexedPiece | None:
    """``piece`` lexed at ``first_line`` instead: the lexer counts lines and nothing else
    depends on where the text stands. None when its diagnostics (which may quote a line
    number in their message) would have to move too."""
    if piece is None or piece.diagnostics:
        return None
    delta = first_line - piece.chunk.first_line
    chunk = Chunk(first_line, piece.chunk.text, shifted_tokens(piece.chunk.tokens, delta))
    return _LexedPiece(chunk, shifted_token(piece.end, delta), (), piece.closed)
