"""Insert the history recorder's rows into ``memory_events`` with little GIL time per row.

The recorder runs next to the GUI thread, which also runs the dialog: every microsecond it
holds the GIL per recorded write is taken from the dialog (~50,000 writes a second), and
every time it gives the GIL up inside a driver call it must win it back from the busy GUI
thread. So rows go in as plain tuples, bound as the parameters of one multi-row ``INSERT …
VALUES`` per chunk: the driver binds them in C (~40 ns a value), where building peewee
queries or JSON held the GIL for 1-10 µs a row, and the database's own work (GIL released)
is about half that of extracting the values from JSON.

SQLite caches prepared statements by their text, so a chunk's row count is rounded up to a
power of two and the padding rows (all NULL) are filtered out: a handful of statements,
each prepared once per connection, not one per batch size.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

import peewee

from ..db.database import is_sqlite

# Rows per statement: 13 values a row stay far below SQLite's 32,766 bound parameters and
# psycopg2's client-side interpolation of one statement is still small.
CHUNK_ROWS = 128


def insert_rows(db: peewee.Database, table: str, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, in order, in the
    caller's transaction. The first column must never be NULL (the padding test)."""
    sqlite = is_sqlite(db)
    width = len(columns)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        params = list(itertools.chain.from_iterable(chunk))
        if sqlite:
            size = _padded(len(chunk))
            params.extend(itertools.repeat(None, (size - len(chunk)) * width))
            sql = _sqlite_sql(table, tuple(columns), size)
        else:
            sql = _postgres_sql(table, tuple(columns), len(chunk))
        db.execute_sql(sql, params)


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
