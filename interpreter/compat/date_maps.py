"""NOW(), TODAY() and TIME() give a map in General Bots, not a date.

botbasic_core ``datetime/now.rs`` registers them as functions returning a Rhai map (``year``,
``month``, ``day``, ``hour`` …, ``formatted``, ``date``, ``time``, ``iso``), while the date
functions of ``datetime/extract.rs`` and ``dateadd.rs`` take text (``&str``). So the
botbook's ``HOUR(NOW())`` or ``DATEADD(NOW(), 15, "days")`` stop in production with
"Function not found: HOUR (map)", a comparison with NOW() is false (two maps: no operator),
and text joined with NOW() shows the whole map. FORMAT reads the map (the engine-oracle formats
it) and a member (``NOW().formatted``) is the engine's own use: both quiet. Talkbench runs the
documented meaning (a date) and warns at the call.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax import nodes as n
from .findings import Concern, Finding

# now.rs: the map's functions and the text form that does the same job in both
_MAP_CALLS = {"NOW": "NOW_STR", "TODAY": "TODAY_STR", "TIME": "TIME_STR"}
# the functions whose date argument is text (extract.rs, dateadd.rs)
_TEXT_DATE = frozenset({"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "WEEKDAY",
                        "DATEADD", "FORMAT_DATE", "ISDATE"})
_COMPARISONS = frozenset({"<", "<=", ">", ">="})


def _map_call(node: n.Node) -> str | None:
    """``NOW()`` / ``now()`` (the spellings the engine registers): its upper-case name."""
    if isinstance(node, n.Call) and not node.args and not node.bare \
            and node.name in (*_MAP_CALLS, *(k.lower() for k in _MAP_CALLS)):
        return node.name.upper()
    return None


def date_map_findings(nodes: list[n.Node]) -> Iterator[Finding]:
    """A warning where NOW(), TODAY() or TIME() reaches what takes text or a number."""
    inert = {id(x) for node in nodes if isinstance(node, n.Interp) and node.inert
             for x in n.walk(node.parts)}
    for node in nodes:
        if id(node) in inert:
            continue
        for call, use in _uses(node):
            name = _map_call(call)
            if name is not None:
                yield Finding(Concern.VALUE, call.line, call.col, call.col + len(name),
                              f"General Bots' {name}() gives a map (year, month, day, hour …, "
                              f"formatted), not a date: {use}; write {_MAP_CALLS[name]}() "
                              f"(its text) there")


def _uses(node: n.Node) -> Iterator[tuple[n.Node, str]]:
    """(operand, what production does with a map there) for the places that need text."""
    if isinstance(node, n.Call) and node.args and node.name.upper() in _TEXT_DATE:
        shown = "map" if len(node.args) == 1 else "map, …"
        yield node.args[0], (f"{node.name} takes text, so production stops here with "
                             f"\"Function not found: {node.name} ({shown})\"")
    elif isinstance(node, n.Binary) and node.op in _COMPARISONS:
        # Rhai's built-in operators (src/func/builtin.rs) compare values of different,
        # non-numeric types as false; two maps have no < at all
        both = _map_call(node.left) is not None and _map_call(node.right) is not None
        for side in (node.left, node.right):
            yield side, (f"production stops here with \"Function not found: {node.op} "
                         f"(map, map)\"" if both else f"{node.op} between a map and any other "
                         f"value is false in production (Rhai compares different types as "
                         f"false)")
    elif isinstance(node, n.Binary) and node.op == "+":
        for side, other in ((node.left, node.right), (node.right, node.left)):
            yield side, ("joined to text it shows the whole map (#{\"ampm\": …})"
                         if _text(other) else "+ has no form for a map beside a number "
                         "(\"Function not found: + (…)\") and shows the whole map beside text")
    elif isinstance(node, n.KeywordStmt) and node.phrase in ("TALK", "PRINT") and node.args:
        yield node.args[0], "TALK shows the whole map (#{\"ampm\": …})"


def _text(node: n.Node) -> bool:
    """Whether ``node`` is text as written: a text literal or a join that holds one."""
    if isinstance(node, n.Interp):
        return True
    if isinstance(node, n.Literal):
        return isinstance(node.value, str)
    return isinstance(node, n.Binary) and node.op == "+" and (_text(node.left)
                                                               or _text(node.right))
