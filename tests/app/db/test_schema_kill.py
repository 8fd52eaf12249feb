"""A process killed with SIGKILL while it creates the memory schema of a new database.

peewee creates a table and then each of its indexes as separate statements. Killed between
``CREATE TABLE bot_memories`` and its ``CREATE UNIQUE INDEX``, the table stayed without the
UNIQUE (bot_id, key) constraint and every later open refused the database for good ("has no
UNIQUE (bot_id, key) constraint; Talkbench will not alter it"); ``user_memories`` without its
unique index made every SET USER MEMORY fail (no unique index for ON CONFLICT). Each table is
now created with its indexes in one transaction.

The child process kills itself (a real SIGKILL) just before its N-th CREATE statement, for
every N, on a new SQLite file and on an empty PostgreSQL database.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories

from ..conftest import PgServer

CHILD = """
import os, signal, sys
import peewee

kill_at = int(sys.argv[2])
created = []
execute_sql = peewee.Database.execute_sql

def killing_execute_sql(self, sql, params=None):
    if sql.lstrip().upper().startswith("CREATE"):
        if len(created) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        created.append(sql)
    return execute_sql(self, sql, params)

peewee.Database.execute_sql = killing_execute_sql
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories

store = MemoryStore(sys.argv[1])
user_memories(store).set("b", "u", "k", "v")
store.close()
for sql in created:
    print(sql)
"""


def _create(url: str, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, url, str(kill_at)],
                          capture_output=True, text=True, timeout=120, check=False)


def _statements(url: str) -> list[str]:
    """The CREATE statements a first open runs (none killed)."""
    done = _create(url, -1)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _assert_usable(url: str) -> None:
    with MemoryStore(url) as store:
        store.set("b", "k", "v")
        store.set("b", "k", "w")  # an upsert: needs the UNIQUE (bot_id, key) index
        assert store.flush(30), store.last_error
        assert store.value("b", "k") == "w"
        memories = user_memories(store)
        memories.set("b", "u", "k", "1")
        memories.set("b", "u", "k", "2")
        assert memories.get("b", "u", "k") == "2"


def _kill_points(statements: list[str], every: bool) -> list[int]:
    if every:
        return list(range(len(statements)))
    return [i for i, sql in enumerate(statements) if "UNIQUE INDEX" in sql.upper()]


def _check(new_url, every: bool) -> None:
    statements = _statements(new_url())
    assert sum("UNIQUE INDEX" in s.upper() for s in statements) >= 2, statements
    for kill_at in _kill_points(statements, every):
        url = new_url()
        killed = _create(url, kill_at)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        _assert_usable(url)


@pytest.fixture
def new_sqlite(tmp_path: Path):
    count = iter(range(1000))
    return lambda: sqlite_url(tmp_path / f"new{next(count)}.sqlite3")


@pytest.fixture
def new_postgresql(pg_server: PgServer):
    return lambda: pg_server.url(pg_server.new_database())


@pytest.mark.parametrize("kind", ["new_sqlite", "new_postgresql"])
def test_killed_before_a_unique_index_leaves_a_usable_database(
    request: pytest.FixtureRequest, kind: str
) -> None:
    _check(request.getfixturevalue(kind), every=False)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["new_sqlite", "new_postgresql"])
def test_killed_before_any_create_statement_leaves_a_usable_database(
    request: pytest.FixtureRequest, kind: str
) -> None:
    _check(request.getfixturevalue(kind), every=True)


OPEN_AND_WRITE = """
import sys
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories

with MemoryStore(sys.argv[1]) as store:
    store.set(sys.argv[2], "k", sys.argv[2])
    assert store.flush(30), store.last_error
    user_memories(store).set(sys.argv[2], "u", "k", "v")
"""


def test_processes_creating_the_schema_of_one_postgresql_database_at_once(
    pg_server: PgServer
) -> None:
    """The schema in one transaction: a second transaction creating the same table at the same
    moment fails on PostgreSQL's catalog once the first commits; it is tried again."""
    url = pg_server.url(pg_server.new_database())
    bots = [f"bot{i}" for i in range(4)]
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_WRITE, url, bot],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for bot in bots]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with MemoryStore(url) as store:
        assert {bot: store.value(bot, "k") for bot in bots} == {bot: bot for bot in bots}
