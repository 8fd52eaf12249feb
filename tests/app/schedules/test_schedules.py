"""Scheduled dialogs: scanning SET SCHEDULE, due times, headless runs, the IDE scheduler."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from app.cli.commands import main
from app.db.database import sqlite_url
from app.memory.store import MemoryStore
from app.schedules.plan import ScheduleRegistry, due, make_schedule, scan
from app.schedules.runner import Scheduler, run_due
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.events import Printed
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

NOON = dt.datetime(2026, 11, 23, 12, 0)  # a Monday


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def dialogs(tmp_path: Path) -> Path:
    folder = tmp_path / "bot.gbai" / "bot.gbdialog"
    write(folder, "hourly.bas", 'SET SCHEDULE "0 * * * *"\nSET BOT MEMORY "ran", "" + NOW()\n'
                                'TALK "tick " + limit\n')
    write(folder, "nightly.bas", "' a comment\nSET_SCHEDULE \"0 30 22 * * *\"\nTALK \"night\"\n")
    write(folder, "words.bas", 'SET SCHEDULE "every monday at 9am"\n')
    write(folder, "computed.bas", 'SET SCHEDULE "0 9 " + DAY(d) + " * *", "x.bas"\n')
    write(folder, "bad.bas", 'SET SCHEDULE "every blue moon"\n')
    write(folder, "asks.bas", 'SET SCHEDULE "every minute"\nHEAR name\n')
    write(folder, "plain.bas", 'TALK "no schedule"\n')
    write(tmp_path / "bot.gbai" / "bot.gbot", "config.csv", "name,value\nparam-limit,7\n")
    return tmp_path / "bot.gbai"


def test_scan_reads_declared_schedules_like_general_bots(dialogs: Path) -> None:
    found = {s.script: s for s in scan(dialogs)}
    assert set(found) == {"hourly", "nightly", "words", "bad", "asks"}
    assert found["nightly"].cron is not None and found["nightly"].cron.text == "30 22 * * *"
    assert found["nightly"].line == 2
    assert found["words"].next_runs(NOON, 2) == [dt.datetime(2026, 11, 30, 9, 0),
                                                 dt.datetime(2026, 12, 7, 9, 0)]
    assert "unknown schedule" in found["bad"].error and found["bad"].next_runs(NOON) == []


def test_due_looks_back_to_the_last_run_or_one_minute() -> None:
    hourly = make_schedule("h", "0 * * * *")
    assert due([hourly], {}, NOON) == [hourly]
    assert due([hourly], {}, NOON + dt.timedelta(minutes=1)) == []
    assert due([hourly], {"h": NOON}, NOON + dt.timedelta(minutes=59)) == []
    assert due([hourly], {"h": NOON - dt.timedelta(hours=3)}, NOON + dt.timedelta(minutes=5)) \
        == [hourly]  # missed runs while nothing was running: one catch-up run
    once = make_schedule("o", "2026-11-23 11:00")
    assert due([once], {}, NOON) == [once] and due([once], {"o": NOON}, NOON) == []


def test_run_due_runs_each_due_dialog_once_with_package_variables(
        dialogs: Path, store: MemoryStore) -> None:
    registry = ScheduleRegistry(store.database, "bot", dialogs)
    lines: list[str] = []
    results = asyncio.run(run_due(registry, dialogs, store, lines.append, NOON))
    assert {r.script: r.ok for r in results} == {"hourly": True, "asks": False}
    assert "[hourly] tick 7" in lines
    assert any("[asks] error:" in ln and "no user to answer" in ln for ln in lines)
    assert store.bot("bot").get("ran") != ""
    again = asyncio.run(run_due(registry, dialogs, store, lines.append, NOON))
    assert again == []  # already ran at this time
    later = asyncio.run(run_due(registry, dialogs, store, lines.append,
                                dt.datetime(2026, 11, 23, 22, 30)))
    assert {r.script for r in later} == {"hourly", "nightly", "asks"}


def test_set_schedule_keyword_records_schedules_of_other_dialogs(
        dialogs: Path, store: MemoryStore) -> None:
    registry = ScheduleRegistry(store.database, "bot", dialogs / "bot.gbdialog")
    events: list[object] = []
    source = ('SET SCHEDULE "every 5 minutes"\n'
              'SET SCHEDULE "2026-11-23 12:00", "plain.bas"\n'
              'SET SCHEDULE every 1 hour\n')
    rt = Runtime(load_source(source, "setup.bas"), QueuedChannel.with_answers([]),
                 DictMemory({}), on_event=events.append, services={"schedules": registry})
    asyncio.run(rt.run())
    assert registry.names() == ["plain", "setup"]
    warnings = [e.text for e in events if isinstance(e, Printed) and e.level == "warning"]
    assert any("needs the schedule as text" in w for w in warnings)
    lines: list[str] = []
    results = asyncio.run(run_due(registry, dialogs, store, lines.append,
                                  NOON + dt.timedelta(minutes=5)))
    assert "plain" in {r.script for r in results} and "[plain] no schedule" in lines
    assert "plain" not in registry.names()  # a one-shot schedule is gone once run
    bad = Runtime(load_source('SET SCHEDULE "nonsense", "plain.bas"', "s.bas"),
                  QueuedChannel.with_answers([]), DictMemory({}),
                  services={"schedules": registry})
    with pytest.raises(BasicRuntimeError, match="unknown schedule"):
        asyncio.run(bad.run())


def test_scheduler_tick_runs_due_dialogs_in_background_tasks(
        dialogs: Path, store: MemoryStore) -> None:
    clock = [NOON]
    lines: list[str] = []
    scheduler = Scheduler(store, "bot", dialogs, lines.append, interval=0.01,
                          clock=lambda: clock[0])

    async def scenario() -> None:
        assert {r.script for r in await scheduler.tick()} == {"hourly", "asks"}
        clock[0] = NOON + dt.timedelta(minutes=1)
        scheduler.start()
        for _ in range(200):
            if sum("[asks] scheduled run started" in ln for ln in lines) == 2:
                break
            await asyncio.sleep(0.01)
        scheduler.stop()

    asyncio.run(scenario())
    assert sum("[asks] scheduled run started" in ln for ln in lines) == 2
    assert sum("[hourly] scheduled run started" in ln for ln in lines) == 1


def test_cli_schedule_list_and_run(dialogs: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite_url(tmp_path / "m.sqlite3")
    assert main(["schedule", "list", str(dialogs), "--db", db, "--now", "2026-11-23 12:00"]) == 0
    out = capsys.readouterr().out
    assert "hourly\t'0 * * * *' (0 * * * *)\tnext: 2026-11-23 13:00, 2026-11-23 14:00, " \
           "2026-11-23 15:00\tlast: never" in out
    assert "bad\t'every blue moon'\terror:" in out
    code = main(["schedule", "run", str(dialogs), "--db", db, "--now", "2026-11-23 22:30"])
    out = capsys.readouterr().out
    assert code == 1  # asks.bas fails: a scheduled run has no user
    assert "[nightly] night" in out and "[hourly]" not in out
    assert main(["schedule", "list", str(dialogs), "--db", db, "--bot", "bot",
                 "--now", "2026-11-23 22:31"]) == 0
    assert "last: 2026-11-23 22:30" in capsys.readouterr().out


def test_removing_the_line_removes_a_self_recorded_schedule(dialogs: Path,
                                                            store: MemoryStore) -> None:
    folder = dialogs / "bot.gbdialog"
    registry = ScheduleRegistry(store.database, "bot", folder)
    rt = Runtime(load_source((folder / "words.bas").read_text(), str(folder / "words.bas")),
                 QueuedChannel.with_answers([]), DictMemory({}), services={"schedules": registry})
    asyncio.run(rt.run())
    assert "words" in registry.names()
    assert "words" in {s.script for s in registry.all_schedules(folder)}
    (folder / "words.bas").write_text('TALK "no more schedule"\n')
    assert "words" not in {s.script for s in registry.all_schedules(folder)}
