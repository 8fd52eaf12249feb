"""Review of the table keywords: TABLE blocks that could not be created are tried again."""

from __future__ import annotations

from interpreter.ports.data import TableDefinition

from ..helpers import run


class _FlakyTables:
    """Creating a table fails the first time (the database was busy), then works."""

    def __init__(self) -> None:
        self.defined: list[str] = []
        self.failures = 1

    def define(self, table: TableDefinition) -> None:
        if self.failures:
            self.failures -= 1
            raise ValueError(f"table error: cannot create {table.name} now")
        self.defined.append(table.name)

    def insert(self, table: str, row: dict) -> int:
        if table not in self.defined:
            raise ValueError(f"there is no table {table!r}")
        return 1


def test_a_failed_table_definition_is_retried_by_the_next_data_keyword() -> None:
    tables = _FlakyTables()
    out = run('TABLE leads\n  name AS STRING\nEND TABLE\n'
              'ON ERROR RESUME NEXT\nSAVE "leads", "Ann"\nfirst = ERR_DESCRIPTION\nCLEAR ERROR\n'
              'SAVE "leads", "Bob"\nRETURN [first, ERR_NUMBER]',
              services={"tables": tables})
    assert out.result == ["table error: cannot create leads now", 0]
    assert tables.defined == ["leads"]
