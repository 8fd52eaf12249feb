"""Bounded waits on PostgreSQL: a server that stops answering fails a call, never hangs it.

A hung server (a SIGSTOPped postmaster, a proxy or NAT box that stopped forwarding) keeps the
TCP connection open and its kernel acknowledges every byte, so neither TCP keepalives nor
``tcp_user_timeout`` ever see it; libpq itself waits for a reply forever. psycopg2 lets one
process-wide *wait callback* do every wait of every connection (its "green" mode): ours waits
on the socket like libpq would, but gives up after a limit of silence.

* While connecting, the limit is the connection's own ``connect_timeout`` (libpq does not
  enforce it in this mode, see PQconnectPoll), so every connection keeps the limit it asked for.
* Afterwards, only connections given a limit with :func:`limit_replies` have one (the memory
  database's); any other connection waits as long as it would without this module.

The limit counts silence, not the whole call: each time the socket is ready it starts again,
so a long result that keeps arriving is never cut off. A statement that computes for longer
than the limit before its first byte (a big UPDATE, an index build) is silent too: when the
connection has a *liveness check*, silence past the limit asks the server over a fresh
connection whether the statement is still running; the call goes on waiting only then, and
only up to a ceiling of silence: a backend process that is stopped (SIGSTOP, a debugger) or
stuck keeps showing its statement as running forever.
"""

from __future__ import annotations

import select
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import psycopg2
import psycopg2.extensions as pgext

# A connection's limit, what tells a busy server from a hung one (None: nothing does), and the
# longest silence of a statement the server says is running.
_limits: weakref.WeakKeyDictionary[
    Any, tuple[float, Callable[[Any], bool] | None, float]] = weakref.WeakKeyDictionary()
_installed = False
_install_lock = threading.Lock()


class NoReply(psycopg2.OperationalError):
    """The server did not answer within the limit; psycopg2 has closed the connection."""


def install() -> None:
    """Make every psycopg2 connection of this process wait through :func:`_wait` (once)."""
    global _installed
    with _install_lock:
        if not _installed:
            pgext.set_wait_callback(_wait)
            _installed = True


def limit_replies(conn: Any, seconds: float,
                  still_running: Callable[[Any], bool] | None = None,
                  running_limit: float | None = None) -> None:
    """From now on a wait of ``conn`` for its server fails after ``seconds`` of silence,
    unless ``still_running(conn)`` (asked after each such silence) says the server is
    still working on the statement: then it is only long, and the wait goes on until
    ``running_limit`` seconds of silence in all (default: no further limit)."""
    _limits[conn] = (seconds, still_running,
                     float("inf") if running_limit is None else running_limit)


def _wait(conn: Any) -> None:
    limit, still_running, running_limit = _limits.get(conn, (None, None, 0.0))
    what = "answer"
    if limit is None and conn.status == pgext.STATUS_SETUP:
        limit, what = _connect_timeout(conn), "accept the connection"
    silent_since = time.monotonic()
    while True:
        state = conn.poll()
        if state == pgext.POLL_OK:
            return
        if state not in (pgext.POLL_READ, pgext.POLL_WRITE):
            raise psycopg2.OperationalError(f"unexpected poll state {state!r}")
        wait = limit
        if still_running is not None and limit is not None:
            silence = time.monotonic() - silent_since
            if silence >= limit:  # said to be running: wait no further than its ceiling
                wait = max(0.0, min(limit, running_limit - silence))
        if _ready(conn.fileno(), state == pgext.POLL_WRITE, wait):
            silent_since = time.monotonic()
            continue
        silence = time.monotonic() - silent_since
        if still_running is not None and silence < running_limit and still_running(conn):
            continue
        # Raising here makes psycopg2 close the connection: the next use reconnects.
        if still_running is not None and silence >= running_limit:
            raise NoReply(f"the server did not answer within {running_limit:g} s, though it "
                          "lists the statement as running (its process stopped or stuck)")
        raise NoReply(f"the server did not {what} within {limit:g} s")


def _ready(fd: int, writing: bool, limit: float | None) -> bool:
    """Whether ``fd`` became readable (writable) within ``limit`` seconds (None: no limit)."""
    if hasattr(select, "poll"):  # no FD_SETSIZE limit, unlike select()
        poller = select.poll()
        poller.register(fd, select.POLLOUT if writing else select.POLLIN)
        return bool(poller.poll(None if limit is None else limit * 1000))
    sets: tuple[list[int], list[int]] = ([], [fd]) if writing else ([fd], [])
    return any(select.select(*sets, [], limit)[:2])


def _connect_timeout(conn: Any) -> float | None:
    """The connection's ``connect_timeout`` as libpq reads it (absent or 0: none, else at
    least 2 s)."""
    try:
        raw = pgext.parse_dsn(conn.dsn).get("connect_timeout", "")
        seconds = int(raw) if raw else 0
    except (ValueError, psycopg2.ProgrammingError):
        return None
    return max(seconds, 2) if seconds > 0 else None
