""""Did you mean …?" for a word Talkbench does not know: the closest keyword phrase,
built-in function or SUB of the dialog."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..library.builtins.core import BUILTINS
from .vocabulary import EXPRESSION_PHRASES, STATEMENT_PHRASES

CUTOFF = 0.8  # TALKK → TALK, SEND MAILL → SEND MAIL; FROBNICATE, foo → nothing


def did_you_mean(written: str, extra: Iterable[str] = ()) -> str:
    """`` (did you mean X?)`` or ``""``; ``written`` may use spaces or underscores."""
    wanted = " ".join(written.upper().replace("_", " ").split())
    candidates = {*STATEMENT_PHRASES, *EXPRESSION_PHRASES, *BUILTINS, *(e.upper() for e in extra)}
    found = difflib.get_close_matches(wanted, sorted(candidates), n=1, cutoff=CUTOFF)
    return f" (did you mean {found[0]}?)" if found else ""
