"""Conditions Rhai refuses before the dialog runs: a constant that is not a boolean.

``IF 1 THEN`` and ``WHILE [x] …`` reach Rhai as ``if 1 {`` and ``while [x] {``; its parser
rejects a literal condition of another type ("Expecting a boolean expression, not a number"),
so General Bots cannot compile the dialog, while a computed one (``IF 1 + 1``) fails only
when it runs (Rhai 1.24 ``src/parser.rs`` ``ensure_bool_expr``, called for ``if`` and
``while`` conditions and for both sides of ``&&`` and ``||``, which the converter makes of a
condition's AND and OR: ``IF x > 1 AND "yes" THEN`` does not compile either).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax import nodes as n
from .builds import EngineBuild
from .findings import Concern, Finding


def _literal_kind(node: n.Node) -> str | None:
    """What Rhai calls a constant condition that is not a boolean, else None."""
    if isinstance(node, n.Unary) and node.op == "-":
        node = node.operand
        if not (isinstance(node, n.Literal) and isinstance(node.value, (int, float))):
            return None
    if isinstance(node, n.ArrayLit):
        return "an array"
    if isinstance(node, n.MapLit):
        return "an object map"
    if not isinstance(node, n.Literal) or isinstance(node.value, bool) or node.value is None:
        return None
    if isinstance(node.value, str):
        return "a string"
    return "a floating-point number" if isinstance(node.value, float) else "a number"


def _conditions(node: n.Node) -> Iterator[n.Node]:
    if isinstance(node, n.If):
        yield from (cond for cond, _ in node.branches)
    elif isinstance(node, n.DoLoop) and node.kind == "WHILE" and node.cond is not None:
        yield node.cond  # WHILE … WEND: the converter writes Rhai's while


def _checked(cond: n.Node) -> Iterator[tuple[n.Node, str]]:
    """The condition and, through its AND and OR, each side Rhai checks, with its role (a
    stack, not recursion: a long AND chain is a deep tree)."""
    stack = [(cond, "a condition")]
    while stack:
        part, role = stack.pop()
        yield part, role
        if isinstance(part, n.Binary) and part.op in ("AND", "OR"):
            side = f"a side of {part.op}"
            stack += [(part.right, side), (part.left, side)]


def literal_conditions(nodes: list[n.Node], build: EngineBuild) -> Iterator[Finding]:
    """A finding at each IF, ELSEIF or WHILE condition, or a side of its AND or OR, that is
    such a constant."""
    for node in nodes:
        for cond in _conditions(node):
            for part, role in _checked(cond):
                kind = _literal_kind(part)
                if kind is not None:
                    yield Finding(Concern.TRANSLATION, part.line, part.col, part.col + 1,
                                  f"{build.label} fails to compile this: Rhai refuses {role} "
                                  f"that is {kind}, not true or false (\"Expecting a boolean "
                                  f"expression\"); compare it with something")
