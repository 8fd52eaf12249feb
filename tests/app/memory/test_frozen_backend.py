"""A batch whose backend process is stopped (SIGSTOP) mid-write, the server itself answering:
the writer reports the write FAILED after the running limit, keeps it queued, and lands it on
a new connection while the old process is still stopped; once resumed, that process finds its
client gone and its transaction is rolled back, so it overwrites nothing landed since."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack

from app.db.database import open_database
from app.memory.store import ChangeState

from ..conftest import PgServer, stored_value
from ..db.frozen_backend import running_backend, stopped
from .bounded_store import bounded_store

REPLY = 1.0
RUNNING = 3.0


def test_a_write_in_a_stopped_backend_fails_stays_queued_and_lands_on_a_new_connection(
    pg_server: PgServer, write_blocker: Callable[[str], AbstractContextManager[None]]
) -> None:
    name = pg_server.new_database()
    url = pg_server.url(name)
    db = open_database(url, reply_timeout=REPLY, running_limit=RUNNING)
    call, store, changes = bounded_store(db)
    try:
        with ExitStack() as lock:
            lock.enter_context(write_blocker(url))
            store.set("b", "k", "2")  # its batch waits for the lock, then its process stops
            pid = running_backend(pg_server, name, waiting_on="Lock")
            with stopped(pg_server, pid):
                lock.close()
                landed, _, took = call(lambda: store.flush(60), within=RUNNING + 20)
                assert landed is False and took < RUNNING + REPLY + 4
                failed = [c for c in changes if c.state is ChangeState.FAILED]
                assert [(c.key, c.new) for c in failed] == [("k", "2")]
                assert "lists the statement as running" in (failed[0].error or "")
                assert store.pending_count() == 1
                assert call(lambda: store.flush(60), within=70)[0] is True
                assert stored_value(url, "k") == "2"
                store.set("b", "k", "3")
                assert store.flush(30)
        assert stored_value(url, "k") == "3"  # the resumed process's write of "2" was rolled back
        assert [c.state for c in changes if c.new == "2"][-1] is ChangeState.LANDED
    finally:
        assert call(lambda: store.close(30), within=40)[0] is True
        call(db.close, within=30)
