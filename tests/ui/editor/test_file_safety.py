"""Files and databases the IDE opens or saves: saving is atomic and keeps encoding, BOM,
line endings and permissions; a failed save or a broken database is a message box, not a
crash, and leaves everything as it was."""

from __future__ import annotations

import codecs
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from app.db.database import describe_url, sqlite_url
from app.files import atomic_file
from app.files.atomic_file import TextFormat, decode, encode, write_text_atomic

ROOT = Path(__file__).resolve().parents[3]
DIALOG = 'TALK "Olá, café!"\nHEAR name\nTALK "Bye " + name\n'


@pytest.fixture
def warnings(monkeypatch) -> list[tuple[str, str]]:
    """The modal QMessageBox.warning calls of the window (title, text), captured."""
    shown: list[tuple[str, str]] = []

    def capture(_parent, title, text, *args, **kwargs):
        shown.append((title, text))

    monkeypatch.setattr("ui.main_window.QMessageBox.warning", capture)
    return shown


def type_at_end(window, qtbot, text: str) -> None:
    editor = window.editor()
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, text)


# ---------------------------------------------------------------- encodings and line endings


@pytest.mark.parametrize("fmt", [
    TextFormat("utf-8", False, "\n"),
    TextFormat("utf-8", True, "\r\n"),
    TextFormat("utf-16-le", True, "\r\n"),
    TextFormat("utf-16-be", True, "\n"),
    TextFormat("utf-32-le", True, "\n"),
    TextFormat("cp1252", False, "\r\n"),
    TextFormat("utf-8", False, "\r"),
], ids=lambda f: f"{f.encoding}{'-bom' if f.bom else ''}-{f.newline.encode().hex()}")
def test_open_edit_save_keeps_encoding_bom_and_line_endings(window, qtbot, tmp_path, fmt):
    path = tmp_path / "dialog.bas"
    original = encode(DIALOG, fmt)
    path.write_bytes(original)
    tab = window.open_file(path)
    assert tab.editor.toPlainText() == DIALOG
    type_at_end(window, qtbot, 'TALK "fim"')
    assert window.save(tab) is True
    saved = path.read_bytes()
    assert saved == original + encode('TALK "fim"', TextFormat(fmt.encoding, False, fmt.newline))
    assert saved.startswith(codecs.BOM_UTF8) == (fmt.bom and fmt.encoding == "utf-8")
    assert not tab.modified


def test_unchanged_file_saves_byte_for_byte(window, tmp_path):
    path = tmp_path / "legacy.bas"
    original = codecs.BOM_UTF8 + "' café\r\nTALK 1\r\n\r\nTALK 2".encode()
    path.write_bytes(original)
    tab = window.open_file(path)
    assert window.save(tab)
    assert path.read_bytes() == original


def test_cli_runs_a_utf16_crlf_dialog(tmp_path):
    path = tmp_path / "utf16.bas"
    path.write_bytes(encode('TALK "héllo"\nTALK 1 + 1\n', TextFormat("utf-16-le", True, "\r\n")))
    out = subprocess.run([sys.executable, "-m", "app", "run", str(path),
                          "--db", sqlite_url(tmp_path / "m.db")],
                         capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "héllo\n2\n"


def test_decode_prefers_utf8_then_cp1252():
    assert decode("ação".encode()) == ("ação", TextFormat("utf-8", False, "\n"))
    assert decode("café\r\n".encode("cp1252"))[1] == TextFormat("cp1252", False, "\r\n")
    assert decode(b"\x81\x8d\x8f")[1].encoding == "latin-1"  # undefined in cp1252


# ---------------------------------------------------------------- atomic saves


def test_save_keeps_permissions(window, qtbot, tmp_path):
    path = tmp_path / "private.bas"
    path.write_text(DIALOG)
    path.chmod(0o640)
    tab = window.open_file(path)
    type_at_end(window, qtbot, "' more")
    assert window.save(tab)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text().endswith("' more")


def test_save_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.bas"
    target.write_text("TALK 1\n")
    link = tmp_path / "link.bas"
    link.symlink_to(target)
    write_text_atomic(link, "TALK 2\n")
    assert link.is_symlink() and target.read_text() == "TALK 2\n"


def test_failed_save_shows_a_message_and_keeps_the_old_file(window, qtbot, tmp_path,
                                                           monkeypatch, warnings):
    path = tmp_path / "dialog.bas"
    path.write_text(DIALOG)
    tab = window.open_file(path)
    type_at_end(window, qtbot, "' unsaved edit")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "replace", disk_full)
    assert window.save(tab) is False
    assert path.read_text() == DIALOG
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "temp file left"
    assert tab.modified, "a failed save must keep the edit marked unsaved"
    assert warnings and warnings[0][0] == "Save failed" and "No space left" in warnings[0][1]


CRASHING_SAVE = textwrap.dedent("""
    import os, signal, sys
    import app.files.atomic_file as atomic_file

    def die(fd):  # the process dies after writing the temp file, before the rename
        os.kill(os.getpid(), signal.SIGKILL)

    atomic_file.os.fsync = die
    atomic_file.write_text_atomic(sys.argv[1], "NEW CONTENT\\n" * 100000)
""")


def test_a_crash_while_saving_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "dialog.bas"
    path.write_text(DIALOG)
    proc = subprocess.run([sys.executable, "-c", CRASHING_SAVE, str(path)], cwd=ROOT,
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_text() == DIALOG  # old content, complete
    # What a crash can leave is a hidden temp file beside it, never a truncated dialog.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "dialog.bas"]
    assert all(name.startswith(".dialog.bas.") and name.endswith(".tmp") for name in leftovers)


# ---------------------------------------------------------------- databases from File menu


def _corrupt(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x TEXT)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 400,)] * 100)
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    data[4096:5096] = b"\xff" * 1000
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind, expected", [
    ("corrupt", "is corrupt"),
    ("text", "is not a SQLite database"),
    ("missing-dir", "does not exist"),
])
def test_open_bad_database_from_the_file_menu_shows_a_message(window, qtbot, tmp_path, kind,
                                                              expected, warnings):
    bad = tmp_path / "bad" / "memory.db"
    if kind != "missing-dir":
        bad.parent.mkdir()
        if kind == "corrupt":
            _corrupt(bad)
        else:
            bad.write_text("not a database\n")
    before = bad.read_bytes() if bad.exists() else None
    old_url = window.db_url

    def answer_the_prompt() -> None:
        from ui.bot.database_dialog import DatabaseDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DatabaseDialog)
        dialog.tabs.setCurrentIndex(0)
        dialog.path_edit.setText(sqlite_url(bad))
        dialog.accept()

    QTimer.singleShot(50, answer_the_prompt)
    window.actions_by_name["open_db"].trigger()

    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Open database failed" and expected in text and "Traceback" not in text
    # The old database was closed before trying the new one: it is open again.
    assert window.db_url == old_url and window.store.database.database == describe_url(old_url)
    assert (bad.read_bytes() if bad.exists() else None) == before
    assert not bad.parent.exists() or sorted(os.listdir(bad.parent)) == ["memory.db"]
    # The window still works on its old database.
    window.store.bot("testbot").set("still", "works")
    assert window.store.bot("testbot").get("still") == "works"
    assert window.isVisible()
