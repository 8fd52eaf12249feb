"""Whether another program wrote over the SQLite file a store has open (WAL mode).

``cp backup.sqlite3 memory.sqlite3`` while Talkbench runs keeps the file (same inode, so
:mod:`app.db.file_identity` sees nothing) but replaces its pages. SQLite then reads the copy's
pages mixed with the write-ahead log's pages of the old file, and its next checkpoint writes
those over the copy: both the restore and what Talkbench writes next are damaged.

The rule: in WAL mode SQLite writes the database file only in a checkpoint, and a checkpoint
first stores in the wal-index (``-shm``) the last log frame it will copy (nBackfillAttempted),
before its first page write; a new log gets new salts. So the file's mtime or size changing
while those numbers have not moved since we last looked is a write SQLite did not make.
Another process's commits (they go to the log) and checkpoints (they move the numbers first)
never match it (tested: two processes writing, a third checkpointing, VACUUM and SQLite's own
restore). What can go unseen: a copy followed by a checkpoint before our next look (a miss,
never a false alarm); looks taken while a checkpoint was under way are not used. A ``touch``
of the file does count as a write.

The wal-index is read through SQLite's own descriptor (found in ``/proc/self/fd``), never one of
ours: closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included. Where descriptors cannot be listed (Windows) the check does nothing.
"""

from __future__ import annotations

import os
import struct
import threading
from dataclasses import dataclass

from .database import DatabaseError

_FD_DIRS = ("/proc/self/fd", "/dev/fd")
# WalIndexHdr: aSalt at 32..40 (first copy); WalCkptInfo at 96: nBackfill at 96,
# nBackfillAttempted at 128. Native byte order, as SQLite maps the file.
_HEADER_BYTES = 136
_U32 = struct.Struct("=I")


@dataclass(frozen=True)
class _Look:
    log: tuple[bytes, int, int]  # salts, frames copied, frames a checkpoint set out to copy
    file: tuple[int, int]  # mtime (ns), size

    @property
    def settled(self) -> bool:
        """No checkpoint was copying pages (one under way may still write the file)."""
        return self.log[1] == self.log[2]


class OverwriteCheck:
    """Fails writes once the file at ``path`` was written over by another program."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._shm = path + "-shm"
        self._fd: int | None = None
        self._fd_identity: tuple[int, int] | None = None
        self._last: _Look | None = None
        self._overwritten = False
        self._lock = threading.Lock()  # the writer and the outside watcher both check

    def check(self, *, look_again: bool = True) -> None:
        """DatabaseError if the file changed with no checkpoint since the last look (and at
        every call after that: the damage stays until the file is restored again).

        ``look_again=False`` (before a write; the check after it looks again) costs one
        stat while the file is unchanged: no alarm is possible then. A new look after each
        commit keeps the numbers current (a first frame in an empty log draws new salts
        with no checkpoint: an older look would then miss a copy)."""
        with self._lock:
            self._check(look_again)
        if self._overwritten:
            raise DatabaseError(
                f"The memory database {self.path} was written over by another program while "
                "Talkbench had it open (a copy over the open file?); Talkbench stopped "
                "writing to it and keeps its writes (not saved). Close Talkbench, then copy "
                "the backup again (SQLite puts its log back over the copy when it closes), "
                "or restore from a snapshot or `talkbench memory import`"
            )

    def _check(self, look_again: bool) -> None:
        if self._overwritten:
            return
        file = self._file()  # the file before the log: see _look
        last = self._last
        if look_again or last is None or not last.settled or file != last.file:
            self._overwritten = (last is not None and last.settled and file is not None
                                 and file != last.file and self._log() == last.log)
            self._last = self._look()

    def _look(self) -> _Look | None:
        # The log first, then the file: a checkpoint that starts in between moves the log's
        # numbers past this look, so the file it writes cannot pass for a copy.
        log = self._log()
        file = self._file()
        return None if log is None or file is None else _Look(log, file)

    def _file(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _log(self) -> tuple[bytes, int, int] | None:
        fd = self._sqlite_fd()
        if fd is None:
            return None
        try:
            head = os.pread(fd, _HEADER_BYTES, 0)
        except OSError:
            return None
        if len(head) < _HEADER_BYTES:
            return None
        return head[32:40], _U32.unpack_from(head, 96)[0], _U32.unpack_from(head, 128)[0]

    def _sqlite_fd(self) -> int | None:
        """SQLite's descriptor of the ``-shm`` file; None without one (not WAL, not open)."""
        if self._fd is not None and _identity(self._fd) == self._fd_identity:
            return self._fd  # still open on the same file (SQLite keeps it while connected)
        self._fd = None
        try:
            shm = os.stat(self._shm)
        except OSError:
            return None
        wanted = self._fd_identity = (shm.st_dev, shm.st_ino)
        for fd_dir in _FD_DIRS:
            try:
                names = os.listdir(fd_dir)
            except OSError:
                continue
            for name in names:
                if name.isdigit() and _identity(int(name)) == wanted:
                    self._fd = int(name)
                    return self._fd
            return None
        return None


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino
