"""The FIND/UPDATE/DELETE filter mini-language, compiled to a SQL WHERE with bound values.

Accepted (reference §4.12): ``col op value`` with ``= == != <> < > <= >= LIKE``, ``NOT LIKE``,
``IN (a, b)`` (a list bound to a ``?`` there stands for its items), ``IS [NOT] NULL``, joined by
``AND``/``OR``/``NOT`` and parentheses; the original ``col=value`` form where the value is the
unquoted rest (``"ACTION=EMUL"``, ``"name=Ann Lee"``); the Node-era comma list ``"a=1,b=2"``
(= AND); and ``?`` placeholders bound to given values. An ``=``/``<>``/``IN`` value the column
cannot hold (``id = "Ann"`` on a number column) equals no row instead of failing.

Column names are checked against the table (no identifier ever comes from user text unchecked)
and every value is a bound parameter, converted to the column's kind so PostgreSQL compares
like with like. A LIKE pattern without ``%``/``_`` matches as "contains", case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def compile_filter(text: str, values: Sequence[Any], columns: Mapping[str, str],
                   convert: Converter, *, param: str = "?", ilike: str = "LIKE") -> Where:
    """``columns`` maps lower-case names to the real column names of the table."""
    text = text.strip()
    if not text:
        if values:
            raise ValueError("filter values were given without a filter")
        return Where("", ())
    parser = _Parser(text, list(values), columns, convert, param, ilike)
    if _is_comma_list(parser.tokens):
        parser.comma_and = True
    sql = parser.expression()
    if parser.peek().kind != "end":
        raise ValueError(f"unexpected {parser.peek().text!r} in filter {text!r}")
    if parser.values:
        raise ValueError(f"filter {text!r} has fewer ? than the {len(values)} values given")
    return Where(sql, tuple(parser.params))


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


class _Parser:
    def __init__(self, text: str, values: list[Any], columns: Mapping[str, str],
                 convert: Converter, param: str, ilike: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.values = values
        self.columns = columns
        self.convert = convert
        self.param = param
        self.ilike = ilike
        self.params: list[Any] = []
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

    def expression(self) -> str:
        parts = [self.term()]
        while self.at_word("OR"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def term(self) -> str:
        parts = [self.factor()]
        while self.at_word("AND") or (self.comma_and and self.peek().text == ","):
            self.take()
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def factor(self) -> str:
        if self.at_word("NOT"):
            self.take()
            return f"NOT ({self.factor()})"
        if self.peek().text == "(":
            self.take()
            inner = self.expression()
            self.expect(")")
            return f"({inner})"
        return self.condition()

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise ValueError(f"expected {text!r} in filter {self.text!r}")

    def condition(self) -> str:
        t = self.take()
        if t.kind != "word" or not _IDENT.match(t.text):
            raise ValueError(f"expected a column name in filter {self.text!r}, got {t.text!r}")
        column = self.columns.get(t.text.lower())
        if column is None:
            raise ValueError(f"unknown column {t.text!r} (columns: "
                             f"{', '.join(sorted(self.columns.values())) or 'none'})")
        col = f'"{column}"'
        if self.at_word("IS"):
            self.take()
            negate = self.at_word("NOT") and bool(self.take())
            if not self.at_word("NULL"):
                raise ValueError(f"expected NULL after IS in filter {self.text!r}")
            self.take()
            return f"{col} IS {'NOT ' if negate else ''}NULL"
        negate = self.at_word("NOT") and bool(self.take())
        if self.at_word("IN"):
            self.take()
            self.expect("(")
            items = self.in_items(column)
            while self.peek().text == ",":
                self.take()
                items += self.in_items(column)
            self.expect(")")
            if not items:  # IN of an empty list: nothing matches (NOT IN: everything)
                return "1 = 1" if negate else "1 = 0"
            return f"{col} {'NOT ' if negate else ''}IN ({', '.join(items)})"
        if self.at_word("LIKE"):
            self.take()
            pattern = str(self.value(column, raw=True))
            if "%" not in pattern and "_" not in pattern:
                pattern = f"%{pattern}%"
            self.params.append(pattern)
            return f"{'NOT ' if negate else ''}{self._like(col)} {self.param}"
        if negate:
            raise ValueError(f"expected LIKE or IN after NOT in filter {self.text!r}")
        op = self.take()
        if op.kind != "op":
            raise ValueError(f"expected an operator after {t.text!r} in filter {self.text!r}")
        value = self.value(column)
        sql_op = {"==": "=", "!=": "<>"}.get(op.text, op.text)
        if value is None:
            if sql_op in ("=", "<>"):
                return f"{col} IS {'NOT ' if sql_op == '<>' else ''}NULL"
            raise ValueError(f"cannot compare {t.text!r} {op.text} NULL")
        try:
            mark = self.bind(column, value)
        except ValueError:
            # ``id = x OR name LIKE x`` with x = "Ann": a value the column cannot hold is
            # simply not equal to any row; ordering comparisons still fail clearly.
            if sql_op == "=":
                return "1 = 0"
            if sql_op == "<>":
                return f"{col} IS NOT NULL"
            raise
        return f"{col} {sql_op} {mark}"

    def _like(self, col: str) -> str:
        # CAST: LIKE on a number column works on its text, as in SQLite.
        return f"CAST({col} AS TEXT) {self.ilike}"

    def in_items(self, column: str) -> list[str]:
        # A list bound to ``?`` (``WHERE id IN ids``) stands for its items.
        value = self.value(column)
        marks = []
        for item in value if isinstance(value, (list, tuple)) else [value]:
            try:
                marks.append(self.bind(column, item))
            except ValueError:  # a value the column cannot hold equals no row
                continue
        return marks

    def bind(self, column: str, value: Any) -> str:
        self.params.append(self.convert(column, value))
        return self.param

    def value(self, column: str, raw: bool = False) -> Any:
        t = self.peek()
        if t.text == "?":
            self.take()
            if not self.values:
                raise ValueError(f"filter {self.text!r} has more ? than values given")
            return self.values.pop(0)
        if t.kind == "str":
            self.take()
            quote = t.text[0]
            return t.text[1:-1].replace(quote * 2, quote)
        if t.kind != "word":
            raise ValueError(f"expected a value in filter {self.text!r}")
        # An unquoted value runs to the next AND/OR/)/, : "name=Ann Lee" is "Ann Lee".
        start = t.start
        end = t.end
        while self.peek().kind == "word" and self.peek().text.upper() not in _CONNECTORS:
            end = self.take().end
        word = self.text[start:end].strip()
        if word.upper() == "NULL" and not raw:
            return None
        if _NUMBER.match(word) and not raw:
            return float(word) if "." in word else int(word)
        return word
