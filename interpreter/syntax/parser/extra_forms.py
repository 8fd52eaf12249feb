"""Keyword forms with their own words between the arguments, parsed into plain arguments.

* ``CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (col [ASC|DESC], …)`` → the phrase
  ``CREATE INDEX`` / ``CREATE UNIQUE INDEX`` with the literal arguments ``name, table,
  [columns]`` (identifiers, never expressions: an index is a declaration, like ``TABLE``).
* Multi-agent and social forms whose clauses are words, not commas (reference §4.2):
  ``ADD BOT "b" WITH TRIGGER "x"`` → ``clauses["TRIGGER"]``, ``SEND TO BOT "b" MESSAGE "m"``
  → ``clauses["MESSAGE"]``, ``WAIT FOR BOT "b" TIMEOUT 30`` → ``clauses["TIMEOUT"]``,
  ``POST TO "instagram" "hello"`` / ``POST TO instagram, image, caption [AT when]``.

``SEND TO BOT`` and ``POST TO`` end in a word that may be a variable (``SEND TO bot, "hi"``,
``POST to, body``): when a comma, an operator or the end of the line follows it, the line is
re-read as ``SEND TO`` / ``POST``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import nodes as n
from ..lexer import Kind, Token
from .data_forms import Clauses, KeywordArguments

if TYPE_CHECKING:  # parse_keywords imports this module; errors are made with Parser.fail
    from .cursor import ParserCore

INDEX_PHRASES = frozenset({"CREATE INDEX", "CREATE UNIQUE INDEX"})
# Phrase → the words that open a named clause after the first argument.
WORD_CLAUSES: dict[str, frozenset[str]] = {
    "ADD BOT": frozenset({"WITH"}),
    "SEND TO BOT": frozenset({"MESSAGE"}),
    "WAIT FOR BOT": frozenset({"TIMEOUT"}),
    "POST TO": frozenset({"AT"}),
}
EXTRA_PHRASES = INDEX_PHRASES | frozenset(WORD_CLAUSES)
# ``ADD BOT b WITH TRIGGER|TOOLS|SCHEDULE e``: the word after WITH names the clause.
_ADD_BOT_KINDS = ("TRIGGER", "TOOLS", "SCHEDULE")
# When the phrase's last word is a variable, the shorter keyword it is part of.
_FALLBACK = {"SEND TO BOT": "SEND TO", "POST TO": "POST"}
_VALUE_FOLLOWERS = (",", ".", "?.", "[", "&", "+", "-", "*", "/", "=", ")")
# ``POST TO instagram, …``: a bare platform name is the platform, not a variable.
SOCIAL_PLATFORMS = frozenset({"instagram", "facebook", "linkedin", "twitter", "x", "tiktok",
                              "youtube", "threads", "whatsapp", "telegram", "pinterest"})


def parse_extra_keyword(p: ParserCore, t: Token, phrase: str, statement: bool
                        ) -> tuple[str, list[n.Node], Clauses]:
    """Phrase (maybe the shorter fallback), arguments and clauses; the phrase's words are
    already consumed."""
    if phrase in INDEX_PHRASES:
        return phrase, _index(p, t), {}
    fallback = _FALLBACK.get(phrase)
    if fallback is not None and _ends_in_variable(p):
        p.i -= 1  # the last word of the phrase is the first argument
        args: list[n.Node] = []
        clauses = p.keyword_clauses(args)
        return fallback, args, clauses
    return phrase, *_WordClauses(p, phrase, statement).parse()


def _ends_in_variable(p: ParserCore) -> bool:
    tok = p.tok
    return p.at_eol() or (tok.kind is Kind.OP and tok.value in _VALUE_FOLLOWERS)


# ------------------------------------------------------------------ CREATE INDEX


def _index(p: ParserCore, t: Token) -> list[n.Node]:
    if p.at_word("IF"):
        p.advance()
        p.expect_word("NOT", "in CREATE INDEX IF NOT EXISTS")
        p.expect_word("EXISTS", "in CREATE INDEX IF NOT EXISTS")
    name = _identifier(p, "an index name after CREATE INDEX")
    p.expect_word("ON", f"after the index name {name}")
    table = _identifier(p, "a table name after ON")
    p.expect_op("(", f"after the table name {table} (the indexed columns)")
    columns: list[n.Node] = []
    while True:
        col_tok = p.tok
        column = _identifier(p, "a column name")
        if p.at_word("ASC", "DESC"):
            column += " " + p.advance().upper
        columns.append(n.Literal(col_tok.line, col_tok.col, column))
        if not p.accept_op(","):
            break
    p.expect_op(")", "to close the column list")
    if not p.at_eol():
        raise p.fail(f"unexpected {p.tok.describe()} after CREATE INDEX … (…)", p.tok)
    return [n.Literal(t.line, t.col, name), n.Literal(t.line, t.col, table),
            n.ArrayLit(t.line, t.col, columns)]


def _identifier(p: ParserCore, what: str) -> str:
    tok = p.tok
    if tok.kind is Kind.IDENT:
        p.advance()
        return str(tok.value)
    if tok.kind is Kind.STRING and all(isinstance(part, str) for part in tok.parts):
        p.advance()  # "leads": a quoted name, as TABLE headers allow
        return "".join(tok.value)  # type: ignore[arg-type]
    raise p.fail(f"expected {what}, got {tok.describe()}", tok)


# ------------------------------------------------------------------ word clauses


class _WordClauses(KeywordArguments):
    def __init__(self, p: ParserCore, phrase: str, statement: bool) -> None:
        super().__init__(p, phrase, statement)
        self.words = WORD_CLAUSES[phrase]

    def at_clause_word(self) -> bool:
        return self.p.tok.kind is Kind.IDENT and self.p.tok.upper in self.words \
            and not self.p.clause_word_is_value()

    def parse(self) -> tuple[list[n.Node], Clauses]:
        p = self.p
        current = self.args
        if self.phrase == "POST TO" and p.tok.kind is Kind.IDENT \
                and p.tok.text.lower() in SOCIAL_PLATFORMS:
            tok = p.advance()
            self.args.append(n.Literal(tok.line, tok.col, tok.text.lower()))
        separated = True  # an expression takes a value only after a comma or clause word
        while not p.at_eol() and not p.at_op(")"):
            if self.at_clause_word():
                current = self.open_clause()
                separated = True
                continue
            if p.at_op(","):
                if not self.commas_allowed():
                    break
                p.advance()
                separated = True
                continue
            if not (self.statement or separated):
                break
            if self.statement and p.at_word("INTO") and not p.clause_word_is_value():
                into = p.advance()
                target = p.expect_ident("a variable after INTO")
                self.clauses["INTO"] = [p.postfix(p.name_node(target))]
                if not p.at_eol():
                    raise p.fail(f"unexpected {p.tok.describe()} after INTO", into)
                break
            current.append(self.value())
            separated = False
        return self.args, self.clauses

    def open_clause(self) -> list[n.Node]:
        p = self.p
        word = p.advance()
        name = word.upper
        if self.phrase == "ADD BOT" and name == "WITH":
            if not p.at_word(*_ADD_BOT_KINDS):
                raise p.fail(f"expected TRIGGER, TOOLS or SCHEDULE after ADD BOT … WITH, got "
                             f"{p.tok.describe()}", p.tok)
            name = p.advance().upper
        if name in self.clauses:
            raise p.fail(f"{self.phrase} has more than one {name} clause", word)
        if p.at_eol():
            raise p.fail(f"expected a value after {name}", p.tok)
        self.clauses[name] = []
        return self.clauses[name]
