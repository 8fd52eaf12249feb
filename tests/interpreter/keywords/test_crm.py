"""CRM keywords run by dialogs against the real local back end (app.services.crm_store on
SQLite)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from app.db.database import open_database, sqlite_url
from app.services.crm_store import CrmStore
from interpreter import BasicRuntimeError, Runtime, Session, load_source
from interpreter.events import Printed
from interpreter.keywords.crm import parse_due, task_priority
from interpreter.keywords.lead_scoring import lead_score
from interpreter.library.builtins import dates as builtins_dates
from interpreter.ports.host import DictMemory
from interpreter.ports.services import LlmReply, ServiceError
from interpreter.runtime.channels import QueuedChannel

NOW = dt.datetime(2025, 3, 3, 8, 30)  # a Monday


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtins_dates, "_now", lambda: NOW)


@pytest.fixture
def crm(tmp_path: Path) -> CrmStore:
    return CrmStore(open_database(sqlite_url(tmp_path / "crm.db")), "shop")


class Run:
    def __init__(self, runtime: Runtime, channel: QueuedChannel, events: list[Any]) -> None:
        self.vars = runtime.globals
        self.session = runtime.session
        self.talks = channel.texts
        self.printed = [e.text for e in events if isinstance(e, Printed)]


def run(source: str, services: dict[str, Any], memory: dict[str, str] | None = None,
        session: Session | None = None) -> Run:
    channel = QueuedChannel.with_answers([])
    events: list[Any] = []
    rt = Runtime(load_source(source, "crm.bas"), channel, DictMemory(dict(memory or {})),
                 on_event=events.append, services=services,
                 session=session or Session(id="s-1", user_id="ann"))
    asyncio.run(rt.run())
    return Run(rt, channel, events)


# ------------------------------------------------------------------------------ tasks


def test_create_task_as_templates_write_it_stores_a_row(crm: CrmStore) -> None:
    out = run('CREATE TASK "Call Bob", "sales@acme.com", "tomorrow"\n'
              'id = CREATE_TASK("Send offer", "sales@acme.com", "2025-03-20", "p1")',
              {"crm": crm})
    first, second = crm.tasks()
    assert (first["title"], first["assignee"], first["priority"], first["status"]) == (
        "Call Bob", "sales@acme.com", "high", "open")
    assert first["due_at"] == dt.datetime(2025, 3, 4, 17, 0)
    assert (first["created_by"], first["dialog"], first["line"]) == ("ann", "crm.bas", 1)
    assert out.vars["id"] == second["id"]
    assert (second["priority"], second["project_id"], second["line"]) == ("low", "p1", 2)


def test_create_task_documented_form_and_auto_assignee(crm: CrmStore) -> None:
    run('CREATE TASK "a", "bob", ""\nCREATE TASK "b", "bob", ""\nCREATE TASK "c", "eve", ""\n'
        'CREATE TASK "Review", "Check the contract", "auto", "+10", "urgent"', {"crm": crm})
    review = crm.tasks()[-1]
    assert (review["assignee"], review["description"], review["priority"]) == (
        "eve", "Check the contract", "urgent")
    assert review["due_at"] == NOW + dt.timedelta(days=10)


def test_create_task_unknown_due_is_in_three_days_with_a_warning(crm: CrmStore) -> None:
    out = run('CREATE TASK "x", "bob", "someday"', {"crm": crm})
    assert crm.tasks()[0]["due_at"] == NOW + dt.timedelta(days=3)
    assert any("cannot read the due date 'someday'" in p for p in out.printed)


@pytest.mark.parametrize("source, message", [
    ('CREATE TASK ""', "needs a title"),
    ('CREATE TASK "t", "d", "a", "", "soon"', "priority must be one of"),
    ('CREATE TASK "t", 1, 2, 3, 4, 5', "CREATE TASK expects"),
])
def test_create_task_argument_errors(crm: CrmStore, source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(source, {"crm": crm})


@pytest.mark.parametrize("value, due", [
    ("+2", NOW + dt.timedelta(days=2)), ("today", dt.datetime(2025, 3, 3)),
    ("tomorrow", dt.datetime(2025, 3, 4, 17)), ("next week", NOW + dt.timedelta(days=7)),
    ("Next Month", NOW + dt.timedelta(days=30)), ("2025-04-01", dt.datetime(2025, 4, 1)),
    (None, None), ("", None), (dt.date(2025, 5, 1), dt.datetime(2025, 5, 1)),
])
def test_due_dates(value: Any, due: dt.datetime | None) -> None:
    assert parse_due(value, NOW) == due


@pytest.mark.parametrize("days, priority", [(0.5, "high"), (1.5, "high"), (3, "medium"),
                                            (7.5, "medium"), (8, "low")])
def test_task_priority_follows_the_due_date(days: float, priority: str) -> None:
    assert task_priority(NOW + dt.timedelta(days=days), NOW) == priority
    assert task_priority(None, NOW) == "medium"


# ------------------------------------------------------------------------------ calendar


def test_book_meeting_then_check_availability_answers_from_the_rows(crm: CrmStore) -> None:
    out = run('''
r = BOOK MEETING #{title: "Demo", start_time: "2025-03-04 10:00", duration: 90}, ["ann", "bob"]
s = CHECK AVAILABILITY "2025-03-04", 60
t = CHECK_AVAILABILITY("tomorrow", 30)
''', {"crm": crm})
    event = crm.events_between(dt.datetime(2025, 3, 4), dt.datetime(2025, 3, 5))[0]
    assert out.vars["r"] == (f"Meeting 'Demo' scheduled for 2025-03-04 10:00 with 2 attendees "
                             f"(ID: {event['id']})")
    assert (event["end"], event["attendees"]) == (dt.datetime(2025, 3, 4, 11, 30), ["ann", "bob"])
    assert out.vars["s"] == "Available slots on 2025-03-04: 09:00 - 10:00, 11:30 - 12:30"
    assert out.vars["t"] == "Available slots on 2025-03-04: 09:00 - 09:30, 11:30 - 12:00"


def test_a_busy_attendee_refuses_the_booking(crm: CrmStore) -> None:
    run('BOOK MEETING #{title: "A", start_time: "2025-03-04 10:00"}, ["bob"]', {"crm": crm})
    with pytest.raises(BasicRuntimeError, match="Attendee bob has a conflict at this time"):
        run('BOOK MEETING #{title: "B", start_time: "2025-03-04 10:30"}, ["eve", "bob"]',
            {"crm": crm})
    run('BOOK MEETING #{title: "C", start_time: "2025-03-04 11:00"}, ["bob"]', {"crm": crm})


def test_a_recurring_meeting_fills_the_same_hour_next_week(crm: CrmStore) -> None:
    out = run('BOOK MEETING #{title: "Weekly", start_time: "2025-03-04 09:00", '
              'duration: 480, recurring: TRUE}, "ann"\n'
              's = CHECK AVAILABILITY "2025-03-11", 30\n'
              'f = CHECK AVAILABILITY "2025-03-12", 30', {"crm": crm})
    assert out.vars["s"] == "No available slots on this date"
    assert out.vars["f"] == "Available slots on 2025-03-12: 09:00 - 09:30"


def test_working_hours_of_the_store_bound_the_slots(tmp_path: Path) -> None:
    db = open_database(sqlite_url(tmp_path / "h.db"))
    crm = CrmStore(db, "shop", (dt.time(8), dt.time(12)))
    out = run('s = CHECK AVAILABILITY "2025-03-05", 240\nt = CHECK AVAILABILITY "2025-03-05", 241',
              {"crm": crm})
    assert out.vars["s"] == "Available slots on 2025-03-05: 08:00 - 12:00"
    assert out.vars["t"] == "No available slots on this date"


@pytest.mark.parametrize("source, message", [
    ('BOOK MEETING #{start_time: "2025-03-04 10:00"}, []', "Missing meeting title"),
    ('BOOK MEETING #{title: "x"}, []', "Missing start time"),
    ('BOOK MEETING #{title: "x", start_time: "soon"}, []', "Could not parse time: soon"),
    ('BOOK MEETING "x", []', "Invalid meeting details"),
    ('x = CHECK AVAILABILITY "someday", 30', "Could not parse date: someday"),
    ('x = CHECK AVAILABILITY "today", -5', "whole number of minutes"),
])
def test_calendar_argument_errors(crm: CrmStore, source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(source, {"crm": crm})


# ------------------------------------------------------------------------------ conversations


def test_conversation_keywords_keep_a_record_per_session(crm: CrmStore) -> None:
    out = run('''
a = TAG CONVERSATION "", "vip"
TAG CONVERSATION "s-1" WITH ["billing", "vip"]
b = TAG CONVERSATION "s-1", "vip"
ASSIGN CONVERSATION "s-1" TO "bob"
c = ASSIGN CONVERSATION "s-1", "ana"
d = SET PRIORITY "", "urgent"
e = ADD NOTE "", "Asked for a refund"
f = RESOLVE CONVERSATION "", "Refund sent"
SET PRIORITY "other", 3
''', {"crm": crm})
    v = out.vars
    assert v["a"] == {"success": True, "tags": ["vip"]}
    assert v["b"] == {"success": True, "tags": ["vip", "billing"]}
    assert v["c"] == {"success": True, "session_id": "s-1", "assigned_to": "ana",
                      "message": "Conversation assigned"}
    assert v["d"] == {"success": True, "priority": 4}
    assert v["e"] == {"success": True, "note_count": 1}
    assert v["f"] == {"success": True, "session_id": "s-1", "message": "Conversation resolved"}
    record = crm.conversation("s-1")
    assert record is not None
    assert (record.status, record.assignee, record.priority, record.tags, record.resolution) == (
        "resolved", "ana", 4, ("vip", "billing"), "Refund sent")
    assert [(n.text, n.author) for n in record.notes] == [("Asked for a refund", "system")]
    # What the debugger's Session scope shows: every record the run touched.
    shown = out.session.conversations
    assert shown["s-1"]["status"] == "resolved" and shown["other"]["priority"] == 3


@pytest.mark.parametrize("value, level", [("low", 1), ("high", 3), ("urgent", 4),
                                          ("normal", 2), ("whatever", 2), (5, 5), ("3", 3)])
def test_priority_levels(crm: CrmStore, value: Any, level: int) -> None:
    literal = f'"{value}"' if isinstance(value, str) else str(value)
    out = run(f'x = SET PRIORITY "", {literal}', {"crm": crm})
    assert out.vars["x"] == {"success": True, "priority": level}
    assert crm.conversation("s-1").priority == level


class _Refusing:
    def update_conversation(self, session_id: str, **change: Any) -> Any:
        raise ServiceError("the CRM database is read-only")


def test_a_refusal_comes_back_as_the_original_error_map() -> None:
    out = run('x = TAG CONVERSATION "s", "vip"', {"crm": _Refusing()})
    assert out.vars["x"] == {"success": False, "error": "the CRM database is read-only"}


@pytest.mark.parametrize("source, message", [
    ('TAG CONVERSATION "s"', "expects session_id, tag"),
    ('TAG CONVERSATION "s", ""', "non-empty tag"),
    ('ASSIGN CONVERSATION "s", ""', "needs an attendant"),
    ('ADD NOTE "s", "  "', "needs the note's text"),
])
def test_conversation_argument_errors(crm: CrmStore, source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(source, {"crm": crm})


# ------------------------------------------------------------------------------ activity


def test_activity_metrics_and_notifications_are_rows(crm: CrmStore) -> None:
    out = run('''
id = LOG ACTIVITY "follow_up", "1-day thanks", #{lead: 7}
m = RECORD METRIC "queue_waiting", "12", #{channel: "web"}
ok = NOTIFY AGENT "ana", "Customer waiting"
''', {"crm": crm})
    logged, notified = crm.activities("s-1")
    assert (logged["id"], logged["kind"], logged["description"], logged["data"]) == (
        out.vars["id"], "follow_up", "1-day thanks", '{"lead": 7}')
    assert (notified["kind"], notified["description"], notified["data"], notified["line"]) == (
        "notify_agent", "Customer waiting", '{"agent": "ana"}', 4)
    metric = crm.metrics("queue_waiting")[0]
    assert (metric["id"], metric["value"], metric["tags"]) == (out.vars["m"], 12.0,
                                                              '{"channel": "web"}')
    assert out.vars["ok"] is True
    assert "NOTIFY AGENT ana: Customer waiting" in out.printed
    assert out.talks == []  # a notification is not a message to the user


def test_cache_set_stores_json_until_it_expires(crm: CrmStore) -> None:
    run('CACHE SET "rates", #{usd: 5.1}, "2 minutes"\nCACHE SET "name", "Ann"', {"crm": crm})
    assert crm.cache_get("rates") == '{"usd": 5.1}' and crm.cache_get("name") == '"Ann"'
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=121)
    crm.clock = lambda: later
    assert crm.cache_get("rates") is None and crm.cache_get("name") == '"Ann"'


@pytest.mark.parametrize("source, message", [
    ('RECORD METRIC "m", "lots"', "is not a number"),
    ('CACHE SET "k", 1, "a while"', "cannot read the lifetime"),
    ('CACHE SET "k", 1, 0', "positive lifetime"),
    ('NOTIFY AGENT "", "x"', "needs the agent"),
    ('LOG ACTIVITY ""', "needs a kind"),
])
def test_activity_argument_errors(crm: CrmStore, source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=message):
        run(source, {"crm": crm})


def test_without_a_crm_service_the_keywords_say_so() -> None:
    with pytest.raises(BasicRuntimeError, match="needs the 'crm' service"):
        run('CREATE TASK "x", "bob"', {})


# ------------------------------------------------------------------------------ leads


@pytest.mark.parametrize("lead, score", [
    ({}, 0),
    ({"job_title": "CEO", "company_size": 500, "email": "ceo@company.com"}, 60),
    ({"job_title": "CTO"}, 30),
    ({"job_title": "Director"}, 30),  # "direCTOr": the original's substring order
    ({"job_title": "CFO", "company_size": 501}, 40),
    ({"job_title": "VP Sales", "email": "x@gmail.com", "budget": 60000}, 50),
    ({"job_title": "Intern", "industry": "Healthcare", "budget": "10001"}, 30),
    ({"budget": 1_000_000, "company_size": 5000, "job_title": "CEO", "email": "a@b.co",
      "industry": "software"}, 100),
])
def test_rule_based_lead_score(lead: dict[str, Any], score: int) -> None:
    assert lead_score(lead) == score


def test_score_and_qualify_lead_in_dialogs() -> None:
    out = run('''
lead = #{job_title: "Manager", email: "m@acme.com", company_size: 150}
s = SCORE LEAD lead
w = SCORE_LEAD(lead, #{weight: 50, bonus: 3})
q1 = QUALIFY LEAD "42"
q2 = QUALIFY_LEAD("42", 90)
q3 = QUALIFY LEAD "7"
q4 = QUALIFY_LEAD(lead, 45)
''', {}, memory={"lead_score:42": "80", "lead_score:7": "high"})
    assert (out.vars["s"], out.vars["w"]) == (45, 25)
    assert (out.vars["q1"], out.vars["q2"], out.vars["q3"], out.vars["q4"]) == (
        True, False, False, True)


class _Model:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked: list[dict[str, Any]] = []

    async def chat(self, messages: list[dict[str, Any]], tools: Any = None) -> LlmReply:
        self.asked = messages
        return LlmReply(self.answer)


def test_ai_score_lead_goes_through_the_llm() -> None:
    model = _Model('Sure: {"score": 91.6, "confidence": 0.8, "recommendation": "Call today"}')
    out = run('r = AI SCORE LEAD #{job_title: "CTO"}, "met at a fair"', {"llm": model})
    assert out.vars["r"] == {"score": 92, "confidence": 0.8, "recommendation": "Call today",
                             "priority": "CRITICAL", "suggested_action": "Call and schedule demo"}
    assert '"rule_based_score": 30' in model.asked[1]["content"]
    assert "met at a fair" in model.asked[1]["content"]


def test_ai_score_lead_without_a_model_or_with_a_bad_answer_fails() -> None:
    with pytest.raises(BasicRuntimeError, match="needs the 'llm' service"):
        run('r = AI SCORE LEAD #{job_title: "CTO"}', {})
    with pytest.raises(BasicRuntimeError, match="did not answer with a JSON score"):
        run('r = AI_SCORE_LEAD(#{job_title: "CTO"})', {"llm": _Model("I think it is good")})
