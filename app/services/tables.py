"""A bot's data tables (FIND/SAVE/INSERT/UPDATE/DELETE) as real tables of the memory database.

Each (bot, table name) gets its own physical table ``tb_<bot>_<name>_<hash>`` — a prefix and a
hash so it can never collide with ``bots``/``bot_memories`` or General Bots' own tables — and a
row in ``talkbench_tables`` that maps the name a dialog uses to it. Tables are created from
``TABLE … END TABLE`` definitions or on the first INSERT/SAVE (one column per saved field, the
type taken from the first value); a later row with new fields adds columns.

Identifiers are never taken from user text unchecked (``[A-Za-z_][A-Za-z0-9_]*``, quoted) and
every value is a bound parameter. Implements ``interpreter.ports.data.Tables``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import peewee

from interpreter.ports.data import Filter, TableDefinition, Tables
from interpreter.values import to_display, type_name

from ..db.database import is_postgresql
from .registry import ServiceContext, service_factory
from .table_filter import Where, compile_filter

REGISTRY = "talkbench_tables"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLUG = re.compile(r"[^a-z0-9]+")

# Kinds a column can have, and the SQL type each uses on (SQLite, PostgreSQL).
_SQL_TYPES = {
    "text": ("TEXT", "TEXT"),
    "integer": ("INTEGER", "BIGINT"),
    "real": ("REAL", "DOUBLE PRECISION"),
    "numeric": ("NUMERIC", "NUMERIC"),
    "boolean": ("BOOLEAN", "BOOLEAN"),
    "date": ("DATE", "DATE"),
    "timestamp": ("TIMESTAMP", "TIMESTAMP"),
}
# Definition type words (reference §2.8 and raw SQL types seen in TABLE blocks) → kind.
_TYPE_WORDS = {
    "string": "text", "text": "text", "varchar": "text", "char": "text", "character": "text",
    "uuid": "text", "guid": "text", "json": "text", "jsonb": "text", "email": "text",
    "integer": "integer", "int": "integer", "bigint": "integer", "smallint": "integer",
    "serial": "integer", "bigserial": "integer", "long": "integer",
    "double": "real", "float": "real", "real": "real", "money": "numeric",
    "number": "numeric", "numeric": "numeric", "decimal": "numeric",
    "boolean": "boolean", "bool": "boolean", "bit": "boolean",
    "date": "date", "datetime": "timestamp", "timestamp": "timestamp", "timestamptz": "timestamp",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str


@dataclass(frozen=True)
class TableInfo:
    """A table as the Tables panel lists it."""

    name: str
    physical: str
    columns: tuple[Column, ...]
    key: str


class TableStore:
    """One bot's tables in ``db`` (the memory store's database)."""

    def __init__(self, db: peewee.Database, bot: str) -> None:
        self._db = db
        self._bot = bot
        self._pg = is_postgresql(db)
        self._lock = threading.RLock()
        self._info: dict[str, TableInfo] = {}  # by lower-case name
        self._sql(f'CREATE TABLE IF NOT EXISTS "{REGISTRY}" (bot TEXT NOT NULL, '
                  "name TEXT NOT NULL, physical TEXT NOT NULL, key_column TEXT NOT NULL, "
                  "PRIMARY KEY (bot, name))")

    @property
    def bot(self) -> str:
        return self._bot

    # ------------------------------------------------------------ the Tables port

    def define(self, table: TableDefinition) -> None:
        with self._lock:
            if self._table(table.name) is not None:
                return  # a definition never alters an existing table
            columns: list[tuple[Column, str]] = []
            key = ""
            for col in table.columns:
                column, extra, is_key = _parse_column(col.name, col.type_text)
                columns.append((column, extra))
                key = column.name if is_key and not key else key
            if not key:
                existing = {c.name.lower(): c for c, _ in columns}
                key = existing["id"].name if "id" in existing else "id"
                if "id" not in existing:
                    columns.insert(0, (Column("id", "text"), ""))
            self._create(table.name, columns, key, table.unique)

    def find(self, table: str, where: Filter, *, order_by: str = "",
             limit: int | None = None) -> list[dict[str, Any]]:
        info = self._table(table)
        if info is None:
            return []
        clause = self._where(info, where)
        sql = f'SELECT * FROM "{info.physical}"{clause.sql}'
        if order_by:
            sql += " ORDER BY " + self._order(info, order_by)
        else:
            sql += f' ORDER BY "{info.key}"'
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._rows(info, sql, clause.params)

    def insert(self, table: str, row: Mapping[str, Any]) -> Any:
        with self._lock, self._db.atomic():
            info = self._ensure(table, row)
            values = self._values(info, row)
            if values.get(info.key) in (None, ""):
                values[info.key] = self._new_id(info)
            names = list(values)
            marks = ", ".join([self._db.param] * len(names))
            cols = ", ".join(f'"{c}"' for c in names)
            self._sql(f'INSERT INTO "{info.physical}" ({cols}) VALUES ({marks})',
                      list(values.values()))
            return _out(self._kind(info, info.key), values[info.key])

    def save(self, table: str, row: Mapping[str, Any]) -> Any:
        with self._lock, self._db.atomic():
            info = self._ensure(table, row)
            key_value = _get_ci(row, info.key)
            if key_value not in (None, ""):
                where = Filter.equals(info.key, key_value)
                if self.find(table, where):
                    changes = {k: v for k, v in row.items() if k.lower() != info.key.lower()}
                    self.update(table, where, changes)
                    return _out(self._kind(info, info.key),
                                _to_column(self._column(info, info.key), key_value))
            return self.insert(table, row)

    def update(self, table: str, where: Filter, changes: Mapping[str, Any]) -> int:
        with self._lock, self._db.atomic():
            info = self._table(table)
            if info is None:
                return 0
            info = self._add_columns(info, changes)
            values = self._values(info, changes)
            if not values:
                return 0
            clause = self._where(info, where)
            sets = ", ".join(f'"{c}" = {self._db.param}' for c in values)
            cursor = self._sql(f'UPDATE "{info.physical}" SET {sets}{clause.sql}',
                               [*values.values(), *clause.params])
            return max(cursor.rowcount, 0)

    def delete(self, table: str, where: Filter) -> int:
        with self._lock, self._db.atomic():
            info = self._table(table)
            if info is None:
                return 0
            clause = self._where(info, where)
            cursor = self._sql(f'DELETE FROM "{info.physical}"{clause.sql}', clause.params)
            return max(cursor.rowcount, 0)

    # ------------------------------------------------------------ browsing (Tables panel)

    def tables(self) -> list[TableInfo]:
        """The bot's tables, by name."""
        p = self._db.param
        rows = self._sql(f'SELECT name FROM "{REGISTRY}" WHERE bot = {p} ORDER BY name',
                         [self._bot]).fetchall()
        found = [self._table(name) for (name,) in rows]
        return [t for t in found if t is not None]

    def count(self, table: str) -> int:
        info = self._table(table)
        if info is None:
            return 0
        return int(self._sql(f'SELECT COUNT(*) FROM "{info.physical}"').fetchone()[0])

    def rows(self, table: str, offset: int, limit: int) -> list[dict[str, Any]]:
        """A page of rows in key order, for lazy views."""
        info = self._table(table)
        if info is None:
            return []
        sql = (f'SELECT * FROM "{info.physical}" ORDER BY "{info.key}" '
               f"LIMIT {int(limit)} OFFSET {int(offset)}")
        return self._rows(info, sql, ())

    def info(self, table: str) -> TableInfo | None:
        return self._table(table)

    # ------------------------------------------------------------ indexes (CREATE INDEX)

    def create_index(self, name: str, table: str, columns: list[str],
                     unique: bool = False) -> str:
        """``CREATE [UNIQUE] INDEX IF NOT EXISTS`` on ``table``'s columns (``"col"`` or
        ``"col DESC"``); returns the index's physical name. Running it again is harmless."""
        if not _IDENT.match(name):
            raise ValueError(f"{name!r} cannot be an index name (letters, digits and _ only)")
        what = f"CREATE INDEX {name}"
        with self._lock:
            info = self._table(table)
            if info is None:
                raise ValueError(f"{what}: there is no table {table!r} (define it with TABLE "
                                 f"… END TABLE before the index, or save a row first)")
            by_lower = {c.name.lower(): c.name for c in info.columns}
            parts = []
            for item in columns:
                words = item.split()
                order = words[1].upper() if len(words) == 2 else ""
                if not words or len(words) > 2 or order not in ("", "ASC", "DESC"):
                    raise ValueError(f"{what}: cannot index {item!r}")
                if words[0].lower() not in by_lower:
                    raise ValueError(f"{what}: the table {info.name!r} has no column "
                                     f"{words[0]!r} (it has {', '.join(by_lower.values())})")
                parts.append(f'"{by_lower[words[0].lower()]}"' + (f" {order}" if order else ""))
            physical = _index_name(self._bot, info.name, name)
            self._sql(f'CREATE {"UNIQUE " if unique else ""}INDEX IF NOT EXISTS "{physical}" '
                      f'ON "{info.physical}" ({", ".join(parts)})')
            return physical

    # ------------------------------------------------------------ internals

    def _sql(self, sql: str, params: Any = ()) -> Any:
        try:
            return self._db.execute_sql(sql, list(params))
        except peewee.DatabaseError as e:
            raise ValueError(f"table error: {str(e).strip().splitlines()[0]}") from None

    def _table(self, name: str) -> TableInfo | None:
        key = name.lower()
        if key in self._info:
            return self._info[key]
        p = self._db.param
        row = self._sql(f'SELECT name, physical, key_column FROM "{REGISTRY}" '
                        f"WHERE bot = {p} AND LOWER(name) = {p}", [self._bot, key]).fetchone()
        if row is None:
            return None
        columns = tuple(Column(c.name, _kind_of(c.data_type))
                        for c in self._db.get_columns(row[1]))
        info = TableInfo(row[0], row[1], columns, row[2])
        self._info[key] = info
        return info

    def _create(self, name: str, columns: list[tuple[Column, str]], key: str,
                unique: tuple[tuple[str, ...], ...] = ()) -> TableInfo:
        if not name.strip():
            raise ValueError("a table needs a name")
        physical = _physical_name(self._bot, name)
        defs = []
        for column, extra in columns:
            sql_type = _SQL_TYPES[column.kind][1 if self._pg else 0]
            pk = " PRIMARY KEY" if column.name == key else ""
            defs.append(f'"{column.name}" {sql_type}{pk}{extra}')
        names = {c.name.lower(): c.name for c, _ in columns}
        for group in unique:
            missing = [c for c in group if c.lower() not in names]
            if missing or not group:
                raise ValueError(f"TABLE {name}: UNIQUE names no column {missing[0]!r}"
                                 if missing else f"TABLE {name}: UNIQUE needs columns")
            defs.append("UNIQUE (" + ", ".join(f'"{names[c.lower()]}"' for c in group) + ")")
        self._sql(f'CREATE TABLE IF NOT EXISTS "{physical}" ({", ".join(defs)})')
        p = self._db.param
        self._sql(f'INSERT INTO "{REGISTRY}" (bot, name, physical, key_column) '
                  f"VALUES ({p}, {p}, {p}, {p})", [self._bot, name, physical, key])
        self._info.pop(name.lower(), None)
        info = self._table(name)
        assert info is not None
        return info

    def _ensure(self, table: str, row: Mapping[str, Any]) -> TableInfo:
        """The table, created from ``row``'s fields on first use; new fields add columns."""
        if not row:
            raise ValueError(f"cannot save an empty row to {table!r}")
        info = self._table(table)
        if info is None:
            columns = [(Column(_check_ident(k), _kind_for(v)), "") for k, v in row.items()
                       if k.lower() != "id"]
            id_kind = "integer" if isinstance(_get_ci(row, "id"), int) else "text"
            info = self._create(table, [(Column("id", id_kind), ""), *columns], "id")
        return self._add_columns(info, row)

    def _add_columns(self, info: TableInfo, row: Mapping[str, Any]) -> TableInfo:
        known = {c.name.lower() for c in info.columns}
        new = [(_check_ident(k), v) for k, v in row.items() if k.lower() not in known]
        for name, value in new:
            kind = _kind_for(value)
            sql_type = _SQL_TYPES[kind][1 if self._pg else 0]
            self._sql(f'ALTER TABLE "{info.physical}" ADD COLUMN "{name}" {sql_type}')
        if not new:
            return info
        self._info.pop(info.name.lower(), None)
        refreshed = self._table(info.name)
        assert refreshed is not None
        return refreshed

    def _values(self, info: TableInfo, row: Mapping[str, Any]) -> dict[str, Any]:
        by_lower = {c.name.lower(): c for c in info.columns}
        return {by_lower[k.lower()].name: _to_column(by_lower[k.lower()], v)
                for k, v in row.items() if k.lower() in by_lower}

    def _where(self, info: TableInfo, where: Filter) -> Where:
        columns = {c.name.lower(): c.name for c in info.columns}
        kinds = {c.name: c for c in info.columns}
        clause = compile_filter(where, columns,
                                lambda col, v: _to_column(kinds[col], v),
                                param=self._db.param, ilike="ILIKE" if self._pg else "LIKE")
        return Where(f" WHERE {clause.sql}" if clause.sql else "", clause.params)

    def _order(self, info: TableInfo, order_by: str) -> str:
        columns = {c.name.lower(): c.name for c in info.columns}
        parts = []
        for item in order_by.split(","):
            words = item.split()
            if not words or words[0].lower() not in columns or len(words) > 2 or (
                    len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
                raise ValueError(f"cannot order by {item.strip()!r}")
            parts.append(f'"{columns[words[0].lower()]}"'
                         + (f" {words[1].upper()}" if len(words) == 2 else ""))
        return ", ".join(parts)

    def _rows(self, info: TableInfo, sql: str, params: Any) -> list[dict[str, Any]]:
        cursor = self._sql(sql, params)
        names = [d[0] for d in cursor.description]
        kinds = {c.name: c.kind for c in info.columns}
        return [{name: _out(kinds.get(name, "text"), value) for name, value in zip(names, row)}
                for row in cursor.fetchall()]

    def _column(self, info: TableInfo, column: str) -> Column:
        return next(c for c in info.columns if c.name == column)

    def _kind(self, info: TableInfo, column: str) -> str:
        return next((c.kind for c in info.columns if c.name == column), "text")

    def _new_id(self, info: TableInfo) -> Any:
        if self._kind(info, info.key) in ("integer", "numeric", "real"):
            row = self._sql(f'SELECT MAX("{info.key}") FROM "{info.physical}"').fetchone()
            return int(row[0] or 0) + 1
        return uuid.uuid4().hex


# ------------------------------------------------------------ values and names


def _slug(text: str, length: int) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")[:length] or "x"


def _physical_name(bot: str, name: str) -> str:
    digest = hashlib.sha1(f"{bot}\0{name.lower()}".encode()).hexdigest()[:8]
    return f"tb_{_slug(bot, 16)}_{_slug(name, 28)}_{digest}"


def _index_name(bot: str, table: str, name: str) -> str:
    """Index names share one namespace per database: prefix, bot and table hash them apart."""
    digest = hashlib.sha1(f"{bot}\0{table.lower()}\0{name.lower()}".encode()).hexdigest()[:8]
    return f"ix_{_slug(name, 40)}_{digest}"


def _check_ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"{name!r} cannot be a column name (letters, digits and _ only)")
    return name


def _parse_column(name: str, type_text: str) -> tuple[Column, str, bool]:
    """A TABLE line → column, a safe DEFAULT clause, and whether it is the key."""
    _check_ident(name)
    words = type_text.replace("(", " (").split()
    lowered = [w.lower() for w in words]
    kind = _TYPE_WORDS.get(lowered[0], "text") if lowered else "text"
    is_key = "key" in lowered
    extra = " UNIQUE" if "unique" in lowered and not is_key else ""
    if "not" in lowered and "null" in lowered:
        extra += " NOT NULL"
    if "default" in lowered:
        i = lowered.index("default")
        literal = words[i + 1] if i + 1 < len(words) else ""
        # Only plain literals: a definition must not smuggle SQL into our DDL.
        if re.fullmatch(r"-?\d+(\.\d+)?|'[^']*'|true|false", literal, re.IGNORECASE):
            extra += f" DEFAULT {literal}"
    return Column(name, kind), extra, is_key


def _kind_of(data_type: str) -> str:
    t = data_type.lower()
    for probe, kind in (("bool", "boolean"), ("int", "integer"), ("serial", "integer"),
                        ("double", "real"), ("real", "real"), ("float", "real"),
                        ("numeric", "numeric"), ("decimal", "numeric"),
                        ("timestamp", "timestamp"), ("date", "date")):
        if probe in t:
            return kind
    return "text"


# A column made from a saved value takes the kind of the value's BASIC type.
_KIND_OF_TYPE = {"boolean": "boolean", "integer": "integer", "number": "real"}


def _kind_for(value: Any) -> str:
    return _KIND_OF_TYPE.get(type_name(value), "text")


def _get_ci(row: Mapping[str, Any], key: str) -> Any:
    for k, v in row.items():
        if k.lower() == key.lower():
            return v
    return None


def _to_column(column: Column, value: Any) -> Any:
    """A BASIC value as ``column`` stores it; ValueError when it cannot be."""
    if value is None or value == "" and column.kind != "text":
        return None
    kind = column.kind
    try:
        if kind == "text":
            if isinstance(value, (dict, list)):
                return json.dumps(value, ensure_ascii=False, default=str)
            return to_display(value)
        if kind == "boolean":
            if isinstance(value, str):
                return value.strip().lower() in ("true", "1", "yes", "sim", "y")
            return bool(value)
        if kind in ("integer", "real", "numeric"):
            if isinstance(value, bool):
                return int(value)
            number = float(value) if not isinstance(value, (int, float)) else value
            if kind == "integer":
                if number != int(number):
                    raise ValueError
                return int(number)
            return number
        if kind == "date":
            return to_display(value)[:10]
        return to_display(value)
    except (TypeError, ValueError):
        raise ValueError(f"column {column.name!r} expects a {kind} value, got "
                         f"{to_display(value)!r}") from None


def _out(kind: str, value: Any) -> Any:
    """A database value as a BASIC value."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if kind == "boolean" and isinstance(value, int):
        return bool(value)
    if kind == "numeric" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@service_factory("tables", "open a memory database (talkbench --db URL) to use tables")
def _make_tables(context: ServiceContext) -> Tables | None:
    if context.store is None:
        return None
    return TableStore(context.store.database, context.bot)
