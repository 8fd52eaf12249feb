"""Recursive-descent parser: tokens → :class:`~interpreter.syntax.nodes.Program`.

The dialect is tolerant, as real dialogs need: keywords are not reserved (a line
``word = …`` is an assignment first), multi-word keywords may use spaces or underscores,
and both ``NEXT``/``END FOR``, ``ELSE IF``/``ELSEIF`` etc. close blocks. Errors are
collected per statement so one run of ``check`` reports all of them.

This module holds the program and block structure and the entry points; the token cursor is
``cursor.ParserCore``, and the rules are mixins on it: ``parse_statements`` (with ``parse_blocks``), ``parse_expressions`` and
``parse_keywords`` (keyword phrases in statements and expressions alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from ...errors import BasicSyntaxError, Diagnostic, Severity
from .. import nodes as n
from ..lexer import Kind, Lexed, Token
from ..nesting import MAX_BLOCK_DEPTH, too_deep
from ..pieces.lexing import lex_dialog
from ..suggestions import closest
from .expressions import ExpressionRules
from .keywords import KeywordRules
from .parse_error import ParseError
from .statements import StatementRules
from .typos import leading_words, misspelled_keyword

_T = TypeVar("_T")


_END_BLOCKS = {"IF", "FOR", "SUB", "FUNCTION", "SELECT", "SWITCH", "WITH", "WHILE", "ON",
               "SCHEDULE", "TALK", "TABLE"}
_END_WORDS = sorted(_END_BLOCKS)
# What ends a block, by the first word of the statement that opens it.
_CLOSERS_OF = {"IF": ("END IF",), "FOR": ("NEXT", "END FOR"), "DO": ("LOOP",),
               "WHILE": ("WEND", "END WHILE"), "SELECT": ("END SELECT",),
               "SWITCH": ("END SWITCH",), "SUB": ("END SUB",), "FUNCTION": ("END FUNCTION",),
               "WITH": ("END WITH",), "ON": ("END ON",), "SCHEDULE": ("END SCHEDULE",)}
_CLOSERS = frozenset(c for closers in _CLOSERS_OF.values() for c in closers)


class Parser(StatementRules, ExpressionRules, KeywordRules):
    """The rules over one token list (the cursor and its state: ``ParserCore``)."""

    # ------------------------------------------------------------ line shapes

    def terminator(self) -> str | None:
        """The block-closing word(s) this line starts with, if any."""
        t = self.tok
        if t.kind is not Kind.IDENT or self.is_assignment_line():
            return None
        w = t.upper
        if w == "END":
            nxt = self.peek()
            if nxt.kind is Kind.IDENT and nxt.upper in _END_BLOCKS:
                return "END " + nxt.upper
            meant = self.misspelled_end()
            return None if meant is None else "END " + meant
        if w in ("ENDIF", "END_IF"):
            return "END IF"
        if w == "NEXT" and self.statement_phrase() is not None:
            return None  # NEXT IN QUEUE is a keyword, not the end of a FOR loop
        if w in ("NEXT", "LOOP", "WEND", "ELSEIF"):
            return w
        if w == "ELSE":
            return "ELSEIF" if self.peek().kind is Kind.IDENT and self.peek().upper == "IF" \
                else "ELSE"
        if w == "CASE":
            return "CASE"
        if w == "DEFAULT" and self.peek().kind in (Kind.NEWLINE, Kind.EOF):
            return "DEFAULT"
        return None

    def misspelled_end(self) -> str | None:
        """The block an ``END`` line closes when its second word misspells one (END IFF):
        taken as that END, so the block is not reported unclosed as well."""
        word, after = self.peek(), self.peek(2)
        if word.kind is not Kind.IDENT or after.kind not in (Kind.NEWLINE, Kind.EOF):
            return None
        return closest(word.upper, _END_WORDS)

    def as_written(self, term: str) -> str:
        """``term`` as the line spells it when it is a misspelled END (END IFF)."""
        if self.tok.upper == "END" and self.peek().upper != term[4:]:
            return f"{self.tok.text} {self.peek().text}"
        return term

    def consume_terminator(self, term: str) -> None:
        written = self.as_written(term)
        if written != term:
            self.error(f"unknown keyword '{written}' (did you mean {term}?)", self.tok,
                       end_col=self.peek().end_col)
        self.advance()
        if term.startswith("END ") or (term == "ELSEIF" and self.at_word("IF")):
            self.advance()

    # ------------------------------------------------------------ program and blocks

    def parse_program(self) -> n.Program:
        body: list[n.Node] = []
        while True:
            body.extend(self.block())
            if self.tok.kind is Kind.EOF:
                break
            term = self.terminator()
            shown = self.as_written(term) if term else self.tok.describe()
            self.error(f"{shown} without a matching opening statement", self.tok)
            self.skip_line()
        body = [s for s in body if not isinstance(s, n.SubDef)]
        return n.Program(self.file, body, self.subs.own, self.params, self.descriptions,
                         self.tables, self.names.own, self.source, frozenset(self.statement_lines),
                         frozenset(self.closer_lines))

    def block(self) -> list[n.Node]:
        """Statements up to (not including) a block terminator or end of file."""
        self.block_depth += 1
        try:
            if self.block_depth > MAX_BLOCK_DEPTH:
                raise self.fail(f"blocks are nested too deeply (more than {MAX_BLOCK_DEPTH} "
                                 f"levels)", self.tok)
            return self._block()
        finally:
            self.block_depth -= 1

    def _block(self) -> list[n.Node]:
        body: list[n.Node] = []
        while True:
            self.skip_newlines()
            if self.tok.kind is Kind.EOF or self.terminator():
                return body
            self.recover(lambda: self.statement_into(body))

    def statement_into(self, body: list[n.Node]) -> None:
        """One statement onto ``body``, then the check that it ends the line (a statement
        with junk after it stays in the best-effort program). A line that fails because its
        first words misspell a keyword is reported at the typo."""
        start = self.i
        try:
            self.checked_statement_into(body)
        except ParseError as e:
            raise self.misspelling(start) or e

    def misspelling(self, start: int) -> ParseError | None:
        if self.is_assignment_line(start):
            return None
        words = leading_words(self.toks, start)
        found = misspelled_keyword(
            words, lambda w: w in self.names or self.subs.line_of(w) is not None)
        if found is None:
            return None
        message, used = found
        return ParseError(message, words[0], words[used - 1].end_col)

    def checked_statement_into(self, body: list[n.Node]) -> None:
        self.open_statements += 1
        try:
            stmt = self.statement()
        finally:
            self.open_statements -= 1
        if stmt is not None:
            body.append(stmt)
        if not self.at_eol() and self.toks[self.i - 1].kind is not Kind.NEWLINE:
            if self.at_op(")", "]", "}"):  # LEN("abc"))
                raise self.fail(f"'{self.tok.value}' has no matching opening bracket", self.tok)
            raise self.fail(f"unexpected {self.tok.describe()} after the statement", self.tok)

    def recover(self, rule: Callable[[], _T]) -> _T | None:
        """Run ``rule``; on a syntax error report it, skip the rest of the line, give None
        (so one run of ``check`` reports every bad line)."""
        start = self.i
        try:
            return rule()
        except ParseError as e:
            self.error(e.message, e.tok, end_col=e.end_col)
            if self.i == start:
                self.advance()
            self.skip_line()
            return None

    def expression_only(self) -> n.Node | None:
        """The expression the tokens hold, or None when they hold anything else."""
        try:
            node = self.expression()
        except ParseError:
            return None
        if self.tok.kind not in (Kind.NEWLINE, Kind.EOF):
            return None
        return node

    def close_block(self, opener: Token, what: str, expected: tuple[str, ...]) -> str | None:
        """Consume the terminator that closes ``what``; report a missing one at the opener."""
        term = self.terminator()
        if term in expected:
            self.consume_terminator(term)
            return term
        wanted = " or ".join(expected)
        found = self.as_written(term) if term else "end of file"
        if term in _CLOSERS and not any(
                term in _CLOSERS_OF.get(w, ()) for w in self.open_words[:-1]):
            # WHILE … LOOP, FUNCTION … END SUB: no enclosing block ends there, so this
            # closer was meant for this block; taking it leaves no stray closer to report.
            self.error(f"{what} at line {opener.line} ends with {found}: expected {wanted}",
                       self.tok)
            self.skip_to_eol()
            return None
        self.error(f"{what} at line {opener.line} is not closed: expected {wanted}, "
                   f"found {found}", opener if term is None else self.tok)
        return None


# Builds the program from a dialog's tokens: (the lexed dialog, its source, the file name) ->
# (the program, the parser's own diagnostics, then those of ``too_deep`` for its statements).
ProgramBuilder = Callable[[Lexed, str, str], tuple[n.Program, list[Diagnostic]]]


def parse(source: str, file: str = "<script>") -> tuple[n.Program, list[Diagnostic]]:
    """Parse ``source``; returns the program (best effort) and all syntax diagnostics."""
    return parse_with(source, file, whole_program)


def whole_program(lexed: Lexed, source: str, file: str) -> tuple[n.Program, list[Diagnostic]]:
    """The program of the whole token list, parsed in one go."""
    parser = Parser(list(lexed.tokens), file, source)
    program = parser.parse_program()
    return program, parser.diagnostics + too_deep(program)


def parse_with(source: str, file: str,
               build: ProgramBuilder) -> tuple[n.Program, list[Diagnostic]]:
    """:func:`parse`, with ``build`` making the program from the tokens (``parser.pieces``
    parses by pieces)."""
    program, diagnostics, tokens = _parse_once(source, file, build)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return _blame_unclosed_string(source, file, program, diagnostics, tokens, build)
    return program, diagnostics


def _parse_once(source: str, file: str,
                build: ProgramBuilder) -> tuple[n.Program, list[Diagnostic], list[Token]]:
    lexed = lex_dialog(source)
    diagnostics = [replace(d, file=file) for d in lexed.diagnostics]
    program, found = build(lexed, source, file)
    # A lexical error already explains its line; the parser's follow-on error there is noise.
    lexical_lines = {d.line for d in diagnostics}
    all_diags = sorted(diagnostics + [d for d in found if d.line not in lexical_lines],
                       key=lambda d: (d.line, d.col))
    return program, all_diags, list(lexed.tokens)


_REPAIRS = 3  # unclosed strings tried per parse (each try parses the file once more)


def _blame_unclosed_string(source: str, file: str, program: n.Program,
                           diagnostics: list[Diagnostic], tokens: list[Token],
                           build: ProgramBuilder) -> tuple[n.Program, list[Diagnostic]]:
    """A string may span lines, so a missing closing quote pairs the string with the next
    quote in the file and the errors show up lines later. When closing a string that spans
    lines at the end of its first line removes errors, that string was the mistake: report
    it where it opens, with the errors left after the repair."""
    blamed: list[Diagnostic] = []
    for _ in range(_REPAIRS):
        opened = _first_multiline_string(tokens)
        if opened is None:
            break
        lines = source.split("\n")
        row = lines[opened.line - 1]
        end = len(row.rstrip("\r"))
        lines[opened.line - 1] = row[:end] + opened.quote + row[end:]
        repaired = "\n".join(lines)
        program2, diagnostics2, tokens2 = _parse_once(repaired, file, build)
        if _error_count(diagnostics2) >= _error_count(diagnostics):
            break
        blamed.append(Diagnostic(file, opened.line, opened.col, Severity.ERROR,
                                 f"string is never closed on its line (missing "
                                 f"{opened.quote})", opened.col + 1))
        source, program, diagnostics, tokens = repaired, program2, diagnostics2, tokens2
    return program, sorted(blamed + diagnostics, key=lambda d: (d.line, d.col))


def _first_multiline_string(tokens: list[Token]) -> Token | None:
    for k, tok in enumerate(tokens[:-1]):
        if tok.kind is Kind.STRING and tokens[k + 1].line > tok.line and tok.quote:
            return tok
    return None


def _error_count(diagnostics: list[Diagnostic]) -> int:
    return sum(d.severity is Severity.ERROR for d in diagnostics)


def parse_or_raise(source: str, file: str = "<script>") -> n.Program:
    """Parse ``source``; raise :class:`BasicSyntaxError` with every error if there are any."""
    program, diagnostics = parse(source, file)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise BasicSyntaxError(errors)
    return program
