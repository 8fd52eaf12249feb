"""In-memory data keywords (reference §4.13): FILTER, AGGREGATE, PIVOT, GROUP BY, MAP, FILL
and the table form of JOIN.

They work on lists of rows (maps, as FIND returns them) without any service. Field names are
matched case-insensitively, like ``row.field``. Every keyword returns a new value and leaves
its arguments alone. ``JOIN list[, sep]`` stays the built-in list join; only
``JOIN left, right, "key"`` (three arguments) is the table join.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..library.builtins.core import BUILTINS
from ..values import (
    BasicValueError,
    as_number,
    format_number,
    get_member,
    loose_equal,
    to_display,
    type_name,
)
from .context import Clauses, KeywordContext
from .registry import keyword

# ------------------------------------------------------------ rows


def _rows(value: Any, phrase: str) -> list[dict[str, Any]]:
    """The rows argument: a list of maps (NULL counts as no rows)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BasicValueError(f"{phrase} expects a list of rows, got {type_name(value)}")
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            raise BasicValueError(f"{phrase}: item {i} is {type_name(row)}, not a row (map)")
    return value


def _field(value: Any, phrase: str, what: str = "field name") -> str:
    name = to_display(value).strip()
    if not name:
        raise BasicValueError(f"{phrase} needs a {what}")
    return name


def _key_text(value: Any) -> str:
    """A group/pivot key as text: numbers as they print (1 and 1.0 are one group)."""
    number = as_number(value) if not isinstance(value, str) else None
    return format_number(number) if number is not None else to_display(value)


def _number(value: Any, phrase: str, field: str, i: int) -> int | float | None:
    """A numeric cell; NULL and "" are skipped (None), other text is an error."""
    if value is None or value == "":
        return None
    n = as_number(value)
    if n is None:
        raise BasicValueError(f"{phrase}: field {field!r} of row {i} is "
                              f"{to_display(value)!r}, not a number")
    return n


def _total(numbers: list[int | float]) -> int | float:
    return sum(numbers) if all(isinstance(x, int) for x in numbers) else math.fsum(numbers)


# ------------------------------------------------------------ FILTER

_COMPARISON = re.compile(r"^\s*(?P<field>[^=<>!]+?)\s*(?P<op>==|!=|<>|>=|<=|=|>|<)\s*"
                         r"(?P<value>.*?)\s*$", re.DOTALL)
_LIKE = re.compile(r"^\s*(?P<field>[^=<>!\s][^=<>!]*?)\s+like\s+(?P<value>.*?)\s*$",
                   re.IGNORECASE | re.DOTALL)
_HINT = "write field op value, op one of = == != <> > < >= <= like"

Test = Callable[[dict[str, Any]], bool]


def _split_logic(text: str) -> list[str]:
    """``a = 1 AND b = 2 OR c like x`` → ["a = 1", "AND", "b = 2", "OR", "c like x"];
    AND/OR inside quotes stay part of the value."""
    parts: list[str] = []
    start, quote, i = 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c.isspace():
            m = re.match(r"\s+(and|or)(?:\s+|$)", text[i:], re.IGNORECASE)
            if m:
                parts += [text[start:i], m.group(1).upper()]
                i += m.end()
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _literal(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _condition(text: str) -> Test:
    like = _LIKE.match(text)
    m = None if like else _COMPARISON.match(text)
    if like is None and m is None:
        raise BasicValueError(f"FILTER cannot read the condition {text.strip()!r}; {_HINT}")
    if like is not None:
        return _like_test(like["field"], _literal(like["value"]))
    assert m is not None  # one of the two matched
    field, op, raw = m["field"], m["op"], m["value"]
    if raw[:1] in ("=", "<", ">", "!"):  # "age => 3", "a =! b"
        bad = op + raw[:len(raw) - len(raw.lstrip("=<>!"))]
        raise BasicValueError(f"FILTER: unknown operator {bad!r} in {text.strip()!r}; {_HINT}")
    value = _literal(raw)
    if op in ("=", "=="):
        return lambda row: loose_equal(get_member(row, field), value)
    if op in ("!=", "<>"):
        return lambda row: not loose_equal(get_member(row, field), value)
    return _ordering_test(field, op, value)


def _ordering_test(field: str, op: str, value: str) -> Test:
    wanted = {">": (1,), "<": (-1,), ">=": (0, 1), "<=": (-1, 0)}[op]
    number = as_number(value)

    def test(row: dict[str, Any]) -> bool:
        cell = get_member(row, field)
        if cell is None:
            return False  # a missing field is neither above nor below anything
        mine = as_number(cell)
        if number is not None and mine is not None:
            return ((mine > number) - (mine < number)) in wanted
        a, b = to_display(cell), value
        return ((a > b) - (a < b)) in wanted

    return test


def _like_test(field: str, pattern: str) -> Test:
    # Plain text is a case-insensitive "contains"; % or * are SQL-style wildcards.
    if "%" in pattern or "*" in pattern:
        body = ".*".join(re.escape(p) for p in re.split(r"[%*]", pattern))
        rx = re.compile(body, re.IGNORECASE | re.DOTALL)
        return lambda row: rx.fullmatch(to_display(get_member(row, field))) is not None
    needle = pattern.casefold()
    return lambda row: needle in to_display(get_member(row, field)).casefold()


def compile_filter(text: str) -> Test:
    """A row test from ``"field op value [AND|OR field op value …]"`` (AND binds tighter)."""
    if not text.strip():
        raise BasicValueError(f"FILTER needs a condition; {_HINT}")
    groups: list[list[Test]] = [[]]
    for i, part in enumerate(_split_logic(text)):
        if i % 2:
            if part == "OR":
                groups.append([])
        else:
            groups[-1].append(_condition(part))
    return lambda row: any(all(t(row) for t in group) for group in groups)


@keyword("FILTER", args=2, usage='FILTER data, "field op value"')
async def filter_rows(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list:
    rows = _rows(args[0], "FILTER")
    test = compile_filter(to_display(args[1]))
    return [row for row in rows if test(row)]


# ------------------------------------------------------------ AGGREGATE, PIVOT, GROUP BY

_AGGREGATES = ("SUM", "AVG", "AVERAGE", "COUNT", "MIN", "MAX")


@keyword("AGGREGATE", args=(2, 3), usage='AGGREGATE "SUM|AVG|COUNT|MIN|MAX", data, "field"')
async def aggregate(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    kind = to_display(args[0]).strip().upper()
    if kind not in _AGGREGATES:
        raise BasicValueError(f"AGGREGATE: unknown aggregate {to_display(args[0])!r}; "
                              f"use one of {', '.join(_AGGREGATES)}")
    rows = _rows(args[1], "AGGREGATE")
    if len(args) == 2:
        if kind != "COUNT":
            raise BasicValueError(f"AGGREGATE \"{kind}\" needs a field name")
        return len(rows)
    field = _field(args[2], "AGGREGATE")
    cells = [_number(get_member(r, field), "AGGREGATE", field, i) for i, r in enumerate(rows)]
    numbers = [x for x in cells if x is not None]
    if kind == "COUNT":
        return len(numbers)
    if not numbers:
        return None if kind in ("MIN", "MAX") else 0.0
    if kind == "SUM":
        return float(_total(numbers))
    if kind in ("AVG", "AVERAGE"):
        return math.fsum(numbers) / len(numbers)
    return float(min(numbers) if kind == "MIN" else max(numbers))


@keyword("PIVOT", args=3, usage='PIVOT data, "rowfield", "valuefield"')
async def pivot(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict[str, Any]:
    rows = _rows(args[0], "PIVOT")
    key_field, value_field = _field(args[1], "PIVOT"), _field(args[2], "PIVOT")
    sums: dict[str, list[int | float]] = {}
    for i, row in enumerate(rows):
        bucket = sums.setdefault(_key_text(get_member(row, key_field)), [])
        n = _number(get_member(row, value_field), "PIVOT", value_field, i)
        if n is not None:
            bucket.append(n)
    return {key: _total(nums) for key, nums in sums.items()}


@keyword("GROUP BY", args=2, usage='GROUP BY data, "field"')
async def group_by(rt: KeywordContext, args: list[Any], clauses: Clauses,
                   line: int) -> dict[str, list]:
    rows = _rows(args[0], "GROUP BY")
    field = _field(args[1], "GROUP BY")
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(_key_text(get_member(row, field)), []).append(row)
    return groups


# ------------------------------------------------------------ MAP, FILL, JOIN


def _renames(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split(","):
        if not part.strip():
            continue
        old, arrow, new = part.partition("->")
        if not arrow or not old.strip() or not new.strip():
            raise BasicValueError(f"MAP expects renames like \"a->x, b->y\", got {part.strip()!r}")
        pairs.append((old.strip(), new.strip()))
    if not pairs:
        raise BasicValueError("MAP needs at least one rename, e.g. \"a->x\"")
    return pairs


def _key_of(row: dict[str, Any], name: str) -> str | None:
    """The spelling ``name`` has in ``row`` (case-insensitive), or None."""
    if name in row:
        return name
    low = name.lower()
    return next((k for k in row if isinstance(k, str) and k.lower() == low), None)


@keyword("MAP", args=2, usage='MAP data, "a->x, b->y"')
async def map_fields(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list:
    rows = _rows(args[0], "MAP")
    renames = _renames(to_display(args[1]))
    out = []
    for row in rows:
        spelled = {old: _key_of(row, old) for old, _ in renames}
        target = {spelled[old]: new for old, new in renames if spelled[old] is not None}
        out.append({target.get(k, k): v for k, v in row.items()})
    return out


_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def _fill_text(template: str, row: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: to_display(get_member(row, m.group(1))), template)


@keyword("FILL", args=2, usage="FILL data, template")
async def fill(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list:
    rows, template = _rows(args[0], "FILL"), args[1]
    if isinstance(template, str):
        return [_fill_text(template, row) for row in rows]
    if not isinstance(template, dict):
        raise BasicValueError(f"FILL expects a template map (or text), got {type_name(template)}")
    return [{k: _fill_text(v, row) if isinstance(v, str) else v for k, v in template.items()}
            for row in rows]


def _join_key(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    number = as_number(value)
    return ("n", format_number(number)) if number is not None else ("s", to_display(value))


@keyword("JOIN", args=(1, 3), usage='JOIN left, right, "key" (or JOIN(list, sep))')
async def join(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    if len(args) in (1, 2):  # JOIN list[, sep] written without parentheses: the built-in
        return BUILTINS["JOIN"].fn(*args)
    left, right = _rows(args[0], "JOIN"), _rows(args[1], "JOIN")
    key = _field(args[2], "JOIN", "key field")
    index: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in right:
        k = _join_key(get_member(row, key))
        if k is not None:
            index.setdefault(k, []).append(row)
    out = []
    for lrow in left:
        taken = {k.lower() for k in lrow if isinstance(k, str)}
        lkey = _join_key(get_member(lrow, key))
        for rrow in index.get(lkey, []) if lkey is not None else ():
            merged = dict(lrow)  # left wins on clashing fields (any letter case)
            merged.update((k, v) for k, v in rrow.items()
                          if not (isinstance(k, str) and k.lower() in taken))
            out.append(merged)
    return out
