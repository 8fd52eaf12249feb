"""``ADD SWITCHER id AS label`` / ``CLEAR SWITCHERS`` and ``ADD SUGGESTION TEXT v AS label``.

As in General Bots (botbasic_comms/src/keywords/switcher.rs), a switcher is a button that
changes how the language model formats its answers. Eight ids are standard and carry their
own instruction; any other first argument is itself the instruction, under the id
``custom:<hash>``. The session keeps them (``Session.switchers``) until CLEAR SWITCHERS; adding
the same id twice keeps one, as the engine's Redis set does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..ports.host import Suggestion, Switcher
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .registry import keyword, one

# The standard ids and the instruction each stands for (the engine's texts are Portuguese
# and long; these say the same in short).
STANDARD: dict[str, str] = {
    "tables": "Format every answer as an HTML table with a header row.",
    "infographic": "Format answers as visual HTML: SVG charts, progress bars, stat cards.",
    "cards": "Format answers as HTML cards, one card per item.",
    "list": "Format answers as HTML bullet or numbered lists only.",
    "comparison": "Format answers as a side-by-side HTML comparison in two columns.",
    "timeline": "Format answers as a chronological HTML timeline.",
    "markdown": "Format answers in plain CommonMark Markdown only.",
    "chart": "Format answers as SVG charts with axes and legends.",
}


def switcher(first: str, label: str) -> Switcher:
    if first in STANDARD:
        return Switcher(first, label, STANDARD[first])
    digest = hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]
    return Switcher(f"custom:{digest}", label, first)


@keyword("ADD SWITCHER", args=1)
async def add_switcher(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    first = to_display(args[0]).strip()
    if "AS" not in clauses:
        raise BasicValueError("ADD SWITCHER expects id AS label (ADD SWITCHER \"tables\" AS "
                              "\"Tables\")")
    label = to_display(one(clauses["AS"], "ADD SWITCHER … AS"))
    added = switcher(first, label)
    switchers = rt.session.switchers
    switchers[:] = [s for s in switchers if s.id != added.id] + [added]


@keyword("CLEAR SWITCHERS")
async def clear_switchers(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.switchers.clear()


@keyword("ADD SUGGESTION TEXT", args=1)
async def add_text_suggestion(rt: KeywordContext, args: list[Any], clauses: Clauses,
                              line: int) -> None:
    """``ADD SUGGESTION TEXT value AS label`` (what the engine adds for ``PARAM … ENUM``):
    a button that answers with ``value``."""
    value = to_display(args[0])
    label = to_display(one(clauses["AS"], "ADD SUGGESTION TEXT … AS")) if "AS" in clauses \
        else value
    rt.session.suggestions.append(Suggestion(value, label))
