"""The recovery area: backups on disk while an IDE lives, orphans once it is killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import textwrap
from pathlib import Path

from app.files.atomic_file import TextFormat
from app.files.recovery import Backup, RecoveryArea, area_beside
from tests.processes import start_until_ready


def sessions(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def test_a_backup_is_written_replaced_and_dropped(tmp_path: Path) -> None:
    session = RecoveryArea(tmp_path / "area").start_session()
    key = session.new_key()
    session.keep(key, Backup("TALK \"one\"\n", "/d/a.bas", "abc", TextFormat("cp1252"), 5.0))
    session.keep(key, Backup("TALK \"two\"\n", "/d/a.bas", "abc", TextFormat("cp1252"), 6.0))
    assert session.flush()
    kept = Backup.from_json(session.file_of(key).read_bytes())
    assert kept == Backup("TALK \"two\"\n", "/d/a.bas", "abc", TextFormat("cp1252"), 6.0)
    session.drop(key)
    assert session.flush()
    assert not session.file_of(key).exists()
    session.close(remove=True)
    assert sessions(tmp_path / "area") == []


def test_a_live_session_is_not_offered_even_in_the_same_process(tmp_path: Path) -> None:
    session = RecoveryArea(tmp_path).start_session()
    session.keep(session.new_key(), Backup("x", None))
    assert session.flush()
    other = RecoveryArea(tmp_path)
    assert other.orphans() == ([], [])
    session.close(remove=False)  # its process "ended" without a clean exit
    orphans, problems = other.orphans()
    assert [o.backup.text for o in orphans] == ["x"] and problems == []
    other.release_orphans(remove=True)
    assert sessions(tmp_path) == []


KILLED_IDE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app.files.recovery import Backup, RecoveryArea
    session = RecoveryArea(Path(sys.argv[1])).start_session()
    session.keep(session.new_key(), Backup("TALK \\"é ✓\\"\\n", "/dialogs/a.bas", "d1", saved_at=1.0))
    session.keep(session.new_key(), Backup("untitled text", None, saved_at=2.0))
    gone = session.new_key()
    session.keep(gone, Backup("saved since", "/dialogs/b.bas"))
    session.drop(gone)
    assert session.flush()
    print("ready", flush=True)
    time.sleep(600)
""")


def test_a_killed_process_leaves_its_unsaved_text_to_the_next_start(tmp_path: Path) -> None:
    proc = start_until_ready(KILLED_IDE, str(tmp_path))
    assert RecoveryArea(tmp_path).orphans() == ([], [])  # alive: not an orphan
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    area = RecoveryArea(tmp_path)
    orphans, problems = area.orphans()
    assert problems == []
    assert [(o.backup.text, o.backup.path, o.backup.disk_digest) for o in orphans] == [
        ("TALK \"é ✓\"\n", "/dialogs/a.bas", "d1"), ("untitled text", None, None)]
    # A second IDE starting meanwhile does not offer the same text twice.
    assert RecoveryArea(tmp_path).orphans() == ([], [])
    area.release_orphans(remove=False)  # not taken: still there for the next start
    again = RecoveryArea(tmp_path)
    assert len(again.orphans()[0]) == 2
    again.release_orphans(remove=True)
    assert sessions(tmp_path) == []


def test_an_unreadable_backup_is_reported_and_the_others_offered(tmp_path: Path) -> None:
    session = RecoveryArea(tmp_path).start_session()
    session.keep("good", Backup("kept", None))
    assert session.flush()
    session.file_of("bad").write_bytes(b"{not json")
    session.file_of("alien").write_text(json.dumps({"text": "x"}))  # no version: not ours
    # Ours in form, but the start-up could not open (path) or save (encoding) it.
    for name, odd in [("path", {"path": 5}), ("codec", {"text_format": {"encoding": "nope"}}),
                      ("when", {"saved_at": [1]})]:
        session.file_of(name).write_text(json.dumps({"version": 1, "text": "x", **odd}))
    session.close(remove=False)
    area = RecoveryArea(tmp_path)
    orphans, problems = area.orphans()
    assert [o.backup.text for o in orphans] == ["kept"]
    unread = ["alien.json", "bad.json", "codec.json", "path.json", "when.json"]
    assert sorted(Path(p.split(":")[0]).name for p in problems) == unread
    area.release_orphans(remove=True)  # what it could not read stays, to rescue by hand
    assert sorted(p.name for p in session.folder.glob("*.json")) == unread


def test_a_backup_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    session = RecoveryArea(tmp_path).start_session()
    shutil.rmtree(session.folder)  # (root ignores permissions: a vanished folder instead)
    session.keep("k", Backup("text", None))
    assert session.flush()
    assert "cannot keep a backup" in session.last_error
    session.folder.mkdir()
    session.keep("k", Backup("text", None))
    assert session.flush() and session.last_error == ""
    session.close()


def test_the_area_is_beside_the_settings_file(tmp_path: Path) -> None:
    assert area_beside(tmp_path / "settings.ini").root == tmp_path / "settings-recovery"


# Another IDE starting: scans the area for orphans again and again (taking what it finds).
SCANNING_IDE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from app.files.recovery import RecoveryArea
    print("ready", flush=True)
    while True:
        area = RecoveryArea(Path(sys.argv[1]))
        area.orphans()
        area.release_orphans(remove=True)
""")


def test_sessions_started_while_another_ide_scans_are_never_taken_from_it(tmp_path: Path
                                                                           ) -> None:
    scanner = start_until_ready(SCANNING_IDE, str(tmp_path))
    try:
        for _ in range(400):  # a folder made before it was locked was taken ~1 time in 30
            session = RecoveryArea(tmp_path).start_session()
            session.keep("k", Backup("mine", None))
            assert session.flush() and session.last_error == ""
            assert session.file_of("k").is_file()
            session.close(remove=True)
    finally:
        scanner.kill()
        scanner.wait(10)
    assert sessions(tmp_path) == []


def test_a_folder_left_half_made_is_not_offered_and_goes_once_stale(tmp_path: Path) -> None:
    young, old = tmp_path / ".1-young", tmp_path / ".2-old"
    for folder in (young, old):
        folder.mkdir()
        (folder / "lock").touch()
    os.utime(old, (0, 0))
    assert RecoveryArea(tmp_path).orphans() == ([], [])
    assert sessions(tmp_path) == [young]
