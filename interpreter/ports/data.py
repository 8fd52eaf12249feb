"""What the data keywords need from the host: tables, user memory and the schedule registry.

The interpreter only speaks these Protocols; ``app`` implements them over the bot database and
hands them to the runtime as the services ``"tables"``, ``"user_memory"`` and ``"schedules"``
(``Runtime.service``). Values crossing the port are BASIC values: str, int, float, bool,
None, dict (a row) and list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .where import Compare, Condition, Param


@dataclass(frozen=True)
class ColumnDef:
    """One line of a ``TABLE … END TABLE`` block: name and the type text as written."""

    name: str
    type_text: str


@dataclass(frozen=True)
class TableDefinition:
    name: str
    columns: tuple[ColumnDef, ...]
    connection: str = ""
    unique: tuple[tuple[str, ...], ...] = ()  # UNIQUE(a, b): sets of columns


@dataclass(frozen=True)
class Filter:
    """A row filter: filter text (``"status=open"``, ``"score >= ? AND name LIKE ?"``) and the
    values that ``?`` placeholders stand for, or a ``tree`` the compiler already parsed (its
    ``Param`` indexes ``params``; the text is then not read). Empty text matches every row."""

    text: str = ""
    params: tuple[Any, ...] = ()
    tree: Condition | None = None

    @classmethod
    def equals(cls, column: str, value: Any) -> Filter:
        """``column = value``, built as a tree: the host has no text to parse."""
        return cls(params=(value,), tree=Compare(column, "=", Param(0)))


class Tables(Protocol):
    """Named tables of one bot. Errors are raised as ``ValueError`` with a message for users."""

    def define(self, table: TableDefinition) -> None:
        """Create the table from its definition if it does not exist yet."""

    def find(self, table: str, where: Filter, *, order_by: str = "",
             limit: int | None = None) -> list[dict[str, Any]]:
        """Matching rows (empty list when none or when the table does not exist)."""

    def insert(self, table: str, row: Mapping[str, Any]) -> Any:
        """Add a row (creating the table or columns on first use); returns its id."""

    def save(self, table: str, row: Mapping[str, Any]) -> Any:
        """Upsert by ``id`` when the row has one, else insert; returns the id."""

    def update(self, table: str, where: Filter, changes: Mapping[str, Any]) -> int:
        """Change matching rows; returns how many."""

    def delete(self, table: str, where: Filter) -> int:
        """Remove matching rows; returns how many."""

    def create_index(self, name: str, table: str, columns: list[str],
                     unique: bool = False) -> str:
        """Create the index if missing (``CREATE INDEX``); ValueError names a missing table or
        column. Returns the index's name in the database."""


class UserMemory(Protocol):
    """Per-user key/value memory of one bot (``user_memories``)."""

    def get(self, user: str, key: str) -> str:
        """The value, ``""`` when missing."""

    def set(self, user: str, key: str, value: str) -> None: ...

    def clear(self, user: str) -> int:
        """Forget everything about ``user``; returns how many keys were removed."""

    def facts(self, user: str) -> list[str]:
        """Values remembered with REMEMBER USER FACT, newest first."""

    def add_fact(self, user: str, text: str) -> None: ...


class Schedules(Protocol):
    """The bot's schedule registry (SET SCHEDULE)."""

    def record(self, script: str, spec: str, origin: str) -> None:
        """Schedule ``script`` (a dialog name) with a cron/natural spec or a date-time;
        ``origin`` is the dialog and line that asked. Raises ValueError on a bad spec."""

    def names(self) -> Sequence[str]:
        """Scripts that have a schedule."""
