"""The ``crm`` service: CREATE TASK, BOOK MEETING, conversation records, activity, metrics.

The default back end is :class:`app.services.crm_store.CrmStore` on the memory store's own database
(Talkbench's ``talkbench_crm_*`` tables beside ``bot_memories``). A bot can point its CRM at
another SQLite or PostgreSQL database instead — e.g. a shared team database — with
``crm-database`` in ``.gbot/config.csv`` or ``TALKBENCH_CRM_DB`` (a database URL as for
``--db``). Working hours for CHECK AVAILABILITY come from ``crm-work-start`` /
``crm-work-end`` (``HH:MM``, default 09:00–17:00, the original engine's business hours).

Host overrides in ``ServiceContext.settings`` use the same names with ``_`` (``crm_database``,
``crm_work_start``, ``crm_work_end``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping

import peewee

from interpreter.ports.services import Crm

from ...db.database import DatabaseError, open_database
from ...files import db_files
from ..crm_store import DEFAULT_HOURS, CrmStore
from ..registry import ServiceContext, service_factory
from ..settings import merge_settings

ENV_DB = "TALKBENCH_CRM_DB"
CRM_HINT = ("open a memory database (talkbench --db URL), or set crm-database in the bot's "
            ".gbot/config.csv or TALKBENCH_CRM_DB to a database URL")

_databases: dict[str, peewee.Database] = {}  # crm-database URL -> one open database
_databases_lock = threading.Lock()


class CrmConfigError(ValueError):
    """A crm-* setting cannot be used; ``str`` is one line for users."""


# The crm-* settings: environment variables and config.csv keys (see app.services.settings).
_ENV = {"crm_database": (ENV_DB,), "crm_work_start": (), "crm_work_end": ()}
_CONFIG = {"crm_database": ("crm-database",), "crm_work_start": ("crm-work-start",),
           "crm_work_end": ("crm-work-end",)}


def crm_settings(context: ServiceContext,
                 environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``database``, ``work_start`` and ``work_end`` from environment, config.csv, overrides
    (lowest priority first, as every setting: app.services.settings.merge_settings); missing ones are
    left out."""
    found = merge_settings(context.dialog_dir, context.settings, environ, _ENV, _CONFIG)
    return {name.removeprefix("crm_"): str(value) for name, value in found.items()}


def working_hours(settings: Mapping[str, str]) -> tuple[dt.time, dt.time]:
    start = _time(settings.get("work_start"), DEFAULT_HOURS[0], "crm-work-start")
    end = _time(settings.get("work_end"), DEFAULT_HOURS[1], "crm-work-end")
    if start >= end:
        raise CrmConfigError(f"crm-work-start {start:%H:%M} must be before crm-work-end "
                             f"{end:%H:%M}")
    return start, end


def make_crm(context: ServiceContext,
             environ: Mapping[str, str] | None = None) -> CrmStore | None:
    """The bot's CRM store, or None when there is no database to keep it in."""
    settings = crm_settings(context, environ)
    hours = working_hours(settings)
    if settings.get("database"):
        db = _open(settings["database"])
    elif context.store is not None:
        db = context.store.database
    else:
        return None
    return CrmStore(db, context.bot, hours)


def _open(url: str) -> peewee.Database:
    with _databases_lock:
        db = _databases.get(url)
        if db is None:
            try:
                db = _databases[url] = open_database(url)
            except DatabaseError as exc:
                raise CrmConfigError(f"crm-database: {exc}") from None
            if isinstance(db, peewee.SqliteDatabase):
                db_files.protect(db.database)  # open for the life of the process
        return db


def _time(text: str | None, default: dt.time, name: str) -> dt.time:
    if not text:
        return default
    try:
        return dt.time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise CrmConfigError(f"{name} must be a time like 09:00, got {text!r}") from None


@service_factory("crm", CRM_HINT)
def _make_crm(context: ServiceContext) -> Crm | None:
    return make_crm(context)
