"""Opening databases: URL forms, pragmas, clear errors, General Bots tables left untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from app.db.database import (
    DatabaseError,
    default_url,
    describe_url,
    is_sqlite,
    open_database,
    sqlite_url,
)
from app.db.models import ensure_schema
from app.memory.store import MemoryStore

PgServer = Any  # the pg_server fixture's type lives in conftest.py


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


# -- SQLite ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_url",
    [
        lambda p: sqlite_url(p),  # sqlite:///abs/path
        lambda p: "sqlite:///" + str(p),  # SQLAlchemy's four-slash form
        lambda p: str(p),  # a bare path
    ],
)
def test_sqlite_url_forms_open_the_same_file_with_pragmas(tmp_path: Path, make_url) -> None:
    path = tmp_path / "dir with space" / "m.db"
    path.parent.mkdir()
    db = open_database(make_url(path))
    assert Path(db.database) == path
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 30_000  # documented wait
    db.close()


def test_default_url_comes_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TALKBENCH_DB", sqlite_url(tmp_path / "env.db"))
    assert default_url() == sqlite_url(tmp_path / "env.db")
    open_database().close()
    assert (tmp_path / "env.db").exists()


def test_default_location_creates_the_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    data_dir = tmp_path / "nested" / "talkbench"
    monkeypatch.delenv("TALKBENCH_DB", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(data_dir))
    assert default_url() == sqlite_url(data_dir / "memory.sqlite3")
    open_database().close()
    assert (data_dir / "memory.sqlite3").is_file()


def test_text_file_is_not_a_database_and_stays_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    before = _digest(path)
    with pytest.raises(DatabaseError) as info:
        open_database(sqlite_url(path))
    message = str(info.value)
    assert "not a SQLite database" in message and str(path) in message
    assert "\n" not in message
    assert _digest(path) == before
    assert _siblings(path) == {"notes.db"}  # no -wal / -shm / -journal created


@pytest.mark.parametrize("damage", ["garbage_pages", "truncated"])
def test_corrupt_database_is_refused_and_stays_untouched(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "memory.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [(f"row {i} " * 20,) for i in range(2000)])
    conn.execute("CREATE INDEX t_x ON t (x)")
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    if damage == "garbage_pages":
        page = 4096
        data[page : page * 6] = os.urandom(page * 5)  # keep the header page, wreck the rest
    else:
        data = data[: len(data) // 3]
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(DatabaseError) as info:
        open_database(sqlite_url(path))
    message = str(info.value)
    assert str(path) in message and ("corrupt" in message or "not a valid" in message)
    assert "\n" not in message
    assert _digest(path) == before
    assert _siblings(path) == {"memory.db"}


def test_missing_directory_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "dir" / "m.db"
    with pytest.raises(DatabaseError, match="does not exist") as info:
        open_database(sqlite_url(path))
    assert str(path.parent) in str(info.value)
    assert not (tmp_path / "no").exists()


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        open_database(sqlite_url(tmp_path))


def test_in_memory_sqlite_and_unknown_schemes_are_refused() -> None:
    with pytest.raises(DatabaseError, match="In-memory"):
        open_database("sqlite:///:memory:")
    with pytest.raises(DatabaseError, match="Unsupported"):
        open_database("mysql://u:p@h/db")


def test_fresh_schema_has_general_bots_constraints(sqlite_db: str) -> None:
    MemoryStore(sqlite_db).close()
    db = open_database(sqlite_db)
    idx = {tuple(i.columns): i.unique for i in db.get_indexes("bot_memories")}
    assert idx[("bot_id", "key")] is True
    assert ("bot_id",) in idx and ("key",) in idx
    fks = db.get_foreign_keys("bot_memories")
    assert [(f.column, f.dest_table, f.dest_column) for f in fks] == [("bot_id", "bots", "id")]
    db.close()


# -- PostgreSQL ----------------------------------------------------------------------------


def test_unreachable_postgresql_is_a_clear_error(unused_port: int) -> None:
    port = unused_port
    start = time.monotonic()
    with pytest.raises(DatabaseError) as info:
        open_database(f"postgresql://u:topsecret@127.0.0.1:{port}/gb")
    message = str(info.value)
    assert message.startswith("Cannot reach PostgreSQL 127.0.0.1:")
    assert "topsecret" not in message and "\n" not in message
    assert time.monotonic() - start < 10


def test_bad_credentials_are_a_clear_error(pg_server: PgServer) -> None:
    url = pg_server.url("postgres", password="wrong-password")
    with pytest.raises(DatabaseError) as info:
        open_database(url)
    message = str(info.value)
    assert "rejected the login" in message and "password authentication failed" in message
    assert "wrong-password" not in message and "\n" not in message


def test_missing_postgresql_database(pg_server: PgServer) -> None:
    with pytest.raises(DatabaseError, match='database "nope" does not exist'):
        open_database(pg_server.url("nope"))


def test_describe_url_masks_the_password() -> None:
    assert "pw" not in describe_url("postgresql://u:pw@h:5/db")
    assert "pw" not in describe_url("postgresql://u:pw@h:notaport/db")
    assert describe_url("postgresql://u:pw@h:5/db") == "PostgreSQL h:5/db"


# -- existing General Bots tables ------------------------------------------------------------

GB_SQLITE = [
    """CREATE TABLE bots (
        id TEXT PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        description TEXT,
        llm_provider VARCHAR(100) NOT NULL DEFAULT 'openai',
        llm_config TEXT NOT NULL DEFAULT '{}',
        is_active BOOLEAN NOT NULL DEFAULT 1,
        created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP)""",
    """CREATE TABLE bot_memories (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
        user_id TEXT,
        expires_at TIMESTAMPTZ,
        UNIQUE (bot_id, key))""",
    "CREATE INDEX idx_bot_memories_bot_id ON bot_memories(bot_id)",
    "CREATE INDEX idx_bot_memories_key ON bot_memories(key)",
]

GB_POSTGRES = [
    """CREATE TABLE bots (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        name VARCHAR(255) NOT NULL,
        description TEXT,
        llm_provider VARCHAR(100) NOT NULL DEFAULT 'openai',
        llm_config JSONB NOT NULL DEFAULT '{}',
        is_active BOOLEAN NOT NULL DEFAULT true,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now())""",
    """CREATE TABLE bot_memories (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        bot_id UUID NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        user_id UUID,
        expires_at TIMESTAMPTZ,
        UNIQUE (bot_id, key))""",
    "CREATE INDEX idx_bot_memories_bot_id ON bot_memories(bot_id)",
    "CREATE INDEX idx_bot_memories_key ON bot_memories(key)",
]


def _schema(db) -> list[tuple]:
    if is_sqlite(db):
        return db.execute_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    cols = db.execute_sql(
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
    ).fetchall()
    idx = db.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    ).fetchall()
    return cols + idx


def _create_gb_tables(db, statements: list[str]) -> None:
    for sql in statements:
        db.execute_sql(sql)


def test_general_bots_tables_are_used_and_not_altered(db_url: str) -> None:
    db = open_database(db_url)
    postgres = db_url.startswith("postgresql")
    _create_gb_tables(db, GB_POSTGRES if postgres else GB_SQLITE)
    if postgres:  # a bot created by General Bots itself, with a memory
        db.execute_sql("INSERT INTO bots (name) VALUES ('gb-bot')")
        db.execute_sql(
            "INSERT INTO bot_memories (bot_id, key, value) "
            "SELECT id, 'existing', 'from GB' FROM bots WHERE name = 'gb-bot'"
        )
    before = _schema(db)

    store = MemoryStore(db_url)
    talk = store.bot("talkbench-bot")
    talk.set("lead_score_1", "42")
    talk.set("Lead_Score_1", "case matters")
    assert store.flush(10), store.last_error
    if postgres:
        gb = store.bot("gb-bot")
        assert gb.get("existing") == "from GB"
        gb.set("existing", "changed by talkbench")
        assert store.flush(10)
    store.rename("talkbench-bot", "lead_score_1", "lead_score_2")
    assert store.delete("talkbench-bot", ["Lead_Score_1"]) == 1
    assert store.close()

    assert _schema(db) == before
    # Our bot row got its extra columns from the defaults; our memory row left extras NULL.
    row = db.execute_sql(
        "SELECT llm_provider, is_active FROM bots WHERE name = 'talkbench-bot'"
    ).fetchone()
    assert row[0] == "openai" and row[1] in (True, 1)
    rows = db.execute_sql(
        "SELECT m.key, m.value, m.user_id, m.expires_at FROM bot_memories m "
        "JOIN bots b ON b.id = m.bot_id ORDER BY m.key"
    ).fetchall()
    expected = [("lead_score_2", "42", None, None)]
    if postgres:
        expected.insert(0, ("existing", "changed by talkbench", None, None))
    assert rows == expected
    db.close()


def test_existing_table_without_unique_constraint_is_refused(sqlite_db: str) -> None:
    db = open_database(sqlite_db)
    db.execute_sql("CREATE TABLE bots (id TEXT PRIMARY KEY, name TEXT NOT NULL)")
    db.execute_sql(
        "CREATE TABLE bot_memories (id TEXT PRIMARY KEY, bot_id TEXT, key TEXT, value TEXT, "
        "created_at TEXT, updated_at TEXT)"
    )
    before = _schema(db)
    with pytest.raises(DatabaseError, match=r"UNIQUE \(bot_id, key\)"):
        ensure_schema(db)
    assert _schema(db) == before
    db.close()


def test_existing_table_missing_columns_is_refused(sqlite_db: str) -> None:
    db = open_database(sqlite_db)
    db.execute_sql("CREATE TABLE bot_memories (id TEXT PRIMARY KEY, key TEXT)")
    with pytest.raises(DatabaseError, match="lacks column"):
        MemoryStore(database=db)
    db.close()


def test_error_message_keeps_sqlite_constraint_text_whole() -> None:
    import sqlite3

    from app.db.database import error_message

    exc = sqlite3.IntegrityError("NOT NULL constraint failed: bot_memories.owner")
    assert error_message(exc) == "NOT NULL constraint failed: bot_memories.owner"
    pg = Exception('connection to server at "h", port 5 failed: FATAL:  password '
                   'authentication failed for user "x"\n')
    assert error_message(pg) == 'password authentication failed for user "x"'
