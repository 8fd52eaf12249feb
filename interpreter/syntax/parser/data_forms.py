"""The SQL-like forms of the table keywords (reference §4.12–4.13), parsed into plain arguments.

Every form ends up as the argument/clause shape the handlers of ``keywords/data.py`` already
take, so the compiler needs nothing special:

* ``FIND "t" WHERE email = email AND score >= 50`` → ``clauses["WHERE"] =
  [Literal(And((Compare("email", "=", Param(0)), Compare("score", ">=", Param(1))))), email,
  50]``: the condition is parsed here, once, into an ``interpreter.ports.where`` tree that the
  host compiles to SQL without reading text again. Column names are checked as identifiers
  here and against the table at run time; right-hand sides are BASIC expressions evaluated in
  the script and always passed as bound values, never spliced into text.
* ``ORDER BY name DESC`` → ``clauses["ORDER"]``, ``LIMIT n`` → ``clauses["LIMIT"]``, a
  ``FIRST`` suffix → ``clauses["FIRST"]`` (one row or NULL).
* ``INSERT INTO "t" VALUES m`` / ``INSERT INTO "t", a, b`` → ``INSERT "t", …`` (INTO here names
  the table; a trailing ``INTO x`` still stores the result).
* ``UPDATE "t" SET a = x, b = y WHERE …`` → ``clauses["SET"] = [{a: x, b: y}]`` plus WHERE.
* ``DELETE FROM "t" WHERE …`` → ``DELETE "t"`` plus WHERE; ``MERGE "t" WITH rows BY "key"`` →
  ``MERGE "t", rows, "key"``.

The same code serves the statement form and the expression form (``n = UPDATE …``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...ports import where as w
from .. import nodes as n
from ..lexer import Kind, Token
from .expressions import COMPARISON_OPS

if TYPE_CHECKING:  # parse_keywords imports this module; errors are made with Parser.fail
    from .cursor import ParserCore

DATA_PHRASES = frozenset({"FIND", "SAVE", "INSERT", "UPDATE", "DELETE", "MERGE"})

_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONDITION_WORDS = {"LIKE", "IN", "IS", "NOT", "CONTAINS"}
# The comparison operators a WHERE tree holds (``COMPARISON_OPS`` already maps == and !=).
_SQL_OPS: dict[str, w.CompareOp] = {"=": "=", "<>": "<>", "<": "<", ">": ">", "<=": "<=",
                                    ">=": ">="}
# Words that end a WHERE value list or start a suffix.
_SUFFIXES = ("WHERE", "ORDER", "LIMIT", "FIRST", "INTO")

# Clause word → its values (``parse_keywords`` and ``extra_syntax`` use this shape too).
Clauses = dict[str, list[n.Node]]


def parse_data_keyword(p: ParserCore, t: Token, phrase: str, statement: bool
                       ) -> tuple[list[n.Node], Clauses]:
    """Arguments and clauses of a table keyword; the phrase's words are already consumed."""
    return _DataParser(p, t, phrase, statement).parse()


class KeywordArguments:
    """The state and two shared rules of a keyword's special argument parser (here and in
    ``extra_syntax``)."""

    def __init__(self, p: ParserCore, phrase: str, statement: bool) -> None:
        self.p = p
        self.phrase = phrase
        self.statement = statement
        self.args: list[n.Node] = []
        self.clauses: Clauses = {}

    def value(self) -> n.Node:
        """One argument; in an expression an operand, so ``x = FIND "t", f AND y`` keeps
        its AND."""
        return self.p.keyword_value(self.statement)

    def commas_allowed(self) -> bool:
        return self.p.keyword_commas_allowed(self.statement)


class _DataParser(KeywordArguments):
    def __init__(self, p: ParserCore, t: Token, phrase: str, statement: bool) -> None:
        super().__init__(p, phrase, statement)
        self.t = t

    # ------------------------------------------------------------ shared pieces

    def comma_values(self) -> None:
        while self.commas_allowed() and self.p.accept_op(","):
            self.args.append(self.value())

    def fail(self, message: str, tok: Token | None = None) -> Exception:
        return self.p.fail(message, tok or self.p.tok)

    def add_clause(self, name: str, items: list[n.Node], tok: Token) -> None:
        if name in self.clauses:
            raise self.fail(f"{self.phrase} has more than one {name} clause", tok)
        self.clauses[name] = items

    def table(self) -> None:
        if self.p.at_eol() or self.p.at_op(",", ")"):
            raise self.fail(f"{self.phrase} needs a table name, got {self.p.tok.describe()}")
        self.args.append(self.p.concat())

    # ------------------------------------------------------------ the keywords

    def parse(self) -> tuple[list[n.Node], Clauses]:
        getattr(self, "parse_" + self.phrase.lower())()
        self.suffixes()
        return self.args, self.clauses

    def parse_find(self) -> None:
        self.table()
        self.comma_values()

    parse_save = parse_find  # SAVE "t", row … has FIND's shape

    def parse_insert(self) -> None:
        self.p.accept_word("INTO")  # INSERT INTO "t": INTO names the table, not a target
        self.table()
        if self.p.at_word("VALUES"):
            self.p.advance()
            self.args.append(self.value())
        self.comma_values()

    def parse_update(self) -> None:
        self.table()
        if self.p.at_word("SET"):
            set_tok = self.p.advance()
            self.add_clause("SET", [self.assignments(set_tok)], set_tok)
            return
        self.comma_values()

    def assignments(self, set_tok: Token) -> n.MapLit:
        pairs: list[tuple[str, n.Node]] = []
        while True:
            column = self.column("after SET")
            self.p.expect_op("=", f"after {column} in UPDATE … SET")
            pairs.append((column, self.p.expression()))
            # A comma continues the list only before another ``column =``.
            nxt, after = self.p.peek(), self.p.peek(2)
            if not (self.p.at_op(",") and nxt.kind is Kind.IDENT and after.kind is Kind.OP
                    and after.value == "="):
                break
            self.p.advance()
        return n.MapLit(set_tok.line, set_tok.col, pairs)

    def parse_delete(self) -> None:
        nxt = self.p.peek()
        if self.p.at_word("FROM") and not (nxt.kind is Kind.OP and nxt.value in (",", ")")):
            self.p.advance()  # DELETE FROM "t" (``DELETE from, …`` keeps a variable)
        self.table()
        self.comma_values()

    def parse_merge(self) -> None:
        self.table()
        if self.p.at_word("WITH"):
            self.p.advance()
            self.args.append(self.value())
            self.p.expect_word("BY", "in MERGE \"table\" WITH rows BY \"key\"")
            self.args.append(self.value())
            return
        self.comma_values()

    # ------------------------------------------------------------ WHERE, ORDER BY, LIMIT, FIRST

    def suffixes(self) -> None:
        while self.p.tok.kind is Kind.IDENT and not self.p.at_eol():
            tok = self.p.tok
            word = tok.upper
            if word == "WHERE" and self.phrase in ("FIND", "UPDATE", "DELETE"):
                self.p.advance()
                self.add_clause("WHERE", self.where(tok), tok)
            elif word == "ORDER" and self.phrase == "FIND":
                self.p.advance()
                self.p.expect_word("BY", "after ORDER")
                self.add_clause("ORDER", [self.order_by(tok)], tok)
            elif word == "LIMIT" and self.phrase == "FIND":
                self.p.advance()
                self.add_clause("LIMIT", [self.p.concat()], tok)
            elif word == "FIRST" and self.phrase == "FIND":
                self.p.advance()
                self.add_clause("FIRST", [n.Literal(tok.line, tok.col, True)], tok)
            elif word == "INTO" and self.statement:
                self.p.advance()
                target = self.p.expect_ident("a variable after INTO")
                self.add_clause("INTO", [self.p.postfix(self.p.name_node(target))], tok)
            else:
                return
        if "WHERE" in self.clauses and self.phrase != "UPDATE" and len(self.args) > 1:
            raise self.fail(f"{self.phrase} takes a filter text or a WHERE clause, not both",
                            self.t)
        if "SET" in self.clauses and len(self.args) > 1:
            raise self.fail("UPDATE … SET takes no other arguments", self.t)

    def where(self, where_tok: Token) -> list[n.Node]:
        p = self.p
        if p.at_eol() or p.at_op(",", ")"):
            raise self.fail(f"expected a condition after WHERE, got {p.tok.describe()}")
        if p.tok.kind is Kind.STRING or (p.tok.kind is Kind.IDENT and self.ends_here(1)):
            # WHERE "status = 'open'" (filter text, maybe with ? values) or WHERE filter_var
            items = [p.concat()]
            while self.commas_allowed() and p.accept_op(","):
                items.append(p.concat())
            return items
        condition = _Condition(self)
        tree = condition.disjunction()
        return [n.Literal(where_tok.line, where_tok.col, tree), *condition.values]

    def ends_here(self, k: int) -> bool:
        """True when the token ``k`` ahead ends the clause (end of line or a suffix word)."""
        tok = self.p.peek(k)
        return tok.kind in (Kind.NEWLINE, Kind.EOF) or (
            tok.kind is Kind.OP and tok.value in (",", ")")) or (
            tok.kind is Kind.IDENT and tok.upper in _SUFFIXES + ("ELSE",))

    def order_by(self, order_tok: Token) -> n.Node:
        if self.p.tok.kind is Kind.STRING:  # ORDER BY "name DESC" (a text, maybe built)
            return self.p.concat()
        parts: list[str] = []
        while True:
            column = self.column("after ORDER BY")
            if self.p.at_word("ASC", "DESC"):
                column += " " + self.p.advance().upper
            parts.append(column)
            if not (self.p.at_op(",") and self.p.peek().kind is Kind.IDENT):
                break
            self.p.advance()
        return n.Literal(order_tok.line, order_tok.col, ", ".join(parts))

    def column(self, where: str) -> str:
        tok = self.p.tok
        if tok.kind is not Kind.IDENT or not _COLUMN.match(str(tok.value)):
            raise self.fail(f"expected a column name {where}, got {tok.describe()}", tok)
        self.p.advance()
        return str(tok.value)


class _Condition:
    """``col op value`` terms joined by AND/OR/NOT and parentheses → a ``where`` tree whose
    ``Param(i)`` is the i-th value expression."""

    def __init__(self, owner: _DataParser) -> None:
        self.owner = owner
        self.p = owner.p
        self.values: list[n.Node] = []

    def disjunction(self) -> w.Condition:
        parts = self.chain("OR", "||", self.conjunction)
        return parts[0] if len(parts) == 1 else w.Or(parts)

    def conjunction(self) -> w.Condition:
        parts = self.chain("AND", "&&", self.factor)
        return parts[0] if len(parts) == 1 else w.And(parts)

    def chain(self, word: str, symbol: str, operand: Callable[[], w.Condition]
              ) -> tuple[w.Condition, ...]:
        """``operand`` terms joined by ``word`` or its ``symbol``."""
        parts = [operand()]
        while self.p.at_word(word) or self.p.at_op(symbol):
            self.p.advance()
            parts.append(operand())
        return tuple(parts)

    def factor(self) -> w.Condition:
        p = self.p
        p.deeper()  # NOT and parentheses recurse: bounded like every expression
        try:
            if p.at_word("NOT") or p.at_op("!"):
                p.advance()
                return w.Not(self.factor())
            if p.at_op("("):
                p.advance()
                inner = self.disjunction()
                p.expect_op(")", "to close the condition")
                return inner
            return self.comparison()
        finally:
            p.depth -= 1

    def comparison(self) -> w.Condition:
        p = self.p
        column = self.owner.column("in WHERE")
        tok = p.tok
        if tok.kind is Kind.OP and tok.value in COMPARISON_OPS:
            p.advance()
            return w.Compare(column, _SQL_OPS[COMPARISON_OPS[tok.value]], self.bound())
        if tok.kind is not Kind.IDENT or tok.upper not in _CONDITION_WORDS:
            raise p.fail(f"expected a comparison after {column} in WHERE (=, <>, <, >, "
                             f"LIKE, IN, IS NULL), got {tok.describe()}", tok)
        p.advance()
        if tok.upper == "IS":
            negate = p.accept_word("NOT")
            p.expect_word("NULL", "after IS")
            return w.IsNull(column, negate)
        negate = tok.upper == "NOT"
        op_tok = p.advance() if negate else tok
        op = op_tok.upper if op_tok.kind is Kind.IDENT else ""
        if op not in ("LIKE", "IN", "CONTAINS"):
            raise p.fail(f"expected LIKE or IN after NOT, got {op_tok.describe()}", op_tok)
        if op == "IN":
            return w.In(column, self.in_list(), negate)
        return w.Like(column, self.bound(), negate)  # CONTAINS: a LIKE without wildcards

    def in_list(self) -> tuple[w.Operand, ...]:
        """``IN (a, b, c)`` or ``IN list`` (a list value expands when bound)."""
        p = self.p
        if not p.at_op("("):
            return (self.bound(),)
        p.advance()
        with p.in_brackets():
            marks = [self.bound()]
            while p.accept_op(","):
                marks.append(self.bound())
        p.expect_op(")", "to close the IN list")
        return tuple(marks)

    def bound(self) -> w.Param:
        p = self.p
        if p.at_eol() or p.tok.kind is Kind.IDENT and p.tok.upper in ("AND", "OR"):
            raise p.fail(f"expected a value in WHERE, got {p.tok.describe()}", p.tok)
        self.values.append(p.concat())
        return w.Param(len(self.values) - 1)
