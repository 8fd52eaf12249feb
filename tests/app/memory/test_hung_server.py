"""The memory store on a PostgreSQL server that hangs (stops answering without closing
anything): the writer reports the failure after a bounded wait, keeps every write it could not
confirm (pending, never lost), reads fail or fall back to the queued value instead of
blocking, and everything lands once the server answers again.

Fast: the server behind a loopback proxy that freezes (tests/app/db/freezing_proxy.py), with
a one-second reply limit. Slow: a dedicated server whose processes are SIGSTOPped, with the
default limit (the lock wait plus a margin).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import PROBE_S, DatabaseError, open_database
from app.memory.store import ChangeState, MemoryChange, MemoryStore

from ..conftest import PgServer, _free_port, stored_value
from ..db.bounded_calls import Caller
from ..db.freezing_proxy import FreezingProxy
from .bounded_store import bounded_store

REPLY = 1.0
CONNECT = 2  # libpq's smallest connect_timeout


def states(changes: list[MemoryChange], key: str) -> list[ChangeState]:
    return [c.state for c in changes if c.key == key]


def test_writes_to_a_hung_server_fail_visibly_stay_pending_and_land_after_it_answers(
    pg_server: PgServer,
) -> None:
    direct = pg_server.url(pg_server.new_database())
    with FreezingProxy(pg_server.port) as proxy:
        db = open_database(direct.replace(f":{pg_server.port}/", f":{proxy.port}/"),
                           reply_timeout=REPLY, connect_timeout=CONNECT)
        call, store, changes = bounded_store(db)
        try:
            proxy.freeze()
            store.set("b", "k", "2")
            landed, _, took = call(lambda: store.flush(60), within=30)
            assert landed is False and took < 10  # the attempt failed, it did not hang
            failed = [c for c in changes if c.state is ChangeState.FAILED]
            assert [(c.key, c.new) for c in failed] == [("k", "2")]
            assert "did not answer within 1 s" in (failed[0].error or ""), failed[0].error
            assert store.pending_count() == 1
            # Reads: the queued value where there is one, else the failure; each waits for
            # the hung server once (its reply limit or its connect timeout), not twice. (A
            # connect may first wait for the writer thread's: peewee connects one at a time.)
            # A reply limit ends with a check that the server answers nobody: PROBE_S more.
            value, error, took = call(lambda: store.value("b", "k"), within=30)
            assert (value, error) == ("2", None) and took < REPLY + PROBE_S + 0.5
            _, error, took = call(lambda: store.value("b", "other"), within=30)
            assert isinstance(error, DatabaseError) and "Cannot reach" in str(error), error
            assert took < 2 * CONNECT + 0.5
            # A hand edit (the memory panel's delete) fails the same way; nothing is lost.
            _, error, took = call(lambda: store.delete("b", ["k"]), within=30)
            assert isinstance(error, DatabaseError), error
            assert took < 2 * CONNECT + REPLY + PROBE_S + 0.5 and store.pending_count() == 1
            assert stored_value(direct, "k") == "1"
            proxy.thaw()
            assert call(lambda: store.flush(60), within=70)[0] is True
            assert states(changes, "k")[-1] is ChangeState.LANDED
            assert store.pending_count() == 0 and store.last_error is None
            assert stored_value(direct, "k") == "2"
            assert call(lambda: store.value("b", "k"), within=30)[0] == "2"
        finally:
            proxy.thaw()
            assert call(lambda: store.close(30), within=40)[0] is True
            call(db.close, within=30)


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this test alone: it is frozen, which the session's must not be."""
    from ..conftest import _find_pg_bin

    bin_dir = _find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found")
    server = PgServer(bin_dir, Path(tempfile.mkdtemp(prefix="tbpgs-")), _free_port())
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_pids(server: PgServer) -> list[int]:
    """The postmaster and every process it started."""
    postmaster = int((server.base / "data" / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(entry))
    return [postmaster, *children]


@pytest.mark.slow
def test_a_sigstopped_server_with_the_default_limits(
    own_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", "1")  # default reply limit: 1 s + the margin
    url = own_server.url("postgres")
    call = Caller()
    store = call(lambda: MemoryStore(url, retry_max_delay=0.5), within=30)[0]
    changes: list[MemoryChange] = []
    store.subscribe(changes.append)
    store.set("b", "k", "1")
    assert store.flush(30)
    pids = server_pids(own_server)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        store.set("b", "k", "2")
        start = time.monotonic()
        landed, _, _ = call(lambda: store.flush(120), within=60)
        assert landed is False and time.monotonic() - start < 20
        assert [c.state for c in changes if c.new == "2"] == [ChangeState.PENDING,
                                                              ChangeState.FAILED]
        assert store.pending_count() == 1
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    assert call(lambda: store.flush(120), within=130)[0] is True
    assert stored_value(url, "k") == "2"
    assert call(lambda: store.close(30), within=40)[0] is True
