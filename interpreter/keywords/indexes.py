"""``CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (col, …)`` on a bot's table.

Real dialogs follow their ``TABLE … END TABLE`` blocks with these lines (reference §2.8). The
statement runs where it stands: the TABLE blocks are created first (as before any data
access), then the ``tables`` service creates the index if it does not exist yet, so running a
dialog again is harmless. The parser gives literal arguments: name, table, [columns].
"""

from __future__ import annotations

from typing import Any

from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .data import provider_call, table_service
from .registry import keyword


async def _create(rt: KeywordContext, args: list[Any], phrase: str) -> None:
    if len(args) != 3 or not isinstance(args[2], list) or not args[2]:
        raise BasicValueError(f"{phrase} expects: {phrase} name ON table (column, …)")
    name, table = to_display(args[0]), to_display(args[1])
    columns = [to_display(c) for c in args[2]]
    # ``Tables.create_index`` (interpreter/ports/data.py); an older host may lack it.
    make = getattr(table_service(rt, phrase), "create_index", None)
    if make is None:
        raise BasicValueError(f"{phrase}: this host's tables service cannot create indexes")
    provider_call(make, name, table, columns, unique=phrase == "CREATE UNIQUE INDEX")


@keyword("CREATE INDEX")
async def create_index(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    await _create(rt, args, "CREATE INDEX")


@keyword("CREATE UNIQUE INDEX")
async def create_unique_index(rt: KeywordContext, args: list[Any], clauses: Clauses,
                              line: int) -> None:
    await _create(rt, args, "CREATE UNIQUE INDEX")
