"""``GET CURRENT MODEL`` and ``GET USER FACTS``: what the session knows about itself.

GET CURRENT MODEL is the model USE MODEL chose for this session, ``"default"`` when none
(botbasic_ai/src/keywords/model_routing.rs). GET USER FACTS lists the session user's facts
(REMEMBER USER FACT), newest first (botbasic_data/src/keywords/user_memory.rs).
"""

from __future__ import annotations

from typing import Any

from ..values import BasicValueError
from . import keyword
from .context import Clauses, KeywordContext
from .data import memory_user, provider_call


def _no_arguments(args: list[Any], phrase: str) -> None:
    if args:
        raise BasicValueError(f"{phrase} takes no arguments, got {len(args)}")


@keyword("GET CURRENT MODEL")
async def current_model(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    _no_arguments(args, "GET CURRENT MODEL")
    return rt.session.model or "default"


@keyword("GET USER FACTS")
async def user_facts(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list[str]:
    _no_arguments(args, "GET USER FACTS")
    memory = rt.service("user_memory", "GET USER FACTS")
    return list(provider_call(memory.facts, memory_user(rt)))
