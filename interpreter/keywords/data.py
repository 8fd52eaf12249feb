"""Table keywords (FIND, SAVE, INSERT, UPDATE, DELETE, SET, MERGE), user memory and SET SCHEDULE.

They reach the bot database only through the services of ``interpreter.ports.data``; a host
without them makes the keyword fail with a clear message. Argument shapes follow the reference
(§4.12, §4.13, §4.17, §4.6).
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from ..ports.data import ColumnDef, Filter, TableDefinition
from ..ports.where import CONDITIONS
from ..syntax import nodes as n
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .registry import keyword

_ANONYMOUS = "anonymous"  # user id before any SET USER
_defined: weakref.WeakSet[Any] = weakref.WeakSet()  # runtimes whose TABLE blocks were created
_HAS_OPERATOR = re.compile(r"[=<>!]|\b(?:like|in|is)\b", re.IGNORECASE)


def table_service(rt: KeywordContext, phrase: str) -> Any:
    tables = rt.service("tables", phrase)
    if rt not in _defined:
        # TABLE … END TABLE blocks are declarations: create them before the first data access
        # (until that works: ON ERROR RESUME NEXT may go on after a failure).
        for t in rt.compiled.program.tables:
            cols = tuple(ColumnDef(c, ty) for c, ty in t.columns)
            provider_call(tables.define, TableDefinition(t.name, cols, t.connection, t.unique))
        _defined.add(rt)
    return tables


def provider_call(fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except ValueError as e:  # the provider's user-facing errors
        raise BasicValueError(str(e)) from None


def _table_name(value: Any, phrase: str) -> str:
    name = to_display(value).strip()
    if not name:
        raise BasicValueError(f"{phrase} needs a table name")
    return name


def _filter(args: list[Any], clauses: Clauses, phrase: str) -> Filter:
    """``"col=value"`` text plus optional ``?`` values, or a WHERE clause: written out (the
    tree the compiler parsed, with its values) or given as text."""
    if "WHERE" in clauses:
        where = clauses["WHERE"]
        if where and isinstance(where[0], CONDITIONS):
            return Filter(params=tuple(where[1:]), tree=where[0])
        if not where or not isinstance(where[0], str):
            raise BasicValueError(f"{phrase} … WHERE needs the condition as text here, e.g. "
                                  f"{phrase} \"table\", \"status = 'open'\"")
        return Filter(where[0], tuple(where[1:]))
    if not args:
        return Filter()
    if isinstance(args[0], dict):
        raise BasicValueError(f"{phrase} expects a filter text such as \"id=1\", got a map")
    return Filter(to_display(args[0]), tuple(args[1:]))


def _id_filter(value: Any) -> Filter:
    return Filter.equals("id", value)


def _as_filter(value: Any) -> Filter:
    """UPDATE/DELETE accept a filter text or a bare id."""
    if isinstance(value, str) and _HAS_OPERATOR.search(value):
        return Filter(value)
    return _id_filter(value)


def _arg_names(rt: KeywordContext, line: int, phrase: str) -> list[str | None]:
    """The variable names written as arguments of the keyword at ``line`` (None for
    expressions): ``SAVE "t.csv", name, email`` names its columns after its variables."""
    for node in n.program_nodes(rt.compiled.program):
        if isinstance(node, (n.KeywordStmt, n.KeywordExpr)) and node.line == line \
                and node.phrase == phrase:
            return [a.name if isinstance(a, n.Name) else None for a in node.args]
    return []


def _positional_row(rt: KeywordContext, line: int, phrase: str, values: list[Any],
                    skip: int) -> dict[str, Any]:
    names = _arg_names(rt, line, phrase)[skip:]
    row: dict[str, Any] = {}
    for i, value in enumerate(values):
        name = names[i] or f"col{i + 1}" if i < len(names) else f"col{i + 1}"
        row[name.lower()] = value
    return row


# ------------------------------------------------------------ tables


@keyword("FIND")
async def find(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    """Rows as a list of maps; with the FIRST suffix the first row or NULL."""
    if not args:
        raise BasicValueError("FIND needs a table name, e.g. FIND \"leads\", \"status=open\"")
    tables = table_service(rt, "FIND")
    order = to_display(clauses["ORDER"][0]) if clauses.get("ORDER") else ""
    limit = _limit(clauses["LIMIT"][0]) if clauses.get("LIMIT") else None
    first = bool(clauses.get("FIRST"))
    if first:
        limit = 1 if limit is None else min(limit, 1)
    rows = provider_call(tables.find, _table_name(args[0], "FIND"),
                         _filter(args[1:], clauses, "FIND"), order_by=order, limit=limit)
    if first:
        return rows[0] if rows else None
    return rows


def _limit(value: Any) -> int:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None and isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or number < 0 or number != int(number):
        raise BasicValueError(f"FIND … LIMIT needs a whole number of rows, got "
                              f"{to_display(value)!r}")
    return int(number)


@keyword("SAVE", args=(2, None), usage='a table and a row, e.g. SAVE "leads", lead')
async def save(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    table = _table_name(args[0], "SAVE")
    tables = table_service(rt, "SAVE")
    if len(args) == 2 and isinstance(args[1], dict):
        return provider_call(tables.save, table, args[1])
    if len(args) == 3 and isinstance(args[2], dict):
        return provider_call(tables.save, table, {**args[2], "id": args[1]})
    return provider_call(tables.insert, table, _positional_row(rt, line, "SAVE", args[1:], 1))


@keyword("INSERT")
async def insert(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    # INSERT INTO "t", a, b and INSERT INTO "t" VALUES m arrive as INSERT "t", … (data_syntax)
    values = list(args)
    if len(values) < 2:
        raise BasicValueError("INSERT needs a table and a row, e.g. INSERT \"leads\", lead")
    table = _table_name(values[0], "INSERT")
    tables = table_service(rt, "INSERT")
    if isinstance(values[-1], dict):
        return provider_call(tables.insert, table, values[-1])
    return provider_call(tables.insert, table, _positional_row(rt, line, "INSERT", values[1:], 1))


@keyword("UPDATE")
async def update(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    tables = table_service(rt, "UPDATE")
    if "SET" in clauses:  # UPDATE "t" SET a = x, b = y [WHERE …]
        if len(args) != 1:
            raise BasicValueError("UPDATE \"table\" SET … takes no other arguments")
        return provider_call(tables.update, _table_name(args[0], "UPDATE"),
                             _filter([], clauses, "UPDATE"), clauses["SET"][0])
    if len(args) == 3 and isinstance(args[2], dict):
        return provider_call(tables.update, _table_name(args[0], "UPDATE"), _as_filter(args[1]),
                             args[2])
    if len(args) == 4:  # UPDATE "t", id, "field", value
        return provider_call(tables.update, _table_name(args[0], "UPDATE"), _as_filter(args[1]),
                             {to_display(args[2]): args[3]})
    raise BasicValueError("UPDATE expects UPDATE \"table\", \"filter\", map or "
                          "UPDATE \"table\", id, \"field\", value")


@keyword("DELETE")
async def delete(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    values = list(args)  # DELETE FROM "t" arrives as DELETE "t" (data_syntax)
    if not values or isinstance(values[0], dict):
        raise BasicValueError("DELETE needs a table name, e.g. DELETE \"leads\", \"id=3\"")
    tables = table_service(rt, "DELETE")
    table = _table_name(values[0], "DELETE")
    where = _filter(values[1:], clauses, "DELETE") if len(values) != 2 else _as_filter(values[1])
    return provider_call(tables.delete, table, where)


@keyword("SET", args=3, usage='SET "table", "filter", "col1=v1,col2=v2" on a table')
async def set_rows(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    changes = args[2] if isinstance(args[2], dict) else _assignments(to_display(args[2]))
    return provider_call(table_service(rt, "SET").update, _table_name(args[0], "SET"),
                         _as_filter(args[1]), changes)


def _assignments(text: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for part in text.split(","):
        if "=" not in part:
            raise BasicValueError(f"SET expects col=value pairs, got {part.strip()!r}")
        col, value = part.split("=", 1)
        changes[col.strip()] = value.strip().strip("'\"")
    return changes


@keyword("MERGE")
async def merge(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    # MERGE "t", rows, "key"  /  MERGE "t" WITH rows BY "key"
    values = list(args) + clauses.get("WITH", []) + clauses.get("BY", [])
    if len(values) != 3:
        raise BasicValueError("MERGE expects MERGE \"table\", rows, \"key\"")
    table, rows, key = _table_name(values[0], "MERGE"), values[1], to_display(values[2])
    rows = rows if isinstance(rows, list) else [rows]
    tables = table_service(rt, "MERGE")
    for row in rows:
        if not isinstance(row, dict) or key not in row:
            raise BasicValueError(f"MERGE: every row must be a map with the key field {key!r}")
        if provider_call(tables.update, table, Filter(f"{key} = ?", (row[key],)), row) == 0:
            provider_call(tables.insert, table, row)
    return len(rows)


# ------------------------------------------------------------ user memory


def memory_user(rt: KeywordContext) -> str:
    return rt.session.user_id or _ANONYMOUS


@keyword("SET USER MEMORY", args=2, usage="a key and a value")
async def set_user_memory(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    key = to_display(args[0])
    if not key:
        raise BasicValueError("SET USER MEMORY needs a non-empty key")
    provider_call(rt.service("user_memory", "SET USER MEMORY").set, memory_user(rt), key,
                  to_display(args[1]))


@keyword("GET USER MEMORY", args=1)
async def get_user_memory(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    key = to_display(args[0])
    return provider_call(rt.service("user_memory", "GET USER MEMORY").get, memory_user(rt), key)


@keyword("CLEAR USER MEMORY")
async def clear_user_memory(rt: KeywordContext, args: list[Any], clauses: Clauses,
                            line: int) -> int:
    return provider_call(rt.service("user_memory", "CLEAR USER MEMORY").clear, memory_user(rt))


@keyword("REMEMBER USER FACT", args=1)
async def remember_user_fact(rt: KeywordContext, args: list[Any], clauses: Clauses,
                             line: int) -> None:
    text = to_display(args[0])
    provider_call(rt.service("user_memory", "REMEMBER USER FACT").add_fact, memory_user(rt), text)


# ------------------------------------------------------------ schedules


@keyword("SET SCHEDULE")
async def set_schedule(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    from ..library.cron import CronError, parse_schedule

    other = len(args) >= 2 and isinstance(args[1], str) and args[1].lower().endswith(".bas")
    if not args or not (other or isinstance(args[0], str)):
        # General Bots logs an unquoted spec (SET SCHEDULE every 1 hour) as malformed.
        rt.warn("SET SCHEDULE needs the schedule as text, e.g. SET SCHEDULE \"0 9 * * *\"; "
                "ignored", line)
        return
    spec = to_display(args[0])
    script = _stem(args[1] if other else rt.file)
    schedules = rt.services.get("schedules")
    if other:  # SET SCHEDULE DATEADD(NOW(), 7, "day"), "x.bas": schedule another dialog
        provider_call(rt.service("schedules", "SET SCHEDULE").record, script, spec,
                      f"{_stem(rt.file)}:{line}")
        return
    try:
        if schedules is None:  # the scheduler reads this dialog's own schedule from its source
            parse_schedule(spec)
        else:
            schedules.record(script, spec, f"{_stem(rt.file)}:{line}")
    except (CronError, ValueError) as e:
        rt.warn(f"SET SCHEDULE: {e}; ignored", line)


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-4] if name.lower().endswith(".bas") else name
