"""A call whose backend process is stopped (SIGSTOP, a debugger) mid-statement: the server
answers everyone else and lists the statement as running for as long as the process is
stopped, so "still running" alone would make the call wait forever. It fails after the running
limit instead, as an unreachable server, and the next call works on a new connection."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from app.db.database import PROBE_S, Failure, classify, open_database, read_reconnecting

from ..conftest import PgServer
from .frozen_backend import running_backend, stopped

REPLY = 1.0
RUNNING = 3.0


def test_a_call_on_a_stopped_backend_fails_after_the_running_limit(pg_server: PgServer) -> None:
    name = pg_server.new_database()
    db = open_database(pg_server.url(name), reply_timeout=REPLY, running_limit=RUNNING)
    one_thread = ThreadPoolExecutor(1)  # a peewee connection belongs to its thread
    try:
        call = one_thread.submit(lambda: db.execute_sql("SELECT pg_sleep(2), 7").fetchone())
        pid = running_backend(pg_server, name)
        start = time.monotonic()
        with stopped(pg_server, pid):
            error = call.exception(timeout=RUNNING + 20)
            took = time.monotonic() - start
        assert classify(error) is Failure.UNREACHABLE, error
        assert "lists the statement as running" in str(error), error
        assert RUNNING * 0.9 <= took < RUNNING + REPLY + PROBE_S + 1
        again = one_thread.submit(read_reconnecting, db,
                                  lambda: db.execute_sql("SELECT 1").fetchone()[0])
        assert again.result(timeout=30) == 1
    finally:
        one_thread.submit(db.close).result(timeout=30)
        one_thread.shutdown()
