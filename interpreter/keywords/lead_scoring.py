"""Lead scoring: SCORE LEAD, QUALIFY LEAD and AI SCORE LEAD.

Semantics follow General Bots' ``crm/score_lead.rs``: a rule table over the lead's job title,
company size, e-mail, budget and industry gives 0..100; QUALIFY LEAD compares the score kept
in bot memory (``lead_score:<id>``) with a threshold; AI SCORE LEAD asks the ``llm`` service
and bands its answer with the same tables. None of them needs the ``crm`` service.
"""

from __future__ import annotations

import re
from typing import Any

from ..values import BasicValueError, as_number, get_member, to_display, to_json, to_number
from .ai_media import json_object
from .context import Clauses, KeywordContext
from .llm import ask
from .registry import keyword

DEFAULT_THRESHOLD = 70  # QUALIFY LEAD's default, as in the original


def _text(value: Any) -> str:
    return to_display(value).strip()


def lead_score(lead: dict[str, Any], rules: dict[str, Any] | None = None) -> int:
    """The original rule-based score (``calculate_lead_score``), 0..100. Numbers may also be
    numeric text (HEAR and FIND give text); the title checks are substring tests in the
    original's order, so "Director" counts as "cto" (30)."""
    score = 0
    title = get_member(lead, "job_title")
    if title is not None:
        t = to_display(title).lower()
        score += (30 if "cto" in t or "ceo" in t else 25 if "cfo" in t or "director" in t
                  else 20 if "vp" in t or "vice" in t else 15 if "manager" in t or "lead" in t
                  else 5)
    size = _whole(get_member(lead, "company_size"))
    if size is not None:
        score += 20 if size > 1000 else 15 if size > 500 else 10 if size > 100 else (
            5 if size > 0 else 0)
    email = get_member(lead, "email")
    if email is not None and "@" in to_display(email):
        text = to_display(email)
        score += 10 + (0 if text.endswith(("@gmail.com", "@yahoo.com")) else 10)
    budget = _whole(get_member(lead, "budget"))
    if budget is not None:
        score += 25 if budget > 100_000 else 20 if budget > 50_000 else (
            15 if budget > 10_000 else 10 if budget > 0 else 0)
    industry = get_member(lead, "industry")
    if industry is not None:
        i = to_display(industry).lower()
        score += (15 if any(w in i for w in ("tech", "software", "finance", "banking"))
                  else 10 if "healthcare" in i or "pharma" in i else 0)
    if isinstance(rules, dict):
        weight = _whole(get_member(rules, "weight"))
        if weight is not None:
            score = int(score * (weight / 100.0))
        bonus = _whole(get_member(rules, "bonus"))
        if bonus is not None:
            score += bonus
    return max(0, min(100, score))


def _whole(value: Any) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def lead_priority(score: int) -> str:
    return ("CRITICAL" if score >= 90 else "HIGH" if score >= 70 else "MEDIUM" if score >= 50
            else "LOW" if score >= 30 else "MINIMAL")


def lead_advice(score: int) -> tuple[str, str]:
    """The original's recommendation and suggested action for a score."""
    if score >= 90:
        return ("Contact immediately - Schedule meeting within 24 hours",
                "Call and schedule demo")
    if score >= 70:
        return ("Contact within 48 hours - Prepare tailored proposal",
                "Send personalized email with case study")
    if score >= 50:
        return "Nurture campaign - Send valuable content", "Add to drip campaign"
    if score >= 30:
        return "Keep in pipeline - Occasional touchpoints", "Request more information"
    return "Monitor for engagement signals", "Monitor for budget signals"


def _lead(args: list[Any], phrase: str, most: int) -> dict[str, Any]:
    if not 1 <= len(args) <= most or not isinstance(args[0], dict):
        raise BasicValueError(f"{phrase} expects the lead as a map, e.g. "
                              f'{phrase} #{{email: "ann@acme.com", job_title: "CTO"}}')
    return args[0]


@keyword("SCORE LEAD")
async def score_lead(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    lead = _lead(args, "SCORE LEAD", 2)
    return lead_score(lead, args[1] if len(args) == 2 and isinstance(args[1], dict) else None)


@keyword("QUALIFY LEAD", args=(1, 2), usage="a lead id (or a lead map)[, threshold]")
async def qualify_lead(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> bool:
    """``QUALIFY LEAD lead_id[, threshold]``: the score kept in bot memory under
    ``lead_score:<id>`` (as the original reads it) reaches the threshold (70). Given a lead
    map instead of an id, its rule-based score is compared."""
    threshold = DEFAULT_THRESHOLD if len(args) == 1 else int(to_number(
        args[1], "QUALIFY LEAD threshold"))
    if isinstance(args[0], dict):
        return lead_score(args[0]) >= threshold
    lead_id = _text(args[0])
    if not lead_id:
        raise BasicValueError("QUALIFY LEAD needs a lead id")
    stored = rt.memget(f"lead_score:{lead_id}").strip()
    return bool(re.fullmatch(r"[+-]?\d+", stored)) and int(stored) >= threshold


_AI_PROMPT = ("You score B2B sales leads. Reply with one JSON object only: "
              '{"score": integer 0-100, "confidence": number 0-1, "recommendation": text, '
              '"suggested_action": text}. The rule-based score given is a starting point.')


@keyword("AI SCORE LEAD")
async def ai_score_lead(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    """The model's assessment of the lead (through the ``llm`` service), with the priority
    band of its score; recommendation and action fall back to the rule tables."""
    lead = _lead(args, "AI SCORE LEAD", 2)
    question = {"lead": lead, "rule_based_score": lead_score(lead)}
    if len(args) == 2:
        question["context"] = args[1]
    reply = await ask(rt, "AI SCORE LEAD", _AI_PROMPT, to_json(question))  # USE MODEL applies
    found = json_object(reply)
    score = as_number(found.get("score")) if found else None
    if found is None or score is None:
        raise BasicValueError("AI SCORE LEAD: the model did not answer with a JSON score: "
                              f"{reply[:200]!r}")
    score = max(0, min(100, round(score)))
    confidence = as_number(found.get("confidence"))
    advice, action = lead_advice(score)
    return {"score": score,
            "confidence": None if confidence is None else max(0.0, min(1.0, confidence)),
            "recommendation": _text(found.get("recommendation")) or advice,
            "priority": lead_priority(score),
            "suggested_action": _text(found.get("suggested_action")) or action}
