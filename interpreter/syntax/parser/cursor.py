"""The parser's typed base: the token cursor with its state, and the helpers every rule uses.

:class:`~interpreter.syntax.parser.core.Parser` is this core plus the rule mixins (``statements``,
``blocks``, ``expressions``, ``keywords``). Each mixin derives from
:class:`ParserCore`, so it sees the cursor with its types; the rules one mixin calls in
another are declared at the end of the class for the type checker only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from ...errors import Diagnostic, Severity
from .. import nodes as n
from ..brackets import closing_bracket, opens_condition
from ..lexer import Kind, Token
from .parse_error import ParseError
from .state import DefinedSubs, KnownNames

if TYPE_CHECKING:
    from .data_forms import Clauses

_T = TypeVar("_T")


class ParserCore:
    """The tokens, the cursor into them and what parsing collects on the way."""

    def __init__(self, tokens: list[Token], file: str, source: str,
                 lines: list[str] | None = None, names: KnownNames | None = None,
                 subs: DefinedSubs | None = None):
        self.toks = tokens
        self.i = 0
        self.file = file
        self.lines = source.split("\n") if lines is None else lines
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.names = KnownNames() if names is None else names
        self.nesting = 0  # inside (), [] or {}: keyword expressions stop at commas
        self.depth = 0  # recursion of expressions and blocks, bounded (hostile input)
        self.block_depth = 0
        self.single_if = 0  # inside ``IF c THEN stmt ELSE stmt``: arguments stop at ELSE
        self.in_sub = False  # inside SUB/FUNCTION (labels and GOTO are the dialog's only)
        self.open_words: list[str] = []  # first words of the statements being parsed
        self.subs = DefinedSubs() if subs is None else subs
        self.params: list[n.Param] = []
        self.descriptions: list[n.Description] = []
        self.tables: list[n.TableDef] = []
        self.statement_lines: set[int] = set()
        self.closer_lines: set[int] = set()
        # Statements being parsed (nested ones count too), and whether one of them went on
        # past the last NEWLINE: a piece of a dialog parsed apart then needs the lines after it
        self.open_statements = 0
        self.read_past_end = False

    # ------------------------------------------------------------ token helpers

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        j = min(self.i + k, len(self.toks) - 1)
        return self.toks[j]

    def advance(self) -> Token:
        t = self.toks[self.i]
        if t.kind is not Kind.EOF:
            self.i += 1
            if t.kind is Kind.NEWLINE and self.open_statements and \
                    self.toks[self.i].kind is Kind.EOF:
                self.read_past_end = True
        return t

    def unit_follows(self, t: Token) -> bool:
        """``()`` written together is Rhai's unit literal, the empty value (one token in
        src/tokenizer.rs; ``( )`` is a parenthesis missing its value there too)."""
        c = self.peek()
        return c.kind is Kind.OP and c.value == ")" and (c.line, c.col) == (t.line, t.col + 1)

    def at_op(self, *ops: str) -> bool:
        t = self.tok
        return t.kind is Kind.OP and t.value in ops

    def at_word(self, *words: str) -> bool:
        t = self.tok
        return t.kind is Kind.IDENT and t.upper in words

    def at_eol(self) -> bool:
        t = self.tok
        return t.kind in (Kind.NEWLINE, Kind.EOF) or (
            self.single_if > 0 and t.kind is Kind.IDENT and t.upper == "ELSE")

    def accept_op(self, op: str) -> bool:
        if self.at_op(op):
            self.advance()
            return True
        return False

    def accept_word(self, word: str) -> bool:
        if self.at_word(word):
            self.advance()
            return True
        return False

    def fail(self, message: str, tok: Token) -> ParseError:
        """A ParseError to raise (the rule mixins, ``data_syntax`` and ``extra_syntax``
        raise these)."""
        return ParseError(message, tok)

    def expect_op(self, op: str, context: str = "") -> Token:
        if not self.at_op(op):
            where = f" {context}" if context else ""
            raise self.fail(f"expected '{op}'{where}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_word(self, word: str, context: str = "") -> Token:
        if not self.at_word(word):
            where = f" {context}" if context else ""
            raise self.fail(f"expected {word}{where}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_ident(self, what: str) -> Token:
        if self.tok.kind is not Kind.IDENT:
            raise self.fail(f"expected {what}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_eol(self, context: str = "") -> None:
        if not self.at_eol():
            where = f" after {context}" if context else ""
            raise self.fail(f"expected end of line{where}, got {self.tok.describe()}", self.tok)

    def skip_to_eol(self) -> None:
        while not self.at_eol():
            self.advance()

    def skip_line(self) -> None:
        self.skip_to_eol()
        if self.tok.kind is Kind.NEWLINE:
            self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind is Kind.NEWLINE:
            self.advance()

    def error(self, message: str, tok: Token, severity: Severity = Severity.ERROR,
              end_col: int = 0) -> None:
        end = end_col or (tok.end_col if tok.end_col > tok.col else tok.col + 1)
        self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, severity, message, end))

    def note_name(self, name: str) -> None:
        self.names.note(name)

    # ------------------------------------------------------------ line shapes

    def is_assignment_line(self, start: int | None = None) -> bool:
        """``word [.x | [i]]* = …`` — an assignment even when ``word`` is a keyword."""
        j = self.i if start is None else start
        toks = self.toks
        if toks[j].kind is not Kind.IDENT:
            return False
        if opens_condition(toks, j):
            return False  # ``IF [a] = [b] THEN``: the converter reads a condition
        j += 1
        while True:
            t = toks[j]
            if t.kind is Kind.OP and t.value in (".", "?.") and toks[j + 1].kind in (
                    Kind.IDENT, Kind.NUMBER):
                j += 2
            elif t.kind is Kind.OP and t.value == "[":
                close = self.closing_bracket(j)
                if close is None:
                    return False
                j = close + 1
            else:
                return t.kind is Kind.OP and t.value == "="

    def closing_bracket(self, j: int) -> int | None:
        """Index of the bracket that closes the one at token ``j``; None when the line ends
        first (the lexer ends every line, the last one too, with a NEWLINE)."""
        return closing_bracket(self.toks, j)

    if TYPE_CHECKING:
        # Rules of the mixins and of Parser that the other mixins (and ``data_syntax``,
        # ``extra_syntax``) call.
        def deeper(self) -> None: ...
        def in_brackets(self) -> AbstractContextManager[None]: ...
        def expression(self) -> n.Node: ...
        def concat(self) -> n.Node: ...
        def postfix(self, node: n.Node) -> n.Node: ...
        def primary(self) -> n.Node: ...
        def name_node(self, t: Token) -> n.Name: ...
        def interpolated(self, text: str, line: int, col: int, t: Token,
                         inert: bool = False) -> n.Node: ...
        def sub_expression(self, source: str, line: int, col: int) -> n.Node | None: ...
        def bracketed_list(self, closer: str = ")",
                           context: str = "to close the argument list") -> list[n.Node]: ...
        def expression_only(self) -> n.Node | None: ...
        def statement(self) -> n.Node | None: ...
        def call_args(self) -> list[n.Node]: ...
        def paren_spans_line(self) -> bool: ...
        def statement_phrase(self) -> tuple[str, int] | None: ...
        def expression_phrase(self) -> tuple[str, int] | None: ...
        def starts_keyword_expression(self, phrase: str, used: int) -> bool: ...
        def keyword_statement(self, t: Token, phrase: str, used: int) -> n.Node: ...
        def keyword_expression(self, t: Token, phrase: str, used: int) -> n.Node: ...
        def keyword_clauses(self, args: list[n.Node],
                            extra: frozenset[str] = frozenset()) -> Clauses: ...
        def keyword_value(self, statement: bool) -> n.Node: ...
        def keyword_commas_allowed(self, statement: bool) -> bool: ...
        def clause_word_is_value(self) -> bool: ...
        def block(self) -> list[n.Node]: ...
        def close_block(self, opener: Token, what: str,
                        expected: tuple[str, ...]) -> str | None: ...
        def terminator(self) -> str | None: ...
        def consume_terminator(self, term: str) -> None: ...
        def recover(self, rule: Callable[[], _T]) -> _T | None: ...
