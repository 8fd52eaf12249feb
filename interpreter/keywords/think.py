"""``THINK KB query``: search the session's active knowledge bases and give the findings as
a map, the shape General Bots builds (botbasic_data/src/keywords/think_kb.rs):

``results`` (one entry per KB with hits: ``kb_name``, ``results`` of ``content`` /
``source`` / ``score``), ``total_results``, ``sources`` (up to 20), ``confidence`` (the mean
score, 0 to 1), ``query`` and ``consolidation_insights`` (the engine's memory
consolidation, which Talkbench does not have: always empty).
"""

from __future__ import annotations

from typing import Any

from ..values import to_display
from .context import Clauses, KeywordContext
from .registry import keyword

PER_KB = 5  # the engine asks its vector store for 5 hits per collection


@keyword("THINK KB", args=1, usage="a query")
async def think_kb(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    query = to_display(args[0])
    knowledge = rt.service("knowledge", "THINK KB")
    per_kb: list[dict] = []
    scores: list[float] = []
    for kb in rt.session.knowledge_bases:
        found = await knowledge.search([kb], query, PER_KB)
        if not found:
            continue
        per_kb.append({"kb_name": kb, "results": [
            {"content": p.text, "source": p.source, "score": p.score} for p in found]})
        scores.extend(p.score for p in found)
    sources = [r["source"] for kb in per_kb for r in kb["results"] if r["source"]][:20]
    confidence = min(1.0, max(0.0, sum(scores) / len(scores))) if scores else 0.0
    return {"results": per_kb, "consolidation_insights": [], "confidence": confidence,
            "total_results": len(scores), "sources": sources, "query": query}
