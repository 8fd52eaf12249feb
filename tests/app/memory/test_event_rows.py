"""Multi-row inserts of history rows: order, padding, chunks and atomicity (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from app.memory.event_rows import CHUNK_ROWS, insert_rows
from app.memory.history import EVENTS_TABLE, MemoryHistory

COLUMNS = ("bot", "old_known", "kind", "file", "run_id", "turn", "old_key", "key", "old_value",
           "new_value", "line", "at", "old_created")
BOT = "rowsbot"


def _row(i: int, key: str | None = None) -> tuple[object, ...]:
    return (BOT, i % 2 == 0, "script", "f.bas", "run", i % 3 or None, None,
            key if key is not None else f"k{i % 5}", None if i % 4 else f"old {i}", f"new {i}",
            i, 1000.0 + i, None)


@pytest.mark.parametrize("count", [1, 3, CHUNK_ROWS, CHUNK_ROWS + 1, 2 * CHUNK_ROWS + 37])
def test_rows_are_inserted_completely_and_in_order(history: MemoryHistory, count: int) -> None:
    rows = [_row(i) for i in range(count)]
    insert_rows(history.db, EVENTS_TABLE, COLUMNS, rows)
    events = history.recent(BOT, limit=None)[::-1]  # oldest first
    assert [(e.bot, e.old_known, e.kind, e.file, e.run_id, e.turn, e.old_key, e.key, e.old,
             e.new, e.line, e.at, e.old_created) for e in events] == rows


def test_rows_over_several_statements_land_all_or_none(history: MemoryHistory) -> None:
    rows = [_row(i) for i in range(CHUNK_ROWS + 5)]
    bad = list(rows[-1])
    bad[COLUMNS.index("kind")] = None  # NOT NULL: the last statement fails
    rows[-1] = tuple(bad)
    with pytest.raises(Exception):  # noqa: B017 - the driver's IntegrityError, wrapped
        insert_rows(history.db, EVENTS_TABLE, COLUMNS, rows)
    assert history.recent(BOT, limit=None) == []
    insert_rows(history.db, EVENTS_TABLE, COLUMNS, rows[:-1])
    assert len(history.recent(BOT, limit=None)) == CHUNK_ROWS + 4
