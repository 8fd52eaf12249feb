"""What kind of flow node a statement is, with what it shows (the key, the type, the callee)."""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax import nodes as n
from .model import NodeKind
from .spans import Unparsable

MEMORY_WRITES = frozenset({"SET BOT MEMORY", "SET USER MEMORY", "REMEMBER",
                           "REMEMBER USER FACT", "CLEAR USER MEMORY", "SET SESSION"})
MEMORY_READS = frozenset({"GET BOT MEMORY", "GET USER MEMORY", "RECALL", "GET SESSION"})
SUGGESTIONS = frozenset({"ADD SUGGESTION", "ADD SUGGESTION TOOL", "ADD SUGGESTION TEXT",
                         "CLEAR SUGGESTIONS"})


@dataclass(frozen=True)
class Kinded:
    kind: NodeKind
    key: n.Node | None = None  # the memory key's expression
    target: str = ""  # CALL: lower-case routine name


def classify(stmt: n.Node, subs: dict[str, n.SubDef]) -> Kinded:
    if isinstance(stmt, Unparsable):
        return Kinded(NodeKind.UNPARSABLE)
    if isinstance(stmt, n.Hear):
        return Kinded(NodeKind.HEAR)
    if isinstance(stmt, n.TextBlockStmt):
        return Kinded(NodeKind.TALK if stmt.kind == "TALK" else NodeKind.GENERIC)
    if isinstance(stmt, n.If):
        return Kinded(NodeKind.IF)
    if isinstance(stmt, n.Select):
        return Kinded(NodeKind.SELECT)
    if isinstance(stmt, (n.ForEach, n.ForTo, n.DoLoop)):
        return Kinded(NodeKind.LOOP)
    if isinstance(stmt, n.Return) or (isinstance(stmt, n.Exit)
                                      and stmt.kind in ("", "SUB", "FUNCTION")):
        return Kinded(NodeKind.RETURN)
    if isinstance(stmt, n.Goto):
        return Kinded(NodeKind.GOTO)
    if isinstance(stmt, n.Label):
        return Kinded(NodeKind.LABEL)
    if isinstance(stmt, n.CallSub):
        return Kinded(NodeKind.CALL, target=stmt.name.lower())
    if isinstance(stmt, n.KeywordStmt):
        return _keyword(stmt)
    if isinstance(stmt, n.Assign):
        return _assign(stmt, subs)
    if isinstance(stmt, n.ExprStmt) and isinstance(stmt.expr, n.Call) and \
            stmt.expr.name.lower() in subs:
        return Kinded(NodeKind.CALL, target=stmt.expr.name.lower())
    return Kinded(NodeKind.GENERIC)


def _keyword(stmt: n.KeywordStmt) -> Kinded:
    phrase = stmt.phrase
    if phrase == "TALK":
        return Kinded(NodeKind.TALK)
    if phrase in SUGGESTIONS:
        return Kinded(NodeKind.SUGGESTION)
    key = stmt.args[0] if stmt.args else None
    if phrase in MEMORY_WRITES:
        return Kinded(NodeKind.MEMORY_WRITE, key)
    if phrase in MEMORY_READS:
        return Kinded(NodeKind.MEMORY_READ, key)
    return Kinded(NodeKind.GENERIC)


def _assign(stmt: n.Assign, subs: dict[str, n.SubDef]) -> Kinded:
    value = stmt.value
    if isinstance(value, n.KeywordExpr) and value.phrase in MEMORY_READS:
        return Kinded(NodeKind.MEMORY_READ, value.args[0] if value.args else None)
    if isinstance(value, n.Call) and value.name.lower() in subs:
        return Kinded(NodeKind.CALL, target=value.name.lower())
    if isinstance(value, n.Hear):
        return Kinded(NodeKind.HEAR)
    return Kinded(NodeKind.GENERIC)
