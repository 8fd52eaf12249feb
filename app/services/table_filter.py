"""The FIND/UPDATE/DELETE filter, compiled to a SQL WHERE with bound values.

A filter reaches the host as an ``interpreter.ports.where`` tree (a WHERE the compiler already
parsed) or as text known only at run time; the text is parsed here, once, into the same tree
(``parse_filter``), and ``compile_filter`` turns either tree into SQL.

Accepted text (reference §4.12): ``col op value`` with ``= == != <> < > <= >= LIKE``,
``NOT LIKE``, ``IN (a, b)`` (a list bound to a ``?`` there stands for its items),
``IS [NOT] NULL``, joined by ``AND``/``OR``/``NOT`` and parentheses; the original ``col=value``
form where the value is the unquoted rest (``"ACTION=EMUL"``, ``"name=Ann Lee"``); the Node-era
comma list ``"a=1,b=2"`` (= AND); and ``?`` placeholders bound to given values. An
``=``/``<>``/``IN`` value the column cannot hold (``id = "Ann"`` on a number column) equals no
row instead of failing.

Column names are checked against the table (no identifier ever comes from user text unchecked)
and every value is a bound parameter, converted to the column's kind so PostgreSQL compares
like with like. A LIKE pattern without ``%``/``_`` matches as "contains", case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from interpreter.ports import where as w
from interpreter.ports.data import Filter

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^']|'')*'|"(?:[^"]|"")*")
    | (?P<op><=|>=|<>|!=|==|=|<|>)
    | (?P<punct>[(),?])
    | (?P<word>[^\s()=<>!,?'"]+)
    )""", re.VERBOSE)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_CONNECTORS = {"AND", "OR"}


@dataclass(frozen=True)
class Token:
    kind: str  # str, op, punct, word, end
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Where:
    sql: str  # "" when the filter matches every row
    params: tuple[Any, ...]


# convert(column, value) -> the value as the column stores it (raises ValueError)
Converter = Callable[[str, Any], Any]
_SQL_OPS: dict[str, w.CompareOp] = {"=": "=", "==": "=", "!=": "<>", "<>": "<>", "<": "<",
                                    ">": ">", "<=": "<=", ">=": ">="}


def compile_filter(where: Filter, columns: Mapping[str, str], convert: Converter, *,
                   param: str = "?", ilike: str = "LIKE") -> Where:
    """``columns`` maps lower-case names to the real column names of the table."""
    tree = where.tree if where.tree is not None else parse_filter(
        where.text, len(where.params), columns)
    if tree is None:
        return Where("", ())
    compiler = _Compiler(where.params, columns, convert, param, ilike)
    sql = compiler.condition(tree)
    return Where(sql, tuple(compiler.bound))


def parse_filter(text: str, values: int, columns: Mapping[str, str]) -> w.Condition | None:
    """The one parser of filter text: ``text`` with ``values`` values for its ``?`` → a tree
    (None for an empty text, which matches every row). Column names are checked as they are
    read, so the first mistake in the text is the one reported."""
    text = text.strip()
    if not text:
        if values:
            raise ValueError("filter values were given without a filter")
        return None
    parser = _Parser(text, values, columns)
    if _is_comma_list(parser.tokens):
        parser.comma_and = True
    tree = parser.expression()
    if parser.peek().kind != "end":
        raise ValueError(f"unexpected {parser.peek().text!r} in filter {text!r}")
    if parser.used < values:
        raise ValueError(f"filter {text!r} has fewer ? than the {values} values given")
    return tree


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read filter {text!r} at {text[pos:pos + 10]!r}")
        kind = m.lastgroup or "word"
        tokens.append(Token(kind, m.group(kind), m.start(kind), m.end()))
        pos = m.end()
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


def _is_comma_list(tokens: list[Token]) -> bool:
    # "a=1,b=2" (Node era): commas join conditions when there is no AND/OR and no IN list.
    words = {t.text.upper() for t in tokens if t.kind == "word"}
    return any(t.text == "," for t in tokens) and not words & (_CONNECTORS | {"IN"})


def _joined(kind: type[w.And | w.Or], parts: list[w.Condition]) -> w.Condition:
    return parts[0] if len(parts) == 1 else kind(tuple(parts))


class _Parser:
    """Filter text → ``where`` tree; ``?`` becomes ``Param(i)`` in the order written."""

    def __init__(self, text: str, values: int, columns: Mapping[str, str]) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.values = values
        self.used = 0
        self.columns = columns
        self.comma_and = False

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at_word(self, *words: str) -> bool:
        t = self.peek()
        return t.kind == "word" and t.text.upper() in words

    def expression(self) -> w.Condition:
        parts = [self.term()]
        while self.at_word("OR"):
            self.take()
            parts.append(self.term())
        return _joined(w.Or, parts)

    def term(self) -> w.Condition:
        parts = [self.factor()]
        while self.at_word("AND") or (self.comma_and and self.peek().text == ","):
            self.take()
            parts.append(self.factor())
        return _joined(w.And, parts)

    def factor(self) -> w.Condition:
        if self.at_word("NOT"):
            self.take()
            return w.Not(self.factor())
        if self.peek().text == "(":
            self.take()
            inner = self.expression()
            self.expect(")")
            return inner
        return self.condition()

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise ValueError(f"expected {text!r} in filter {self.text!r}")

    def condition(self) -> w.Condition:
        t = self.take()
        if t.kind != "word" or not _IDENT.match(t.text):
            raise ValueError(f"expected a column name in filter {self.text!r}, got {t.text!r}")
        column = t.text
        _real_column(self.columns, column)
        if self.at_word("IS"):
            self.take()
            negate = self.at_word("NOT") and bool(self.take())
            if not self.at_word("NULL"):
                raise ValueError(f"expected NULL after IS in filter {self.text!r}")
            self.take()
            return w.IsNull(column, negate)
        negate = self.at_word("NOT") and bool(self.take())
        if self.at_word("IN"):
            self.take()
            self.expect("(")
            items = [self.value()]
            while self.peek().text == ",":
                self.take()
                items.append(self.value())
            self.expect(")")
            return w.In(column, tuple(items), negate)
        if self.at_word("LIKE"):
            self.take()
            return w.Like(column, self.value(raw=True), negate)
        if negate:
            raise ValueError(f"expected LIKE or IN after NOT in filter {self.text!r}")
        op = self.take()
        if op.kind != "op":
            raise ValueError(f"expected an operator after {t.text!r} in filter {self.text!r}")
        value = self.value()
        if isinstance(value, w.Value) and value.value is None and _SQL_OPS[op.text] not in (
                "=", "<>"):
            raise ValueError(f"cannot compare {t.text!r} {op.text} NULL")
        return w.Compare(column, _SQL_OPS[op.text], value)

    def value(self, raw: bool = False) -> w.Operand:
        t = self.peek()
        if t.text == "?":
            self.take()
            if self.used >= self.values:
                raise ValueError(f"filter {self.text!r} has more ? than values given")
            self.used += 1
            return w.Param(self.used - 1)
        if t.kind == "str":
            self.take()
            quote = t.text[0]
            return w.Value(t.text[1:-1].replace(quote * 2, quote))
        if t.kind != "word":
            raise ValueError(f"expected a value in filter {self.text!r}")
        # An unquoted value runs to the next AND/OR/)/, : "name=Ann Lee" is "Ann Lee".
        start = t.start
        end = t.end
        while self.peek().kind == "word" and self.peek().text.upper() not in _CONNECTORS:
            end = self.take().end
        word = self.text[start:end].strip()
        if word.upper() == "NULL" and not raw:
            return w.Value(None)
        if _NUMBER.match(word) and not raw:
            return w.Value(float(word) if "." in word else int(word))
        return w.Value(word)


def _real_column(columns: Mapping[str, str], written: str) -> str:
    column = columns.get(written.lower())
    if column is None:
        raise ValueError(f"unknown column {written!r} (columns: "
                         f"{', '.join(sorted(columns.values())) or 'none'})")
    return column


class _Compiler:
    """A ``where`` tree → SQL text; every value becomes a bound parameter, in order."""

    def __init__(self, params: tuple[Any, ...], columns: Mapping[str, str], convert: Converter,
                 param: str, ilike: str) -> None:
        self.params = params
        self.columns = columns
        self.convert = convert
        self.param = param
        self.ilike = ilike
        self.bound: list[Any] = []

    def condition(self, tree: w.Condition) -> str:
        if isinstance(tree, (w.And, w.Or)):
            word = " AND " if isinstance(tree, w.And) else " OR "
            return "(" + word.join(self.condition(part) for part in tree.parts) + ")"
        if isinstance(tree, w.Not):
            return f"NOT ({self.condition(tree.operand)})"
        column = _real_column(self.columns, tree.column)
        col = f'"{column}"'
        if isinstance(tree, w.IsNull):
            return f"{col} IS {'NOT ' if tree.negate else ''}NULL"
        if isinstance(tree, w.In):
            return self.in_list(tree, column, col)
        if isinstance(tree, w.Like):
            return self.like(tree, col)
        return self.compare(tree, column, col)

    def value(self, operand: w.Operand) -> Any:
        return self.params[operand.index] if isinstance(operand, w.Param) else operand.value

    def bind(self, column: str, value: Any) -> str:
        self.bound.append(self.convert(column, value))
        return self.param

    def compare(self, tree: w.Compare, column: str, col: str) -> str:
        value = self.value(tree.operand)
        if value is None:
            if tree.op in ("=", "<>"):
                return f"{col} IS {'NOT ' if tree.op == '<>' else ''}NULL"
            raise ValueError(f"cannot compare {tree.column!r} {tree.op} NULL")
        try:
            mark = self.bind(column, value)
        except ValueError:
            # ``id = x OR name LIKE x`` with x = "Ann": a value the column cannot hold is
            # simply not equal to any row; ordering comparisons still fail clearly.
            if tree.op == "=":
                return "1 = 0"
            if tree.op == "<>":
                return f"{col} IS NOT NULL"
            raise
        return f"{col} {tree.op} {mark}"

    def like(self, tree: w.Like, col: str) -> str:
        pattern = str(self.value(tree.pattern))
        if "%" not in pattern and "_" not in pattern:
            pattern = f"%{pattern}%"
        self.bound.append(pattern)
        # CAST: LIKE on a number column works on its text, as in SQLite.
        return f"{'NOT ' if tree.negate else ''}CAST({col} AS TEXT) {self.ilike} {self.param}"

    def in_list(self, tree: w.In, column: str, col: str) -> str:
        marks = []
        for operand in tree.items:
            value = self.value(operand)
            # A list bound to ``?`` (``WHERE id IN ids``) stands for its items.
            for item in value if isinstance(value, (list, tuple)) else [value]:
                try:
                    marks.append(self.bind(column, item))
                except ValueError:  # a value the column cannot hold equals no row
                    continue
        if not marks:  # IN of an empty list: nothing matches (NOT IN: everything)
            return "1 = 1" if tree.negate else "1 = 0"
        return f"{col} {'NOT ' if tree.negate else ''}IN ({', '.join(marks)})"
