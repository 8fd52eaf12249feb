"""The Schedules dock: next run times, background runs to the Output panel, packages."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt

from app.memory.store import MemoryStore
from app.schedules.plan import RUNS_TABLE
from tests.ui.conftest import until
from ui.bot.schedules_panel import SchedulesPanel

NOON = dt.datetime(2026, 11, 23, 12, 0)  # a Monday


def make_package(root: Path) -> Path:
    pkg = root / "shop.gbai"
    dialogs = pkg / "shop.gbdialog"
    dialogs.mkdir(parents=True)
    (pkg / "shop.gbot").mkdir()
    (pkg / "shop.gbot" / "config.csv").write_text("name,value\nparam-store,Lisbon\n")
    (dialogs / "start.bas").write_text('TALK "Welcome to " + store\n')
    (dialogs / "report.bas").write_text('SET SCHEDULE "every monday at 9am"\nTALK "weekly"\n')
    (dialogs / "tick.bas").write_text('SET SCHEDULE "* * * * *"\nTALK "tick in " + store\n')
    (dialogs / "broken.bas").write_text('SET SCHEDULE "now and then"\n')
    return pkg


def test_panel_lists_schedules_with_next_runs_and_errors(qtbot, qloop, tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path / "m.sqlite3"))
    try:
        panel = SchedulesPanel(store, "shop", clock=lambda: NOON)
        qtbot.addWidget(panel)
        panel.enabled.setChecked(False)
        panel.set_folder(make_package(tmp_path))
        table = panel.table
        rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
        assert set(rows) == {"broken", "report", "tick"}
        report = rows["report"]
        assert table.item(report, 2).text() == "0 9 * * 1"
        assert table.item(report, 3).text() == ("Mon 2026-11-30 09:00, Mon 2026-12-07 09:00, "
                                                "Mon 2026-12-14 09:00")
        assert table.item(report, 4).text() == "never"
        assert table.item(rows["broken"], 2).text().startswith("error: unknown schedule")
    finally:
        store.close()


def test_due_schedules_run_in_the_background_into_the_output_panel(window, run,
                                                                    tmp_path: Path) -> None:
    tools = window.bot_tools
    tools.schedules._interval = 0.05
    tab = window.open_file(make_package(tmp_path))
    assert tab is not None and tab.path is not None and tab.path.name == "start.bas"
    assert window.runner.bot == "shop"
    assert tools.schedules.scheduler is not None and tools.schedules.scheduler.active

    async def scenario() -> None:
        await until(lambda: "[tick] tick in Lisbon" in window.output.texts())

    run(scenario())
    panel = tools.schedules
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == "tick")
    assert panel.table.item(row, 4).text() != "never"
    panel.enabled.setChecked(False)
    assert not panel.scheduler.active


def test_package_params_reach_ide_runs_and_run_now(window, run, qtbot, tmp_path: Path) -> None:
    tools = window.bot_tools
    tools.schedules.enabled.setChecked(False)
    window.open_file(make_package(tmp_path))

    async def scenario() -> None:
        window.run()
        await until(lambda: ("bot", "Welcome to Lisbon") in window.chat.bubbles())

    run(scenario())
    panel = tools.schedules
    panel.table.selectRow(next(r for r in range(panel.table.rowCount())
                               if panel.table.item(r, 0).text() == "report"))
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

    async def ran() -> None:
        await until(lambda: "[report] weekly" in window.output.texts())

    run(ran())


def test_run_now_updates_last_run(qtbot, qloop, tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path / "m.sqlite3"))
    try:
        panel = SchedulesPanel(store, "shop", clock=lambda: NOON)
        qtbot.addWidget(panel)
        panel.enabled.setChecked(False)
        panel.set_folder(make_package(tmp_path))
        table = panel.table
        row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "report")
        assert table.item(row, 4).text() == "never"
        table.selectRow(row)
        lines: list[str] = []
        panel.outputLine.connect(lines.append)
        task = panel.run_selected()
        assert task is not None
        qloop.run_until_complete(task)
        row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "report")
        assert table.item(row, 4).text() == NOON.strftime("%a %Y-%m-%d %H:%M")
        assert "[report] weekly" in lines
    finally:
        store.close()


def select_script(panel, name: str) -> None:
    panel.table.selectRow(next(r for r in range(panel.table.rowCount())
                               if panel.table.item(r, 0).text() == name))


def test_run_now_honours_skip_waits(window, run, qtbot, tmp_path: Path) -> None:
    tools = window.bot_tools
    tools.schedules.enabled.setChecked(False)
    pkg = make_package(tmp_path)
    (pkg / "shop.gbdialog" / "slow.bas").write_text(
        'SET SCHEDULE "0 3 * * *"\nWAIT 3600\nTALK "slept"\n')
    window.open_file(pkg)
    window.actions_by_name["skip_waits"].setChecked(True)
    panel = tools.schedules
    select_script(panel, "slow")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

    async def ran() -> None:  # an hour of WAIT would time this out (30 s: a slow machine can't)
        await until(lambda: "[slow] slept" in window.output.texts(), timeout=30)

    run(ran())


def test_virtual_clock_shows_which_schedules_fire_and_runs_them(window, run, qtbot,
                                                                tmp_path: Path) -> None:
    tools = window.bot_tools
    panel = tools.schedules
    panel.enabled.setChecked(False)
    window.open_file(make_package(tmp_path))
    panel._clock = lambda: NOON  # the real "now" the virtual clock starts from
    qtbot.mouseClick(panel.virtual_box, Qt.MouseButton.LeftButton)
    assert panel.virtual_label.text() == "Mon 2026-11-23 12:00"
    assert all(b.isEnabled() for b in panel.advance_buttons.values())

    qtbot.mouseClick(panel.advance_buttons["+1 hour"], Qt.MouseButton.LeftButton)
    assert panel.virtual_label.text() == "Mon 2026-11-23 13:00"
    assert panel.fired_label.text() == "fired: tick ×60"  # not report (Mondays at 9)
    assert ("[virtual clock] tick fires 60 times, Mon 2026-11-23 12:01 … Mon 2026-11-23 13:00 "
            "(* * * * *)") in window.output.texts()

    panel.enabled.setChecked(True)  # from now on fired dialogs also run, once each
    panel.scheduler.stop()  # (the real-time scheduler stays out of this test)
    qtbot.mouseClick(panel.advance_buttons["+1 week"], Qt.MouseButton.LeftButton)
    assert panel.fired_label.text() == "fired: tick ×1000+, report"
    assert ("[virtual clock] Mon 2026-11-30 09:00: report fires (every monday at 9am)"
            in window.output.texts())
    report = panel.table.item(next(r for r in range(panel.table.rowCount())
                                   if panel.table.item(r, 0).text() == "report"), 3)
    assert report.text().startswith("Mon 2026-12-07 09:00")  # next runs after virtual now

    async def ran() -> None:
        await until(lambda: "[report] weekly" in window.output.texts())

    run(ran())
    assert panel.table.item(0, 4).text() == "never"  # virtual runs are not recorded


def test_unreadable_last_runs_show_a_problem_line_and_a_warning(qtbot, qloop, tmp_path: Path,
                                                                 caplog) -> None:
    db = tmp_path / "m.sqlite3"
    store = MemoryStore(str(db))
    try:
        panel = SchedulesPanel(store, "shop", clock=lambda: NOON)
        qtbot.addWidget(panel)
        panel.enabled.setChecked(False)
        panel.set_folder(make_package(tmp_path))
        assert panel.problem.isHidden()
        other = sqlite3.connect(db)  # another program takes the runs table away
        other.execute(f'ALTER TABLE "{RUNS_TABLE}" RENAME TO elsewhere')
        other.commit()
        with caplog.at_level(logging.WARNING, logger="ui.bot.schedules_panel"):
            panel.refresh()
        assert not panel.problem.isHidden()
        assert panel.problem.text().startswith("Cannot read the last runs:")
        assert RUNS_TABLE in panel.problem.text()
        assert any("Cannot read the last runs" in r.getMessage() for r in caplog.records)
        assert panel.table.rowCount() == 3  # the schedules themselves still show
        other.execute(f'ALTER TABLE elsewhere RENAME TO "{RUNS_TABLE}"')
        other.commit()
        other.close()
        panel.refresh()
        assert panel.problem.isHidden()
    finally:
        store.close()
