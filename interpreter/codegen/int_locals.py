"""Which of the dialog's variables hold an int from their first assignment on (release
builds): the code generator then reads them without a class test.

A variable qualifies when every binding of it in the dialog's statements is a plain
assignment of an int expression (an int literal, another such variable, a LEN call, or
+ - * MOD of those), and the first top-level statement that mentions it assigns it an int
literal. From there on it holds an int: + - * of two ints is an int or fails (i64 overflow), and a failed
assignment keeps the old int. GOTO could skip that first assignment, so dialogs with labels
are left out, as are variables SUBs share and the error-state names.
"""

from __future__ import annotations

from typing import Any

from ..syntax import nodes as n
from .analysis import is_len_call, node_bindings
from .scope import ERROR_STATE


def int_locals(body: list[n.Node], excluded: set[str],
               subs: Any = ()) -> dict[str, int]:
    """Variable -> index in ``body`` of the top-level statement after which it is an int."""
    values: dict[str, list[n.Node]] = {}
    blocked = set(excluded)
    for node in n.walk(body):
        if isinstance(node, n.Assign) and isinstance(node.target, n.Name):
            values.setdefault(node.target.name, []).append(node.value)
            continue
        bound = node_bindings(node)
        if bound is None:
            return {}
        blocked |= bound
    ok = {k for k in values if k not in blocked and k.lower() not in ERROR_STATE}
    changed = True
    while changed:  # drop names assigned anything but an int of names still in ok
        bad = {k for k in ok if not all(is_int(v, ok, subs) for v in values[k])}
        ok -= bad
        changed = bool(bad)
    return {k: i for k in ok if (i := first_assignment(body, k)) is not None}


def is_int(e: n.Node, ints: set[str], subs: Any = ()) -> bool:
    """Whether ``e`` always yields an int (or fails) when the names in ``ints`` hold ints;
    ``subs``: the program's SUBs (a SUB named LEN is no built-in)."""
    if is_len_call(e, subs):
        return True
    if isinstance(e, n.Literal):
        return type(e.value) is int
    if isinstance(e, n.Name):
        return e.name in ints
    if not isinstance(e, n.Binary):
        return False
    if e.op == "MOD":
        k = e.right
        return isinstance(k, n.Literal) and type(k.value) is int and k.value > 0 and is_int(
            e.left, ints, subs)
    return e.op in ("+", "-", "*") and is_int(e.left, ints, subs) and is_int(e.right, ints, subs)


def first_assignment(body: list[n.Node], key: str) -> int | None:
    """The index of the first top-level statement mentioning ``key`` when it assigns it an
    int literal, else None."""
    for i, stmt in enumerate(body):
        if any(isinstance(x, n.Name) and x.name == key for x in n.walk(stmt)) or any(
                key in (node_bindings(x) or ()) for x in n.walk(stmt)):
            target, value = getattr(stmt, "target", None), getattr(stmt, "value", None)
            if (isinstance(stmt, n.Assign) and isinstance(target, n.Name)
                    and isinstance(value, n.Literal) and type(value.value) is int):
                return i
            return None
    return None
