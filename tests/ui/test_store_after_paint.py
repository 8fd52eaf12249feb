"""The memory database opens after the main window's first paint (``MainWindow.parts``'s
"memory" part): the Memory dock says so meanwhile, anything that needs the store earlier
opens it then, and a database that cannot be opened is reported once the window is up."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget, QLabel

from tests.ui.conftest import until


@pytest.fixture
def build(qapp, qloop, tmp_path: Path):
    """``build(db)``: a window as ``talkbench`` builds it on ``db``; closed at the end."""
    from ui.main import build_window

    made = []

    def _build(db: Path):
        win = build_window([], str(db), "testbot",
                           QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        made.append(win)
        return win

    yield _build
    for win in made:
        for i in range(win.tabs.count()):
            win.tabs.widget(i).editor.document().setModified(False)
        if win.store_error is None:
            win.close()
            win.store.close(timeout=5.0)
        win.deleteLater()


def memory_dock(window) -> QDockWidget:
    return window.findChild(QDockWidget, "memoryDock")


def test_the_first_window_opens_no_database_the_idle_build_does(build, tmp_path, qtbot):
    db = tmp_path / "memory.sqlite3"
    window = build(db)
    assert not window.parts.built("memory")
    assert not db.exists()  # SQLite creates the file when the store opens it
    placeholder = memory_dock(window).widget()
    assert isinstance(placeholder, QLabel) and "opening" in placeholder.text()
    assert "opening" in window.db_label.text()
    window.show()
    qtbot.waitUntil(lambda: window.parts.built("memory"), timeout=20000)
    assert db.exists()
    assert memory_dock(window).widget() is window.memory
    assert str(db) in window.db_label.text()


def test_a_memory_edit_made_as_the_window_opens_lands_in_the_database(build, tmp_path, run):
    db = tmp_path / "memory.sqlite3"
    window = build(db)
    # Before the first paint: reading the panel opens the store at once.
    window.memory.set_value("greeting", None, "hello")

    async def shown():
        window.show()
        await until(lambda: window.parts.done, timeout=20)

    run(shown(), timeout=30)
    window.store.flush(5)
    with sqlite3.connect(db) as con:
        rows = dict(con.execute("SELECT key, value FROM bot_memories"))
    assert rows == {"greeting": "hello"}


def test_a_window_closed_before_its_first_paint_opens_flushes_and_saves(build, tmp_path):
    db = tmp_path / "memory.sqlite3"
    window = build(db)
    window.close()  # builds what it saves and shuts down, the store included
    assert window.parts.done and db.exists()
    assert QSettings(str(tmp_path / "settings.ini"),
                     QSettings.Format.IniFormat).value("windowState") is not None


def test_a_database_that_cannot_be_opened_is_reported_after_the_first_paint(
        build, tmp_path, qtbot):
    missing = tmp_path / "no such folder" / "memory.sqlite3"
    window = build(missing)  # no error yet: nothing opened it
    with qtbot.waitSignal(window.storeFailed, timeout=20000) as failed:
        window.show()
    assert "no such folder" in failed.args[0]
    assert window.store_error == failed.args[0]
    assert not window.parts.done  # the idle build stopped there, nothing raised into Qt
    from app.db.database import DatabaseError

    with pytest.raises(DatabaseError):
        _ = window.store


# ``talkbench`` on a database that cannot be opened, in its own process: the message box is
# read and dismissed by a timer, as a user would.
LAUNCH_BAD_DATABASE = """\
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication(sys.argv[:1])
said = []

def dismiss():
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        said.append(box.text())
        box.accept()

timer = QTimer()
timer.timeout.connect(dismiss)
timer.start(50)
from ui.main import launch
code = launch([], sys.argv[1])
print(code, said)
"""


def test_talkbench_on_a_database_it_cannot_open_says_so_and_exits_1(tmp_path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    missing = tmp_path / "gone" / "memory.sqlite3"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-c", LAUNCH_BAD_DATABASE, str(missing)], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    code, said = done.stdout.strip().splitlines()[-1].split(" ", 1)
    assert code == "1"
    assert "Cannot open the memory database" in said and "gone" in said
    assert not missing.parent.exists()


def test_the_idle_build_opens_the_store_in_the_worker_thread_and_leaves_no_connection_there(
        build, tmp_path, qtbot, monkeypatch):
    import ui.main
    from ui.background_imports import WORKER, Batch

    opened_on: list[bool] = []
    real_open = ui.main._open_store

    def recording_open(db):
        opened_on.append(threading.current_thread() is threading.main_thread())
        return real_open(db)

    monkeypatch.setattr(ui.main, "_open_store", recording_open)
    db = tmp_path / "memory.sqlite3"
    window = build(db)
    window.show()
    qtbot.waitUntil(lambda: window.parts.built("store"), timeout=20000)
    assert opened_on == [False]  # not on the GUI thread
    closed_there: list[bool] = []
    WORKER.submit(Batch([], lambda _batch: None,
                        then=lambda: closed_there.append(window.store.database.is_closed())))
    WORKER.wait_idle()
    assert closed_there == [True]  # the worker never uses it again: it keeps no connection
    # Usable from the GUI thread, with the durability it always had.
    assert window.store.database.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert window.store.database.execute_sql("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    window.store.set("testbot", "greeting", "hello")
    assert window.store.flush(5)
    assert window.store.value("testbot", "greeting") == "hello"
    qtbot.waitUntil(lambda: window.parts.done, timeout=20000)
    window.close()
    assert window.store.close(timeout=5.0)
    with sqlite3.connect(db) as con:
        assert dict(con.execute("SELECT key, value FROM bot_memories")) == {"greeting": "hello"}


def test_a_bot_the_database_cannot_use_is_said_when_the_store_opens_off_the_gui_thread(
        build, tmp_path, qtbot):
    db = tmp_path / "generalbots.sqlite3"
    with sqlite3.connect(db) as con:  # General Bots' own bots table: new rows need a provider
        con.execute("CREATE TABLE bots (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
                    "llm_provider TEXT NOT NULL)")
        con.execute("INSERT INTO bots VALUES ('0b0e6e1e-5c55-4b6a-9a57-3f3f4f1a2b3c', "
                    "'shop', 'openai')")
    window = build(db)  # its bot is "testbot", which this database does not have
    window.show()
    qtbot.waitUntil(lambda: window.parts.built("store"), timeout=20000)
    said = [window.output.item(i).text() for i in range(window.output.count())]
    assert any("No bot 'testbot'" in line for line in said)
    assert "cannot be used" in window.statusBar().currentMessage()


def test_the_history_tables_are_made_in_the_worker_thread_and_history_records(
        build, tmp_path, qtbot, monkeypatch):
    from ui.background_imports import WORKER, Batch
    from ui.memory import history_panel

    opened_on: list[bool] = []
    real_open = history_panel.open_history

    def recording_open(store):
        opened_on.append(threading.current_thread() is threading.main_thread())
        return real_open(store)

    monkeypatch.setattr(history_panel, "open_history", recording_open)
    db = tmp_path / "memory.sqlite3"
    window = build(db)
    window.show()
    qtbot.waitUntil(lambda: window.parts.done, timeout=20000)
    assert opened_on == [False]
    closed_there: list[bool] = []
    WORKER.submit(Batch([], lambda _batch: None,
                        then=lambda: closed_there.append(window.store.database.is_closed())))
    WORKER.wait_idle()
    assert closed_there == [True]
    window.store.set("testbot", "color", "blue")
    history = window.history_feature.history
    assert window.store.flush(5) and history.flush(5)
    assert [(e.key, e.new) for e in history.recent("testbot")] == [("color", "blue")]
