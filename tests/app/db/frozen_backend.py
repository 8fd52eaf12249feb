"""One PostgreSQL backend process stopped with SIGSTOP while it runs a statement: the server
itself answers everyone else, and lists the statement as running for as long as it is stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator

from ..conftest import PgServer


def running_backend(server: PgServer, dbname: str, waiting_on: str | None = None,
                    within: float = 10.0) -> int:
    """The pid of the one backend of ``dbname`` running a statement (waiting on
    ``waiting_on``, a wait_event_type, if given), once there is one."""
    admin = server.admin()
    try:
        deadline = time.monotonic() + within
        while True:
            with admin.cursor() as cur:
                cur.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                    "AND pid <> pg_backend_pid() AND (%s IS NULL OR wait_event_type = %s)",
                    (dbname, waiting_on, waiting_on))
                pids = [row[0] for row in cur.fetchall()]
            if len(pids) == 1:
                return pids[0]
            assert time.monotonic() < deadline, f"no single running backend: {pids}"
            time.sleep(0.02)
    finally:
        admin.close()


@contextlib.contextmanager
def stopped(server: PgServer, pid: int) -> Iterator[None]:
    """The backend ``pid`` stopped for the block; resumed after it, and gone (it finds its
    client gone) before the test's database is emptied for the next test."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)
        _wait_gone(server, pid)


def _wait_gone(server: PgServer, pid: int, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while os.path.exists(f"/proc/{pid}"):
        if time.monotonic() > deadline:  # still there: end it, or the next test inherits it
            admin = server.admin()
            try:
                admin.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
            finally:
                admin.close()
            deadline = float("inf")
        time.sleep(0.05)
