"""A call whose backend process is stopped (SIGSTOP, a debugger) mid-statement: the server
answers everyone else and lists the statement as running for as long as the process is
stopped, so "still running" alone would make the call wait forever. It fails after the running
limit instead, as an unreachable server, and the next call works on a new connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import peewee

from app.db.database import PROBE_S, Failure, classify, open_database, read_reconnecting

from ..conftest import PgServer
from .frozen_backend import running_backend, stopped

REPLY = 1.0
RUNNING = 3.0


def call_on_stopped_backend(pg_server: PgServer, reply: float, running: float,
                            then: Callable[[peewee.Database, ThreadPoolExecutor], None] | None
                            = None) -> tuple[BaseException | None, float]:
    """Run a statement, stop its backend process while it runs; returns the call's error and
    how long it took from the stop. ``then(db, thread)`` runs after, on the backend again."""
    name = pg_server.new_database()
    db = open_database(pg_server.url(name), reply_timeout=reply, running_limit=running)
    one_thread = ThreadPoolExecutor(1)  # a peewee connection belongs to its thread
    try:
        call = one_thread.submit(lambda: db.execute_sql("SELECT pg_sleep(2), 7").fetchone())
        pid = running_backend(pg_server, name)
        start = time.monotonic()
        with stopped(pg_server, pid):
            error = call.exception(timeout=running + 20)
            took = time.monotonic() - start
        if then is not None:
            then(db, one_thread)
    finally:
        one_thread.submit(db.close).result(timeout=30)
        one_thread.shutdown()
    return error, took


def test_a_call_on_a_stopped_backend_fails_after_the_running_limit(pg_server: PgServer) -> None:
    def again(db: peewee.Database, one_thread: ThreadPoolExecutor) -> None:
        later = one_thread.submit(read_reconnecting, db,
                                  lambda: db.execute_sql("SELECT 1").fetchone()[0])
        assert later.result(timeout=30) == 1

    error, took = call_on_stopped_backend(pg_server, REPLY, RUNNING, again)
    assert classify(error) is Failure.UNREACHABLE, error
    assert "lists the statement as running" in str(error), error
    assert RUNNING * 0.9 <= took < RUNNING + REPLY + PROBE_S + 1


def test_the_running_limit_is_the_whole_wait_not_one_more_reply_past_it(
        pg_server: PgServer) -> None:
    """Asked after each reply limit of silence, a server saying the statement runs made the
    call wait a whole reply limit more, past the running limit it reports (defaults: up to
    140 s for the 100 s it names)."""
    error, took = call_on_stopped_backend(pg_server, 2.0, 3.0)
    assert "within 3 s, though it lists the statement as running" in str(error), error
    assert 3.0 * 0.9 <= took < 3.0 + 0.9
