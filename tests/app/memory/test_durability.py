"""Crash durability of the memory store: what was reported landed survives SIGKILL.

The child process writes keys in a loop and prints, from its main thread, the keys whose
LANDED event it has seen (the subscriber only appends to a deque: printing under the store's
lock would stall the writer). The parent kills it mid-stream and checks the file.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.memory.store import MemoryStore

CHILD = textwrap.dedent(
    """
    import collections, sys
    from app.memory.store import ChangeState, MemoryStore

    landed = collections.deque()
    store = MemoryStore(sys.argv[1])
    store.subscribe(lambda c: landed.append(c.key) if c.state is ChangeState.LANDED else None)
    handle = store.bot("crash")
    i = 0
    while True:
        handle.set(f"k{i}", f"value {i} " + "x" * (i % 50))
        i += 1
        if i % 200 == 0:
            out = []
            while landed:
                out.append(landed.popleft())
            if out:
                sys.stdout.write("\\n".join(out) + "\\n")
                sys.stdout.flush()
    """
)


def _read_landed(proc: subprocess.Popen[str], wanted: int, timeout: float) -> list[str]:
    keys: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buffer = b""
    while len(keys) < wanted:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"only {len(keys)} landed writes reported in {timeout} s")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            raise AssertionError(f"child exited early: {proc.stderr.read() if proc.stderr else ''}")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        keys.extend(line.decode() for line in lines if line)
    return keys


@pytest.mark.parametrize("round_", range(2))
def test_sigkill_keeps_every_landed_write_and_the_file_sound(tmp_path: Path, round_: int) -> None:
    db = tmp_path / "crash.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, f"sqlite:///{db}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        landed = _read_landed(proc, wanted=3000 + 2000 * round_, timeout=30)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(con.execute("SELECT key, value FROM bot_memories"))
    finally:
        con.close()
    missing = [k for k in landed if k not in stored]
    assert not missing, f"{len(missing)} writes reported landed were lost, e.g. {missing[:5]}"
    for key in landed:
        i = int(key[1:])
        assert stored[key] == f"value {i} " + "x" * (i % 50)

    # The killed database opens again for a new store, with the same content.
    with MemoryStore(f"sqlite:///{db}") as store:
        assert store.count("crash") == len(stored)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        'quotes " and \\ backslashes',
        "line\nbreaks\tand tabs\r\n",
        "emoji 😀 and ñ, 中文, \u200b zero width",
        "[1, 2, 3]",
        '{"json": true}',
        "null",
        "123",
        "x" * 1_000_000,
    ],
    ids=lambda v: repr(v[:20]),
)
def test_batched_writes_store_values_exactly(tmp_path: Path, value: str) -> None:
    # The SQLite writer passes a batch as one JSON document; values that look like JSON, or
    # are not ASCII, or are large must come back byte for byte, with every key of the batch.
    url = f"sqlite:///{tmp_path / 'exact.sqlite3'}"
    with MemoryStore(url) as store:
        handle = store.bot("exact")
        for i in range(50):
            handle.set(f"key {i} 😀", value)
        assert store.flush(30)
    con = sqlite3.connect(tmp_path / "exact.sqlite3")
    try:
        rows = dict(con.execute("SELECT key, value FROM bot_memories"))
    finally:
        con.close()
    assert rows == {f"key {i} 😀": value for i in range(50)}
