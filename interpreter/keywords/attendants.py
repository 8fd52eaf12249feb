"""``GET ATTENDANTS [status]`` and ``GET ATTENDANT STATS status``: the attendants listed in
the bot package's ``attendant.csv``.

General Bots reads the same file (botbasic_data/src/keywords/crm/attendance.rs,
``get_attendants_impl``): a header line, then ``id,name,channel,preferences[,department]``
per attendant; lines with fewer than four fields are skipped; every attendant is "online";
a status filter keeps those whose status matches (case-insensitive). The result is
``{"success": true, "count": n, "items": [...]}``; a package without the file has none.
"""

from __future__ import annotations

from typing import Any

from ..ports.services import ServiceError
from ..values import to_display
from .context import Clauses, KeywordContext
from .registry import keyword

ATTENDANT_FILE = "attendant.csv"


def parse_attendants(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for line in text.splitlines()[1:]:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 4:
            continue
        item = {"id": parts[0], "name": parts[1], "channel": parts[2],
                "preferences": parts[3], "status": "online"}
        if len(parts) >= 5:
            item["department"] = parts[4]
        found.append(item)
    return found


async def _attendants(rt: KeywordContext, phrase: str, status: Any) -> dict[str, Any]:
    storage = rt.service("storage", phrase)
    try:
        text = await storage.read_text(ATTENDANT_FILE)
    except ServiceError:  # no attendant.csv: no attendants, as in the engine
        text = ""
    items = parse_attendants(text)
    if status is not None:
        wanted = to_display(status).lower()
        items = [a for a in items if a["status"].lower() == wanted]
    return {"success": True, "count": len(items), "items": items}


@keyword("GET ATTENDANTS", args=(0, 1), usage="at most a status")
async def get_attendants(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> dict:
    return await _attendants(rt, "GET ATTENDANTS", args[0] if args else None)


@keyword("GET ATTENDANT STATS", args=1, usage="a status")
async def get_attendant_stats(rt: KeywordContext, args: list[Any], clauses: Clauses,
                              line: int) -> dict:
    return await _attendants(rt, "GET ATTENDANT STATS", args[0])
