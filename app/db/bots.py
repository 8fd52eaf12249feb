"""Which row of General Bots' ``bots`` table a bot reference names, and when one may be added.

Every part of Talkbench that reads or writes a bot's memory (the memory store, user memories,
and through them ``talkbench run``/``memory``, the IDE, DAP, webhooks and schedules) finds its
bot here, so a ``--bot`` value means the same everywhere:

1. a bot id (a UUID), else
2. a ``slug`` (unique in General Bots; only when the table has that column), else
3. a ``name``: names are not unique in General Bots, so two bots of that name is an error
   naming both (pass the id or slug instead).

A bot that does not exist is created only in a ``bots`` table that accepts a row made of just
an id and a name (the table Talkbench creates itself). A real General Bots table has NOT NULL
columns without defaults (``llm_provider``, ``context_provider``): a bot there is a deployment
General Bots sets up (organisation, storage, model), so Talkbench never inserts a half-made
row into it; the reference is an error that names the bots that exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee

from .database import DatabaseError
from .models import BOTS_TABLE, Bot

Fetch = Callable[[str, Any], list[tuple[Any, ...]]]

# Columns Talkbench fills itself when it adds a bot.
_FILLED = frozenset({"id", "name"})
_LISTED = 20  # bots named in an error message at most


class BotNotFound(DatabaseError):
    """No bot matches the reference, and none may be created in this database."""


class AmbiguousBot(DatabaseError):
    """The reference is a name that two or more bots carry."""


@dataclass(frozen=True)
class BotRow:
    id: Any
    name: str
    slug: str | None = None

    def describe(self) -> str:
        slug = f", slug {self.slug!r}" if self.slug else ""
        return f"{self.name!r} (id {_uuid_text(self.id)}{slug})"


class BotDirectory:
    """The ``bots`` table of one database: look up, list and (where allowed) add bots."""

    def __init__(self, db: peewee.Database, fetch: Fetch | None = None) -> None:
        self.db = db
        self._fetch = fetch or _plain_fetch(db)
        self._columns: dict[str, peewee.ColumnMetadata] | None = None

    # -- the table's shape ---------------------------------------------------------------

    def _column_info(self) -> dict[str, peewee.ColumnMetadata]:
        if self._columns is None:
            self._columns = {c.name: c for c in self.db.get_columns(BOTS_TABLE)}
        return self._columns

    @property
    def has_slug(self) -> bool:
        return "slug" in self._column_info()

    def blocking_columns(self) -> list[str]:
        """Columns a new row would need a value for that Talkbench cannot honestly give
        (NOT NULL, no default); empty when Talkbench may add bots."""
        return sorted(name for name, c in self._column_info().items()
                      if name not in _FILLED and not c.null and c.default is None
                      and not c.primary_key)

    # -- reads ---------------------------------------------------------------------------

    def all(self) -> list[BotRow]:
        """Every bot, by name."""
        return self._rows(None)

    def find(self, ref: str) -> BotRow | None:
        """The bot ``ref`` names (id, slug or name; see the module docstring), ``None`` when
        none does; :class:`AmbiguousBot` when it is a name two bots share."""
        as_id = _as_uuid(ref)
        if as_id is not None:
            found = self._rows(Bot.id == as_id)
            if found:
                return found[0]
        if self.has_slug:
            found = self._rows(self._slug == ref)
            if found:
                return found[0]
        found = self._rows(Bot.name == ref)
        if len(found) > 1:
            listed = "; ".join(row.describe() for row in found[:_LISTED])
            raise AmbiguousBot(f"{len(found)} bots are named {ref!r}: {listed}. "
                               "Name one by its id or slug instead")
        return found[0] if found else None

    def reference(self, ref: str) -> str:
        """The one way to name the bot ``ref`` names, as :func:`references` lists it (its
        name, or its slug or id where two bots share the name); ``ref`` itself while no bot
        has it. Histories and bot lists then agree whichever form was typed."""
        row = self.find(ref)
        if row is None:
            return ref
        shared = len(self._rows(Bot.name == row.name)) > 1
        return (row.slug or _uuid_text(row.id)) if shared else row.name

    def _rows(self, where: peewee.Expression | None) -> list[BotRow]:
        slug = self._slug if self.has_slug else peewee.Value(None)
        query = Bot.select(Bot.id, Bot.name, slug).order_by(Bot.name, Bot.id)
        if where is not None:
            query = query.where(where)
        sql, params = self.db.get_sql_context().sql(query).query()
        return [BotRow(*row) for row in self._fetch(sql, params)]

    @property
    def _slug(self) -> peewee.Column:
        return peewee.Column(Bot._meta.table, "slug")

    # -- writes --------------------------------------------------------------------------

    def check(self, ref: str) -> BotRow | None:
        """The bot ``ref`` names, ``None`` when it does not exist yet but may be created;
        :class:`BotNotFound` when it does not exist and cannot be."""
        row = self.find(ref)
        if row is None:
            self._refuse_creation(ref)
        return row

    def ensure(self, ref: str) -> Any:
        """The id of the bot ``ref`` names, adding it (id and name only) where allowed; call
        inside the caller's transaction."""
        row = self.check(ref)
        if row is not None:
            return row.id
        new_id = uuid.uuid4()
        try:
            with self.db.atomic():  # savepoint: a lost race must not abort the caller's batch
                self.db.execute(Bot.insert(id=new_id, name=ref))
        except peewee.IntegrityError:
            row = self.find(ref)  # another process created it meanwhile
            if row is None:
                raise
            return row.id
        return new_id.hex  # the text form every other id here has (SQLite) or accepts

    def _refuse_creation(self, ref: str) -> None:
        blocking = self.blocking_columns()
        if not blocking:
            return
        existing = self.all()
        names = ", ".join(repr(row.slug or row.name) for row in existing[:_LISTED])
        more = f" and {len(existing) - _LISTED} more" if len(existing) > _LISTED else ""
        known = f"the bots here are {names}{more}" if existing else "this database has no bots"
        raise BotNotFound(
            f"No bot {ref!r} in this General Bots database; {known}. Talkbench does not create "
            f"bots in General Bots' own table (its {', '.join(blocking)} have no default): "
            "create the bot in General Bots, or pass an existing name, slug or id with --bot")


def references(rows: list[BotRow]) -> list[str]:
    """A reference that names each bot alone: its name, or where two bots share the name its
    slug (else its id). What a bot list (the IDE's bot box) offers."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.name] = counts.get(row.name, 0) + 1
    return [row.name if counts[row.name] == 1 else (row.slug or _uuid_text(row.id))
            for row in rows]


def _plain_fetch(db: peewee.Database) -> Fetch:
    def fetch(sql: str, params: Any) -> list[tuple[Any, ...]]:
        cursor = db.execute_sql(sql, params)
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()

    return fetch


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref.strip())
    except (ValueError, AttributeError):
        return None


def _uuid_text(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)
