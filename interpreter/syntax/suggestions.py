""""Did you mean …?" for a word Talkbench does not know: the closest keyword phrase,
built-in function or SUB of the dialog."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ..library.builtins.core import BUILTINS
from .vocabulary import BLOCK_WORDS, EXPRESSION_PHRASES, STATEMENT_PHRASES

CUTOFF = 0.8  # TALKK → TALK, SEND MAILL → SEND MAIL; FROBNICATE, foo → nothing
# Every keyword phrase, built-in function and block word, as a suggestion may name them.
KNOWN_WORDS = frozenset({*STATEMENT_PHRASES, *EXPRESSION_PHRASES, *BUILTINS, *BLOCK_WORDS})
_KNOWN_SORTED = sorted(KNOWN_WORDS)


def did_you_mean(written: str, extra: Iterable[str] = ()) -> str:
    """`` (did you mean X?)`` or ``""``; ``written`` may use spaces or underscores."""
    more = {e.upper() for e in extra} - KNOWN_WORDS
    found = closest(written, sorted(KNOWN_WORDS | more) if more else _KNOWN_SORTED)
    return f" (did you mean {found}?)" if found else ""


def closest(written: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``written`` most likely misspells: two neighbouring letters swapped
    (HAER → HEAR, which difflib scores too low), else the closest by difflib, else None."""
    wanted = " ".join(written.upper().replace("_", " ").split())
    for candidate in candidates:
        if _swapped_neighbours(wanted, candidate):
            return candidate
    found = difflib.get_close_matches(wanted, candidates, n=1, cutoff=CUTOFF)
    return found[0] if found and found[0] != wanted else None


def _swapped_neighbours(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 4 or a == b:  # OT is not TO: too short to tell
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
        and a[diff[1]] == b[diff[0]]
