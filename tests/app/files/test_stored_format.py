"""How a dialog's file stores its text, as the language server asks at every check: read
again only once the file changed on disk."""

from __future__ import annotations

import os

from app.files.atomic_file import stored_format


def test_the_stored_format_follows_the_file_on_disk(tmp_path) -> None:
    path = tmp_path / "menu.bas"
    path.write_bytes('TALK "Olá"\n'.encode("cp1252"))
    assert stored_format(path).encoding == "cp1252"
    assert stored_format(path).encoding == "cp1252"  # unchanged: the same answer
    path.write_bytes(b'\xef\xbb\xbfTALK "Ol\xc3\xa1 again"\n')
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    saved = stored_format(path)
    assert (saved.encoding, saved.bom) == ("utf-8", True)
    path.unlink()
    assert stored_format(path) is None
