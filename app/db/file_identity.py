"""Whether the SQLite file a store opened is still the file at its path.

SQLite writes through the descriptors it opened: after the file (or its folder) is deleted,
moved away or replaced by another file, commits still succeed, into a file nobody will open
again. A write reported saved would then be lost. The memory store checks the path's
identity around each write transaction (one ``stat``) and fails the transaction instead; the
writes stay queued and land once the same file is back at the path (a folder moved back).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .database import DatabaseError


@dataclass(frozen=True)
class FileIdentity:
    """The file at ``path`` when the database was opened (device and inode)."""

    path: str
    device: int
    inode: int

    @classmethod
    def of(cls, path: str) -> FileIdentity | None:
        """The file at ``path`` now; None when there is none (nothing to watch)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(path, st.st_dev, st.st_ino)

    def check(self) -> None:
        """DatabaseError unless ``path`` still names the file that was opened."""
        try:
            st = os.stat(self.path)
        except OSError:
            what = "was deleted or moved away"
        else:
            if (st.st_dev, st.st_ino) == (self.device, self.inode):
                return
            what = "was replaced by another file"
        raise DatabaseError(
            f"The memory database {self.path} {what} after Talkbench opened it; writes are "
            "kept (not saved) until that file is back, or reopen the database"
        )
