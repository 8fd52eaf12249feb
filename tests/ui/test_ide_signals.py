"""The IDE flushes memory and exits cleanly on every catchable signal that ends a process
(SIGHUP when its terminal closes), instead of dying with writes still queued."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db.database import sqlite_url


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_the_ide_exits_cleanly_on_an_ending_signal(tmp_path: Path, sig: int) -> None:
    db = tmp_path / "memory.db"
    dialog = tmp_path / "shop.bas"
    dialog.write_text('TALK "hi"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6",
           "HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "ui", "open", str(dialog), "--db",
                             sqlite_url(db)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not Path(str(db) + "-wal").exists():  # the store is open
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the IDE did not open its database"
            time.sleep(0.1)
        time.sleep(3)  # the window is up and its loop runs
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert not Path(str(db) + "-wal").exists() or Path(str(db) + "-wal").stat().st_size == 0
