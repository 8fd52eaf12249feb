"""External synchrony: a killed ``talkbench run`` keeps every write that anything outside saw.

Each test runs the real command (``sys.executable -m app run``) and kills it: what a dialog
wrote before a line the test read from its stdout must be in the database, and the file must
pass ``PRAGMA integrity_check``. Keys are built from text only (``"k" + STR(i)``), so the
dialogs mean the same before and after the value-semantics parity work.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ACK_LOOP = """FOR i = 1 TO 1000000
  SET BOT MEMORY "k" + STR(i), "v" + STR(i)
  SET BOT MEMORY "u" + STR(i), "w" + STR(i)
  TALK "ack " + STR(i)
NEXT
"""

WRITE_THEN_WAIT = """FOR i = 1 TO 2000
  SET BOT MEMORY "k" + STR(i), "value " + STR(i)
NEXT
TALK "saved"
HEAR answer
"""


def _spawn(tmp_path: Path, dialog: str, db: Path) -> subprocess.Popen[bytes]:
    script = tmp_path / "dialog.bas"
    script.write_text(dialog, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "app", "run", str(script), "--db", f"sqlite:///{db}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )


class _Lines:
    """Lines of a child's pipe, read without blocking past a deadline."""

    def __init__(self, pipe: object) -> None:
        self._fd = pipe.fileno()  # type: ignore[attr-defined]
        self._buffer = b""
        self._lines: list[str] = []

    def next(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while not self._lines:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line within {timeout} s")
            ready, _, _ = select.select([self._fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise AssertionError("the run ended before the expected line")
            self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
            self._lines.extend(line.decode() for line in lines)
        return self._lines.pop(0)


def _kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL, timeout: float = 60) -> int:
    try:
        proc.send_signal(sig)
        return proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _stored(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return dict(con.execute("SELECT key, value FROM bot_memories"))
    finally:
        con.close()


def _kill_after_acks(tmp_path: Path, acks: int) -> None:
    db = tmp_path / f"acks{acks}.sqlite3"
    proc = _spawn(tmp_path, ACK_LOOP, db)
    lines = _Lines(proc.stdout)
    seen = 0
    for _ in range(acks):
        line = lines.next()
        assert line.startswith("ack "), line
        seen = int(line[4:])
    assert _kill(proc) == -signal.SIGKILL
    stored = _stored(db)
    lost = [i for i in range(1, seen + 1)
            if stored.get(f"k{i}") != f"v{i}" or stored.get(f"u{i}") != f"w{i}"]
    assert not lost, f"writes of {len(lost)} of {seen} acknowledged steps lost, e.g. {lost[:5]}"


@pytest.mark.parametrize("acks", [1, 700, 3000])
def test_sigkill_after_an_ack_keeps_every_write_before_it(tmp_path: Path, acks: int) -> None:
    _kill_after_acks(tmp_path, acks)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_sigkill_at_random_points_loses_nothing_acknowledged(tmp_path: Path, seed: int) -> None:
    _kill_after_acks(tmp_path, random.Random(seed).randrange(1, 12_000))


def test_sigkill_while_waiting_in_hear_keeps_the_writes_before_the_talk(tmp_path: Path) -> None:
    db = tmp_path / "hear.sqlite3"
    proc = _spawn(tmp_path, WRITE_THEN_WAIT, db)
    assert _Lines(proc.stdout).next() == "saved"
    assert _kill(proc) == -signal.SIGKILL
    stored = _stored(db)
    assert len(stored) == 2000
    assert all(stored[f"k{i}"] == f"value {i}" for i in range(1, 2001))


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1])
def test_every_ending_signal_flushes_unseen_writes(tmp_path: Path, sig: int) -> None:
    """Writes nothing outside saw yet (the queue is held back by another process's write
    lock) land when the run ends on a catchable signal, e.g. SIGHUP when the terminal closes."""
    db = tmp_path / "hup.sqlite3"
    sqlite3.connect(db).close()
    proc = _spawn(tmp_path, "PRINT \"started\"\n" + WRITE_THEN_WAIT.replace(
        'TALK "saved"\n', 'PRINT "written"\nDO WHILE 1 = 1\nLOOP\n'), db)
    errors = _Lines(proc.stderr)
    assert errors.next() == "started"  # the store is open: now hold its write lock
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        assert errors.next() == "written"
        proc.send_signal(sig)
        time.sleep(0.5)  # the run stops and waits for the lock to flush
        blocker.execute("ROLLBACK")
    finally:
        blocker.close()
    assert proc.wait(timeout=60) == 128 + sig
    stored = _stored(db)
    assert len(stored) == 2000
