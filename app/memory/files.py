"""Bot memory to and from JSON and CSV files (``MemoryStore.export_json`` and friends).

Exports read through :class:`~app.memory.queries.MemoryQueries`, so queued values are
included; imports go through the writer's queue like any other write and wait until they land.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interpreter.ports.host import WriteSource

from ..db.database import DatabaseError
from ..files.atomic_file import write_bytes_atomic
from ..files.db_files import check_not_database
from .queries import MemoryQueries
from .writer import check_text

# Upserts (key, value) pairs of a bot in one transaction (MemoryEdits.write_all).
WriteAll = Callable[[str, list[tuple[str, str]], WriteSource], None]


def export_json(queries: MemoryQueries, bot: str, path: str | os.PathLike[str]) -> int:
    """Write ``{key: value}`` (sorted by key) as UTF-8 JSON; returns the entry count."""
    entries = queries.list(bot)
    data = {e.key: e.value for e in entries}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))
    return len(entries)


def import_json(write: WriteAll, bot: str, path: str | os.PathLike[str]) -> int:
    """Upsert entries from a JSON object ``{key: value}`` or a list of
    ``{"key": …, "value": …}``, all in one transaction (DatabaseError: none written)."""
    try:
        check_not_database(path)
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list) and all(
        isinstance(item, dict) and "key" in item and "value" in item for item in data
    ):
        pairs = [(item["key"], item["value"]) for item in data]
    else:
        raise ValueError(
            f"{path}: expected an object of key/value strings or a list of "
            '{"key": ..., "value": ...} objects'
        )
    return _import(write, bot, pairs, path)


def export_csv(queries: MemoryQueries, bot: str, path: str | os.PathLike[str]) -> int:
    """Write a UTF-8 CSV with a ``key,value`` header, sorted by key."""
    entries = queries.list(bot)

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["key", "value"])
    writer.writerows((e.key, e.value) for e in entries)
    write_bytes_atomic(path, out.getvalue().encode("utf-8"))
    return len(entries)


def import_csv(write: WriteAll, bot: str, path: str | os.PathLike[str]) -> int:
    """Upsert entries from a CSV with ``key`` and ``value`` columns (header row)."""
    # Memory values may be megabytes; the csv module refuses fields over 128 KiB by default.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    try:
        check_not_database(path)
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or "key" not in header or "value" not in header:
                raise ValueError(f"{path}: the first row must name 'key' and 'value' columns")
            ki, vi = header.index("key"), header.index("value")
            pairs = []
            for n, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) <= max(ki, vi):
                    raise ValueError(f"{path}:{n}: expected key and value columns")
                pairs.append((row[ki], row[vi]))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    return _import(write, bot, pairs, path)


def _import(write: WriteAll, bot: str, pairs: list[tuple[Any, Any]], path: Any) -> int:
    for key, value in pairs:  # validate everything before queueing anything
        if not isinstance(key, str) or not isinstance(value, str):
            # ValueError, like any other bad file content.
            raise ValueError(  # noqa: TRY004
                f"{path}: key {key!r}: keys and values must be strings"
            )
        check_text(key, "key")
        check_text(value, "value")
    # One transaction: an entry the database refuses (or a lost connection) must not leave
    # the file half imported while the count said all of it was.
    try:
        write(bot, pairs, WriteSource(file=str(path), kind="import"))
    except DatabaseError as exc:
        raise DatabaseError(f"nothing imported from {path}: {exc}") from None
    return len(pairs)
