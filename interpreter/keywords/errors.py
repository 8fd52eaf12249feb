"""``ERROR MESSAGE``: the text of the error ON ERROR RESUME NEXT last skipped, ``""`` when
none (botbasic_core/src/keywords/errors/on_error.rs registers it as a two-word syntax next to
ERR_DESCRIPTION, which reads the same state)."""

from __future__ import annotations

from typing import Any

from .context import Clauses, KeywordContext
from .registry import keyword


@keyword("ERROR MESSAGE", args=0)
async def error_message(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return rt.error_text
