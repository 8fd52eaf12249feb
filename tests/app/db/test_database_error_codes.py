"""Database failures are told apart by the drivers' error codes, not by English message text:
a PostgreSQL server with a non-English ``lc_messages`` words every message differently."""

from __future__ import annotations

import socket
import sqlite3
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee
import pytest

from app.db.database import (
    DatabaseError,
    Failure,
    classify,
    open_database,
    sqlite_url,
    translate_error,
)

PgServer = Any  # the pg_server fixture's type lives in conftest.py

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
# What a PostgreSQL server with lc_messages=de_DE says to a wrong password (SQLSTATE 28P01).
GERMAN_LOGIN_REFUSAL = 'Passwort-Authentifizierung für Benutzer »test« fehlgeschlagen'


def _error_response(severity: str, code: str, message: str) -> bytes:
    fields = b"".join(tag + text.encode() + b"\0" for tag, text in (
        (b"S", severity), (b"V", "FATAL"), (b"C", code), (b"M", message)))
    body = fields + b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client left")
        data += chunk
    return data


def _refuse_login(conn: socket.socket) -> None:
    """Speak the start of the PostgreSQL protocol: decline SSL/GSS, read the startup
    packet, answer with a German FATAL error, as a localized server does."""
    with conn:
        try:
            while True:
                length, code = struct.unpack("!ii", _recv_exact(conn, 8))
                if code in (SSL_REQUEST, GSS_REQUEST):
                    conn.sendall(b"N")
                    continue
                _recv_exact(conn, length - 8)  # the startup parameters
                conn.sendall(_error_response("SCHWERWIEGEND", "28P01", GERMAN_LOGIN_REFUSAL))
                return
        except (ConnectionError, OSError):
            return  # a reachability probe: connected and left


@pytest.fixture
def german_server() -> Iterator[int]:
    """A loopback server that refuses every login in German; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            _refuse_login(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(5)


def test_a_login_refused_in_german_is_still_a_refused_login(german_server: int) -> None:
    with pytest.raises(DatabaseError) as info:
        open_database(f"postgresql://test:wrong@127.0.0.1:{german_server}/gb")
    message = str(info.value)
    assert "rejected the login" in message and GERMAN_LOGIN_REFUSAL in message
    assert "wrong" not in message.replace("Passwort", "")


def test_an_unreachable_server_is_still_unreachable(unused_port: int) -> None:
    with pytest.raises(DatabaseError, match="^Cannot reach PostgreSQL"):
        open_database(f"postgresql://test:pw@127.0.0.1:{unused_port}/gb")


def _raise_on_server(db: peewee.Database, code: str, message: str) -> BaseException:
    """A real server error with the given SQLSTATE and a message in another language."""
    try:
        db.execute_sql(f"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{code}', "
                       f"MESSAGE = '{message}'; END $$")
    except peewee.PeeweeException as exc:
        return exc
    raise AssertionError("the server raised nothing")


@pytest.mark.parametrize(("code", "message", "failure", "wording"), [
    ("55P03", "Sperre nicht verfügbar", Failure.LOCKED, "is locked by another program"),
    ("25006", "kann nicht in einer Read-only-Transaktion ausgeführt werden",
     Failure.READ_ONLY, "is read-only"),
    ("57P01", "Verbindung wird abgebrochen aufgrund von Anweisung des Administrators",
     Failure.UNREACHABLE, "Cannot reach"),
])
def test_postgresql_errors_are_classified_by_sqlstate(
    pg_server: PgServer, code: str, message: str, failure: Failure, wording: str
) -> None:
    db = open_database(pg_server.url("postgres"))
    try:
        exc = _raise_on_server(db, code, message)
    finally:
        db.close()
    assert classify(exc) is failure
    translated = str(translate_error(exc, "the memory database"))
    assert wording in translated and message in translated
    assert "ERROR" not in translated  # the server's primary message, without its severity


def test_a_postgresql_lock_timeout_is_reported_as_locked(pg_server: PgServer) -> None:
    name = pg_server.new_database()
    holder = open_database(pg_server.url(name))
    waiter = open_database(pg_server.url(name), busy_timeout_ms=200)
    try:
        holder.execute_sql("CREATE TABLE t (x INT)")
        with holder.atomic():
            holder.execute_sql("LOCK TABLE t IN EXCLUSIVE MODE")
            with pytest.raises(peewee.PeeweeException) as info:
                waiter.execute_sql("INSERT INTO t VALUES (1)")
        assert "is locked by another program" in str(translate_error(info.value, "db"))
    finally:
        waiter.close()
        holder.close()


def test_sqlite_errors_are_classified_by_result_code(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    db = open_database(sqlite_url(path), busy_timeout_ms=0)
    db.execute_sql("CREATE TABLE t (x INT)")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(peewee.PeeweeException) as info, db.atomic():
            db.execute_sql("INSERT INTO t VALUES (1)")
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.close()
    assert classify(info.value) is Failure.LOCKED
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all, just text" * 64)
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_database(sqlite_url(tmp_path / "junk.sqlite3"))
