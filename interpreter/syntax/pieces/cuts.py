"""Where a dialog is cut into pieces: before unindented lines that usually start a top-level
statement. The cuts depend on each line's own text only, so an edit moves none of the other
cuts and the pieces it did not touch are found again. A cut in a bad place (inside a block or a
string) costs time, never correctness: lexing and parsing join a piece that does not stand on
its own to the next one."""

from __future__ import annotations

import re
import zlib

_WORD = re.compile(r"[^\W\d]\w*")
# Words that continue or close a block: a line starting with one is never a statement start.
_CONTINUES = frozenset({"END", "ENDIF", "END_IF", "NEXT", "LOOP", "WEND", "ELSE", "ELSEIF", "CASE",
                        "DEFAULT"})
_DEFINITIONS = frozenset({"SUB", "FUNCTION"})  # always a cut: SUBs are what edits touch
SPREAD = 8  # about one other unindented statement line in SPREAD starts a piece


def cuts(lines: list[str]) -> list[int]:
    """The indices of the lines that start a piece (0 is always the first)."""
    found = [0]
    for index in range(1, len(lines)):
        line = lines[index]
        m = _WORD.match(line)
        if m is None:
            continue
        word = m.group().upper()
        if word in _CONTINUES:
            continue
        if word in _DEFINITIONS or zlib.crc32(line.encode("utf-8", "replace")) % SPREAD == 0:
            found.append(index)
    return found
