"""A write the database refuses for good, in the IDE: a red row in the memory panel, a runtime
error at the SET's line in the run, and later writes land (a real SQLite trigger)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from ..conftest import until

TRIGGER = """
CREATE TRIGGER refuse_bad BEFORE INSERT ON bot_memories WHEN NEW.key LIKE 'bad%'
BEGIN SELECT RAISE(ABORT, 'keys starting with bad are refused'); END;
"""


def _add_trigger(window) -> None:
    con = sqlite3.connect(window.store.database.database)
    con.executescript(TRIGGER)
    con.close()


def test_a_refused_write_is_a_red_row_and_later_writes_land(window, run):
    _add_trigger(window)
    model = window.memory.model
    window.store.set("testbot", "bad1", "nope")
    window.store.set("testbot", "good", "yes")

    async def scenario():
        await until(lambda: "bad1" in model.refused and model.row_of("good") is not None
                    and not model.entry(model.row_of("good")).pending)

    run(scenario())
    row = model.row_of("bad1")
    tip = model.data(model.index(row, 1), Qt.ItemDataRole.ToolTipRole)
    assert "refused" in tip and "keys starting with bad" in tip
    assert model.data(model.index(row, 3)) == "refused"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert window.store.value("testbot", "bad1") is None
    assert window.store.value("testbot", "good") == "yes"


def test_a_refused_write_in_a_run_is_an_error_at_its_line(window, run):
    _add_trigger(window)
    tab = window.add_tab('SET BOT MEMORY "ok", "1"\nSET BOT MEMORY "bad", "2"\nTALK "done"\n',
                         None)
    editor = tab.editor

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running and editor.runtime_mark is not None)

    run(scenario())
    assert editor.runtime_mark.line == 2
    assert window.store.value("testbot", "ok") == "1"
    assert window.store.value("testbot", "bad") is None


def test_a_write_blocked_by_a_lock_is_marked_until_it_lands(qapp, qloop, tmp_path, run,
                                                            monkeypatch):
    """With a 0.5 s lock wait: the blocked write's row says why it is not saved yet, and
    clears once it lands after the other program lets go."""
    from PySide6.QtCore import QSettings

    from app.db.database import sqlite_url
    from tests.app.conftest import hold_write_lock
    from ui.main import build_window

    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "0.5")
    url = sqlite_url(tmp_path / "locked.sqlite3")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([], url, "testbot", settings)
    model = win.memory.model
    try:
        with hold_write_lock(url):
            win.store.set("testbot", "k", "v")

            async def marked():
                await until(lambda: "k" in model.failing, timeout=10)

            run(marked(), timeout=15)
            row = model.row_of("k")
            assert model.data(model.index(row, 3)) == "not saved yet"
            assert "locked" in model.data(model.index(row, 1), Qt.ItemDataRole.ToolTipRole)

        async def landed():
            await until(lambda: "k" not in model.failing and not model.entry(
                model.row_of("k")).pending, timeout=15)

        run(landed(), timeout=20)
    finally:
        win.close()
        win.store.close(timeout=5.0)
        win.deleteLater()
