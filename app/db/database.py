"""Open the memory database (SQLite file or PostgreSQL server) from a URL.

URLs:

* ``sqlite:///abs/path.db`` (``sqlite:////abs/path.db`` is accepted too); a plain filesystem
  path without a scheme is taken as a SQLite file.
* ``postgresql://user:password@host:port/dbname`` (``postgres://`` too; query parameters such as
  ``?sslmode=require`` are passed to the driver).

Every failure to open is a :class:`DatabaseError` whose message is one human-readable line
(passwords are never part of it).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import peewee

ENV_VAR = "TALKBENCH_DB"
SQLITE_FILENAME = "memory.sqlite3"
# How long a write waits for another process's lock before it fails: 30 s, or
# $TALKBENCH_LOCK_TIMEOUT seconds (see README, "Memory semantics").
DEFAULT_BUSY_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_VAR = "TALKBENCH_LOCK_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT_S = 5
# How long a PostgreSQL call may wait in silence for the server beyond the lock wait (the one
# wait a healthy server makes us sit through without a byte): the statements here are small
# upserts and indexed reads a healthy server answers in milliseconds, so past this the server
# (or the path to it) is hung, and the call fails like a lost connection (see app.db.pg_waits).
REPLY_MARGIN_S = 10.0
# How much longer a statement the server lists as running may keep silent: ours are small
# upserts and indexed reads (with 200,000 rows of one bot on loopback, a 2,000-row upsert chunk
# commits in 0.09 s and a filtered count or page answers in 0.1 s), so past one more minute
# the statement's process is stopped (SIGSTOP, a debugger) or stuck, which PostgreSQL still
# lists as running, not busy; the minute leaves room for a statement's further lock waits.
LONG_STATEMENT_S = 60.0
# How long the server has to answer a fresh connection when ours has been silent that long
# (libpq's smallest connect_timeout): busy with our statement, or hung.
PROBE_S = 2
# TCP keepalive of idle PostgreSQL connections, both ends: a peer gone behind a network black
# hole is found dead within about a minute (idle + count * interval), not hours.
_KEEPALIVE_IDLE_S = 30
_KEEPALIVE_INTERVAL_S = 10
_KEEPALIVE_COUNT = 3
# A transaction of ours left open on the server (this process hung or vanished mid-batch
# behind a dead network) holds row locks General Bots' own writers wait on: the server ends it.
_IDLE_IN_TRANSACTION_MS = 60_000

# quick_check reads every page; past this size only the schema is read at open time.
_QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024

T = TypeVar("T")


class DatabaseError(Exception):
    """The memory database cannot be opened or used; ``str(exc)`` is one line for humans."""


@dataclass(frozen=True)
class _Target:
    kind: str  # "sqlite" or "postgresql"
    path: str = ""
    dbname: str = ""
    user: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    options: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        if self.kind == "sqlite":
            return self.path
        where = f"{self.host or 'localhost'}:{self.port or 5432}"
        return f"PostgreSQL {where}/{self.dbname}"


def default_url() -> str:
    """``$TALKBENCH_DB`` if set, else a SQLite file in the user data directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    import platformdirs

    return sqlite_url(Path(platformdirs.user_data_dir("talkbench")) / SQLITE_FILENAME)


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The ``sqlite:///abs/path`` URL of a file (percent-encoded where needed)."""
    return "sqlite://" + quote(os.path.abspath(os.fspath(path)))


def describe_url(url: str) -> str:
    """The URL as it can be shown to a user: password masked."""
    try:
        return _parse(url).describe()
    except DatabaseError:
        return _mask_password(url)


def _mask_password(url: str) -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def is_postgresql(db: peewee.Database) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def tuple_rows(query: peewee.BaseQuery) -> list[tuple[Any, ...]]:
    """The rows of a bound query as tuples (peewee's stubs type ``.tuples()`` as the query,
    whose rows would be models)."""
    return cast("list[tuple[Any, ...]]", list(query.tuples()))


def contains_text(fields: list[peewee.Field], text: str, sqlite: bool) -> peewee.Expression:
    """``any field contains text``, case-insensitively and literally: ``%``, ``_`` and ``\\``
    in ``text`` are matched as themselves (PostgreSQL reads ``\\`` in LIKE as an escape)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    op = "LIKE" if sqlite else "ILIKE"  # SQLite's LIKE already ignores ASCII case
    found = [peewee.NodeList((f, peewee.SQL(op), pattern, peewee.SQL("ESCAPE '\\'")))
             for f in fields]
    expression: peewee.Expression | peewee.NodeList = found[0]
    for more in found[1:]:
        expression = expression | more
    return cast(peewee.Expression, expression)


def lock_timeout_ms() -> int:
    """The lock wait of writes (SQLite and PostgreSQL alike): $TALKBENCH_LOCK_TIMEOUT
    (seconds; 0 fails at once) or 30 s."""
    raw = os.environ.get(LOCK_TIMEOUT_VAR, "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT_MS
    try:
        seconds = float(raw)
    except ValueError:
        raise DatabaseError(
            f"${LOCK_TIMEOUT_VAR} must be a number of seconds, got {raw!r}"
        ) from None
    if not 0 <= seconds <= 24 * 3600:
        raise DatabaseError(f"${LOCK_TIMEOUT_VAR} must be between 0 and 86400 seconds")
    return int(seconds * 1000)


def pg_lock_timeout_ms(busy_timeout_ms: int) -> int:
    """PostgreSQL's ``lock_timeout`` for a lock wait of ``busy_timeout_ms``: the same wait.
    A wait of 0 means "fail at once" as on SQLite, but PostgreSQL reads ``lock_timeout = 0``
    as "wait forever"; its shortest wait, 1 ms, is the nearest it has to "at once"."""
    return max(int(busy_timeout_ms), 1)


def open_database(
    url: str | None = None,
    *,
    busy_timeout_ms: int | None = None,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT_S,
    reply_timeout: float | None = None,
    running_limit: float | None = None,
) -> peewee.Database:
    """Open (and connect once to) the database named by ``url`` (default: :func:`default_url`).

    For the default location the data directory is created; for an explicit URL a missing
    directory is an error, so a typo does not silently create a fresh database elsewhere.
    ``busy_timeout_ms`` defaults to :func:`lock_timeout_ms`. ``reply_timeout``: how long a
    PostgreSQL call waits in silence for the server before it fails as unreachable (default:
    the lock wait plus :data:`REPLY_MARGIN_S`). ``running_limit``: how long in all it waits
    while the server says the statement is running (default: that plus
    :data:`LONG_STATEMENT_S`).
    """
    if busy_timeout_ms is None:
        busy_timeout_ms = lock_timeout_ms()
    explicit = url is not None
    target = _parse(url if url is not None else default_url())
    if target.kind == "sqlite":
        if not explicit:
            try:
                Path(target.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"Cannot create the data directory {Path(target.path).parent}: "
                    f"{exc.strerror or exc}"
                ) from None
        return _open_sqlite(target, busy_timeout_ms)
    if reply_timeout is None:
        reply_timeout = busy_timeout_ms / 1000 + REPLY_MARGIN_S
    if running_limit is None:
        running_limit = reply_timeout + LONG_STATEMENT_S
    return _open_postgresql(target, connect_timeout, busy_timeout_ms,
                            (reply_timeout, running_limit))


def error_message(exc: BaseException) -> str:
    """One line describing a database failure (driver messages are multi-line)."""
    if isinstance(exc, DatabaseError):
        return str(exc)
    primary = _primary_message(driver_error(exc))
    if primary:
        return re.sub(r"\s+", " ", primary)
    text = str(exc).strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # psycopg2: 'connection to server at "h", port p failed: FATAL:  reason'
    line = lines[0] if lines else text
    if line.startswith("connection to server") and " failed: " in line:
        line = line.split(" failed: ", 1)[1]
    line = re.sub(r"^(FATAL|ERROR):\s+", "", line)
    return re.sub(r"\s+", " ", line)


def _primary_message(exc: BaseException | None) -> str:
    """The server's own message, without the (localized) severity prefix and detail lines."""
    diag = getattr(exc, "diag", None)
    return (getattr(diag, "message_primary", None) or "").strip()


# -- classifying failures --------------------------------------------------------------
# By the drivers' error codes, never by message text: a PostgreSQL server with a non-English
# lc_messages words every message differently, and SQLite's texts are not an API either.


class Failure(Enum):
    """What kind of failure a database error is, as far as the user is concerned."""

    LOGIN = "login"  # credentials (or the database to log into) refused
    UNREACHABLE = "unreachable"  # no server, or the connection was lost
    LOCKED = "locked"  # another program holds a lock past the wait
    NOT_A_DATABASE = "not a database"  # the file is not a (sound) SQLite database
    READ_ONLY = "read-only"
    OTHER = "other"


# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_FAILURES = {
    5: Failure.LOCKED,  # SQLITE_BUSY
    6: Failure.LOCKED,  # SQLITE_LOCKED
    8: Failure.READ_ONLY,  # SQLITE_READONLY
    _SQLITE_CORRUPT: Failure.NOT_A_DATABASE,
    _SQLITE_NOTADB: Failure.NOT_A_DATABASE,
}
# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# whole classes first, then single codes that override them.
_PG_CLASSES = {
    "08": Failure.UNREACHABLE,  # connection exception
    "28": Failure.LOGIN,  # invalid authorization specification
}
_PG_CODES = {
    "3D000": Failure.LOGIN,  # invalid_catalog_name: the database to connect to is missing
    "57P01": Failure.UNREACHABLE,  # admin_shutdown
    "57P02": Failure.UNREACHABLE,  # crash_shutdown
    "57P03": Failure.UNREACHABLE,  # cannot_connect_now (starting up, shutting down)
    "55P03": Failure.LOCKED,  # lock_not_available (lock_timeout expired)
    "25006": Failure.READ_ONLY,  # read_only_sql_transaction
}


def driver_error(exc: BaseException) -> BaseException | None:
    """The sqlite3/psycopg2 exception behind ``exc`` (peewee wraps the driver's exception:
    as its first argument and as the exception being handled when it raised)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, sqlite3.Error) or _is_psycopg_error(e):
            return e
        first = e.args[0] if e.args else None
        todo += [first if isinstance(first, BaseException) else None, e.__cause__, e.__context__]
    return None


def _is_psycopg_error(exc: BaseException) -> bool:
    # By module, the driver being optional; any class up the line (app.db.pg_waits has one).
    return any(cls.__module__.split(".")[0] in ("psycopg2", "psycopg")
               for cls in type(exc).__mro__)


def classify(exc: BaseException) -> Failure:
    """The :class:`Failure` a driver/peewee exception stands for, from its error code."""
    err = driver_error(exc)
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        return _SQLITE_FAILURES.get(code & 0xFF, Failure.OTHER) if code else Failure.OTHER
    if err is None:
        return Failure.OTHER
    state = getattr(err, "pgcode", None) or getattr(err, "sqlstate", None)
    if state:
        return _PG_CODES.get(state) or _PG_CLASSES.get(state[:2], Failure.OTHER)
    # No SQLSTATE: libpq failed on the client side (socket closed, server gone, or no answer
    # within the wait of app.db.pg_waits, a subclass).
    names = {cls.__name__ for cls in type(err).__mro__}
    return Failure.UNREACHABLE if names & {"OperationalError", "InterfaceError"} else Failure.OTHER


_FAILURE_MESSAGES = {
    Failure.LOGIN: "{where} rejected the login: {msg}",
    Failure.UNREACHABLE: "Cannot reach {where}: {msg}",
    Failure.LOCKED: "{where} is locked by another program: {msg}",
    Failure.NOT_A_DATABASE: "{where} is not a valid SQLite database ({msg})",
    Failure.READ_ONLY: "{where} is read-only: {msg}",
    Failure.OTHER: "{where}: {msg}",
}


def translate_error(
    exc: BaseException, where: str, failure: Failure | None = None
) -> DatabaseError:
    """A :class:`DatabaseError` with a clear message for a driver/peewee exception
    (``failure``: the kind, when the caller knows it better than the error code says)."""
    kind = failure if failure is not None else classify(exc)
    return DatabaseError(_FAILURE_MESSAGES[kind].format(where=where, msg=error_message(exc)))


# -- parsing ---------------------------------------------------------------------------


def _parse(url: str) -> _Target:
    url = url.strip()
    if not url:
        raise DatabaseError("Empty database URL")
    if "://" not in url:
        # A bare path: convenient on the command line (--db ./memory.sqlite3).
        return _Target("sqlite", path=os.path.abspath(os.path.expanduser(url)))
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("sqlite", "sqlite3"):
        raw = unquote(url.split("://", 1)[1].split("?", 1)[0])
        if raw in ("", "/") or raw.endswith(":memory:"):
            raise DatabaseError(
                "In-memory SQLite is not supported (each thread would see its own empty "
                "database); use a file path"
            )
        # sqlite:///abs -> "/abs"; SQLAlchemy's sqlite:////abs -> "//abs".
        path = "/" + raw.lstrip("/") if raw.startswith("/") else raw
        return _Target("sqlite", path=os.path.abspath(os.path.expanduser(path)))
    if scheme in ("postgresql", "postgres", "postgresql+psycopg2"):
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            # Often not the port at all: a '/' in the password ends the host part early.
            raise DatabaseError(
                f"Bad port in database URL {_mask_password(url)} (a user name or password "
                "with '/', '@', ':', '?' or '#' must be percent-encoded, '/' as %2F)"
            ) from None
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise DatabaseError("The PostgreSQL URL names no database (postgresql://…/DBNAME)")
        return _Target(
            "postgresql",
            dbname=dbname,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            host=unquote(parts.hostname) if parts.hostname else None,
            port=port,
            options=tuple(parse_qsl(parts.query)),
        )
    raise DatabaseError(
        f"Unsupported database URL scheme {scheme!r} (use sqlite:///path or postgresql://…)"
    )


# -- SQLite ----------------------------------------------------------------------------


def _check_sqlite_file(path: str) -> None:
    """Refuse, without writing a byte, a file SQLite could not use as a database.

    Only SQLite itself opens the file: closing any other descriptor of it would drop the
    POSIX locks this process's connections hold on it (see :mod:`app.files.db_files`).
    """
    p = Path(path)
    if p.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if not p.parent.is_dir():
        raise DatabaseError(f"Directory {p.parent} does not exist (database {path})")
    if not p.exists():
        return
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise DatabaseError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        return  # SQLite treats an empty file as a new database
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"Cannot read {path}: Permission denied")
    # Read-only connection: a damaged file must stay exactly as it is.
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from None
    try:
        header = conn.execute("PRAGMA schema_version").fetchone()  # reads the header page
        if header is None:
            raise DatabaseError(f"{path} is not a SQLite database")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if size <= _QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check(1)").fetchone()
            if result and result[0] != "ok":
                detail = " ".join(str(result[0]).replace("*** in database main ***", "").split())
                raise DatabaseError(f"{path} is corrupt ({detail[:200]})")
    except sqlite3.Error as exc:
        code = (exc.sqlite_errorcode or 0) & 0xFF
        if code == _SQLITE_NOTADB:
            raise DatabaseError(f"{path} is not a SQLite database") from None
        if code == _SQLITE_CORRUPT:
            raise DatabaseError(f"{path} is corrupt ({error_message(exc)})") from None
        raise translate_error(exc, path) from None
    finally:
        conn.close()


class _SqliteDatabase(peewee.SqliteDatabase):
    """A SQLite database whose failed transactions report why they failed."""

    def rollback(self) -> None:
        # SQLite ends the transaction itself on some failures (disk full, a file past the
        # size limit, an I/O error): a ROLLBACK then fails ("no transaction is active"), and
        # that error replaced the reason, down to what the user was told.
        conn = self._state.conn  # type: ignore[attr-defined]
        if conn is not None and not conn.in_transaction:
            return
        super().rollback()


def _open_sqlite(target: _Target, busy_timeout_ms: int) -> peewee.SqliteDatabase:
    _check_sqlite_file(target.path)
    db = _SqliteDatabase(
        target.path,
        # busy_timeout first: switching to WAL needs a lock another process may hold.
        pragmas=[
            ("busy_timeout", int(busy_timeout_ms)),
            ("journal_mode", "wal"),
            ("synchronous", "normal"),
            ("foreign_keys", 1),
        ],
        timeout=busy_timeout_ms / 1000.0,
        # IMMEDIATE: take the write lock at BEGIN, so a concurrent writer in another process
        # waits on busy_timeout instead of failing with "database is locked" mid-transaction.
        lock_type="IMMEDIATE",
        field_types={"TIMESTAMPTZ": "DATETIME"},
    )

    def connect() -> peewee.SqliteDatabase:
        try:
            db.connect(reuse_if_open=True)
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        except (peewee.PeeweeException, sqlite3.Error):
            reset_connection(db)
            raise
        return db

    # Two processes opening a new file at once: the switch to WAL (and WAL recovery) can
    # report "locked" at once, without waiting on busy_timeout; it passes a moment later.
    try:
        return retry_while(connect, _is_sqlite_locked, busy_timeout_ms / 1000.0)
    except (peewee.PeeweeException, sqlite3.Error) as exc:
        raise translate_error(exc, target.path) from None


def _is_sqlite_locked(exc: Exception) -> bool:
    return classify(exc) is Failure.LOCKED


def retry_while(
    attempt: Callable[[], T], retryable: Callable[[Exception], bool], seconds: float
) -> T:
    """``attempt()``, tried again every 50 ms for up to ``seconds`` while it raises an
    exception ``retryable`` accepts (a state another process is about to settle)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not retryable(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# -- PostgreSQL ------------------------------------------------------------------------


class _BoundedPostgresqlDatabase(peewee.PostgresqlDatabase):
    """A PostgreSQL database whose connections wait at most ``reply_timeout`` seconds in
    silence for the server, ``running_limit`` while it says the statement is running
    (:mod:`app.db.pg_waits`)."""

    def __init__(self, database: str, limits: tuple[float, float], **params: Any) -> None:
        self.reply_timeout, self.running_limit = limits
        super().__init__(database, **params)

    def _connect(self) -> Any:
        from . import pg_waits

        conn = super()._connect()  # type: ignore[misc]  # peewee's stubs omit it
        pg_waits.limit_replies(conn, self.reply_timeout, self._still_running,
                               self.running_limit)
        return conn

    def _still_running(self, waiting: Any) -> bool:
        """Whether the server, asked over a fresh connection (each step bounded by
        :data:`PROBE_S`), says the statement of ``waiting`` is running: a long statement is
        silent, and so are a hung server (that answers nobody) and a dead path to it (the
        statement is over, or never arrived). Finding those takes that much longer."""
        import psycopg2

        from . import pg_waits

        try:
            conn = psycopg2.connect(database=self.database,
                                    **dict(self.connect_params, connect_timeout=PROBE_S))
        except psycopg2.Error:
            return False
        try:
            pg_waits.limit_replies(conn, PROBE_S)
            with conn.cursor() as cursor:
                cursor.execute("SELECT state = 'active' FROM pg_stat_activity WHERE pid = %s",
                               (waiting.get_backend_pid(),))
                return cursor.fetchone() == (True,)
        except psycopg2.Error:
            return False
        finally:
            conn.close()

    def rollback(self) -> None:
        # psycopg2 closed a connection whose server did not answer: the server ends that
        # session's transaction itself, and a ROLLBACK sent on it would only replace the
        # reason ("did not answer") with "connection already closed".
        if not getattr(self._state.conn, "closed", 0):  # type: ignore[attr-defined]
            super().rollback()


def _open_postgresql(
    target: _Target, connect_timeout: int, busy_timeout_ms: int, limits: tuple[float, float]
) -> peewee.PostgresqlDatabase:
    try:
        import psycopg2
    except ImportError:
        raise DatabaseError(
            "PostgreSQL support needs psycopg2 (pip install 'talkbench[postgres]')"
        ) from None
    from . import pg_waits

    pg_waits.install()
    params: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "keepalives": 1,
        "keepalives_idle": _KEEPALIVE_IDLE_S,
        "keepalives_interval": _KEEPALIVE_INTERVAL_S,
        "keepalives_count": _KEEPALIVE_COUNT,
    }
    if psycopg2.extensions.libpq_version() >= 120000:  # libpq 12 added it (Linux only)
        # Data the network does not acknowledge for this long: the connection is dead.
        params["tcp_user_timeout"] = int(limits[0] * 1000)
    for name, value in (
        ("user", target.user),
        ("password", target.password),
        ("host", target.host),
        ("port", target.port),
    ):
        if value is not None:
            params[name] = value
    # The same documented lock wait as SQLite's busy_timeout (PostgreSQL would wait forever);
    # the server's side of the keepalive, and its end of a transaction of ours left open.
    params["options"] = " ".join(f"-c {name}={value}" for name, value in (
        ("lock_timeout", pg_lock_timeout_ms(busy_timeout_ms)),
        ("idle_in_transaction_session_timeout", _IDLE_IN_TRANSACTION_MS),
        ("tcp_keepalives_idle", _KEEPALIVE_IDLE_S),
        ("tcp_keepalives_interval", _KEEPALIVE_INTERVAL_S),
        ("tcp_keepalives_count", _KEEPALIVE_COUNT),
    ))
    params.update(dict(target.options))
    db = _BoundedPostgresqlDatabase(target.dbname, limits, **params)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - driver errors come wrapped or raw, by stage
        reset_connection(db)
        raise translate_error(exc, target.describe(), _connect_failure(exc, target)) from None
    return db


def _connect_failure(exc: BaseException, target: _Target) -> Failure:
    """What a failed connect means. libpq reports the server's refusal of a login (bad
    password, unknown role or database) without its SQLSTATE, only as (localized) text;
    so a failure without a code is a refused login when the server does answer."""
    failure = classify(exc)
    err = driver_error(exc)
    coded = err is not None and bool(getattr(err, "pgcode", None) or getattr(err, "sqlstate", None))
    if _no_answer(exc):
        return failure  # it accepted the connection, then said nothing at all
    if failure is Failure.UNREACHABLE and not coded and _server_answers(target):
        return Failure.LOGIN
    return failure


_DEFAULT_SOCKET_DIRS = ("/var/run/postgresql", "/tmp")


def _server_answers(target: _Target, timeout: float = 2.0) -> bool:
    """Whether something accepts connections where the server should be."""
    port = target.port or 5432
    host = (target.host or "").split(",")[0]
    if not host or host.startswith("/"):
        dirs = [host] if host else list(_DEFAULT_SOCKET_DIRS)
        return any(_accepts(socket.AF_UNIX, f"{d}/.s.PGSQL.{port}", timeout) for d in dirs)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _accepts(family: socket.AddressFamily, address: str, timeout: float) -> bool:
    with socket.socket(family) as s:
        s.settimeout(timeout)
        try:
            s.connect(address)
        except OSError:
            return False
        return True


def read_reconnecting(db: peewee.Database, read: Callable[[], T]) -> T:
    """``read()``; when this thread's connection was lost since its last use (the PostgreSQL
    server restarted) it is reopened and the read tried once more. Without this, a module
    that never dropped its broken connection failed ("connection already closed") until
    the process ended. The one reconnecting read of every module (the memory store's too).

    No second try inside a transaction (the failure stands), after a failed connect (the
    server is not there now), or when the server did not answer at all (a hung server would
    only make the caller wait as long again)."""
    was_open = not db.is_closed()
    try:
        return read()
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        if (not was_open or db.in_transaction() or classify(exc) is not Failure.UNREACHABLE
                or _no_answer(exc)):
            raise
        reset_connection(db)
        return read()


def _no_answer(exc: BaseException) -> bool:
    """Whether ``exc`` is a PostgreSQL server that did not answer (:mod:`app.db.pg_waits`)."""
    err = driver_error(exc)
    if err is None or not _is_psycopg_error(err):
        return False  # not PostgreSQL: psycopg2 may not even be installed
    from .pg_waits import NoReply

    return isinstance(err, NoReply)


def reset_connection(db: peewee.Database) -> None:
    """Drop this thread's connection after a failure, so the next use reconnects."""
    try:
        db.close()
    except Exception:  # noqa: BLE001
        # Closing a dead connection (or one still inside a transaction) can fail; forget it.
        db.dispose()
