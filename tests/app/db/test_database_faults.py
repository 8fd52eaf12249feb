"""Broken databases: one clear line from the CLI, a non-zero exit, never a traceback, and a file
that could not be opened is left exactly as it was (bytes, mtime, no journal files)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import sqlite_url

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = 'SET BOT MEMORY "k", "v"\nTALK "ran"\n'


def talkbench(*args: str, cwd: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env=dict(os.environ, TALKBENCH_DB=""))


def both_commands(url: str, tmp_path: Path, *, sequential: bool = False
                  ) -> list[tuple[int, str, str]]:
    """``memory list`` and ``run`` against ``url``: side by side (a lock costs seconds), or
    one after the other when the run's write must not show up in the list."""
    script = tmp_path / "dialog.bas"
    script.write_text(SCRIPT)
    commands = [("memory", "list", "--db", url), ("run", str(script), "--db", url)]
    procs = [] if sequential else [talkbench(*c) for c in commands]
    results = []
    for i, command in enumerate(commands):
        p = talkbench(*command) if sequential else procs[i]
        out, err = p.communicate(timeout=60)
        results.append((p.returncode, out, err))
    return results


def assert_one_clear_error(results: list[tuple[int, str, str]], *needles: str) -> None:
    for code, out, err in results:
        assert code != 0, err
        assert "Traceback" not in err and "ran" not in out
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert any(n in lines[0] for n in needles), lines[0]


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """Content, mtime, and the file's companions (-journal, -wal, -shm) if any."""
    companions = sorted(p for p in os.listdir(path.parent) if p.startswith(path.name))
    return path.read_bytes(), path.stat().st_mtime_ns, companions


def _make_db(path: Path, rows: int = 200) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.executemany("INSERT INTO notes VALUES (?)", [("x" * 500,)] * rows)
    con.commit()
    con.close()


# ---------------------------------------------------------------- SQLite files


def test_corrupt_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.sqlite3"
    _make_db(db)
    data = bytearray(db.read_bytes())
    data[4096:6096] = b"\xde\xad" * 1000  # page 2 is garbage; the header is intact
    db.write_bytes(bytes(data))
    before = snapshot(db)
    assert_one_clear_error(both_commands(sqlite_url(db), tmp_path), "is corrupt")
    assert snapshot(db) == before


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("shopping: milk, eggs\n" * 50)
    before = snapshot(db)
    assert_one_clear_error(both_commands(sqlite_url(db), tmp_path), "is not a SQLite database")
    assert snapshot(db) == before


def test_truncated_sqlite_header(tmp_path: Path) -> None:
    db = tmp_path / "half.sqlite3"
    _make_db(db)
    db.write_bytes(db.read_bytes()[:3000])  # the header page cut in the middle
    before = snapshot(db)
    assert_one_clear_error(both_commands(sqlite_url(db), tmp_path), "corrupt",
                           "not a valid SQLite database", "not a SQLite database")
    assert snapshot(db) == before


def test_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite3"
    _make_db(db, rows=3)
    before = snapshot(db)  # read now: closing any fd of the file drops this process's locks
    holder = sqlite3.connect(db, isolation_level=None, timeout=1)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the lock for the whole test
    try:
        assert_one_clear_error(both_commands(sqlite_url(db), tmp_path), "is locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert snapshot(db) == before


def test_missing_directory_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "dir" / "memory.sqlite3"
    assert_one_clear_error(both_commands(sqlite_url(db), tmp_path), "does not exist")
    assert not (tmp_path / "no").exists()


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite3"
    folder.mkdir()
    assert_one_clear_error(both_commands(sqlite_url(folder), tmp_path), "is a directory")
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- General Bots tables


def _general_bots_db(path: Path, extra_memory_column: str) -> None:
    con = sqlite3.connect(path)
    con.executescript(f"""
        CREATE TABLE bots (id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, description TEXT,
                           llm_provider TEXT DEFAULT 'openai', is_active INTEGER DEFAULT 1);
        CREATE TABLE bot_memories (id TEXT PRIMARY KEY, bot_id TEXT NOT NULL REFERENCES bots(id),
                                   key TEXT NOT NULL, value TEXT NOT NULL, created_at DATETIME,
                                   updated_at DATETIME, {extra_memory_column},
                                   UNIQUE (bot_id, key));
        INSERT INTO bots (id, name, description)
            VALUES ('0f0e0d0c0b0a09080706050403020100', 'default', 'from General Bots');
    """)
    con.commit()
    con.close()


def test_general_bots_table_with_extra_columns_works_and_keeps_them(tmp_path: Path) -> None:
    db = tmp_path / "gb.sqlite3"
    _general_bots_db(db, "expires_at DATETIME, tags TEXT DEFAULT '[]'")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO bot_memories VALUES ('m1', '0f0e0d0c0b0a09080706050403020100', "
                "'greeting', 'hi', '2024-01-01 00:00:00', '2024-01-01 00:00:00', "
                "'2030-01-01 00:00:00', '[\"pinned\"]')")
    con.commit()
    con.close()
    (listed, list_out, list_err), (ran, _, run_err) = both_commands(sqlite_url(db), tmp_path,
                                                                    sequential=True)
    assert listed == 0 and list_out == "greeting\thi\n", list_err
    assert ran == 0, run_err
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT key, tags FROM bot_memories"))
    columns = [r[1] for r in con.execute("PRAGMA table_info(bot_memories)")]
    bot = con.execute("SELECT description, llm_provider FROM bots").fetchall()
    con.close()
    assert rows == {"greeting": '["pinned"]', "k": "[]"}  # the new row took the default
    assert columns[-2:] == ["expires_at", "tags"]  # never altered
    assert bot == [("from General Bots", "openai")]


def test_general_bots_table_with_a_required_extra_column(tmp_path: Path) -> None:
    """A NOT NULL column without default Talkbench cannot fill: reading works, a write fails
    with a message naming the column, and the exit code says so."""
    db = tmp_path / "gb.sqlite3"
    _general_bots_db(db, "owner TEXT NOT NULL")
    (listed, list_out, _), (ran, _, run_err) = both_commands(sqlite_url(db), tmp_path)
    assert listed == 0 and list_out == ""
    assert ran != 0 and "Traceback" not in run_err
    # Refused for good: a runtime error at the SET's line (dialog.bas:1), not a retry loop.
    assert "owner" in run_err and "dialog.bas:1:" in run_err and "refused" in run_err
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM bot_memories").fetchone() == (0,)
    con.close()


# ---------------------------------------------------------------- PostgreSQL


def test_postgresql_unreachable(tmp_path: Path, unused_port: int) -> None:
    url = f"postgresql://test:pw@127.0.0.1:{unused_port}/talkbench"
    assert_one_clear_error(both_commands(url, tmp_path), "Cannot reach")


def test_postgresql_wrong_password_is_not_shown(tmp_path: Path, pg_server) -> None:
    url = pg_server.url(pg_server.new_database(), password="wrong-secret-pw")
    results = both_commands(url, tmp_path)
    assert_one_clear_error(results, "rejected the login")
    assert all("wrong-secret-pw" not in err for _, _, err in results)


def test_postgresql_database_that_does_not_exist(tmp_path: Path, pg_server) -> None:
    assert_one_clear_error(both_commands(pg_server.url("no_such_db"), tmp_path),
                           "does not exist")


@pytest.mark.parametrize("url, needle", [
    ("mysql://u:p@h/db", "Unsupported database URL scheme"),
    ("postgresql://u:p@h:99999/db", "Bad port"),
    ("postgresql://u:p@h:5432/", "names no database"),
    ("sqlite://:memory:", "In-memory SQLite is not supported"),
])
def test_bad_urls(tmp_path: Path, url: str, needle: str) -> None:
    assert_one_clear_error(both_commands(url, tmp_path), needle)


def test_postgresql_general_bots_tables_with_extra_columns(tmp_path: Path, pg_server) -> None:
    """A General Bots-like PostgreSQL schema (uuid ids, timestamptz, more columns) is used as
    it is: rows are read, writes land, and the extra columns keep their values."""
    import psycopg2

    name = pg_server.new_database()

    con = psycopg2.connect(dbname=name, user=pg_server.user, password=pg_server.password,
                           host="127.0.0.1", port=pg_server.port)
    con.autocommit = True
    con.cursor().execute("""
        CREATE TABLE bots (id uuid PRIMARY KEY, name text UNIQUE NOT NULL,
                           llm_provider text DEFAULT 'openai', created_at timestamptz);
        CREATE TABLE bot_memories (id uuid PRIMARY KEY, bot_id uuid NOT NULL REFERENCES bots(id),
                                   key text NOT NULL, value text NOT NULL,
                                   created_at timestamptz NOT NULL DEFAULT now(),
                                   updated_at timestamptz NOT NULL DEFAULT now(),
                                   tags jsonb DEFAULT '[]', UNIQUE (bot_id, key));
        INSERT INTO bots (id, name) VALUES ('0f0e0d0c-0b0a-0908-0706-050403020100', 'default');
        INSERT INTO bot_memories (id, bot_id, key, value, tags) VALUES
            ('00000000-0000-0000-0000-000000000001', '0f0e0d0c-0b0a-0908-0706-050403020100',
             'greeting', 'hi', '["pinned"]');
    """)
    (listed, out, err), (ran, _, run_err) = both_commands(pg_server.url(name), tmp_path,
                                                          sequential=True)
    assert listed == 0 and out == "greeting\thi\n", err
    assert ran == 0, run_err
    cur = con.cursor()
    cur.execute("SELECT key, value, tags::text FROM bot_memories ORDER BY key")
    assert cur.fetchall() == [("greeting", "hi", '["pinned"]'), ("k", "v", "[]")]
    con.close()
