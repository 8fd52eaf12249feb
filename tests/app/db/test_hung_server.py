"""A PostgreSQL server that stops answering (a hung server, a network path gone dark) fails a
call after a bounded wait, as an unreachable server, instead of blocking it forever; once the
server answers again the next call works. The server sits behind a real loopback proxy that
freezes: connections stay open and every byte is acknowledged, but nothing comes back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import peewee
import pytest

from app.db.database import (
    PROBE_S,
    DatabaseError,
    Failure,
    classify,
    open_database,
    read_reconnecting,
    translate_error,
)

from ..conftest import PgServer
from .bounded_calls import Caller
from .freezing_proxy import FreezingProxy

REPLY = 1.0  # seconds of silence a call waits for the server in these tests
CONNECT = 2  # libpq's smallest connect_timeout


@pytest.fixture
def proxy(pg_server: PgServer) -> Iterator[FreezingProxy]:
    with FreezingProxy(pg_server.port) as p:
        yield p


def proxied_url(pg_server: PgServer, proxy: FreezingProxy) -> str:
    return pg_server.url(pg_server.new_database()).replace(
        f":{pg_server.port}/", f":{proxy.port}/")


def one(db: peewee.Database) -> Any:
    return db.execute_sql("SELECT 1").fetchone()[0]


def open_through(pg_server: PgServer, proxy: FreezingProxy) -> peewee.Database:
    """The memory database's limits, reached through ``proxy``."""
    return open_database(proxied_url(pg_server, proxy), reply_timeout=REPLY,
                         connect_timeout=CONNECT)


def test_a_read_from_a_hung_server_fails_in_bounded_time_then_works_again(
    pg_server: PgServer, proxy: FreezingProxy
) -> None:
    db = open_through(pg_server, proxy)
    bounded = Caller()
    try:
        assert bounded(lambda: one(db), within=30)[0] == 1
        proxy.freeze()
        _, error, took = bounded(lambda: one(db), within=REPLY + 15)
        assert isinstance(error, peewee.OperationalError), error
        assert classify(error) is Failure.UNREACHABLE
        message = str(translate_error(error, "the memory database"))
        assert "Cannot reach the memory database" in message
        assert "did not answer within 1 s" in message, message
        assert REPLY * 0.9 <= took < REPLY + 5
        # Reconnecting to the hung server is bounded too (its connect_timeout): no second
        # full reply wait after the first one ran out.
        _, error, took = bounded(lambda: read_reconnecting(db, lambda: one(db)),
                                 within=CONNECT + 15)
        assert classify(error) is Failure.UNREACHABLE, error
        assert took < CONNECT + 3
        proxy.thaw()
        assert bounded(lambda: read_reconnecting(db, lambda: one(db)), within=30)[0] == 1
    finally:
        proxy.thaw()
        bounded(db.close, within=30)


def test_a_connection_to_a_hung_server_fails_within_its_connect_timeout(
    pg_server: PgServer, proxy: FreezingProxy
) -> None:
    url = proxied_url(pg_server, proxy)
    proxy.freeze()
    _, error, took = Caller()(
        lambda: open_database(url, reply_timeout=REPLY, connect_timeout=CONNECT),
        within=CONNECT + 15)
    assert isinstance(error, DatabaseError), error
    assert "Cannot reach" in str(error) and "did not accept the connection" in str(error)
    assert took < CONNECT + 3
    proxy.thaw()
    db = open_database(url, reply_timeout=REPLY, connect_timeout=CONNECT)
    try:
        assert one(db) == 1
    finally:
        db.close()


def test_a_lock_wait_is_not_taken_for_a_hung_server(pg_server: PgServer) -> None:
    """A healthy server silent while a statement waits for a lock is not "hung": the reply
    limit is the lock wait plus a margin, so the lock's own error is what the caller gets."""
    url = pg_server.url(pg_server.new_database())
    holder = open_database(url)
    waiter = open_database(url, busy_timeout_ms=1500, reply_timeout=None)
    try:
        holder.execute_sql("CREATE TABLE t (x int)")
        with holder.atomic():
            holder.execute_sql("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
            _, error, took = Caller()(lambda: waiter.execute_sql("SELECT * FROM t").fetchall(),
                                     within=30)
        assert classify(error) is Failure.LOCKED, error
        assert 1.4 <= took < 5
    finally:
        holder.close()
        waiter.close()


def test_a_statement_that_runs_longer_than_the_reply_limit_is_not_cut_off(
    pg_server: PgServer, proxy: FreezingProxy
) -> None:
    """Silent while it computes, but the server answers others: busy, not hung."""
    db = open_through(pg_server, proxy)
    try:
        result, error, took = Caller()(
            lambda: db.execute_sql("SELECT pg_sleep(%s), 7", (REPLY * 2.5,)).fetchone()[1],
            within=30)
        assert error is None and result == 7
        assert took >= REPLY * 2.5
        assert one(db) == 1  # the same connection, still open
    finally:
        db.close()


def test_a_connection_gone_dark_fails_though_the_server_answers_others(
    pg_server: PgServer, proxy: FreezingProxy
) -> None:
    """The path of one connection broken (a proxy or NAT box that dropped it): the server
    is alive, but not running anything for it, so the wait is not a long statement's."""
    db = open_through(pg_server, proxy)
    bounded = Caller()
    try:
        assert bounded(lambda: one(db), within=30)[0] == 1
        proxy.freeze_open()
        _, error, took = bounded(lambda: one(db), within=REPLY + 15)
        assert classify(error) is Failure.UNREACHABLE, error
        assert took < REPLY + PROBE_S + 1
    finally:
        bounded(db.close, within=30)
