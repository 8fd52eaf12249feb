"""History events whose insert fails (the database locked past its wait, the server gone)
are kept and written once the database is back.

Before, such a step of events was dropped with a log line and ``flush`` still said True: the
run's writes had landed, but their events were missing, so "Revert run" reverted only the
keys whose events happened to be recorded, and said it had reverted the run.
"""

from __future__ import annotations

import psycopg2
import pytest

from app.db.database import sqlite_url
from app.memory.history import MemoryHistory
from app.memory.store import MemoryStore
from app.memory.undo import revert_run
from interpreter.ports.host import WriteSource

from ..conftest import PgServer, hold_write_lock

BOT = "b"


def _run_writes(store: MemoryStore, history: MemoryHistory) -> None:
    store.set(BOT, "a", "before")
    assert history.flush(30)
    history.watch(BOT)  # the values before the run are known: it can be reverted
    mem = store.bot(BOT)
    mem.set("a", "run", WriteSource("d.bas", 1, "run1"))
    mem.set("fresh", "new", WriteSource("d.bas", 2, "run1"))
    assert store.flush(30)  # landed; the history recorder has not written them yet


def _assert_recorded_and_revertible(store: MemoryStore, history: MemoryHistory) -> None:
    assert history.flush(30), history.last_error
    assert {(e.key, e.new) for e in history.run_events("run1")} == {
        ("a", "run"), ("fresh", "new")}
    revert_run(history, "run1")
    assert {e.key: e.value for e in store.list(BOT)} == {"a": "before"}


def test_events_blocked_by_a_lock_are_written_after_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "0.3")
    url = sqlite_url(tmp_path / "memory.sqlite3")
    with MemoryStore(url) as store:
        history = MemoryHistory(store, batch_delay=5.0)
        _run_writes(store, history)
        with hold_write_lock(url):
            assert not history.flush(2)  # says the events are not recorded yet
            assert history.last_error
        _assert_recorded_and_revertible(store, history)
        history.close()


def test_events_written_while_the_server_is_down_are_written_after_it(
    pg_server: PgServer
) -> None:
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url, retry_max_delay=0.2) as store:
        history = MemoryHistory(store, batch_delay=5.0)
        _run_writes(store, history)
        pg_server.stop()
        try:
            assert not history.flush(2)
        finally:
            pg_server.start()
        _assert_recorded_and_revertible(store, history)
        history.close()


def test_a_batch_whose_read_fails_midway_is_recorded_once(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder reads the newest event of a key another process changed while it makes
    a batch's rows. That read failing (here: another client locks the events table past the
    lock wait) put the whole batch back after part of it had been taken in: the second try
    then chained "a"'s write from its own new value, or recorded it twice."""
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "0.3")
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url) as store:
        history = MemoryHistory(store, batch_delay=0.5)
        store.set(BOT, "a", "0")
        assert history.flush(30)  # the recorder knows "a" = "0": no read for it below
        admin = psycopg2.connect(url)
        admin.autocommit = True
        try:
            with admin.cursor() as cur:
                cur.execute("BEGIN")
                cur.execute("LOCK TABLE memory_events IN ACCESS EXCLUSIVE MODE")
                store.set(BOT, "a", "1")
                history.record_outside(BOT, "b", None, "x")
                assert store.flush(30)
                assert not history.flush(1.5)  # its reads fail while the lock is held
                cur.execute("ROLLBACK")
        finally:
            admin.close()
        assert history.flush(30), history.last_error
        assert [(e.old, e.new) for e in reversed(history.timeline(BOT, "a"))] == [
            (None, "0"), ("0", "1")]
        assert [(e.old, e.new, e.kind) for e in history.timeline(BOT, "b")] == [
            (None, "x", "outside")]
        assert history.backlog == 0
        history.close()
