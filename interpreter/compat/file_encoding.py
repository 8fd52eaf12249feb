"""What General Bots does with a dialog's bytes: it reads them as UTF-8 and nothing else.

Talkbench opens a dialog saved in Windows-1252, Latin-1 or UTF-16 too, but production
(generalbots/generalbots f59afde5) does not:
- ``botdrive/src/drive_monitor/types.rs`` ``sync_bas_to_work`` copies a changed ``.bas`` from
  the drive only when ``String::from_utf8`` accepts it; otherwise it logs "Failed to parse .bas
  as UTF-8" and returns, every check interval (5 s);
- ``src/drive/drive_compiler.rs`` ``compile_file`` then reads the work copy with
  ``std::fs::read_to_string``: a missing copy is fetched raw from the drive and fails with
  "stream did not contain valid UTF-8", so no ``.ast`` is made; a copy an earlier UTF-8 save
  left there is compiled instead, and that earlier version keeps running.
A UTF-8 byte-order mark passes both reads and stays the first character of the first line;
no converter pass removes it and Rhai's tokenizer refuses it, so the dialog's script fails to
compile when it runs (``src/basic/mod.rs`` ``run``: "Unexpected '\\u{feff}'").
"""

from __future__ import annotations

import codecs
from typing import Protocol

from .findings import Concern, Finding

# Codec names (as ``codecs.lookup`` spells them) the way an author knows them.
_NAMES = {"cp1252": "Windows-1252", "iso8859-1": "Latin-1", "utf-16-le": "UTF-16",
          "utf-16-be": "UTF-16 big-endian", "utf-32-le": "UTF-32",
          "utf-32-be": "UTF-32 big-endian"}


class SavedText(Protocol):
    """How the dialog's file stores its text (``app.files.atomic_file.TextFormat`` is one)."""

    @property
    def encoding(self) -> str: ...

    @property
    def bom(self) -> bool: ...


def encoding_findings(label: str, source: str, saved: SavedText | None) -> list[Finding]:
    """The one finding for a file production cannot read as it is, at its first byte that is
    not UTF-8 (or at its start for a UTF-8 BOM); none for plain UTF-8 or an unsaved text."""
    if saved is None:
        return []
    codec = codecs.lookup(saved.encoding)
    if codec.name == "utf-8":
        return [_bom_finding(label)] if saved.bom else []
    if saved.bom:  # a UTF-16/32 mark: its own first byte is not UTF-8
        return [_not_utf8(label, codec.name, 1, 1, codec.encode("\ufeff")[0][0])]
    data = source.encode(codec.name, errors="replace")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = data.rfind(b"\n", 0, e.start) + 1  # \n is one byte in every codec without BOM
        col = len(data[start:e.start].decode(codec.name, errors="replace")) + 1
        return [_not_utf8(label, codec.name, data.count(b"\n", 0, e.start) + 1, col,
                          data[e.start])]
    return []


def _not_utf8(label: str, codec: str, line: int, col: int, byte: int) -> Finding:
    return Finding(Concern.TRANSLATION, line, col, col + 1,
                   f"{label} reads dialogs as UTF-8 and this file is saved as "
                   f"{_NAMES.get(codec, codec)}: byte 0x{byte:02X} here is not UTF-8, so "
                   f"production never loads this version (its drive sync logs \"Failed to "
                   f"parse .bas as UTF-8\" and compiles nothing; a version saved earlier in "
                   f"UTF-8 keeps running, else the dialog is missing); save the file as UTF-8")


def _bom_finding(label: str) -> Finding:
    return Finding(Concern.TRANSLATION, 1, 1, 2,
                   f"{label} keeps the byte-order mark (BOM) this file starts with, so Rhai "
                   f"fails to compile the dialog (\"Unexpected '\\u{{feff}}'\") and none of it "
                   f"runs; save the file as UTF-8 without a BOM")
