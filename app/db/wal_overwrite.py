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

The wal-index is read through a copy (``dup``) of SQLite's own descriptor, found in
``/proc/self/fd``, never one we open: closing any descriptor of a file drops every POSIX lock
the process holds on it, SQLite's included. That copy is closed only once the wal-index it reads
is no longer at its path. Where descriptors cannot be listed (Windows) the check does nothing.

Numbers are only compared within one wal-index: when the last connection to the file closes,
SQLite copies the log into the file and deletes the wal-index, and the next connection makes a
new one whose numbers can repeat the old ones (an empty log: all zero). A process holding no
connection for a while (the window's store between its opening and its first write) then took
another program's last close for a copy. Each wal-index gets a new number here while its copy
keeps it open: its inode cannot be reused for the next one, so a new one is always seen.
"""

from __future__ import annotations

import itertools
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
    # which wal-index (see _WalIndexes), salts, frames copied, frames a checkpoint set out to copy
    log: tuple[int, bytes, int, int]
    file: tuple[int, int]  # mtime (ns), size

    @property
    def settled(self) -> bool:
        """No checkpoint was copying pages (one under way may still write the file)."""
        return self.log[2] == self.log[3]


class OverwriteCheck:
    """Fails writes once the file at ``path`` was written over by another program."""

    def __init__(self, path: str) -> None:
        self.path = path
        # SQLite names its side files after the file a symbolic link leads to.
        self._shm = os.path.realpath(path) + "-shm"
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

    def close(self) -> None:
        """Done checking (the store closed its connections): let go of the wal-index."""
        with self._lock:
            self._last = None
            _wal_indexes.release(self._shm)

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

    def _log(self) -> tuple[int, bytes, int, int] | None:
        opened = _wal_indexes.open(self._shm)
        if opened is None:
            return None
        fd, number = opened
        try:
            head = os.pread(fd, _HEADER_BYTES, 0)
        except OSError:
            return None
        if len(head) < _HEADER_BYTES:
            return None
        return number, head[32:40], _U32.unpack_from(head, 96)[0], _U32.unpack_from(head, 128)[0]


class _WalIndexes:
    """This process's copies of SQLite's descriptors of wal-index files, one per path, each
    with the number of the wal-index it reads (a new one for each new file at the path)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, tuple[tuple[int, int], int, int]] = {}  # identity, fd, number
        self._numbers = itertools.count(1)

    def open(self, shm: str) -> tuple[int, int] | None:
        """``(descriptor, number)`` of the wal-index at path ``shm``; None while this process
        has none open (not WAL, no connection)."""
        try:
            st = os.stat(shm)
            identity: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            identity = None
        with self._lock:
            held = self._held.get(shm)
            if held is not None and held[0] == identity:
                return held[1], held[2]
            if held is not None:
                # That wal-index was deleted (SQLite does when the last connection closes):
                # no connection uses it any longer, so no lock SQLite needs goes with it.
                del self._held[shm]
                os.close(held[1])
            if identity is None:
                return None
            fd = _find_descriptor(identity)
            if fd is None:
                return None
            try:
                copy = os.dup(fd)
            except OSError:  # SQLite closed it meanwhile
                return None
            if _identity(copy) != identity:  # ... and the number went to another file
                os.close(copy)
                return None
            number = next(self._numbers)
            self._held[shm] = (identity, copy, number)
            return copy, number

    def release(self, shm: str) -> None:
        """Close the copy for ``shm`` unless a connection of this process still has that
        wal-index open (a store closing leaves no descriptor of its files behind)."""
        with self._lock:
            held = self._held.get(shm)
            if held is None or _find_descriptor(held[0], besides=held[1]) is not None:
                return
            del self._held[shm]
            os.close(held[1])


_wal_indexes = _WalIndexes()  # one per process, as POSIX locks are


def _find_descriptor(identity: tuple[int, int], besides: int | None = None) -> int | None:
    for fd_dir in _FD_DIRS:
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            if name.isdigit() and int(name) != besides and _identity(int(name)) == identity:
                return int(name)
        return None
    return None


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino
