"""Fixtures for the memory store tests: a throwaway PostgreSQL server and ``db_url``.

``db_url`` runs each test on a fresh SQLite file and on a fresh PostgreSQL database. The
server (Debian's postgresql, ``initdb``/``pg_ctl`` in a temp dir on a free loopback port,
password authentication over TCP) starts once per session, only if a PostgreSQL test runs.
PostgreSQL tests are skipped when the binaries are missing, except under CI (env ``CI``),
where that is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from app.db.database import sqlite_url
from app.memory.history import MemoryHistory
from app.memory.store import MemoryStore

PG_USER = "test"
PG_PASSWORD = "s3cret-pw"


def _find_pg_bin() -> str | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for d in reversed(candidates):
        if os.access(os.path.join(d, "initdb"), os.X_OK):
            return d
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bin_dir: str
    base: Path
    port: int
    user: str = PG_USER
    password: str = PG_PASSWORD
    _db_counter = itertools.count(1)
    _free: list[str] = field(default_factory=list)  # emptied, ready to lend again
    _lent: list[str] = field(default_factory=list)  # lent to the running test

    @property
    def _as_postgres(self) -> list[str]:
        # PostgreSQL refuses to run as root.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        cmd = self._as_postgres + [os.path.join(self.bin_dir, args[0]), *args[1:]]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if res.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stdout}{res.stderr}{tail}")

    def init(self) -> None:
        pw = self.base / "pwfile"
        pw.write_text(PG_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
            shutil.chown(pw, "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.base / "data"),
            "-U",
            PG_USER,
            f"--pwfile={pw}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        )

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.base / "data"),
            "-l",
            str(self.base / "server.log"),
            "-w",
            "-o",
            opts,
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w", "stop")

    def url(self, dbname: str, password: str = PG_PASSWORD) -> str:
        return f"postgresql://{PG_USER}:{password}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):  # psycopg2 connection to the maintenance database
        import psycopg2

        conn = psycopg2.connect(
            dbname="postgres",
            user=PG_USER,
            password=PG_PASSWORD,
            host="127.0.0.1",
            port=self.port,
        )
        conn.autocommit = True
        return conn

    def new_database(self) -> str:
        """An empty database: one a finished test emptied (see :meth:`recycle`), or a new one."""
        name = self._free.pop() if self._free else self._create_database()
        self._lent.append(name)
        return name

    def _create_database(self) -> str:
        name = f"t{os.getpid()}_{next(self._db_counter)}"
        conn = self.admin()
        try:
            # FILE_COPY: copy template1's files once, not block by block through the WAL.
            conn.cursor().execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        finally:
            conn.close()
        return name

    def recycle(self) -> None:
        """Empty the databases lent since the last call and keep them for the next tests.

        A new database per test copied template1's ~8 MB each time, and the session's
        teardown then deleted all of them (over a gigabyte for the suite); emptying the
        schemas of a few reused ones costs milliseconds. A database that cannot be emptied
        (the server was stopped by its test) is left alone and not lent again."""
        lent, self._lent = self._lent, []
        for name in lent:
            with contextlib.suppress(Exception):
                self._empty(name)
                self._free.append(name)

    def _empty(self, name: str) -> None:
        import psycopg2

        admin = self.admin()
        try:
            admin.cursor().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        finally:
            admin.close()
        conn = psycopg2.connect(dbname=name, user=PG_USER, password=PG_PASSWORD,
                                host="127.0.0.1", port=self.port)
        try:
            with conn, conn.cursor() as cur:
                cur.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                            "AND nspname <> 'information_schema'")
                for (schema,) in cur.fetchall():
                    cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
                cur.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
                cur.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
        finally:
            conn.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _find_pg_bin()
    if bin_dir is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's postgresql"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="tbpg-"))  # short: the socket path has a length limit
    server = PgServer(bin_dir, base, _free_port())
    try:
        server.init()
        server.start()
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    _RUNNING.append(server)
    try:
        yield server
    finally:
        _RUNNING.remove(server)
        with contextlib.suppress(Exception):
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


_RUNNING: list[PgServer] = []  # the session's server, once a test started it


@pytest.fixture(autouse=True)
def _recycle_pg_databases() -> Iterator[None]:
    """After each test (and its other fixtures) the databases it got are emptied for reuse."""
    yield
    for server in _RUNNING:
        server.recycle()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite temp file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "memory.sqlite3")
    server: PgServer = request.getfixturevalue("pg_server")
    return server.url(server.new_database())


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """A SQLite URL only (tests about SQLite files)."""
    return sqlite_url(tmp_path / "memory.sqlite3")


@pytest.fixture
def store(db_url: str) -> Iterator[MemoryStore]:
    """A MemoryStore on ``db_url``, closed after the test."""
    s = MemoryStore(db_url)
    yield s
    s.close()


@pytest.fixture
def history(store: MemoryStore) -> Iterator[MemoryHistory]:
    """The history recorder of ``store``, closed after the test."""
    h = MemoryHistory(store)
    yield h
    h.close()


def settle(watcher: Any, timeout: float = 10.0) -> None:
    """Wait until an ``app.memory.outside_watch.OutsideWatcher`` has looked at every commit made
    before this call: two polls that found nothing new (the first may have read the
    database just before the call). No fixed sleep guessing how long a poll takes."""
    wanted = watcher.settled + 2
    deadline = time.monotonic() + timeout
    while watcher.settled < wanted:
        assert time.monotonic() < deadline, "the outside watcher did not settle"
        time.sleep(0.01)


def stored_value(url: str, key: str) -> str | None:
    """The value of ``key`` in the memory table itself, over a connection of its own."""
    from app.db.database import open_database

    db = open_database(url)
    try:
        rows = db.execute_sql("SELECT value FROM bot_memories WHERE key = %s", (key,)).fetchall()
        return rows[0][0] if rows else None
    finally:
        db.close()


def sqlite_path(url: str) -> str:
    return unquote(url[len("sqlite://") :])


@contextlib.contextmanager
def hold_write_lock(url: str) -> Iterator[None]:
    """Another client holds the write lock on the memory table, as a second program could:
    writes wait (and fail after the busy timeout on SQLite) until the block ends."""
    if url.startswith("sqlite:"):
        conn = sqlite3.connect(sqlite_path(url), isolation_level=None, timeout=10)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    else:
        from app.db.database import open_database

        db = open_database(url)
        conn = db.connection()
        cur = conn.cursor()
        cur.execute("BEGIN")
        cur.execute("LOCK TABLE bot_memories IN EXCLUSIVE MODE")  # reads still allowed
        try:
            yield
        finally:
            cur.execute("ROLLBACK")
            db.close()


@pytest.fixture
def write_blocker():
    """``with write_blocker(url): ...`` — see :func:`hold_write_lock`."""
    return hold_write_lock


@pytest.fixture
def unused_port() -> int:
    """A loopback TCP port nothing listens on."""
    return _free_port()


GENERALBOTS_SQL = Path(__file__).with_name("fixtures") / "generalbots_bots.sql"


@pytest.fixture
def generalbots_db(pg_server: PgServer) -> str:
    """A URL of a fresh PostgreSQL database with General Bots' own ``bots``/``bot_memories``
    (``fixtures/generalbots_bots.sql``) and three bots: 'default', and two named 'shop' with
    slugs 'shop-eu' and 'shop-us'."""
    import psycopg2

    name = pg_server.new_database()
    conn = psycopg2.connect(dbname=name, user=PG_USER, password=PG_PASSWORD,
                            host="127.0.0.1", port=pg_server.port)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(GENERALBOTS_SQL.read_text("utf-8"))
    finally:
        conn.close()
    return pg_server.url(name)
