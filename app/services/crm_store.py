"""The local CRM back end: tasks, calendar, conversation records, activity log, metrics, cache.

Rows live in Talkbench's own tables (``talkbench_crm_*``) in a peewee database — the memory
store's one by default — so a real General Bots database is never altered beyond gaining
these tables. Every row carries the bot's name, so bots sharing a database stay apart.

Calendar and due times are local wall-clock times as dialogs write them (``NOW()``,
``"2025-03-03 10:00"``), stored without a time zone; ``created_at`` stamps are UTC.
The store implements ``interpreter.ports.services.Crm`` (see ``app.services.providers.crm``).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import peewee

from interpreter.ports.services import ConversationRecord, NewMeeting, NewTask, Note, ServiceError

from ..db.database import DatabaseError, translate_error

PREFIX = "talkbench_crm_"
RECURRING_WEEKS = 10  # BOOK MEETING's recurring rule: weekly, ten occurrences
DEFAULT_HOURS = (dt.time(9, 0), dt.time(17, 0))  # the original engine's business hours


def _uuid() -> str:
    return str(uuid.uuid4())


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class _Model(peewee.Model):
    class Meta:
        database = None  # every query names its database: several stores per process


class CrmTask(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField(index=True)
    title = peewee.TextField()
    description = peewee.TextField(default="")
    assignee = peewee.TextField(index=True)
    due_at = peewee.DateTimeField(null=True)
    project_id = peewee.TextField(null=True)
    priority = peewee.TextField()
    status = peewee.TextField(default="open")
    created_by = peewee.TextField(default="")
    dialog = peewee.TextField(default="")
    line = peewee.IntegerField(default=0)
    created_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "tasks"


class CrmEvent(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField(index=True)
    title = peewee.TextField()
    description = peewee.TextField(default="")
    location = peewee.TextField(default="")
    start_at = peewee.DateTimeField(index=True)
    end_at = peewee.DateTimeField()
    organizer = peewee.TextField(default="")
    attendees = peewee.TextField(default="[]")  # JSON list
    recurring = peewee.BooleanField(default=False)
    status = peewee.TextField(default="confirmed")
    created_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "events"


class CrmConversation(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField()
    session_id = peewee.TextField()
    status = peewee.TextField(default="open")
    assignee = peewee.TextField(default="")
    priority = peewee.IntegerField(default=1)
    tags = peewee.TextField(default="[]")  # JSON list of strings
    notes = peewee.TextField(default="[]")  # JSON list of {text, author, timestamp}
    resolution = peewee.TextField(default="")
    assigned_at = peewee.DateTimeField(null=True)
    resolved_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=_utc_now)
    updated_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "conversations"
        indexes = ((("bot", "session_id"), True),)


class CrmActivity(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField(index=True)
    session_id = peewee.TextField(default="")
    kind = peewee.TextField()
    description = peewee.TextField(default="")
    data = peewee.TextField(default="null")  # JSON
    dialog = peewee.TextField(default="")
    line = peewee.IntegerField(default=0)
    created_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "activities"


class CrmMetric(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField(index=True)
    session_id = peewee.TextField(default="")
    name = peewee.TextField(index=True)
    value = peewee.DoubleField()
    tags = peewee.TextField(default="null")  # JSON
    created_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "metrics"


class CrmCache(_Model):
    id = peewee.CharField(primary_key=True, max_length=36, default=_uuid)
    bot = peewee.TextField()
    key = peewee.TextField()
    value = peewee.TextField()  # JSON
    expires_at = peewee.DateTimeField(null=True)  # UTC; NULL: until overwritten
    updated_at = peewee.DateTimeField(default=_utc_now)

    class Meta:
        table_name = PREFIX + "cache"
        indexes = ((("bot", "key"), True),)


MODELS: tuple[type[_Model], ...] = (CrmTask, CrmEvent, CrmConversation, CrmActivity, CrmMetric,
                                    CrmCache)
_OPEN_TASKS = ("open", "in_progress")


class CrmStore:
    """The ``crm`` service of one bot over one database (``interpreter.ports.services.Crm``)."""

    def __init__(self, db: peewee.Database, bot: str,
                 hours: tuple[dt.time, dt.time] = DEFAULT_HOURS,
                 clock: Callable[[], dt.datetime] = _utc_now) -> None:
        if hours[0] >= hours[1]:
            raise ValueError("the working day must start before it ends")
        self._db = db
        self.bot = bot
        self.hours = hours
        self.clock = clock  # naive UTC "now" for stamps and cache expiry; tests move it
        self._lock = threading.RLock()
        self._ready = False

    # ------------------------------------------------------------ tasks

    def create_task(self, task: NewTask) -> str:
        with self._transaction():
            assignee = task.assignee
            if assignee.lower() == "auto":
                assignee = self._least_busy(task.project)
            return self._insert(CrmTask, bot=self.bot, title=task.title,
                                description=task.description, assignee=assignee,
                                due_at=task.due, project_id=task.project,
                                priority=task.priority, created_by=task.created_by,
                                dialog=task.dialog, line=task.line)

    def tasks(self, assignee: str | None = None) -> list[dict[str, Any]]:
        """The bot's tasks, oldest first (for the CLI, the IDE and tests)."""
        query = CrmTask.select().where(CrmTask.bot == self.bot)
        if assignee is not None:
            query = query.where(CrmTask.assignee == assignee)
        return self._rows(query.order_by(CrmTask.created_at, CrmTask.id).dicts())

    def _least_busy(self, project: str | None) -> str:
        """The assignee with the fewest open tasks among those already seen (ties: by name)."""
        open_count = peewee.fn.SUM(peewee.Case(None, [(CrmTask.status.in_(_OPEN_TASKS), 1)], 0))
        query = (CrmTask.select(CrmTask.assignee, open_count.alias("n"))
                 .where((CrmTask.bot == self.bot) & (CrmTask.assignee != "unassigned")
                        & (CrmTask.assignee != ""))
                 .group_by(CrmTask.assignee).order_by(open_count, CrmTask.assignee).limit(1))
        if project:
            query = query.where(CrmTask.project_id == project)
        rows = self._rows(query.tuples())
        return rows[0][0] if rows else "unassigned"

    # ------------------------------------------------------------ calendar

    def book_meeting(self, meeting: NewMeeting) -> str:
        if meeting.end <= meeting.start:
            raise ServiceError("a meeting must end after it starts")
        with self._transaction():
            # One read per occurrence, not per attendee and occurrence.
            busy = [{a for e in self.events_between(lo, hi) for a in e["attendees"]}
                    for lo, hi in _spans(meeting.start, meeting.end, meeting.recurring)
                    ] if meeting.attendees else []
            for attendee in meeting.attendees:
                if any(attendee in people for people in busy):
                    raise ServiceError(f"Attendee {attendee} has a conflict at this time")
            return self._insert(CrmEvent, bot=self.bot, title=meeting.title,
                                description=meeting.description, location=meeting.location,
                                start_at=meeting.start, end_at=meeting.end,
                                organizer=meeting.organizer,
                                attendees=json.dumps(list(meeting.attendees),
                                                     ensure_ascii=False),
                                recurring=meeting.recurring)

    def events_between(self, lo: dt.datetime, hi: dt.datetime) -> list[dict[str, Any]]:
        """Occurrences overlapping [lo, hi), sorted by start: id, title, start, end,
        attendees (recurring events once per week they fall in)."""
        earliest = lo - dt.timedelta(weeks=RECURRING_WEEKS)  # a recurring one may start earlier
        query = (CrmEvent.select().where((CrmEvent.bot == self.bot)
                                         & (CrmEvent.status != "cancelled")
                                         & (CrmEvent.start_at < hi)
                                         & (CrmEvent.start_at >= earliest)))
        found = []
        for row in self._rows(query.dicts()):
            for start, end in _spans(_naive(row["start_at"]), _naive(row["end_at"]),
                                     bool(row["recurring"])):
                if start < hi and end > lo:
                    found.append({"id": row["id"], "title": row["title"], "start": start,
                                  "end": end, "attendees": json.loads(row["attendees"])})
        return sorted(found, key=lambda e: (e["start"], e["end"]))

    def free_slots(self, day: dt.date, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
        if minutes <= 0:
            raise ServiceError("a slot must last at least one minute")
        lo = dt.datetime.combine(day, self.hours[0])
        hi = dt.datetime.combine(day, self.hours[1])
        length = dt.timedelta(minutes=minutes)
        slots, current = [], lo
        for event in self.events_between(lo, hi):
            if current + length <= event["start"]:
                slots.append((current, current + length))
            current = max(current, event["end"])
        if current + length <= hi:
            slots.append((current, current + length))
        return slots

    # ------------------------------------------------------------ conversations

    def conversation(self, session_id: str) -> ConversationRecord | None:
        row = self._conversation_row(session_id)
        return None if row is None else _record(row)

    def update_conversation(self, session_id: str, *, tags: tuple[str, ...] = (),
                            resolve: bool = False, reason: str = "",
                            assignee: str | None = None, priority: int | None = None,
                            note: Note | None = None) -> ConversationRecord:
        if not session_id:
            raise ServiceError("a conversation needs a session id")
        now = self.clock()
        with self._transaction():
            row = self._conversation_row(session_id)
            if row is None:
                self._insert(CrmConversation, bot=self.bot, session_id=session_id)
                row = self._conversation_row(session_id)
                assert row is not None  # inserted just now, in this transaction
            known = json.loads(row["tags"])
            row["tags"] = json.dumps(known + [t for t in dict.fromkeys(tags) if t not in known],
                                     ensure_ascii=False)
            if assignee is not None:
                row.update(assignee=assignee, assigned_at=now, status="assigned")
            if resolve:
                row.update(status="resolved", resolved_at=now, resolution=reason)
            if priority is not None:
                row["priority"] = priority
            if note is not None:
                notes = json.loads(row["notes"])
                notes.append({"text": note.text, "author": note.author,
                              "timestamp": note.timestamp})
                row["notes"] = json.dumps(notes, ensure_ascii=False)
            row["updated_at"] = now
            changed = {k: v for k, v in row.items() if k not in ("id", "bot", "session_id")}
            CrmConversation.update(changed).where(
                CrmConversation.id == row["id"]).execute(self._db)
            return _record(row)

    def _conversation_row(self, session_id: str) -> dict[str, Any] | None:
        query = CrmConversation.select().where((CrmConversation.bot == self.bot)
                                               & (CrmConversation.session_id == session_id))
        rows = self._rows(query.limit(1).dicts())
        return rows[0] if rows else None

    # ------------------------------------------------------------ activity log and metrics

    def log_activity(self, kind: str, description: str, data: str, session_id: str,
                     dialog: str = "", line: int = 0) -> str:
        _check_json(data, "activity data")
        with self._transaction():
            return self._insert(CrmActivity, bot=self.bot, session_id=session_id, kind=kind,
                                description=description, data=data, dialog=dialog, line=line)

    def activities(self, session_id: str | None = None) -> list[dict[str, Any]]:
        query = CrmActivity.select().where(CrmActivity.bot == self.bot)
        if session_id is not None:
            query = query.where(CrmActivity.session_id == session_id)
        return self._rows(query.order_by(CrmActivity.created_at, CrmActivity.id).dicts())

    def record_metric(self, name: str, value: float, tags: str, session_id: str) -> str:
        _check_json(tags, "metric tags")
        with self._transaction():
            return self._insert(CrmMetric, bot=self.bot, session_id=session_id, name=name,
                                value=float(value), tags=tags)

    def metrics(self, name: str | None = None) -> list[dict[str, Any]]:
        query = CrmMetric.select().where(CrmMetric.bot == self.bot)
        if name is not None:
            query = query.where(CrmMetric.name == name)
        return self._rows(query.order_by(CrmMetric.created_at, CrmMetric.id).dicts())

    # ------------------------------------------------------------ cache

    def cache_set(self, key: str, value: str, ttl_seconds: float | None) -> None:
        if not key:
            raise ServiceError("the cache needs a non-empty key")
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise ServiceError("a cache entry must live for a positive time")
        _check_json(value, "a cache value")
        now = self.clock()
        expires = None if ttl_seconds is None else now + dt.timedelta(seconds=ttl_seconds)
        with self._transaction():
            (CrmCache.insert(id=_uuid(), bot=self.bot, key=key, value=value,
                             expires_at=expires, updated_at=now)
             .on_conflict(conflict_target=[CrmCache.bot, CrmCache.key],
                          update={CrmCache.value: value, CrmCache.expires_at: expires,
                                  CrmCache.updated_at: now})
             .execute(self._db))

    def cache_get(self, key: str) -> str | None:
        where = (CrmCache.bot == self.bot) & (CrmCache.key == key)
        rows = self._rows(CrmCache.select(CrmCache.value, CrmCache.expires_at)
                          .where(where).limit(1).tuples())
        if not rows:
            return None
        value, expires = rows[0]
        if expires is not None and _naive(expires) <= self.clock():
            with self._transaction():  # still expired? another writer may have renewed it
                (CrmCache.delete().where(where & (CrmCache.expires_at <= self.clock()))
                 .execute(self._db))
            return None
        return value

    # ------------------------------------------------------------ internals

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._ensure()
        with self._lock:
            try:
                with self._db.atomic():
                    yield
            except ServiceError:
                raise
            except (peewee.PeeweeException, DatabaseError) as exc:
                raise ServiceError(str(translate_error(exc, "the CRM database"))) from None

    def _insert(self, model: type[_Model], **values: Any) -> str:
        """Insert a row (inside a transaction); returns its new id."""
        row_id = _uuid()
        model.insert(id=row_id, created_at=self.clock(), **values).execute(self._db)
        return row_id

    def _rows(self, query: peewee.Query) -> list[Any]:
        """Run a read on this store's database (models name no database of their own)."""
        self._ensure()
        try:
            return list(query.execute(self._db))
        except peewee.PeeweeException as exc:
            raise ServiceError(str(translate_error(exc, "the CRM database"))) from None

    def _ensure(self) -> None:
        """Create the tables that are missing (never touching other tables)."""
        if self._ready:
            return
        with self._lock:
            try:
                existing = set(self._db.get_tables())
                for model in MODELS:
                    if model._meta.table_name not in existing:
                        # IF NOT EXISTS: another process may be creating it right now.
                        peewee.SchemaManager(model, database=self._db).create_all(safe=True)
            except peewee.PeeweeException as exc:
                raise ServiceError(str(translate_error(exc, "the CRM database"))) from None
            self._ready = True


def _record(row: dict[str, Any]) -> ConversationRecord:
    notes = tuple(Note(n["text"], n["author"], n["timestamp"]) for n in json.loads(row["notes"]))
    return ConversationRecord(row["session_id"], row["status"], row["assignee"],
                              int(row["priority"]), tuple(json.loads(row["tags"])), notes,
                              row["resolution"])


def _spans(start: dt.datetime, end: dt.datetime,
           recurring: bool) -> list[tuple[dt.datetime, dt.datetime]]:
    weeks = RECURRING_WEEKS if recurring else 1
    return [(start + dt.timedelta(weeks=k), end + dt.timedelta(weeks=k)) for k in range(weeks)]


def _naive(value: Any) -> dt.datetime:
    """SQLite hands back text for DATETIME columns; PostgreSQL datetimes."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None)


def _check_json(text: str, what: str) -> None:
    try:
        json.loads(text)
    except (TypeError, ValueError):
        raise ServiceError(f"{what} must be JSON text") from None
