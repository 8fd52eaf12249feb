"""A piece's tokens and parse moved to another first line: what a line inserted or deleted
above it changes (``Enter``, a paste, a deleted line), so a piece whose text is unchanged is
not lexed and parsed again.

Only line numbers move; a piece whose lexer or parser reported a diagnostic is never moved
(their messages may quote line numbers), and a node holding a value this module does not know
(anything but nodes, containers of them, and plain scalars) makes :func:`shifted_nodes` refuse,
so a parse is moved only when every line number in it is known to be one of the fields below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from enum import Enum
from typing import Any

from .. import nodes as n
from ..lexer import Interpolation, Kind, TextBlock, Token

_SCALARS = (str, int, float, bool, type(None))
# Node fields holding a line number (``Node.line`` aside); With's ``fields`` holds one at [2].
_LINE_FIELDS = frozenset({"end_line"})


class CannotShift(Exception):
    """The parse holds something whose line numbers this module cannot move."""


def shifted_token(tok: Token, delta: int) -> Token:
    value = tok.value
    if tok.kind is Kind.STRING and isinstance(value, list):
        value = [Interpolation(p.source, p.line + delta, p.col)
                 if isinstance(p, Interpolation) else p for p in value]
    elif isinstance(value, TextBlock):
        value = TextBlock(value.kind, value.header,
                          [(line + delta, text) for line, text in value.lines],
                          value.end_line + delta if value.end_line else 0)
    return Token(tok.kind, value, tok.line + delta, tok.col, tok.end_col, tok.quote)


def shifted_tokens(tokens: Sequence[Token], delta: int) -> tuple[Token, ...]:
    return tuple(shifted_token(t, delta) for t in tokens)


def shifted_nodes(value: Any, delta: int) -> Any:
    """``value`` (a node, a container of nodes or a scalar) with every line moved by
    ``delta``; raises :class:`CannotShift` on anything else."""
    if isinstance(value, n.Node):
        return _shifted_node(value, delta)
    if isinstance(value, list):
        return [shifted_nodes(item, delta) for item in value]
    if isinstance(value, tuple):
        return tuple(shifted_nodes(item, delta) for item in value)
    if isinstance(value, dict):
        return {key: shifted_nodes(item, delta) for key, item in value.items()}
    if isinstance(value, _SCALARS):
        return value
    raise CannotShift(type(value).__name__)


def _shifted_node(node: n.Node, delta: int) -> n.Node:
    cls = type(node)
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _plan(cls)
    values: list[Any] = []
    for name, kind in plan:
        value = getattr(node, name)
        if kind is _Field.LINE:
            values.append(value + delta if value else value)
        elif kind is _Field.WITH_FIELDS:
            values.append([(f, shifted_nodes(v, delta), line + delta, col)
                           for f, v, line, col in value])
        elif isinstance(value, _SCALARS):
            values.append(value)
        else:
            values.append(shifted_nodes(value, delta))
    return cls(*values)


class _Field(Enum):
    LINE = "a line number (0: none)"
    WITH_FIELDS = "With.fields: (field, value, line, col)"
    OTHER = "anything else"


_PLANS: dict[type, tuple[tuple[str, _Field], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, _Field], ...]:
    """How to move each of ``cls``'s fields, in the order its constructor takes them."""
    plan = []
    for f in fields(cls):
        if not f.init:
            raise CannotShift(f"{cls.__name__}.{f.name}")  # the constructor would not take it
        if f.name == "line" or f.name in _LINE_FIELDS:
            plan.append((f.name, _Field.LINE))
        elif f.name == "fields" and cls is n.With:
            plan.append((f.name, _Field.WITH_FIELDS))
        else:
            plan.append((f.name, _Field.OTHER))
    return tuple(plan)


# The top-level statements and SUBs the newest parse by pieces moved, by id: (the moved node,
# the node it was moved from; both kept alive, so neither id is reused). A pass whose result
# does not depend on line numbers (the code generator's facts) reuses the original's.
_origins: dict[int, tuple[n.Node, n.Node]] = {}


def moved_from(node: n.Node) -> n.Node | None:
    """The node ``node`` was moved from by the newest parse by pieces, if it was."""
    entry = _origins.get(id(node))
    return entry[1] if entry is not None and entry[0] is node else None


def note_moved(pairs: list[tuple[n.Node, n.Node]]) -> None:
    """Called once per parse by pieces with its (moved, original) top-level nodes."""
    global _origins
    _origins = {id(moved): (moved, original) for moved, original in pairs}
