"""Nothing in this process but SQLite may open the files of an open SQLite database.

POSIX record locks belong to the process and the file, not to the descriptor: closing *any*
descriptor of a database file drops every lock the process's SQLite connections hold on it.
Another process (``talkbench memory get``) then believes it is the last user, checkpoints and
deletes ``-wal``/``-shm`` while this process keeps writing into the deleted ones — two
diverging copies, then a malformed file. Measured in the IDE: Qt's file dialog opened and
closed ``memory.db``, ``-wal`` and ``-shm`` to sniff their MIME type.

So every open store registers its file here, and code that reads or writes a file the user
named asks :func:`check_not_database` first. It only calls ``stat``, which takes no lock.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

SIDE_FILES = ("", "-wal", "-shm", "-journal")

_lock = threading.Lock()
_open: Counter[str] = Counter()  # absolute paths of open SQLite databases


class DatabaseFileError(OSError):
    """The file belongs to a database this process has open."""


def protect(path: str) -> None:
    """Register an open SQLite database (call :func:`release` when it closes)."""
    with _lock:
        _open[os.path.realpath(path)] += 1


def release(path: str) -> None:
    with _lock:
        key = os.path.realpath(path)
        _open[key] -= 1
        if _open[key] <= 0:
            del _open[key]


def open_databases() -> list[str]:
    with _lock:
        return list(_open)


def database_of(path: str | os.PathLike[str]) -> str | None:
    """The open database ``path`` belongs to (itself or a side file), else ``None``."""
    target = os.path.realpath(os.fspath(path))
    try:
        st = os.stat(target)
    except OSError:
        st = None
    for db in open_databases():
        for suffix in SIDE_FILES:
            side = db + suffix
            if target == side:
                return db
            if st is not None and _same_file(st, side):
                return db
    return None


def is_database_file(path: str | os.PathLike[str]) -> bool:
    return database_of(path) is not None


def check_not_database(path: str | os.PathLike[str]) -> None:
    """DatabaseFileError when ``path`` is a file of a database this process has open."""
    db = database_of(path)
    if db is not None:
        raise DatabaseFileError(
            f"{os.fspath(path)} is a file of the memory database in use ({db}); "
            "Talkbench never opens it except through SQLite"
        )


def _same_file(st: os.stat_result, other: str) -> bool:
    try:
        o = os.stat(other)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (o.st_dev, o.st_ino)
