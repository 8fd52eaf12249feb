"""A SQLite memory file that cannot grow (a file-size ulimit, as a full disk does): the run
stops at the SET whose write could not be saved, with the reason, and exits with an error;
every write a TALK confirmed before is in the file, which stays sound.

Before, Talkbench caught SIGXFSZ (the kernel's notice of the limit) as a request to end and
the process died of it; and the reason said was peewee's failed ROLLBACK ("cannot rollback -
no transaction is active": SQLite had already rolled back), not the write's."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import sqlite_url

LIMIT = 2 * 1024 * 1024
BIG = 17  # each value: 2**17 characters, so about 16 fit under the limit

DIALOG = f"""SET BOT MEMORY "first", "small"
TALK "saved 0"
big = "x"
FOR i = 1 TO {BIG}
  big = big + big
NEXT
FOR i = 1 TO 40
  SET BOT MEMORY "big" + i, big
  TALK "saved " + i
NEXT
TALK "all saved"
"""


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.mark.slow  # ~13 s: at exit the history recorder retries its last changes for 10 s
def test_a_database_that_cannot_grow_stops_the_run_at_the_set_and_keeps_what_was_saved(
    tmp_path: Path,
) -> None:
    db = tmp_path / "memory.sqlite3"
    (tmp_path / "dialog.bas").write_text(DIALOG, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "app", "run", "dialog.bas", "--db", sqlite_url(db), "--bot", "b"],
        check=False, capture_output=True, text=True, cwd=tmp_path, timeout=120,
        preexec_fn=_limit_file_size)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    saved = [int(line.split()[1]) for line in proc.stdout.splitlines()]
    assert saved == list(range(len(saved))) and 3 < len(saved) < 40, proc.stdout
    stopped_at = next(line for line in proc.stderr.splitlines() if "dialog.bas:" in line)
    assert "dialog.bas:8:" in stopped_at and f"'big{len(saved)}'" in stopped_at, stopped_at
    assert "no transaction is active" not in proc.stderr, proc.stderr
    assert "I/O error" in stopped_at or "full" in stopped_at, stopped_at
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(con.execute("SELECT key, length(value) FROM bot_memories"))
    finally:
        con.close()
    assert stored["first"] == len("small")
    for i in range(1, len(saved)):
        assert stored[f"big{i}"] == 2**BIG, i
