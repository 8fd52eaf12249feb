"""Aids for human attendants that General Bots computes from the text alone
(botbasic_data/src/keywords/crm/attendance.rs), so Talkbench gives the same answers:

- ``GET SMART REPLIES session`` — three canned replies (the engine ignores the session);
- ``GET TIPS session, message`` — tips from words of the message (urgent, a question, a
  problem), or one general tip;
- ``ANALYZE SENTIMENT session, message`` — positive/negative/neutral by counting listed
  words, escalation risk and urgency.
"""

from __future__ import annotations

from typing import Any

from ..values import to_display
from .context import Clauses, KeywordContext
from .registry import keyword

SMART_REPLIES = (
    ("Thank you for reaching out! I'd be happy to help you with that.", "friendly",
     "greeting"),
    ("I understand your concern. Let me look into this for you right away.", "empathetic",
     "acknowledgment"),
    ("Is there anything else I can help you with today?", "professional", "follow_up"),
)
POSITIVE = ("thank", "great", "perfect", "awesome", "excellent", "good", "happy", "love")
NEGATIVE = ("angry", "frustrated", "terrible", "awful", "horrible", "hate", "disappointed",
            "problem", "issue")
URGENT = ("urgent", "asap", "immediately", "emergency", "now", "critical")


@keyword("GET SMART REPLIES", args=1, usage="a session")
async def smart_replies(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    items = [{"text": t, "tone": tone, "category": c} for t, tone, c in SMART_REPLIES]
    return {"success": True, "items": items}


def tips_for(message: str) -> list[dict[str, Any]]:
    low = message.lower()
    tips = []
    if any(w in low for w in ("urgent", "asap", "emergency")):
        tips.append({"type": "warning", "priority": 1,
                     "content": "Customer indicates urgency - prioritize quick response"})
    if "?" in message:
        tips.append({"type": "intent", "priority": 2,
                     "content": "Customer is asking a question - provide clear answer"})
    if any(w in low for w in ("problem", "issue", "not working")):
        tips.append({"type": "action", "priority": 2,
                     "content": "Customer reporting issue - acknowledge and gather details"})
    return tips or [{"type": "general", "priority": 3,
                     "content": "Read carefully and respond helpfully"}]


@keyword("GET TIPS", args=2, usage="session, message")
async def get_tips(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    return {"success": True, "items": tips_for(to_display(args[1]))}


def sentiment_of(message: str) -> dict[str, Any]:
    low = message.lower()
    positive = sum(w in low for w in POSITIVE)
    negative = sum(w in low for w in NEGATIVE)
    urgent = sum(w in low for w in URGENT)
    if positive > negative:
        overall, score, emoji = "positive", 0.5, "\U0001F60A"
    elif positive < negative:
        overall, score, emoji = "negative", -0.5, "\U0001F61F"
    else:
        overall, score, emoji = "neutral", 0.0, "\U0001F610"
    risk = "high" if negative >= 3 else "medium" if negative >= 1 else "low"
    urgency = "urgent" if urgent >= 2 else "high" if urgent >= 1 else "normal"
    return {"success": True, "overall": overall, "score": score, "emoji": emoji,
            "escalation_risk": risk, "urgency": urgency}


@keyword("ANALYZE SENTIMENT", args=2, usage="session, message")
async def analyze_sentiment(rt: KeywordContext, args: list[Any], clauses: Clauses,
                            line: int) -> dict:
    return sentiment_of(to_display(args[1]))
