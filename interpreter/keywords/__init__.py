"""The keyword registry: ``@keyword("PHRASE")`` binds a phrase to its async handler.

A handler gets the runtime, the evaluated arguments, named clauses (``AS``, ``WITH`` …)
and the line. Keywords that parse but are not registered here fail clearly when run.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from .context import Clauses, KeywordContext

Handler = Callable[[KeywordContext, list[Any], Clauses, int], Awaitable[Any]]
KEYWORDS: dict[str, Handler] = {}


def keyword(*phrases: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` for each phrase (upper-case words separated by spaces)."""

    def register(fn: Handler) -> Handler:
        for p in phrases:
            KEYWORDS[p] = fn
        return fn

    return register


def one(args: list[Any], phrase: str) -> Any:
    if len(args) != 1:
        from ..values import BasicValueError

        raise BasicValueError(f"{phrase} expects 1 argument, got {len(args)}")
    return args[0]


# Import the families so their decorators run.
from . import session  # noqa: E402,F401
from . import web, llm, mail, knowledge  # noqa: E402,F401
from . import data  # noqa: E402,F401
from . import ai_media, web_extra  # noqa: E402,F401
from . import row_sets, recall  # noqa: E402,F401
from . import files  # noqa: E402,F401
from . import messaging  # noqa: E402,F401
from . import indexes, web_data  # noqa: E402,F401
from . import crm, lead_scoring  # noqa: E402,F401
from . import switchers, errors, events_bus, shared_memory  # noqa: E402,F401
from . import think, attendants, session_info, scrape  # noqa: E402,F401
from . import attendant_aids, llm_macros  # noqa: E402,F401
# Last: phrases no family above implements get the "needs a service" fallback.
from . import unsupported  # noqa: E402

unsupported.register_missing()
