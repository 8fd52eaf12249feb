"""What the parser carries from one statement to the next and reads back: the variable names
seen so far (keywords are not reserved, so ``get_queue = 1`` makes ``get_queue`` a variable
in the lines after it) and the SUBs defined so far (a second definition is an error).

Both start from what came before the tokens parsed (``entry``: empty for a whole dialog, the
earlier pieces' names and SUBs for a piece of one, see ``parser.pieces``) and remember
every answer ``entry`` gave (``asked``), so a piece's parse can be reused exactly when the
pieces before it answer the same questions the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import nodes as n

_NOTHING: Mapping[str, object] = {}


class KnownNames:
    """Lower-case variable name -> the first spelling seen (``own``: noted by this parse)."""

    __slots__ = ("_entry", "asked", "own")

    def __init__(self, entry: Mapping[str, object] = _NOTHING):
        self._entry = entry
        self.own: dict[str, str] = {}
        self.asked: dict[str, bool] = {}  # name -> whether ``entry`` knew it

    def __contains__(self, key: object) -> bool:
        if key in self.own:
            return True
        known = key in self._entry
        self.asked.setdefault(str(key), known)
        return known

    def note(self, name: str) -> None:
        self.own.setdefault(name.lower(), name)


class DefinedSubs:
    """SUBs and FUNCTIONs by lower-case name (``own``: defined by this parse)."""

    __slots__ = ("_entry", "asked", "own")

    def __init__(self, entry: Mapping[str, int] | None = None):
        self._entry: Mapping[str, int] = entry if entry is not None else {}  # name -> line
        self.own: dict[str, n.SubDef] = {}
        self.asked: dict[str, int | None] = {}  # name -> line ``entry`` defined it on

    def line_of(self, key: str) -> int | None:
        """The line ``key`` is already defined on, if it is."""
        mine = self.own.get(key)
        if mine is not None:
            return mine.line
        line = self._entry.get(key)
        self.asked.setdefault(key, line)
        return line

    def define(self, key: str, sub: n.SubDef) -> None:
        self.own[key] = sub
