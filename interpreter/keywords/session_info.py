"""``GET CURRENT MODEL`` and ``GET USER FACTS``: what the session knows about itself.

GET CURRENT MODEL is the model USE MODEL chose for this session, ``"default"`` when none
(botbasic_ai/src/keywords/model_routing.rs). GET USER FACTS lists the session user's facts
(REMEMBER USER FACT), newest first (botbasic_data/src/keywords/user_memory.rs).
"""

from __future__ import annotations

from typing import Any

from .context import Clauses, KeywordContext
from .data import memory_user, provider_call
from .registry import keyword


@keyword("GET CURRENT MODEL", args=0)
async def current_model(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return rt.session.model or "default"


@keyword("GET USER FACTS", args=0)
async def user_facts(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list[str]:
    memory = rt.service("user_memory", "GET USER FACTS")
    return list(provider_call(memory.facts, memory_user(rt)))
