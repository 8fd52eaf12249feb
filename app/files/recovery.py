"""Unsaved editor text kept on disk while the IDE runs, so a killed or crashed IDE (or a
power cut) does not take an author's unsaved work with it.

Layout: one folder per running IDE under the recovery area, ``<area>/<session>/``, holding a
``lock`` file and one ``<key>.json`` per buffer with unsaved changes. The running IDE holds an
exclusive ``flock`` on its lock for as long as it lives; the kernel drops that lock when the
process ends in any way, so a session folder whose lock can be taken belongs to an IDE that is
gone: its buffers are *orphans*, offered back at the next start. A clean exit removes its
folder (the user has answered the "save changes?" question by then).

Why a writer thread: a backup is written atomically (temp file, fsync, rename, fsync of the
folder, as ``atomic_file`` saves dialogs), which can take tens of milliseconds on a busy disk;
the GUI thread only hands over the text.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from collections import deque
from pathlib import Path
from typing import NamedTuple

from .atomic_file import DEFAULT_FORMAT, TextFormat, write_bytes_atomic

LOCK_NAME = "lock"
SUFFIX = ".json"
FORMAT_VERSION = 1
# A session folder is made (or removed) under a hidden name: another IDE scanning the area
# must never see one that is not locked yet, or half removed.
HIDDEN = "."
STALE_S = 3600.0
NEWLINES = ("\n", "\r\n", "\r")


class Backup(NamedTuple):
    """One buffer's unsaved text and what is needed to put it back where it was."""

    text: str
    path: str | None  # the file the buffer edits; None for an untitled buffer
    # The digest of the file's bytes when the buffer last read or wrote them: a file that
    # differs now was changed by someone else since (saving over it must ask first).
    disk_digest: str | None = None
    text_format: TextFormat = DEFAULT_FORMAT
    saved_at: float = 0.0  # time.time() of the backup

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "untitled.bas"

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))

    def to_json(self) -> bytes:
        data = self._asdict()
        data["text_format"] = self.text_format._asdict()
        data["version"] = FORMAT_VERSION
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def from_json(data: bytes) -> Backup:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("version") != FORMAT_VERSION \
                or not isinstance(raw.get("text"), str):
            raise ValueError("not a Talkbench backup")
        fmt = raw.get("text_format") or {}
        # A backup the next start cannot use must be reported, not crash every start-up.
        if not all(isinstance(raw.get(k), (str, type(None))) for k in ("path", "disk_digest")) \
                or not isinstance(fmt, dict) or fmt.get("newline", "\n") not in NEWLINES:
            raise ValueError("not a Talkbench backup")
        encoding = str(fmt.get("encoding", "utf-8"))
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ValueError(str(exc)) from None
        return Backup(raw["text"], raw.get("path"), raw.get("disk_digest"),
                      TextFormat(encoding, bool(fmt.get("bom")), fmt.get("newline", "\n")),
                      float(raw.get("saved_at") or 0.0))


class Orphan(NamedTuple):
    """A backup left by an IDE that is gone; its session stays claimed (locked) by the
    area that found it until :meth:`RecoveryArea.release_orphans`."""

    backup: Backup
    file: Path


class RecoveryArea:
    """The folder of every IDE's session folders (one per settings file)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._claimed: list[tuple[Path, int]] = []  # orphan sessions: folder, locked fd
        self._found: list[Path] = []  # the backups orphans() offered

    def start_session(self) -> RecoverySession:
        """A new locked session folder (OSError when the area cannot hold one)."""
        return RecoverySession(self.root / f"{os.getpid()}-{os.urandom(6).hex()}")

    def orphans(self) -> tuple[list[Orphan], list[str]]:
        """The backups of sessions whose IDE is gone (claimed: another IDE starting now does
        not offer them too), and a note for each backup that cannot be read."""
        found: list[Orphan] = []
        problems: list[str] = []
        try:
            folders = sorted(p for p in self.root.iterdir() if p.is_dir())
        except (FileNotFoundError, NotADirectoryError):  # nothing was ever kept there
            return found, problems
        except OSError as exc:
            return found, [f"{self.root}: {exc}"]
        for folder in folders:
            if folder.name.startswith(HIDDEN):
                _remove_if_stale(folder)
                continue
            fd = _try_lock(folder / LOCK_NAME)
            if fd is None:
                continue  # a running IDE's session (or one another IDE is recovering)
            self._claimed.append((folder, fd))
            for file in sorted(folder.glob("*" + SUFFIX)):
                try:
                    found.append(Orphan(Backup.from_json(file.read_bytes()), file))
                except (OSError, ValueError, TypeError) as exc:
                    problems.append(f"{file}: {exc}")
        found.sort(key=lambda o: o.backup.saved_at)
        self._found = [o.file for o in found]
        return found, problems

    def release_orphans(self, remove: bool) -> None:
        """Done with the claimed sessions: ``remove`` the backups offered (their buffers are
        in a live session now) or leave them for the next start. A backup that could not be
        read stays (a newer Talkbench's, or one to rescue by hand), with its folder."""
        for folder, fd in self._claimed:
            if remove:
                for file in self._found:
                    if file.parent == folder:
                        file.unlink(missing_ok=True)
                if not any(folder.glob("*" + SUFFIX)):
                    _remove(folder)
            os.close(fd)
        self._claimed, self._found = [], []


class RecoverySession:
    """This IDE's session folder, locked while the IDE lives; writes in a thread of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        making = folder.with_name(HIDDEN + folder.name)
        making.mkdir(parents=True)
        fd = _try_lock(making / LOCK_NAME)
        if fd is None:  # a fresh random name: only a broken file system gets here
            shutil.rmtree(making, ignore_errors=True)
            raise OSError(f"cannot lock {making / LOCK_NAME}")
        try:
            making.rename(folder)  # the lock (on the file, not its name) goes with it
        except OSError:
            os.close(fd)
            shutil.rmtree(making, ignore_errors=True)
            raise
        self._lock_fd: int | None = fd
        # The writer's work, under one condition (not queue.Queue: this module loads before
        # the IDE's first paint, and that one costs more than the few lines it saves).
        self._work: deque[tuple[str, str, Backup | None] | None] = deque()
        self._pending = 0
        self._idle = threading.Condition()
        self.last_error: str = ""
        self._thread = threading.Thread(target=self._write_loop, name="talkbench-recovery",
                                        daemon=True)
        self._thread.start()

    @staticmethod
    def new_key() -> str:
        return os.urandom(16).hex()

    def keep(self, key: str, backup: Backup) -> None:
        """Write (or replace) the backup of buffer ``key``, in the writer thread."""
        self._put(("keep", key, backup))

    def drop(self, key: str) -> None:
        """The buffer was saved, reverted or closed: its backup goes."""
        self._put(("drop", key, None))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every backup handed over is on disk; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, remove: bool = True) -> None:
        """End the session: ``remove`` its folder (a clean exit) or keep it for recovery."""
        if self._lock_fd is None:
            return
        self.flush()
        with self._idle:
            self._work.append(None)
            self._idle.notify_all()
        self._thread.join(timeout=10.0)
        if remove:
            _remove(self.folder)
        os.close(self._lock_fd)
        self._lock_fd = None

    def file_of(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def _put(self, item: tuple[str, str, Backup | None]) -> None:
        with self._idle:
            self._pending += 1
            self._work.append(item)
            self._idle.notify_all()

    def _next(self) -> tuple[str, str, Backup | None] | None:
        with self._idle:
            while not self._work:
                self._idle.wait()
            return self._work.popleft()

    def _write_loop(self) -> None:
        while (item := self._next()) is not None:
            action, key, backup = item
            try:
                if action == "keep":
                    assert backup is not None
                    write_bytes_atomic(self.file_of(key), backup.to_json())
                else:
                    with contextlib.suppress(FileNotFoundError):
                        self.file_of(key).unlink()
                self.last_error = ""
            except OSError as exc:  # a full disk: the editor keeps the text, say so
                self.last_error = f"cannot keep a backup of unsaved text: {exc}"
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


def _try_lock(path: Path) -> int | None:
    """An fd holding an exclusive lock on ``path`` (created if missing), or None when another
    open file holds it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _remove(folder: Path) -> None:
    """Remove a session folder whose lock this process holds: hidden first, so no other IDE
    finds it half removed (and takes the backups left in it for a crashed IDE's)."""
    hidden = folder.with_name(HIDDEN + folder.name)
    try:
        folder.rename(hidden)
    except OSError:
        hidden = folder
    shutil.rmtree(hidden, ignore_errors=True)


def _remove_if_stale(folder: Path) -> None:
    """A hidden folder left by an IDE that died making or removing its session (nothing to
    recover in it); a young one may be a session being made right now."""
    with contextlib.suppress(OSError):
        if time.time() - folder.stat().st_mtime > STALE_S:
            shutil.rmtree(folder, ignore_errors=True)


def area_beside(settings_file: str | os.PathLike[str]) -> RecoveryArea:
    """The recovery area of the IDE whose settings live in ``settings_file``: a folder beside
    it, so two settings files (tests, portable installs) never share backups."""
    path = Path(settings_file)
    return RecoveryArea(path.with_name(path.stem + "-recovery"))

