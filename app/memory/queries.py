"""Reads of the memory store: single values for scripts, and the filtered, sorted, paged
entries the memory panel and the CLI show. Queued writes always win over database rows
(read-your-writes), so every read merges the writer's queue into what SQL returns.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee

from ..db.bots import references
from ..db.database import DatabaseError, contains_text
from ..db.models import BotMemory
from .sql import CHUNK_KEYS, MemorySql, chunks
from .writer import MemoryWriter

# The store's name: its log records keep the logger that filters and settings already name.
log = logging.getLogger("app.memory.store")

ORDER_COLUMNS = ("key", "value", "created_at", "updated_at")
_UTC = dt.UTC


@dataclass(frozen=True)
class MemoryEntry:
    """A row as the IDE shows it; ``pending`` when the value is still queued (timestamps are
    then the time of ``set``). Timestamps are timezone-aware UTC."""

    key: str
    value: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    pending: bool = False


class MemoryQueries:
    """The reads of one store, over its database (``sql``) and its queue (``writer``)."""

    def __init__(self, sql: MemorySql, writer: MemoryWriter) -> None:
        self._sql = sql
        self._writer = writer

    def get_value(self, bot: str, key: str) -> str:
        """The value, ``""`` when missing or when the database cannot be read (as General
        Bots does; the failure is logged)."""
        p = self._writer.queued_value(bot, key)
        if p is not None:
            return p[0]
        sql = self._sql
        try:
            bot_id = sql.lookup_bot_id(bot)
            if bot_id is None:
                return ""
            rows = sql.fetch(sql.sql_get, (bot_id, key))
        except DatabaseError as exc:
            log.warning("GET BOT MEMORY %r failed: %s", key, exc)
            return ""
        return rows[0][0] if rows else ""

    def bots(self) -> list[str]:
        """How to name each bot of the database (its name, or its slug or id where two bots
        share the name: see :func:`app.db.bots.references`) plus bots with queued writes,
        sorted."""
        names = set(references(self._sql.bots.all()))
        names.update(self._writer.pending_bots())
        return sorted(names)

    def get_entry(self, bot: str, key: str) -> MemoryEntry | None:
        """The entry (queued value first), ``None`` when missing; DatabaseError on failure."""
        pending = self._writer.pending_for(bot).get(key)
        try:
            bot_id = self._sql.lookup_bot_id(bot)
            rows = self._sql.fetch(self._sql.sql_entry, (bot_id, key)) if bot_id is not None else []
        except DatabaseError:
            if pending is None:
                raise
            rows = []  # a queued value is known even while the database is away
        row = rows[0] if rows else None
        if pending is not None:
            value, _, t = pending
            return _pending_entry(key, value, t, _as_utc(row[2]) if row else None)
        if row is None:
            return None
        return MemoryEntry(row[0], row[1], _as_utc(row[2]), _as_utc(row[3]))

    def list(
        self,
        bot: str,
        filter: str = "",
        offset: int = 0,
        limit: int | None = None,
        order_by: str = "key",
        descending: bool = False,
    ) -> list[MemoryEntry]:
        """Entries of ``bot`` (queued values included), optionally filtered by a
        case-insensitive substring of key or value, sorted (by code point for text, ties by
        key) and paginated."""
        if order_by not in ORDER_COLUMNS:
            raise ValueError(f"order_by must be one of {', '.join(ORDER_COLUMNS)}")
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("offset and limit must not be negative")
        pending = self._writer.pending_for(bot)
        bot_id = self._sql.lookup_bot_id(bot)
        stop = None if limit is None else offset + limit
        entries: list[MemoryEntry] = []
        if bot_id is not None:
            q = self._select_entries(bot_id, filter)
            q = q.order_by(*self._ordering(order_by, descending))
            if not pending:  # the common case: the database pages by itself
                if limit is not None:
                    q = q.limit(limit)
                if offset:
                    q = q.offset(offset)
            elif stop is not None:
                # Rows overridden by queued values are dropped below: over-fetch by that many.
                q = q.limit(stop + len(pending))
            sql, params = self._sql.compile(q)
            for key, value, created, updated in self._sql.fetch(sql, params):
                if key not in pending:
                    entries.append(MemoryEntry(key, value, _as_utc(created), _as_utc(updated)))
        if not pending:
            return entries
        matching = {k: p for k, p in pending.items() if _matches(filter, k, p[0])}
        created = self._created_at(bot_id, list(matching)) if bot_id is not None else {}
        entries.extend(_pending_entry(k, v, t, created.get(k)) for k, (v, _, t) in matching.items())
        entries.sort(key=_sort_key(order_by), reverse=descending)
        return entries[offset:stop]

    def count(self, bot: str, filter: str = "") -> int:
        """How many entries :meth:`list` would return without pagination."""
        pending = self._writer.pending_for(bot)
        bot_id = self._sql.lookup_bot_id(bot)
        total = 0
        if bot_id is not None:
            q = self._select_entries(bot_id, filter)
            sql, params = self._sql.compile(q.select(peewee.fn.COUNT(BotMemory.id)))
            total = self._sql.fetch(sql, params)[0][0]
            for chunk in chunks(list(pending), CHUNK_KEYS):
                # Rows that a queued value overrides are counted from the queue instead.
                q = self._select_entries(bot_id, filter).where(BotMemory.key.in_(chunk))
                sql, params = self._sql.compile(q.select(peewee.fn.COUNT(BotMemory.id)))
                total -= self._sql.fetch(sql, params)[0][0]
        return total + sum(1 for k, p in pending.items() if _matches(filter, k, p[0]))

    def _created_at(self, bot_id: Any, keys: builtins.list[str]) -> dict[str, dt.datetime | None]:
        out: dict[str, dt.datetime | None] = {}
        for chunk in chunks(keys, CHUNK_KEYS):
            sql, params = self._sql.compile(
                BotMemory.select(BotMemory.key, BotMemory.created_at).where(
                    (BotMemory.bot == bot_id) & BotMemory.key.in_(chunk)
                )
            )
            out.update((k, _as_utc(c)) for k, c in self._sql.fetch(sql, params))
        return out

    def _select_entries(self, bot_id: Any, filter: str) -> peewee.ModelSelect[BotMemory]:
        q = BotMemory.select(
            BotMemory.key, BotMemory.value, BotMemory.created_at, BotMemory.updated_at
        ).where(BotMemory.bot == bot_id)
        if filter:
            q = q.where(contains_text([BotMemory.key, BotMemory.value], filter, self._sql.sqlite))
        return q

    def _ordering(self, order_by: str, descending: bool) -> builtins.list[Any]:
        sqlite = self._sql.sqlite

        def text(field: peewee.Field) -> Any:
            # Code-point order on both engines, matching Python's sort of queued entries.
            return field if sqlite else peewee.NodeList((field, peewee.SQL('COLLATE "C"')))

        column = getattr(BotMemory, order_by)
        cols = [text(column) if order_by in ("key", "value") else column]
        if order_by != "key":
            cols.append(text(BotMemory.key))
        return [peewee.NodeList((c, peewee.SQL("DESC" if descending else "ASC"))) for c in cols]


def _as_utc(value: Any) -> dt.datetime | None:
    """A timestamp column's value as an aware UTC datetime; ``None`` when empty or not a
    timestamp at all (another tool wrote the row): one odd row must not break the bot."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value.strip())
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            return dt.datetime.fromtimestamp(value, _UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=_UTC)  # Talkbench writes naive timestamps as UTC
    return value.astimezone(_UTC)


def _pending_entry(key: str, value: str, t: float, created: dt.datetime | None) -> MemoryEntry:
    when = dt.datetime.fromtimestamp(t, _UTC)
    return MemoryEntry(key, value, created or when, when, pending=True)


def _matches(filter: str, key: str, value: str) -> bool:
    if not filter:
        return True
    f = filter.lower()
    return f in key.lower() or f in value.lower()


def _sort_key(order_by: str) -> Callable[[MemoryEntry], Any]:
    if order_by == "key":
        return lambda e: e.key
    minimum = dt.datetime.min.replace(tzinfo=_UTC)
    return lambda e: (getattr(e, order_by) or minimum, e.key)
