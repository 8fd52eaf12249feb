"""Reading and saving dialog files without losing bytes: encoding, BOM and line endings are
kept, and a save is atomic (a crash mid-save leaves the old file, never a truncated one).

Why a temp file + ``os.replace``: writing in place truncates first, so a crash, a full disk
or a killed process in the middle leaves half a dialog. Writing a sibling temp file, fsyncing
it and renaming it over the target means the path names either the old or the new content.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

from .db_files import check_not_database

# BOMs to recognise, longest first (UTF-32 LE starts with the UTF-16 LE BOM).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Without a BOM: UTF-8 when it decodes, else the Windows code page most old dialogs use,
# else Latin-1 (which decodes any byte, so a file always opens and round-trips).
_FALLBACKS = ("utf-8", "cp1252", "latin-1")


class TextFormat(NamedTuple):
    """How a file's text was stored, so saving writes it back the same way."""

    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"  # "\n", "\r\n" or "\r": the first line ending found in the file


DEFAULT_FORMAT = TextFormat()


def decode(data: bytes) -> tuple[str, TextFormat]:
    """Text with ``\\n`` line endings, and the format to write it back in."""
    encoding, bom = "", False
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, bom, data = name, True, data[len(mark):]
            break
    if encoding:
        raw = data.decode(encoding)
    else:
        for encoding in _FALLBACKS:
            try:
                raw = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    newline = _first_newline(raw)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text, TextFormat(encoding, bom, newline)


def encode(text: str, fmt: TextFormat = DEFAULT_FORMAT) -> bytes:
    """The bytes of ``text`` (``\\n`` line endings) in ``fmt``; raises UnicodeEncodeError
    when the text has characters the file's encoding cannot hold."""
    if fmt.newline != "\n":
        text = text.replace("\n", fmt.newline)
    data = text.encode(fmt.encoding)
    if fmt.bom:
        data = codecs.lookup(fmt.encoding).encode("\ufeff")[0] + data
    return data


def read_text_file(path: str | os.PathLike[str]) -> tuple[str, TextFormat]:
    """Read a dialog in any of the encodings above; raises OSError (also for a file of the
    open memory database, which only SQLite may open: see app.files.db_files)."""
    check_not_database(path)
    return decode(Path(path).read_bytes())


def stored_format(path: str | os.PathLike[str]) -> TextFormat | None:
    """How the file at ``path`` stores its text now (an editor saves it back the same way);
    None when it cannot be read. The language server asks at every check after an edit: the
    file is read again only once it changed on disk."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _format_of(os.fspath(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=32)
def _format_of(path: str, _mtime_ns: int, _size: int) -> TextFormat | None:
    try:
        return read_text_file(path)[1]
    except (OSError, UnicodeDecodeError):
        return None


def write_text_atomic(path: str | os.PathLike[str], text: str,
                      fmt: TextFormat = DEFAULT_FORMAT) -> None:
    """Save ``text`` to ``path`` atomically, keeping the file's permissions.

    Raises OSError (or UnicodeEncodeError) with the old file untouched.
    """
    write_bytes_atomic(path, encode(text, fmt))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, rename it over ``path``."""
    writer = AtomicWriter(path)
    try:
        writer.write(data)
    except BaseException:
        writer.discard()
        raise
    writer.commit()


class AtomicWriter:
    """Bytes written in pieces (a download) to a temp file beside ``path``: :meth:`commit`
    fsyncs it and renames it over ``path`` keeping that file's mode, :meth:`discard` removes
    it. Until the commit, ``path`` keeps its old content."""

    def __init__(self, path: str | os.PathLike[str], suffix: str = ".tmp") -> None:
        check_not_database(path)  # renaming over an open database would fork it
        # Through a symlink: replace the file, keep the link.
        self.target = Path(os.path.realpath(path))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=suffix,
                                   dir=self.target.parent)
        self.tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def commit(self) -> None:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.chmod(self.tmp, _mode_of(self.target))
            os.replace(self.tmp, self.target)
        except BaseException:
            self.discard()
            raise
        _fsync_dir(self.target.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def _mode_of(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _first_newline(text: str) -> str:
    i = text.find("\n")
    j = text.find("\r")
    if j == -1 or (i != -1 and i < j):
        return "\n"
    return "\r\n" if text.startswith("\r\n", j) else "\r"
