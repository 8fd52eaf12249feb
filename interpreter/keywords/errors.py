"""``ERROR MESSAGE``: the text of the error ON ERROR RESUME NEXT last skipped, ``""`` when
none (botbasic_core/src/keywords/errors/on_error.rs registers it as a two-word syntax next to
ERR_DESCRIPTION, which reads the same state)."""

from __future__ import annotations

from typing import Any

from ..values import BasicValueError
from .registry import keyword


@keyword("ERROR MESSAGE")
async def error_message(rt: Any, args: list[Any], clauses: dict, line: int) -> str:
    if args:
        raise BasicValueError(f"ERROR MESSAGE takes no arguments, got {len(args)}")
    return rt.error_text
