"""CRM keywords: tasks, meetings, conversation records, activity, metrics, cache.

Semantics follow General Bots' Rust sources (``create_task.rs``, ``book.rs``,
``crm/attendance.rs``); the rows live behind the host's ``crm``
service (``interpreter.ports.services.Crm``). LOG ACTIVITY, RECORD METRIC, NOTIFY AGENT and
CACHE SET appear in the original templates without any implementation; Talkbench gives them
the plain meaning their names promise (a row in the activity log, a metric sample, a
notification line plus an activity row, a cache entry with an expiry).

Conversation keywords take the session id first, as the templates write them
(``TAG CONVERSATION item.session_id, "vip"``); an empty id means the running session. Their
maps (``success``, ``tags``, ``note_count`` …) are the original ones, and a refusal of the
back end comes back as ``{"success": false, "error": …}`` like there. Records the run
touched are kept in ``session.conversations`` for the debugger's Session scope.
Lead scoring lives in :mod:`.lead_scoring`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from ..library.builtins import dates as builtins_dates
from ..ports.services import NewMeeting, NewTask, Note, ServiceError
from ..values import BasicValueError, as_number, get_member, to_display, to_json, to_number
from .context import Clauses, KeywordContext
from .registry import keyword

_PRIORITIES = ("low", "medium", "high", "urgent")
_PRIORITY_LEVELS = {"low": 1, "high": 3, "urgent": 4}  # anything else is 2 (normal)


def _crm(rt: KeywordContext, phrase: str) -> Any:
    try:
        return rt.service("crm", phrase)
    except ValueError as exc:  # a crm-* setting the provider factory refused
        raise BasicValueError(f"{phrase}: {exc}") from None


def _now() -> dt.datetime:
    return builtins_dates._now()  # the clock NOW() reads (tests move it)


def _text(value: Any) -> str:
    return to_display(value).strip()


def _clause(args: list[Any], clauses: Clauses, words: tuple[str, ...]) -> list[Any]:
    """``X a TO b`` / ``X a WITH b`` read like ``X a, b``."""
    for word in words:
        if word in clauses:
            return [*args, *clauses[word]]
    return list(args)


# ------------------------------------------------------------------------------ tasks


def parse_due(value: Any, now: dt.datetime) -> dt.datetime | None:
    """CREATE TASK's due date: the original's words (``+N`` days, today, tomorrow at 17:00,
    next week, next month), a date value or text; None for NULL or "". Anything else is
    "in three days", as the original does (``unknown`` says so)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = _text(value).lower()
    if text in ("", "null"):
        return None
    if m := re.fullmatch(r"\+\s*(-?\d+)(?:\s+\w+)?", text):
        return now + dt.timedelta(days=int(m[1]))
    if text == "today":
        return dt.datetime.combine(now.date(), dt.time())
    if text == "tomorrow":
        return dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(17))
    if "next week" in text:
        return now + dt.timedelta(days=7)
    if "next month" in text:
        return now + dt.timedelta(days=30)
    when = builtins_dates.parse_date_text(text)
    if when is not None:
        return builtins_dates.as_datetime(when)
    raise _UnknownDue(now + dt.timedelta(days=3))


class _UnknownDue(Exception):
    def __init__(self, due: dt.datetime) -> None:
        self.due = due


def task_priority(due: dt.datetime | None, now: dt.datetime) -> str:
    """The original's rule: due within a day is high, within a week medium, later low."""
    if due is None:
        return "medium"
    days = (due - now).days
    return "high" if days <= 1 else "medium" if days <= 7 else "low"


@keyword("CREATE TASK", args=(1, 5),
         usage="title, assignee[, due date[, project]] or title, description, assignee, "
               "due date, priority")
async def create_task(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``CREATE TASK title, assignee[, due[, project]]`` (the engine's order) or
    ``CREATE TASK title, description, assignee, due, priority`` (the documented one)."""
    description, priority = "", ""
    if len(args) == 5:
        title, description, assignee, due_value, priority = args
        project = None
    else:
        title, assignee, due_value, project = (list(args) + [None] * 3)[:4]
    title = _text(title)
    if not title:
        raise BasicValueError("CREATE TASK needs a title")
    now = _now()
    try:
        due = parse_due(due_value, now)
    except _UnknownDue as unknown:
        due = unknown.due
        rt.warn(f"CREATE TASK cannot read the due date {_text(due_value)!r}; it is due in "
                f"three days ({due:%Y-%m-%d %H:%M})", line)
    if priority not in ("", None):
        priority = _text(priority).lower()
        if priority not in _PRIORITIES:
            raise BasicValueError(f"CREATE TASK priority must be one of "
                                  f"{', '.join(_PRIORITIES)}, got {priority!r}")
    task = NewTask(title, _text(assignee) or "unassigned", due,
                   priority or task_priority(due, now), _text(description),
                   _text(project) or None, rt.session.user_id, rt.file, line)
    return _call(_crm(rt, "CREATE TASK").create_task, task, phrase="CREATE TASK failed:")


# ------------------------------------------------------------------------------ calendar


def parse_start(value: Any, now: dt.datetime) -> dt.datetime:
    """A meeting's start: a date-time value or text, ``tomorrow 3pm``, ``in N hours``."""
    if isinstance(value, dt.datetime):
        return value
    text = _text(value)
    when = builtins_dates.parse_date_text(text) if text else None
    if isinstance(when, dt.datetime):
        return when
    low = text.lower()
    if "tomorrow" in low and (m := re.search(r"(\d{1,2})\s*(am|pm)", low)):
        hour = int(m[1]) % 12 + (12 if m[2] == "pm" else 0)
        return dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(hour))
    if m := re.fullmatch(r"in (\d+) hours?", low):
        return now.replace(microsecond=0) + dt.timedelta(hours=int(m[1]))
    raise BasicValueError(f"Could not parse time: {text}")


def parse_day(value: Any, now: dt.datetime) -> dt.date:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.date() if isinstance(value, dt.datetime) else value
    text = _text(value)
    if text.lower() == "today":
        return now.date()
    if text.lower() == "tomorrow":
        return now.date() + dt.timedelta(days=1)
    when = builtins_dates.parse_date_text(text) if text else None
    if when is None:
        raise BasicValueError(f"CHECK AVAILABILITY: Could not parse date: {text}")
    return when.date() if isinstance(when, dt.datetime) else when


def _minutes(value: Any, default: int, phrase: str) -> int:
    if value is None or value == "":
        return default
    minutes = to_number(value, f"{phrase} duration")
    if minutes <= 0 or minutes != int(minutes):
        raise BasicValueError(f"{phrase} needs a whole number of minutes, got "
                              f"{to_display(value)}")
    return int(minutes)


@keyword("BOOK MEETING", args=(1, 2), usage="#{title: …, start_time: …}, attendees")
async def book_meeting(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    details = args[0]
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            details = None
    if not isinstance(details, dict):
        raise BasicValueError("BOOK MEETING failed: Invalid meeting details (expected a map "
                              "with title and start_time)")
    title = _text(get_member(details, "title"))
    if not title:
        raise BasicValueError("BOOK MEETING failed: Missing meeting title")
    start_value = get_member(details, "start_time")
    if start_value in (None, ""):
        raise BasicValueError("BOOK MEETING failed: Missing start time")
    start = parse_start(start_value, _now())
    length = _minutes(get_member(details, "duration"), 60, "BOOK MEETING")
    attendees = args[1] if len(args) == 2 else None
    people = tuple(_text(a) for a in attendees) if isinstance(attendees, list) else (
        (_text(attendees),) if _text(attendees) else ())
    meeting = NewMeeting(title, start, start + dt.timedelta(minutes=length), people,
                         rt.session.user_id, _text(get_member(details, "description")),
                         _text(get_member(details, "location")),
                         bool(get_member(details, "recurring")))
    event_id = _call(_crm(rt, "BOOK MEETING").book_meeting, meeting,
                     phrase="BOOK MEETING failed:")
    return (f"Meeting '{title}' scheduled for {start:%Y-%m-%d %H:%M} with {len(people)} "
            f"attendees (ID: {event_id})")


@keyword("CHECK AVAILABILITY", args=(1, 2), usage="a date and a duration in minutes")
async def check_availability(rt: KeywordContext, args: list[Any], clauses: Clauses,
                             line: int) -> str:
    day = parse_day(args[0], _now())
    length = _minutes(args[1] if len(args) == 2 else None, 30, "CHECK AVAILABILITY")
    slots = _call(_crm(rt, "CHECK AVAILABILITY").free_slots, day, length,
                  phrase="CHECK AVAILABILITY failed:")
    if not slots:
        return "No available slots on this date"
    shown = ", ".join(f"{a:%H:%M} - {b:%H:%M}" for a, b in slots)
    return f"Available slots on {day:%Y-%m-%d}: {shown}"


# ------------------------------------------------------------------------------ conversations


def _conversation(rt: KeywordContext, phrase: str, session: Any, **change: Any) -> dict[str, Any]:
    """Apply ``change`` to the session's record; the original's map on success or refusal."""
    session_id = _text(session) or rt.session.id
    try:
        record = _crm(rt, phrase).update_conversation(session_id, **change)
    except ServiceError as exc:
        return {"success": False, "error": str(exc)}
    # Not a Session field: made on first use, so the debugger's session view lists
    # conversations only once a dialog changed one (debug.model.session_snapshot).
    known = getattr(rt.session, "conversations", None)
    if not isinstance(known, dict):
        known = {}
        setattr(rt.session, "conversations", known)  # noqa: B010
    known[session_id] = record.as_map()
    return {"success": True, "session_id": session_id, "record": record}


def _needs(args: list[Any], count: int, phrase: str, form: str) -> None:
    if len(args) != count:
        raise BasicValueError(f"{phrase} expects {form}, got {len(args)} argument(s)")


@keyword("TAG CONVERSATION")
async def tag_conversation(rt: KeywordContext, args: list[Any], clauses: Clauses,
                           line: int) -> dict:
    args = _clause(args, clauses, ("WITH",))
    _needs(args, 2, "TAG CONVERSATION", "session_id, tag")
    given = args[1] if isinstance(args[1], list) else [args[1]]
    tags = tuple(t for t in (_text(x) for x in given) if t)
    if not tags:
        raise BasicValueError("TAG CONVERSATION needs a non-empty tag")
    out = _conversation(rt, "TAG CONVERSATION", args[0], tags=tags)
    return out if not out["success"] else {"success": True,
                                           "tags": list(out["record"].tags)}


@keyword("RESOLVE CONVERSATION")
async def resolve_conversation(rt: KeywordContext, args: list[Any], clauses: Clauses,
                               line: int) -> dict:
    args = _clause(args, clauses, ("WITH",))
    if len(args) > 2:
        raise BasicValueError("RESOLVE CONVERSATION expects session_id[, reason]")
    session, reason = (list(args) + [None, None])[:2]
    out = _conversation(rt, "RESOLVE CONVERSATION", session, resolve=True,
                        reason=_text(reason))
    return out if not out["success"] else {"success": True, "session_id": out["session_id"],
                                           "message": "Conversation resolved"}


@keyword("ASSIGN CONVERSATION")
async def assign_conversation(rt: KeywordContext, args: list[Any], clauses: Clauses,
                              line: int) -> dict:
    args = _clause(args, clauses, ("TO",))
    _needs(args, 2, "ASSIGN CONVERSATION", "session_id, attendant")
    attendant = _text(args[1])
    if not attendant:
        raise BasicValueError("ASSIGN CONVERSATION needs an attendant")
    out = _conversation(rt, "ASSIGN CONVERSATION", args[0], assignee=attendant)
    return out if not out["success"] else {
        "success": True, "session_id": out["session_id"], "assigned_to": attendant,
        "message": "Conversation assigned"}


def priority_level(value: Any) -> int:
    """SET PRIORITY's scale: a number as given, else low 1, high 3, urgent 4, other 2."""
    number = as_number(value)
    if number is not None:
        return int(number)
    return _PRIORITY_LEVELS.get(_text(value).lower(), 2)


@keyword("SET PRIORITY")
async def set_priority(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    args = _clause(args, clauses, ("TO",))
    _needs(args, 2, "SET PRIORITY", "session_id, priority")
    level = priority_level(args[1])
    out = _conversation(rt, "SET PRIORITY", args[0], priority=level)
    return out if not out["success"] else {"success": True, "priority": level}


@keyword("ADD NOTE")
async def add_note(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    args = _clause(args, clauses, ("TO",))
    _needs(args, 2, "ADD NOTE", "session_id, note")
    text = to_display(args[1])
    if not text.strip():
        raise BasicValueError("ADD NOTE needs the note's text")
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out = _conversation(rt, "ADD NOTE", args[0], note=Note(text, "system", stamp))
    return out if not out["success"] else {"success": True,
                                           "note_count": len(out["record"].notes)}


# ------------------------------------------------------------------------------ activity


@keyword("LOG ACTIVITY", args=(1, 3), usage="kind[, description[, data]]")
async def log_activity(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``LOG ACTIVITY kind[, description[, data]]``: a row in the activity log; its id."""
    kind, description, data = (list(args) + [None, None])[:3]
    if not _text(kind):
        raise BasicValueError("LOG ACTIVITY needs a kind of activity")
    return _call(_crm(rt, "LOG ACTIVITY").log_activity, _text(kind), to_display(description),
                 to_json(data), rt.session.id, rt.file, line, phrase="LOG ACTIVITY:")


@keyword("RECORD METRIC", args=(2, 3), usage="name, value[, tags]")
async def record_metric(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``RECORD METRIC name, value[, tags]``: a metric sample; its id."""
    name = _text(args[0])
    if not name:
        raise BasicValueError("RECORD METRIC needs a metric name")
    value = to_number(args[1], "RECORD METRIC value")
    tags = to_json(args[2] if len(args) == 3 else None)
    return _call(_crm(rt, "RECORD METRIC").record_metric, name, value, tags, rt.session.id,
                 phrase="RECORD METRIC:")


@keyword("NOTIFY AGENT")
async def notify_agent(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> bool:
    """``NOTIFY AGENT agent, message``: a notification line in the output and a row in the
    activity log (Talkbench has no attendant console to push it to)."""
    args = _clause(args, clauses, ("WITH",))
    _needs(args, 2, "NOTIFY AGENT", "agent, message")
    agent, message = _text(args[0]), to_display(args[1])
    if not agent:
        raise BasicValueError("NOTIFY AGENT needs the agent to notify")
    _call(_crm(rt, "NOTIFY AGENT").log_activity, "notify_agent", message,
          to_json({"agent": agent}), rt.session.id, rt.file, line, phrase="NOTIFY AGENT:")
    rt.print_([f"NOTIFY AGENT {agent}: {message}"], line)
    return True


_TTL_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def parse_ttl(value: Any) -> float | None:
    """CACHE SET's lifetime: seconds, or text like ``"10 minutes"``; NULL/forever: none."""
    if value is None or _text(value).lower() in ("", "forever", "permanent"):
        return None
    number = as_number(value)
    if number is None:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z]+?)s?", _text(value).lower())
        if not m or m[2] not in _TTL_UNITS:
            raise BasicValueError(f"CACHE SET cannot read the lifetime {_text(value)!r}; write "
                                  'seconds or e.g. "10 minutes", "2 hours"')
        number = float(m[1]) * _TTL_UNITS[m[2]]
    if number <= 0:
        raise BasicValueError("CACHE SET needs a positive lifetime")
    return float(number)


@keyword("CACHE SET", args=(2, 3), usage="key, value[, lifetime in seconds]")
async def cache_set(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    key = _text(args[0])
    if not key:
        raise BasicValueError("CACHE SET needs a non-empty key")
    ttl = parse_ttl(args[2] if len(args) == 3 else None)
    _call(_crm(rt, "CACHE SET").cache_set, key, to_json(args[1]), ttl, phrase="CACHE SET:")


def _call(fn: Any, *args: Any, phrase: str) -> Any:
    """Call the provider; its refusal becomes the keyword's runtime error."""
    try:
        return fn(*args)
    except ServiceError as exc:
        raise BasicValueError(f"{phrase} {exc}") from None
