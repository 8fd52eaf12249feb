"""``BOT SHARE MEMORY key WITH bot`` and ``BOT SYNC MEMORY FROM bot`` through the host's
``shared_memory`` service (General Bots: botbasic_ai/src/keywords/enhanced_memory.rs).

SHARE offers this bot's current value of ``key`` (``""`` when unset, as the engine reads it)
to the other bot; SYNC copies what another bot offered into this bot's memory as ordinary
memory writes of this line (so they show in the memory panel and its history). The engine
does both in a background task and only logs a failure such as an unknown bot; Talkbench
reports it as a warning at the line and goes on.
"""

from __future__ import annotations

from typing import Any

from ..ports.services import ServiceError
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .registry import keyword


def _text(args: list[Any], phrase: str) -> str:
    if len(args) != 1:
        raise BasicValueError(f"{phrase} expects one value, got {len(args)}")
    text = to_display(args[0]).strip()
    if not text:
        raise BasicValueError(f"{phrase} needs a non-empty name")
    return text


@keyword("BOT SHARE MEMORY")
async def share_memory(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    key = _text(args, "BOT SHARE MEMORY")
    target = _text(clauses.get("WITH", []), "BOT SHARE MEMORY … WITH")
    shared = rt.service("shared_memory", "BOT SHARE MEMORY")
    try:
        shared.share(key, rt.memget(key), target)
    except ServiceError as e:
        rt.warn(f"BOT SHARE MEMORY {key} WITH {target} failed: {e}", line)


@keyword("BOT SYNC MEMORY FROM", "BOT SYNC MEMORY")
async def sync_memory(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    values = clauses.get("FROM", args) if not args else args
    source = _text(values, "BOT SYNC MEMORY FROM")
    shared = rt.service("shared_memory", "BOT SYNC MEMORY")
    try:
        offered = shared.offered_by(source)
    except ServiceError as e:
        rt.warn(f"BOT SYNC MEMORY FROM {source} failed: {e}", line)
        return
    for key, value in offered:
        rt.memset(key, value, line)
