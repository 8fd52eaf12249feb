"""``UNIQUE(a, b)`` inside ``TABLE … END TABLE`` is a table constraint, not a column.

The General Bots templates write it that way (the table definition's own column lines are
``name AS type``; botbasic_data/src/keywords/table_definition.rs reads the block). Runs on
the SQLite and the PostgreSQL store (the ``store`` fixture)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.services.tables import TableStore
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.syntax.parser.core import parse

VISITS = '''
TABLE visits
    name AS STRING
    day AS STRING
    UNIQUE(name, day)
END TABLE
row = {"name": "ana", "day": "mon"}
INSERT "visits", row
'''


def run(source: str, tables: TableStore) -> dict[str, Any]:
    rt = Runtime(load_source(source, "visits.bas"), QueuedChannel.with_answers([]),
                 DictMemory({}), services={"tables": tables})
    asyncio.run(rt.run())
    return rt.globals


def test_unique_line_is_a_constraint_not_a_column() -> None:
    program, diags = parse(VISITS)
    assert diags == []
    [table] = program.tables
    assert [c for c, _ in table.columns] == ["name", "day"]
    assert table.unique == (("name", "day"),)


def test_a_second_row_with_the_same_pair_is_refused(store: MemoryStore) -> None:
    tables = TableStore(store.database, "crm")
    found = run(VISITS + 'other = {"name": "ana", "day": "tue"}\nINSERT "visits", other\n'
                'rows = FIND "visits", ""\n', tables)
    assert sorted(r["day"] for r in found["rows"]) == ["mon", "tue"]
    assert "unique" not in {k.lower() for k in found["rows"][0]}
    with pytest.raises(BasicRuntimeError, match="(?i)unique") as err:
        run(VISITS, tables)
    assert err.value.line == 8


def test_unique_naming_an_unknown_column_is_a_clear_error(store: MemoryStore) -> None:
    tables = TableStore(store.database, "crm")
    with pytest.raises(BasicRuntimeError, match="UNIQUE names no column 'email'"):
        run(VISITS.replace("UNIQUE(name, day)", "UNIQUE(name, email)"), tables)
