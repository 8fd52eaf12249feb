"""Two ``talkbench run`` processes writing the same keys of one SQLite file at the same time:
no "database is locked" reaches the user, no write is lost, the final values are last writes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory.store import ChangeState, MemoryStore

ROOT = Path(__file__).resolve().parents[3]
SHARED_KEYS = 10

# Each writer says it is ready and waits for "go", so both loops run at the same time.
WRITER = """
TALK "{who} ready"
HEAR go
FOR i = 1 TO {n}
  SET BOT MEMORY "shared" + (i MOD {keys}), "{who}-" + i
  SET BOT MEMORY "{who}-" + i, STR(i)
  SET BOT MEMORY "{who}-last", STR(i)
NEXT
TALK "{who} done"
"""


def _last_writes(who: str, n: int) -> dict[str, str]:
    """The value each shared key holds after ``who`` wrote its last round."""
    return {f"shared{i % SHARED_KEYS}": f"{who}-{i}" for i in range(1, n + 1)}


def run_two_writers(tmp_path: Path, n: int, bots: tuple[str, str] = ("default", "default")):
    db = tmp_path / "memory.sqlite3"
    procs = []
    for who, bot in zip(("A", "B"), bots):
        script = tmp_path / f"{who}.bas"
        script.write_text(WRITER.format(n=n, keys=SHARED_KEYS, who=who))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "app", "run", str(script), "--db", sqlite_url(db),
             "--bot", bot],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=ROOT, env=dict(os.environ, TALKBENCH_DB="")))
    for p, who in zip(procs, "AB"):
        assert p.stdout.readline() == f"{who} ready\n"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for (out, err, code), who in zip(outs, "AB"):
        assert code == 0, err
        assert out == f"{who} done\n"
        assert "locked" not in err.lower() and "failed" not in err.lower(), err
        assert err == "", err
    return db


def rows(db: Path, bot: str = "default") -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute(
            "SELECT m.key, m.value FROM bot_memories m JOIN bots b ON b.id = m.bot_id "
            "WHERE b.name = ?", (bot,)))
    finally:
        con.close()


def overlapped(db: Path) -> bool:
    """True when the two writers' rows landed interleaved in time (really concurrent)."""
    con = sqlite3.connect(db)
    try:
        spans = {who: con.execute(
            "SELECT min(updated_at), max(updated_at) FROM bot_memories WHERE key LIKE ?",
            (f"{who}-%",)).fetchone() for who in "AB"}
    finally:
        con.close()
    return spans["A"][0] < spans["B"][1] and spans["B"][0] < spans["A"][1]


def check_no_lost_write(db: Path, n: int) -> int:
    data = rows(db)
    for who in "AB":
        for i in range(1, n + 1):
            assert data[f"{who}-{i}"] == str(i), f"{who}-{i} lost"
        assert data[f"{who}-last"] == str(n)
    a_last, b_last = _last_writes("A", n), _last_writes("B", n)
    for key in a_last:
        # Whoever wrote a key last wins, but it is always a final write, never an older one.
        assert data[key] in (a_last[key], b_last[key]), (key, data[key])
    assert len(data) == 2 * n + 2 + SHARED_KEYS
    return 2 * 3 * n


def test_two_processes_same_keys(tmp_path: Path) -> None:
    n = 500
    db = run_two_writers(tmp_path, n)
    assert check_no_lost_write(db, n) == 3000


def test_two_processes_two_bots_create_the_schema_together(tmp_path: Path) -> None:
    """Both start on a file that does not exist yet: creating the tables races too."""
    db = run_two_writers(tmp_path, 50, bots=("alpha", "beta"))
    assert rows(db, "alpha")["A-last"] == "50" and rows(db, "beta")["B-last"] == "50"
    assert rows(db, "alpha").keys().isdisjoint({"B-1"})


@pytest.mark.slow
def test_two_processes_10000_writes_each(tmp_path: Path) -> None:
    n = int(os.environ.get("TALKBENCH_SOAK_WRITES", "10000"))
    db = run_two_writers(tmp_path, n)
    assert check_no_lost_write(db, n) == 6 * n
    assert overlapped(db), "the two writers did not run at the same time"


def test_two_stores_in_one_process_like_two_ide_windows(tmp_path: Path) -> None:
    """Two MemoryStores (two IDE windows) on one file, writing from two threads at once."""
    n = 2000
    url = sqlite_url(tmp_path / "memory.sqlite3")
    stores = [MemoryStore(url), MemoryStore(url)]
    failures: list[str] = []
    for store in stores:
        store.subscribe(lambda c: failures.append(c.error or "") if c.state is
                        ChangeState.FAILED else None)
    start = threading.Barrier(2)

    def write(store: MemoryStore, who: str) -> None:
        bot = store.bot("default")
        start.wait()
        for i in range(1, n + 1):
            bot.set(f"shared{i % SHARED_KEYS}", f"{who}-{i}")
            bot.set(f"{who}-{i}", str(i))
            bot.set(f"{who}-last", str(i))

    threads = [threading.Thread(target=write, args=(s, w)) for s, w in zip(stores, "AB")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(store.flush(60) for store in stores)
    for store in stores:
        store.close()
    assert failures == []
    assert check_no_lost_write(tmp_path / "memory.sqlite3", n) == 6 * n
