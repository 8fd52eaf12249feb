"""Scheduled dialogs: find SET SCHEDULE lines, compute run times, run what is due.

As in General Bots (reference §4.6), a dialog's own ``SET SCHEDULE "spec"`` is read from its
source, not executed: only the text of the first quoted string counts, the last such line of a
file wins, and a computed spec (``SET SCHEDULE "0 9 " + d``) is left to the runtime form. The
runtime form ``SET SCHEDULE spec, "other.bas"`` records into ``talkbench_schedules`` through the
``schedules`` service; a date-time spec there is a one-shot run.

When is a schedule due? When one of its run times lies after its last run (or, never run, in
the current minute) and not after ``now``. Last runs are kept in ``talkbench_schedule_runs``,
so ``talkbench schedule run`` called every minute by cron runs each schedule once per time.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee

from interpreter.library.cron import Cron, CronError, parse_schedule
from interpreter.ports.data import Schedules

from ..files.atomic_file import read_text_file
from ..files.bot_package import is_package, load_package
from ..services.registry import ServiceContext, service_factory

SCHEDULES_TABLE = "talkbench_schedules"
RUNS_TABLE = "talkbench_schedule_runs"
_LINE = re.compile(r'^\s*SET[ _]SCHEDULE\s*\(?\s*"([^"]*)"(.*)$', re.IGNORECASE)
_REST_OK = re.compile(r'^\s*\)?\s*(?:"[^"]*"\s*)*(?:\'.*|REM\b.*)?$', re.IGNORECASE)
_ONE_SHOT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class Schedule:
    """One scheduled dialog."""

    script: str  # the dialog's name (file stem), the schedule key
    path: Path | None  # the dialog file, when known
    spec: str  # as written
    line: int  # 0 for runtime-recorded schedules
    cron: Cron | None = None
    at: dt.datetime | None = None  # one-shot run time
    error: str = ""
    origin: str = "source"  # "source" or the dialog:line that recorded it

    def next_runs(self, after: dt.datetime, count: int = 3) -> list[dt.datetime]:
        if self.cron is not None:
            return self.cron.next_runs(after, count)
        if self.at is not None and self.at > after:
            return [self.at]
        return []


def make_schedule(script: str, spec: str, *, path: Path | None = None, line: int = 0,
                  origin: str = "source", tz: dt.tzinfo | None = None) -> Schedule:
    """Parse ``spec``; a bad one gives a Schedule with ``error`` set (shown, never run)."""
    text = spec.strip()
    if _ONE_SHOT.match(text):
        at = dt.datetime.fromisoformat(text.replace("T", " "))
        return Schedule(script, path, spec, line, at=at.replace(tzinfo=tz), origin=origin)
    try:
        return Schedule(script, path, spec, line, cron=parse_schedule(text), origin=origin)
    except CronError as e:
        return Schedule(script, path, spec, line, error=str(e), origin=origin)


def dialog_files(path: str | Path) -> list[Path]:
    """The dialogs of a package, a folder (its .bas files and .gbdialog folders) or one file."""
    p = Path(path)
    if p.is_file():
        return [p]
    if is_package(p):
        return list(load_package(p).dialogs)
    if not p.is_dir():
        return []
    files = sorted(p.glob("*.bas"))
    for sub in sorted(p.glob("*.gbai")) + sorted(p.glob("*.gbdialog")):
        files += dialog_files(sub) if sub.suffix == ".gbai" else sorted(sub.glob("*.bas"))
    return files


def scan_file(path: Path) -> Schedule | None:
    """The schedule a dialog declares for itself (last SET SCHEDULE line wins)."""
    try:
        lines = read_text_file(path)[0].splitlines()
    except OSError:
        return None
    found: Schedule | None = None
    for number, text in enumerate(lines, 1):
        m = _LINE.match(text)
        if m and _REST_OK.match(m.group(2)):
            found = make_schedule(path.stem, m.group(1), path=path, line=number)
    return found


def scan(path: str | Path) -> list[Schedule]:
    """Every dialog schedule under ``path`` (see :func:`dialog_files`), by script name."""
    found = (scan_file(f) for f in dialog_files(path))
    return sorted((s for s in found if s is not None), key=lambda s: s.script.lower())


def due(schedules: Iterable[Schedule], last_runs: dict[str, dt.datetime],
        now: dt.datetime) -> list[Schedule]:
    """Schedules with a run time in (last run, now]; never-run ones look back one minute."""
    out = []
    for s in schedules:
        if s.error:
            continue
        since = last_runs.get(s.script, now - dt.timedelta(minutes=1))
        if s.at is not None:
            if s.script in last_runs and last_runs[s.script] >= s.at:
                continue
            if s.at <= now:
                out.append(s)
            continue
        nxt = s.cron.next_run(since) if s.cron else None
        if nxt is not None and nxt <= now:
            out.append(s)
    return out


class ScheduleRegistry:
    """Runtime-recorded schedules and last-run times of one bot, in the memory database.

    Implements ``interpreter.ports.data.Schedules``. Times are stored as naive local
    ISO text: schedules are wall-clock ("every day at 9am" means 9 here).
    """

    def __init__(self, db: peewee.Database, bot: str, folder: str | Path = "") -> None:
        self._db = db
        self._bot = bot
        self._folder = Path(folder) if folder else None
        self._lock = threading.Lock()
        for table, extra in ((SCHEDULES_TABLE, "spec TEXT NOT NULL, origin TEXT NOT NULL"),
                             (RUNS_TABLE, "last_run TEXT NOT NULL")):
            db.execute_sql(f'CREATE TABLE IF NOT EXISTS "{table}" (bot TEXT NOT NULL, '
                           f"script TEXT NOT NULL, {extra}, PRIMARY KEY (bot, script))")

    @property
    def bot(self) -> str:
        return self._bot

    def record(self, script: str, spec: str, origin: str) -> None:
        schedule = make_schedule(script, spec, origin=origin)
        if schedule.error:
            raise ValueError(f"SET SCHEDULE {spec!r}: {schedule.error}")
        self._upsert(SCHEDULES_TABLE, script, ("spec", "origin"), (spec, origin))

    def names(self) -> list[str]:
        return [s.script for s in self.recorded()]

    def recorded(self) -> list[Schedule]:
        p = self._db.param
        rows = self._db.execute_sql(f'SELECT script, spec, origin FROM "{SCHEDULES_TABLE}" '
                                    f"WHERE bot = {p} ORDER BY script", [self._bot]).fetchall()
        return [make_schedule(script, spec, origin=origin) for script, spec, origin in rows]

    def remove(self, script: str) -> None:
        p = self._db.param
        self._db.execute_sql(f'DELETE FROM "{SCHEDULES_TABLE}" WHERE bot = {p} AND script = {p}',
                             [self._bot, script])

    def last_runs(self) -> dict[str, dt.datetime]:
        p = self._db.param
        rows = self._db.execute_sql(f'SELECT script, last_run FROM "{RUNS_TABLE}" WHERE bot = {p}',
                                    [self._bot]).fetchall()
        return {script: dt.datetime.fromisoformat(when) for script, when in rows}

    def mark_run(self, script: str, when: dt.datetime) -> None:
        self._upsert(RUNS_TABLE, script, ("last_run",), (when.replace(tzinfo=None).isoformat(),))

    def all_schedules(self, folder: str | Path | None = None) -> list[Schedule]:
        """Schedules declared in the folder's dialogs, plus runtime-recorded ones (which win
        for the same script)."""
        base = folder if folder is not None else self._folder
        declared = {s.script: s for s in scan(base)} if base else {}
        files = {s.script: s.path for s in declared.values()}
        for s in self.recorded():
            path = files.get(s.script) or _find_dialog(base, s.script)
            if path is not None and s.origin.split(":")[0].lower() == s.script.lower():
                # A dialog's own SET SCHEDULE: its source is the truth (a removed line
                # removes the schedule, as when General Bots recompiles it).
                continue
            declared[s.script] = make_schedule(s.script, s.spec, path=path, origin=s.origin)
        return sorted(declared.values(), key=lambda s: s.script.lower())

    def _upsert(self, table: str, script: str, columns: tuple[str, ...],
                values: tuple[Any, ...]) -> None:
        p = self._db.param
        cols = ", ".join(columns)
        marks = ", ".join([p] * (len(columns) + 2))
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        with self._lock, self._db.atomic():
            self._db.execute_sql(
                f'INSERT INTO "{table}" (bot, script, {cols}) VALUES ({marks}) '
                f"ON CONFLICT (bot, script) DO UPDATE SET {updates}",
                [self._bot, script, *values])


def _find_dialog(folder: str | Path | None, script: str) -> Path | None:
    if not folder:
        return None
    return next((f for f in dialog_files(folder) if f.stem.lower() == script.lower()), None)


@service_factory("schedules", "open a memory database (talkbench --db URL) to record schedules")
def _make_schedules(context: ServiceContext) -> Schedules | None:
    if context.store is None:
        return None
    return ScheduleRegistry(context.store.database, context.bot, context.dialog_dir)
