"""A table filter as a typed tree: what FIND/UPDATE/DELETE … WHERE hands to the host.

The compiler parses a written ``WHERE email = e AND score >= 50`` once, into this tree; its
right-hand sides are BASIC expressions, so the tree holds ``Param(i)`` for "the i-th value the
keyword call passes along". The host turns the tree into SQL (``app.services.table_filter``)
without reading any text again. A filter that only exists at run time (a text in a variable)
is parsed by the host's one text parser into the same tree.

Column names are kept as written; the host checks them against the table.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

CompareOp = Literal["=", "<>", "<", ">", "<=", ">="]


@dataclass(frozen=True)
class Param:
    """The ``index``-th value passed with the filter (a ``?`` or a BASIC expression)."""

    index: int


@dataclass(frozen=True)
class Value:
    """A value written inside a filter text (``"status = 'open'"``)."""

    value: str | int | float | None


Operand = Param | Value


@dataclass(frozen=True)
class Compare:
    column: str
    op: CompareOp
    operand: Operand


@dataclass(frozen=True)
class Like:
    """LIKE / CONTAINS: a pattern without ``%``/``_`` matches as "contains"."""

    column: str
    pattern: Operand
    negate: bool = False


@dataclass(frozen=True)
class In:
    """``IN (a, b)``; a list value among the items stands for its elements."""

    column: str
    items: tuple[Operand, ...]
    negate: bool = False


@dataclass(frozen=True)
class IsNull:
    column: str
    negate: bool = False


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class And:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Condition, ...]


Condition = Compare | Like | In | IsNull | Not | And | Or
CONDITIONS = (Compare, Like, In, IsNull, Not, And, Or)  # for isinstance


def to_source(tree: Any, module: str) -> str:
    """The tree as a Python expression that rebuilds it, the classes reached through
    ``module`` (the name generated code has for this module)."""
    if is_dataclass(tree) and not isinstance(tree, type):
        args = ", ".join(to_source(getattr(tree, f.name), module) for f in fields(tree))
        return f"{module}.{type(tree).__name__}({args})"
    if isinstance(tree, tuple):
        return "(" + "".join(to_source(item, module) + ", " for item in tree) + ")"
    return repr(tree)


def to_text(tree: Condition) -> str:
    """The filter as readable text, ``?`` for every passed value (tests compare it)."""
    if isinstance(tree, (And, Or)):
        word = " AND " if isinstance(tree, And) else " OR "
        return word.join(_grouped(part, tree) for part in tree.parts)
    if isinstance(tree, Not):
        return f"NOT ({to_text(tree.operand)})"
    if isinstance(tree, IsNull):
        return f"{tree.column} IS {'NOT ' if tree.negate else ''}NULL"
    if isinstance(tree, Compare):
        return f"{tree.column} {tree.op} {_operand(tree.operand)}"
    negate = "NOT " if tree.negate else ""
    if isinstance(tree, Like):
        return f"{tree.column} {negate}LIKE {_operand(tree.pattern)}"
    return f"{tree.column} {negate}IN ({', '.join(_operand(i) for i in tree.items)})"


def _grouped(part: Condition, parent: And | Or) -> str:
    # OR inside AND needs its parentheses back; everything else reads the same without.
    inner = to_text(part)
    return f"({inner})" if isinstance(part, Or) and isinstance(parent, And) else inner


def _operand(operand: Operand) -> str:
    return "?" if isinstance(operand, Param) else repr(operand.value)
