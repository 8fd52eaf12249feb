"""Writes the database refuses, locks that outlast their wait, rows other tools wrote.

A refused write (a real SQLite trigger, a real PostgreSQL CHECK constraint) fails alone and
visibly; a lock that outlasts the documented wait is reported, never silent; a row whose
``created_at`` is not a timestamp does not break list/get/export of its bot.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db.database import DEFAULT_BUSY_TIMEOUT_MS, lock_timeout_ms, open_database, sqlite_url
from app.memory.session import MemorySession
from app.memory.store import ChangeState, MemoryStore

from ..conftest import PgServer, sqlite_path

TRIGGER = """
CREATE TRIGGER refuse_bad_insert BEFORE INSERT ON bot_memories WHEN NEW.key LIKE 'bad%'
BEGIN SELECT RAISE(ABORT, 'keys starting with bad are refused'); END;
CREATE TRIGGER refuse_bad_update BEFORE UPDATE ON bot_memories WHEN NEW.value = 'forbidden'
BEGIN SELECT RAISE(ABORT, 'the value forbidden is refused'); END;
"""


def _refusing_url(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> str:
    """An initialised memory database that refuses keys starting with ``bad``."""
    if kind == "sqlite":
        url = sqlite_url(tmp_path / "refusing.sqlite3")
        MemoryStore(url).close()
        con = sqlite3.connect(sqlite_path(url))
        con.executescript(TRIGGER)
        con.close()
        return url
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.url(server.new_database())
    MemoryStore(url).close()
    db = open_database(url)
    db.execute_sql("ALTER TABLE bot_memories ADD CONSTRAINT no_bad_keys "
                   "CHECK (left(key, 3) <> 'bad' AND value <> 'forbidden')")
    db.close()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def refusing_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _refusing_url(request, tmp_path, request.param)


def test_a_refused_write_fails_alone_and_later_writes_land(refusing_url: str) -> None:
    changes = []
    with MemoryStore(refusing_url, linger=0.05) as store:
        store.subscribe(changes.append)
        store.set("b", "good1", "1")
        store.set("b", "bad1", "x")
        store.set("b", "good2", "2")
        assert store.flush(30)  # nothing stays queued behind the refused write
        refused = [c for c in changes if c.state is ChangeState.REFUSED]
        assert [(c.key, c.new) for c in refused] == [("bad1", "x")]
        assert "refused" in (refused[0].error or "") or "no_bad_keys" in (refused[0].error or "")
        assert store.value("b", "bad1") is None  # GET no longer returns it
        assert store.pending_count() == 0
        store.set("b", "good3", "3")
        assert store.flush(30)
        assert {e.key: e.value for e in store.list("b")} == {
            "good1": "1", "good2": "2", "good3": "3"}
    with MemoryStore(refusing_url) as again:  # and it really is so in the database
        assert {e.key for e in again.list("b")} == {"good1", "good2", "good3"}


def test_a_refused_update_keeps_the_stored_value(refusing_url: str) -> None:
    with MemoryStore(refusing_url) as store:
        store.set("b", "k", "fine")
        assert store.flush(30)
        store.set("b", "k", "forbidden")
        store.set("b", "other", "ok")
        assert store.flush(30)
        assert store.value("b", "k") == "fine"
        assert store.value("b", "other") == "ok"


def _run(tmp_path: Path, dialog: str, url: str, env: dict[str, str] | None = None,
         **kwargs: object) -> subprocess.Popen[str]:
    script = tmp_path / "dialog.bas"
    script.write_text(dialog, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "app", "run", str(script), "--db", url, "--bot", "b"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, cwd=tmp_path, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_refused_write_is_a_runtime_error_at_its_line(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    url = _refusing_url(request, tmp_path, kind)
    proc = _run(tmp_path, 'SET BOT MEMORY "a", "1"\nSET BOT MEMORY "bad", "2"\n'
                          'SET BOT MEMORY "c", "3"\nTALK "after"\n', url)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "dialog.bas:2:" in err and "'bad'" in err, err
    assert "after" not in out  # nothing outside saw a state the database does not hold
    with MemoryStore(url) as store:
        assert {e.key: e.value for e in store.list("b")} == {"a": "1", "c": "3"}


def test_the_documented_lock_wait_is_30_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TALKBENCH_LOCK_TIMEOUT", raising=False)
    assert DEFAULT_BUSY_TIMEOUT_MS == 30_000 == lock_timeout_ms()
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "1.5")
    assert lock_timeout_ms() == 1500


def test_a_write_blocked_past_the_lock_wait_is_reported_at_its_line(
    tmp_path: Path, write_blocker
) -> None:
    """With a 1 s wait configured: the TALK after the SET cannot claim the write, so the run
    stops with the lock error at the SET's line; the write lands once the lock is gone."""
    url = sqlite_url(tmp_path / "locked.sqlite3")
    MemorySession.open(url, "b").close()  # the tables a run needs exist before the lock
    with write_blocker(url):
        proc = _run(tmp_path, 'TALK "start"\nSET BOT MEMORY "k", "v"\nTALK "saved"\n', url,
                    env={"TALKBENCH_LOCK_TIMEOUT": "1"})
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == "start\n"
        first_error = proc.stderr.readline()
        while "dialog.bas:2:" not in first_error:
            assert first_error, "the run ended without reporting the blocked write"
            first_error = proc.stderr.readline()
        assert "locked" in first_error
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "saved" not in out
    with MemoryStore(url) as store:
        assert store.value("b", "k") == "v"  # flushed at exit once the lock was released


@pytest.fixture
def odd_rows_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "odd.sqlite3")
    with MemoryStore(url) as store:
        store.set("b", "good", "1")
    con = sqlite3.connect(sqlite_path(url))
    bot_id = con.execute("SELECT id FROM bots").fetchone()[0]
    con.executemany("INSERT INTO bot_memories VALUES (?, ?, ?, 'v', ?, ?)", [
        ("x1", bot_id, "text", "not a date", "yesterday"),
        ("x2", bot_id, "huge", 1e300, ""),
        ("x3", bot_id, "blob", b"\x00\xff", "2024-13-45 99:99:99"),
    ])
    con.commit()
    con.close()
    return url


def test_rows_with_invalid_timestamps_do_not_break_the_bot(odd_rows_url: str,
                                                           tmp_path: Path) -> None:
    with MemoryStore(odd_rows_url) as store:
        assert [e.key for e in store.list("b")] == ["blob", "good", "huge", "text"]
        for order in ("created_at", "updated_at"):
            assert len(store.list("b", order_by=order, descending=True)) == 4
        entry = store.get_entry("b", "text")
        assert entry is not None and entry.value == "v" and entry.created_at is None
        assert store.export_json("b", tmp_path / "out.json") == 4
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert exported == {"blob": "v", "good": "1", "huge": "v", "text": "v"}
    for args in (["list"], ["get", "text"], ["export", str(tmp_path / "cli.json")]):
        done = subprocess.run([sys.executable, "-m", "app", "memory", *args, "--db",
                               odd_rows_url, "--bot", "b"], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr


def test_the_lock_wait_is_a_real_wait(tmp_path: Path, write_blocker,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A blocked write is not failed early: with a 3 s wait it lands when the lock goes
    after 1 s."""
    url = sqlite_url(tmp_path / "wait.sqlite3")
    MemoryStore(url).close()
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "3")
    store = MemoryStore(url)
    changes = []
    store.subscribe(changes.append)
    with write_blocker(url):
        store.set("b", "k", "v")
        time.sleep(1)
    assert store.flush(30)
    store.close()
    assert not [c for c in changes if c.state is ChangeState.FAILED]


# A key longer than PostgreSQL's btree index row limit (about 2700 bytes after compression;
# General Bots indexes bot_memories.key: migrations/6.0.0-01-core/up.sql, idx_bot_memories_key)
# and a PL/pgSQL trigger's RAISE EXCEPTION are refused for good, but psycopg2 raises them as
# OperationalError (SQLSTATE 54000) and InternalError (P0001), not IntegrityError/DataError.
PG_TRIGGER = """
CREATE FUNCTION refuse_evil() RETURNS trigger AS $$ BEGIN
  IF NEW.value = 'evil' THEN RAISE EXCEPTION 'evil values are refused'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_evil BEFORE INSERT OR UPDATE ON bot_memories
  FOR EACH ROW EXECUTE FUNCTION refuse_evil();
"""
UNINDEXABLE_KEY = "".join(f"{i:08x}{(i * 2654435761) % 2**32:08x}" for i in range(400))


@pytest.fixture
def pg_trigger_url(pg_server: PgServer) -> str:
    url = pg_server.url(pg_server.new_database())
    MemoryStore(url).close()
    db = open_database(url)
    db.execute_sql(PG_TRIGGER)
    db.close()
    return url


@pytest.mark.parametrize(("key", "value", "reason"), [
    (UNINDEXABLE_KEY, "x", "index row size"),
    ("k", "evil", "evil values are refused"),
])
def test_postgresql_refusals_of_other_error_classes_fail_alone(
    pg_trigger_url: str, key: str, value: str, reason: str
) -> None:
    changes = []
    with MemoryStore(pg_trigger_url, retry_max_delay=0.2) as store:
        store.subscribe(changes.append)
        store.set("b", "before", "1")
        store.set("b", key, value)
        store.set("b", "after", "2")
        assert store.flush(30), store.last_error  # the writer is not wedged retrying it
        refused = [c for c in changes if c.state is ChangeState.REFUSED]
        assert [c.key for c in refused] == [key]
        assert reason in (refused[0].error or "")
        assert not [c for c in changes if c.state is ChangeState.FAILED]
        store.set("b", "later", "3")
        assert store.flush(30)
    with MemoryStore(pg_trigger_url) as again:
        assert {e.key: e.value for e in again.list("b")} == {
            "before": "1", "after": "2", "later": "3"}


def test_a_key_too_long_for_postgresql_is_a_runtime_error_at_its_line(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.url(pg_server.new_database())
    proc = _run(tmp_path, f'SET BOT MEMORY "a", "1"\nSET BOT MEMORY "{UNINDEXABLE_KEY}", "2"\n'
                          'SET BOT MEMORY "c", "3"\nTALK "after"\n', url)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "dialog.bas:2:" in err and "index row size" in err, err
    assert "after" not in out
    with MemoryStore(url) as store:
        assert {e.key: e.value for e in store.list("b")} == {"a": "1", "c": "3"}


def test_an_import_with_a_refused_entry_imports_nothing_and_says_so(
    refusing_url: str, tmp_path: Path
) -> None:
    """Before, the refused entry was dropped in the background and the import still reported
    every entry imported (exit 0): a file half imported without a word."""
    data = tmp_path / "entries.json"
    data.write_text(json.dumps({"good1": "1", "bad1": "x", "good2": "2"}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "app", "memory", "import", str(data),
                           "--db", refusing_url, "--bot", "b"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "nothing imported" in done.stderr, done.stderr
    with MemoryStore(refusing_url) as store:
        assert store.list("b") == []
        fine = tmp_path / "fine.csv"
        fine.write_text("key,value\ngood1,1\ngood2,2\n", encoding="utf-8")
        assert store.import_csv("b", fine) == 2
        assert {e.key: e.value for e in store.list("b")} == {"good1": "1", "good2": "2"}
