"""The local CRM back end on SQLite and PostgreSQL, and the ``crm`` provider's settings."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from app.db.database import open_database, sqlite_url
from app.memory.store import MemoryStore
from app.services.crm_store import MODELS, CrmStore
from app.services.providers.crm import CrmConfigError, make_crm
from app.services.registry import ServiceContext, build_services
from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.ports.services import NewMeeting, NewTask, Note, ServiceError
from interpreter.runtime.channels import QueuedChannel

DAY = dt.date(2025, 3, 4)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def meeting(title: str, start: dt.datetime, minutes: int, *people: str,
            recurring: bool = False) -> NewMeeting:
    return NewMeeting(title, start, start + dt.timedelta(minutes=minutes), people,
                      recurring=recurring)


@pytest.fixture
def crm(store: MemoryStore) -> CrmStore:
    return CrmStore(store.database, "shop")


def test_only_talkbench_tables_are_added(store: MemoryStore, crm: CrmStore) -> None:
    db = store.database
    db.execute_sql("CREATE TABLE tasks (id TEXT, title TEXT)")  # General Bots' own table
    before = set(db.get_tables())
    crm.create_task(NewTask("t", "bob", None, "medium"))
    added = set(db.get_tables()) - before
    assert added == {m._meta.table_name for m in MODELS}
    assert all(name.startswith("talkbench_crm_") for name in added)
    assert [c.name for c in db.get_columns("tasks")] == ["id", "title"]


def test_tasks_round_trip_and_auto_assignment(crm: CrmStore) -> None:
    due = dt.datetime(2025, 3, 5, 17, 0)
    first = crm.create_task(NewTask("Call", "bob", due, "high", "about the offer", "p1",
                                    "ann", "start.bas", 12))
    crm.create_task(NewTask("Mail", "bob", None, "medium", project="p1"))
    crm.create_task(NewTask("Visit", "eve", None, "low", project="p2"))
    row = crm.tasks("bob")[0]
    assert (row["id"], row["due_at"], row["description"], row["created_by"], row["dialog"],
            row["line"], row["status"]) == (first, due, "about the offer", "ann", "start.bas",
                                            12, "open")
    auto = crm.create_task(NewTask("Next", "auto", None, "medium"))
    assert [t["assignee"] for t in crm.tasks() if t["id"] == auto] == ["eve"]
    in_p1 = crm.create_task(NewTask("P1 only", "AUTO", None, "medium", project="p1"))
    assert [t["assignee"] for t in crm.tasks() if t["id"] == in_p1] == ["bob"]
    other_bot = CrmStore(crm._db, "other")
    assert other_bot.tasks() == []
    lonely = other_bot.create_task(NewTask("x", "auto", None, "medium"))
    assert other_bot.tasks()[0]["id"] == lonely and other_bot.tasks()[0]["assignee"] == \
        "unassigned"


def test_calendar_conflicts_and_free_slots(crm: CrmStore) -> None:
    crm.book_meeting(meeting("Standup", at(9), 30, "ann"))
    crm.book_meeting(meeting("Demo", at(13), 120, "bob"))
    with pytest.raises(ServiceError, match="Attendee bob has a conflict"):
        crm.book_meeting(meeting("Clash", at(14), 30, "ann", "bob"))
    crm.book_meeting(meeting("Back to back", at(15), 30, "bob"))
    assert crm.free_slots(DAY, 60) == [(at(9, 30), at(10, 30)), (at(15, 30), at(16, 30))]
    assert crm.free_slots(DAY, 210) == [(at(9, 30), at(13))]  # the gap before the demo
    assert crm.free_slots(DAY, 211) == []
    # Another bot in the same database has its own calendar.
    assert CrmStore(crm._db, "other").free_slots(DAY, 480) == [(at(9), at(17))]
    with pytest.raises(ServiceError, match="end after it starts"):
        crm.book_meeting(meeting("Zero", at(10), 0, "ann"))


def test_recurring_events_repeat_weekly_ten_times(crm: CrmStore) -> None:
    crm.book_meeting(meeting("Weekly", at(10), 60, "ann", recurring=True))
    for week in (1, 9):
        day = DAY + dt.timedelta(weeks=week)
        assert crm.free_slots(day, 60)[:2] == [(at(9, day=day), at(10, day=day)),
                                               (at(11, day=day), at(12, day=day))]
        with pytest.raises(ServiceError):
            crm.book_meeting(meeting("Clash", at(10, 30, day), 15, "ann"))
    eleventh = DAY + dt.timedelta(weeks=10)
    assert crm.free_slots(eleventh, 60) == [(at(9, day=eleventh), at(10, day=eleventh))]


def test_conversation_records_accumulate_and_persist(store: MemoryStore,
                                                     crm: CrmStore) -> None:
    crm.update_conversation("s1", tags=("vip", "vip", "billing"))
    crm.update_conversation("s1", tags=("billing", "late"), assignee="ana", priority=3)
    crm.update_conversation("s1", note=Note("first", "system", "2025-03-04T10:00:00+00:00"))
    crm.update_conversation("s1", note=Note("second", "ana", "2025-03-04T11:00:00+00:00"),
                            resolve=True, reason="done")
    again = CrmStore(store.database, "shop").conversation("s1")
    assert again is not None
    assert (again.status, again.assignee, again.priority, again.tags, again.resolution) == (
        "resolved", "ana", 3, ("vip", "billing", "late"), "done")
    assert [n.text for n in again.notes] == ["first", "second"]
    assert again.as_map()["notes"][1] == {"text": "second", "author": "ana",
                                          "timestamp": "2025-03-04T11:00:00+00:00"}
    assert crm.conversation("s2") is None
    assert CrmStore(store.database, "other").conversation("s1") is None
    with pytest.raises(ServiceError, match="needs a session id"):
        crm.update_conversation("")


def test_cache_entries_expire(crm: CrmStore) -> None:
    now = dt.datetime(2025, 3, 4, 12, 0)
    crm.clock = lambda: now
    crm.cache_set("rates", '{"usd": 5}', 60)
    crm.cache_set("name", '"Ann"', None)
    assert crm.cache_get("rates") == '{"usd": 5}'
    now += dt.timedelta(seconds=61)
    assert crm.cache_get("rates") is None
    crm.cache_set("rates", '{"usd": 6}', 10)  # a new write renews it
    assert (crm.cache_get("rates"), crm.cache_get("name"), crm.cache_get("none")) == (
        '{"usd": 6}', '"Ann"', None)
    crm.cache_set("rates", '{"usd": 7}', None)  # and without a lifetime it stays
    now += dt.timedelta(days=400)
    assert crm.cache_get("rates") == '{"usd": 7}'
    with pytest.raises(ServiceError, match="JSON"):
        crm.cache_set("bad", "not json", None)


def test_activity_log_and_metrics(crm: CrmStore) -> None:
    first = crm.log_activity("call", "called Bob", '{"lead": 1}', "s1", "start.bas", 3)
    crm.log_activity("mail", "", "null", "s2")
    assert [a["id"] for a in crm.activities("s1")] == [first]
    assert [a["kind"] for a in crm.activities()] == ["call", "mail"]
    crm.record_metric("waiting", 3, "null", "s1")
    crm.record_metric("waiting", 4.5, '{"channel": "web"}', "s1")
    crm.record_metric("other", 1, "null", "s1")
    assert [m["value"] for m in crm.metrics("waiting")] == [3.0, 4.5]


# ------------------------------------------------------------------------------ the provider


def test_the_provider_uses_the_memory_database_or_a_configured_one(store: MemoryStore,
                                                                    tmp_path: Path) -> None:
    assert make_crm(ServiceContext(store=None), environ={}) is None
    default = make_crm(ServiceContext(store=store, bot="shop"), environ={})
    assert isinstance(default, CrmStore) and default._db is store.database
    other_url = sqlite_url(tmp_path / "team-crm.db")
    separate = make_crm(ServiceContext(store=None, bot="shop",
                                       settings={"crm_database": other_url}), environ={})
    assert separate is not None
    separate.create_task(NewTask("t", "bob", None, "medium"))
    assert "talkbench_crm_tasks" in open_database(other_url).get_tables()
    from_env = make_crm(ServiceContext(store=None, bot="shop"),
                        environ={"TALKBENCH_CRM_DB": other_url})
    assert from_env is not None and [t["title"] for t in from_env.tasks()] == ["t"]


def test_working_hours_come_from_the_bot_config(tmp_path: Path, store: MemoryStore) -> None:
    package = tmp_path / "shop.gbai"
    (package / "shop.gbot").mkdir(parents=True)
    (package / "shop.gbdialog").mkdir()
    (package / "shop.gbot" / "config.csv").write_text(
        "name,value\ncrm-work-start,8:30\ncrm-work-end,12:00\n")
    context = ServiceContext(store=store, bot="shop", dialog_dir=str(package / "shop.gbdialog"))
    crm = make_crm(context, environ={})
    assert crm is not None and crm.hours == (dt.time(8, 30), dt.time(12))
    assert crm.free_slots(DAY, 30) == [(at(8, 30), at(9))]
    bad = ServiceContext(store=store, settings={"crm_work_end": "7:00"})
    with pytest.raises(CrmConfigError, match="must be before"):
        make_crm(bad, environ={})
    with pytest.raises(CrmConfigError, match="time like 09:00"):
        make_crm(ServiceContext(store=store, settings={"crm_work_start": "nine"}), environ={})


def test_a_dialog_reaches_the_store_through_build_services(store: MemoryStore) -> None:
    services = build_services(ServiceContext(store=store, bot="shop"))
    try:
        rt = Runtime(load_source('id = CREATE TASK "Call Bob", "ana", "2025-03-05"\n'
                                 'TAG CONVERSATION "", "vip"', "start.bas"),
                     QueuedChannel.with_answers([]), store.bot("shop"), services=services)
        asyncio.run(rt.run())
    finally:
        services.close()
    crm = CrmStore(store.database, "shop")
    assert [t["id"] for t in crm.tasks("ana")] == [rt.globals["id"]]
    record = crm.conversation(rt.session.id)
    assert record is not None and record.tags == ("vip",)


def test_a_bad_crm_setting_is_the_keywords_runtime_error(store: MemoryStore) -> None:
    services = build_services(ServiceContext(store=store, bot="shop",
                                             settings={"crm_work_start": "nine"}))
    rt = Runtime(load_source('x = CHECK AVAILABILITY "today", 30'),
                 QueuedChannel.with_answers([]), store.bot("shop"), services=services)
    with pytest.raises(BasicRuntimeError, match="CHECK AVAILABILITY: crm-work-start must be"):
        asyncio.run(rt.run())
