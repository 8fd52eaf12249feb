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
from .analysis import assigns, is_len_call, node_bindings
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


def counter_spans(body: list[n.Node], ints: set[str],
                  excluded: set[str]) -> dict[str, tuple[int, int]]:
    """The lowest and highest value of each variable of ``ints`` (variables holding an int
    from their first assignment on, see int_locals) that is a counter of the dialog's
    statements (``body``, which run once; GOTO is left out by the caller): it stays within
    its literals widened by its most movement (counter_moves). When that fits in i64, its
    updates need no range test."""
    literals, moves = counter_moves(body, ints, excluded)
    return {k: span for k, values in literals.items() if values
            and _I64[0] <= (span := (min(values) - moves[k], max(values) + moves[k]))[0]
            and span[1] <= _I64[1]}


def counter_moves(body: list[n.Node], names: set[str], excluded: set[str]
                  ) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The counters among ``names`` in statements ``body`` run once: variables whose every
    assignment there is an int literal, or itself plus or minus one (``a = a + 1``) run a
    bounded number of times: outside loops, or in FOR loops whose bounds and step are int
    literals and whose variable only the loop sets. Returns, per counter, the literals it
    is assigned and how far its updates can move it in all."""
    literals: dict[str, list[int]] = {k: [] for k in names}
    moves: dict[str, int] = dict.fromkeys(names, 0)
    bad: set[str] = set()

    # Statements only, with their most runs; an explicit stack, as nesting may be deep.
    todo: list[tuple[n.Node, int | None]] = [(stmt, 1) for stmt in body]
    while todo:
        node, runs = todo.pop()
        if isinstance(node, n.Assign) and isinstance(node.target, n.Name) and (
                key := node.target.name) in literals:
            value = node.value
            if isinstance(value, n.Literal) and type(value.value) is int:
                literals[key].append(value.value)
            elif (step := self_step(value, key)) is not None and runs is not None:
                moves[key] += abs(step) * runs
            else:
                bad.add(key)
            continue
        if isinstance(node, n.ForTo):
            trips = literal_trips(node, excluded)
            runs = None if runs is None or trips is None else runs * trips
        elif not isinstance(node, (n.If, n.Select)) and hasattr(node, "body"):
            runs = None  # DO, WHILE, FOR EACH and anything else that may repeat
        todo += [(stmt, runs) for block in statement_blocks(node) for stmt in block]
    return ({k: v for k, v in literals.items() if k not in bad},
            {k: v for k, v in moves.items() if k not in bad})


_I64 = (-(2**63), 2**63 - 1)


def statement_blocks(node: n.Node) -> list[list[n.Node]]:
    """The statement lists directly inside ``node`` (a loop's or SUB's body, IF's and
    SELECT's branches)."""
    blocks = [getattr(node, "body", None), getattr(node, "else_body", None)]
    blocks += [body for _, body in getattr(node, "branches", None) or ()]
    blocks += [body for _, body in getattr(node, "cases", None) or ()]
    return [b for b in blocks if b]


def self_step(value: n.Node, key: str) -> int | None:
    """c for ``key + c``, ``c + key`` or ``key - c`` (-c) with c an int literal, else None."""
    if not (isinstance(value, n.Binary) and value.op in ("+", "-")):
        return None
    left, right = value.left, value.right
    if value.op == "+" and isinstance(right, n.Name) and right.name == key:
        left, right = right, left
    if not (isinstance(left, n.Name) and left.name == key and isinstance(right, n.Literal)
            and type(right.value) is int):
        return None
    return right.value if value.op == "+" else -right.value


def literal_trips(loop: n.ForTo, excluded: set[str]) -> int | None:
    """How many passes ``FOR v = a TO b STEP k`` makes at most, when a, b and k are int
    literals and only the loop sets v (no statement of its body, and no SUB: v is not
    in ``excluded``); else None."""
    parts = [loop.start, loop.end] + ([loop.step] if loop.step is not None else [])
    if loop.var in excluded or loop.var.lower() in ERROR_STATE or assigns(loop.body, loop.var):
        return None
    if not all(isinstance(x, n.Literal) and type(x.value) is int for x in parts):
        return None
    a, b = loop.start.value, loop.end.value  # type: ignore[attr-defined]
    k = loop.step.value if loop.step is not None else 1  # type: ignore[attr-defined]
    if k == 0:
        return None
    return max(0, (b - a) // k + 1)
