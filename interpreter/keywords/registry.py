"""The keyword registry: ``@keyword("PHRASE")`` binds a phrase to its async handler.

A handler gets the runtime, the evaluated arguments, named clauses (``AS``, ``WITH`` …)
and the line. Keywords that parse but are not registered here fail clearly when run.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

Handler = Callable[[Any, list[Any], dict[str, list[Any]], int], Awaitable[Any]]
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
