"""Text no database can store: a lone surrogate, as Python decodes undecodable argv bytes
(``--bot $'\\xff'``). Before, ``talkbench run`` died with a UnicodeEncodeError traceback, a
read raised the driver's UnicodeEncodeError, and a write to such a bot was queued and then
retried for ever by the writer thread (every other write of its batch with it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import DatabaseError
from app.memory.store import MemoryStore


def test_reads_of_undecodable_text_are_a_clear_database_error(store: MemoryStore) -> None:
    store.set("b", "k", "v")
    assert store.flush(30)
    with pytest.raises(DatabaseError, match="not valid Unicode"):
        store.value("b", "k\udcff")
    with pytest.raises(DatabaseError, match="not valid Unicode"):
        store.check_bot("b\udcff")


def test_a_write_to_an_undecodable_bot_is_refused_at_once(store: MemoryStore) -> None:
    with pytest.raises(ValueError, match="valid Unicode"):
        store.set("b\udcff", "k", "v")
    store.set("b", "k", "v")
    assert store.flush(30), store.last_error  # nothing queued is stuck behind it
    assert store.pending_count() == 0


def test_run_with_an_undecodable_bot_name_fails_cleanly(db_url: str, tmp_path: Path) -> None:
    dialog = tmp_path / "d.bas"
    dialog.write_text('SET BOT MEMORY "k", "v"\nTALK "saved"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "app", "run", str(dialog), "--db", db_url,
                           "--bot", b"b\xff"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert "not valid Unicode" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "saved" not in done.stdout
