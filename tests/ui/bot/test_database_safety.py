"""The IDE never corrupts its database, tried as a user would (real widgets, offscreen).

(1) File ▸ Open Database… to another file and back while another process reads the file;
(2) the database as ``memory.db`` beside the dialogs, File ▸ Open…, Cancel, then
``talkbench memory get`` from a shell. In both, the IDE and a separate process must see the
same data afterwards, the file must pass integrity_check, and ``/proc/<ide>/fd`` must show
no database file "(deleted)" (the symptom of dropped POSIX locks: see app.files.db_files).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from app.db.database import sqlite_url

from ..conftest import until

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")

SHOP = 'TALK "welcome to the shop"\n'


def _cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "app", "memory", *args], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _database_fds(path: Path) -> list[str]:
    """This process's descriptors on ``path`` and its side files, as /proc shows them."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)):
            out.append(target)
    return out


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def shop_window(qapp, qloop, tmp_path: Path):
    from ui.main import build_window

    (tmp_path / "shop.bas").write_text(SHOP, encoding="utf-8")
    db = tmp_path / "memory.db"
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([str(tmp_path / "shop.bas")], sqlite_url(db), "shop", settings)
    win.show()
    yield win, db
    win.runner.stop()
    win.close()
    win.store.close(timeout=5.0)
    win.deleteLater()


def _cancel_file_dialog_soon(qapp) -> None:
    """Cancel the file dialog once it has listed (and painted) the folder."""

    def cancel() -> None:
        dialogs = [w for w in qapp.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(100, cancel)
            return
        dialogs[0].reject()

    QTimer.singleShot(1500, cancel)


def test_open_file_cancel_keeps_ide_and_shell_on_one_database(shop_window, qapp, tmp_path,
                                                              run, monkeypatch) -> None:
    win, db = shop_window
    url = sqlite_url(db)
    win.store.set("shop", "x", "from the IDE")
    assert win.store.flush(10)
    monkeypatch.chdir(tmp_path)  # the picker opens in the dialogs' folder, beside memory.db
    _cancel_file_dialog_soon(qapp)
    win.actions_by_name["open"].trigger()

    assert _cli("get", "x", "--db", url, "--bot", "shop").strip() == "from the IDE"
    assert not [fd for fd in _database_fds(db) if fd.endswith("(deleted)")]
    win.store.set("shop", "y", "after cancel")
    assert win.store.flush(10)
    assert _cli("get", "y", "--db", url, "--bot", "shop").strip() == "after cancel"
    _cli("set", "z", "from the shell", "--db", url, "--bot", "shop")

    async def outside_write_seen() -> None:
        await until(lambda: win.store.value("shop", "z") == "from the shell", timeout=10)

    run(outside_write_seen(), timeout=15)
    assert not [fd for fd in _database_fds(db) if fd.endswith("(deleted)")]
    win.store.flush(10)
    assert _integrity(db) == "ok"


READER = textwrap.dedent("""
    import sys, time
    from app.cli.commands import main
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        main(["memory", "list", "--db", sys.argv[1], "--bot", "shop"])
""")


def test_switching_database_and_back_while_another_process_reads(shop_window, tmp_path) -> None:
    win, db = shop_window
    url, other = sqlite_url(db), sqlite_url(tmp_path / "other.sqlite3")
    reader = subprocess.Popen([sys.executable, "-c", READER, url, "60"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for count in range(1, 7):
            assert win.open_database(other)
            # Fully closed: no descriptor of the first database is left in the process.
            assert _database_fds(db) == []
            assert win.open_database(url)
            previous = win.store.value("shop", "counter")
            assert previous == (str(count - 1) if count > 1 else None)
            win.store.set("shop", "counter", str(count))
            assert win.store.flush(10)
            assert _cli("get", "counter", "--db", url, "--bot", "shop").strip() == str(count)
            assert not [fd for fd in _database_fds(db) if fd.endswith("(deleted)")]
    finally:
        reader.kill()
        _, errors = reader.communicate(timeout=30)
    assert "malformed" not in errors and "disk I/O" not in errors
    assert _integrity(db) == "ok"


def test_open_database_dialog_offers_a_picker_recent_files_and_postgresql(shop_window,
                                                                         tmp_path) -> None:
    from ui import file_dialogs
    from ui.bot.database_dialog import DatabaseDialog, recent_databases

    win, db = shop_window
    other = tmp_path / "other.sqlite3"
    assert win.open_database(sqlite_url(other))
    assert win.open_database(sqlite_url(db))
    assert recent_databases(win.settings)[:2] == [sqlite_url(db), sqlite_url(other)]

    dialog = DatabaseDialog(win, win.db_url, recent_databases(win.settings))
    dialog.tabs.setCurrentIndex(2)
    dialog.recent_list.setCurrentRow(1)
    assert dialog.url() == sqlite_url(other)
    dialog.tabs.setCurrentIndex(1)
    dialog.pg_host.setText("db.example")
    dialog.pg_user.setText("bot user")
    dialog.pg_password.setText("p@ss")
    dialog.pg_database.setText("botserver")
    assert dialog.url() == "postgresql://bot%20user:p%40ss@db.example:5432/botserver"

    def choose(picker: QFileDialog) -> None:
        # The picker hides the files of the database in use and is Qt's own widget dialog.
        assert picker.testOption(QFileDialog.Option.DontUseNativeDialog)
        QTimer.singleShot(0, lambda: (picker.selectFile(str(tmp_path / "new.sqlite3")),
                                      picker.accept()))

    file_dialogs.on_dialog_shown.append(choose)
    try:
        dialog.tabs.setCurrentIndex(0)
        dialog._browse()
    finally:
        file_dialogs.on_dialog_shown.remove(choose)
    assert dialog.url() == sqlite_url(tmp_path / "new.sqlite3")
    dialog.done(QDialog.DialogCode.Rejected)
    QApplication.processEvents()


def test_files_of_the_open_database_are_refused_by_every_file_helper(shop_window,
                                                                     tmp_path) -> None:
    from app.conversation.channel import answers_from_chat
    from app.conversation.chat_format import ChatFormatError
    from app.files.atomic_file import read_text_file, write_text_atomic

    win, db = shop_window
    win.store.set("shop", "x", "1")
    assert win.store.flush(10)
    for path in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        with pytest.raises(OSError, match="memory database in use"):
            read_text_file(path)
        with pytest.raises(OSError, match="memory database in use"):
            write_text_atomic(path, "x")
        with pytest.raises(ChatFormatError):  # Answers ▸ Load from Test… with a typed path
            answers_from_chat(path)
        with pytest.raises(ValueError, match="memory database in use"):
            win.store.import_json("shop", path)
    with pytest.raises(OSError, match="memory database in use"):
        win.store.export_json("shop", db)
    assert _integrity(db) == "ok"
    assert win.store.value("shop", "x") == "1"
