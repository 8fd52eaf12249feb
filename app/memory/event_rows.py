"""Insert the history recorder's rows into ``memory_events`` with little GIL time per row.

The recorder runs next to the GUI thread, which also runs the dialog: every microsecond it
holds the GIL per recorded write is taken from the dialog (~50,000 writes a second), and
every time it gives the GIL up inside a driver call it must win it back from the busy GUI
thread. So rows go in as plain tuples, bound as the parameters of one multi-row ``INSERT …
VALUES`` per chunk: the driver binds them in C (~40 ns a value), where json.dumps held the
GIL ~1.2 µs a row (SQLite) and building peewee queries ~10 µs (PostgreSQL). SQLite's own
work, with the GIL released, is a little less than extracting the values from JSON was
(~9 µs a row, most of it writing the index pages a step's rows touch).

SQLite caches prepared statements by their text, so a chunk's row count is rounded up to a
power of two and the padding rows (all NULL) are filtered out: a handful of statements,
each prepared once per connection, not one per batch size.
"""

from __future__ import annotations

import functools
import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

import peewee

from ..db.database import is_sqlite

# Rows per statement at most (a power of two): a recorder step (256 changes) is usually one
# statement, so one GIL hand-over in the driver. SQLite builds with a smaller bound on
# parameters (999 before 3.32) get fewer rows per statement.
CHUNK_ROWS = 256


def insert_rows(db: peewee.Database, table: str, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, in order and
    atomically: a crash keeps all of them or none. The first column must never be NULL (the
    padding test).

    Rows that fit in one statement need no transaction around it (the connection is in
    autocommit mode, a statement is atomic): BEGIN and COMMIT would be two more calls that
    each give up the GIL and must win it back from the GUI thread."""
    width = len(columns)
    chunk_rows = _chunk_rows(db, width)
    if len(rows) <= chunk_rows:
        _insert_chunk(db, table, tuple(columns), rows)
        return
    with db.atomic():
        for start in range(0, len(rows), chunk_rows):
            _insert_chunk(db, table, tuple(columns), rows[start : start + chunk_rows])


def _insert_chunk(db: peewee.Database, table: str, columns: tuple[str, ...],
                  chunk: Sequence[tuple[Any, ...]]) -> None:
    params = list(itertools.chain.from_iterable(chunk))
    if is_sqlite(db):
        size = _padded(len(chunk))
        params.extend(itertools.repeat(None, (size - len(chunk)) * len(columns)))
        sql = _sqlite_sql(table, columns, size)
    else:
        sql = _postgres_sql(table, columns, len(chunk))
    db.execute_sql(sql, params)


def _chunk_rows(db: peewee.Database, width: int) -> int:
    if not is_sqlite(db):
        return CHUNK_ROWS
    limit = db.connection().getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return min(CHUNK_ROWS, 1 << ((limit // width).bit_length() - 1))


def _padded(count: int) -> int:
    """The power of two at or above ``count``."""
    return 1 << (count - 1).bit_length()


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


@functools.lru_cache(maxsize=64)
def _sqlite_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    # VALUES rows come out in order (SQLite runs a VALUES list as a co-routine), so ids
    # follow the order of ``rows`` as they did with one INSERT per row.
    one = "(" + ", ".join("?" * len(columns)) + ")"
    values = ", ".join(itertools.repeat(one, rows))
    return (f'INSERT INTO "{table}" ({_names(columns)}) SELECT * FROM (VALUES {values}) '
            "WHERE column1 IS NOT NULL")


@functools.lru_cache(maxsize=64)
def _postgres_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    # A multi-row VALUES inserts in list order on PostgreSQL too (one INSERT, serial ids
    # drawn row by row).
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f'INSERT INTO "{table}" ({_names(columns)}) VALUES ' + ", ".join(
        itertools.repeat(one, rows))
