"""The keyword registry: ``@keyword("PHRASE")`` binds a phrase to its async handler.

A handler gets the run's :class:`~interpreter.keywords.context.KeywordContext`, the
evaluated arguments, named clauses (``AS``, ``WITH`` …) and the line. Keywords that parse
but are not registered here fail clearly when run.

A keyword that takes a fixed number of arguments declares it (``args=2`` or
``args=(1, 3)``, with ``usage`` naming them for the message); the runtime checks the count
before the handler runs (``check_arity``), so handlers read ``args[i]`` without checking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..library.builtins.core import expected_arguments
from .context import Clauses, KeywordContext

Handler = Callable[[KeywordContext, list[Any], Clauses, int], Awaitable[Any]]
KEYWORDS: dict[str, Handler] = {}


@dataclass(frozen=True)
class Arity:
    """The argument counts a keyword accepts; ``usage`` names the arguments in messages."""

    least: int
    most: int | None  # None: no upper bound
    usage: str = ""

    def accepts(self, count: int) -> bool:
        return self.least <= count and (self.most is None or count <= self.most)

    def message(self, phrase: str, count: int) -> str:
        if self.usage:
            return f"{phrase} expects {self.usage}, got {count} value{'' if count == 1 else 's'}"
        if self.most == 0:
            return f"{phrase} takes no arguments, got {count}"
        return f"{phrase} expects {expected_arguments(self.least, self.most)}, got {count}"


ARITY: dict[str, Arity] = {}  # phrase -> its declared argument counts


def keyword(*phrases: str, args: int | tuple[int, int | None] | None = None,
            usage: str = "") -> Callable[[Handler], Handler]:
    """Register ``fn`` for each phrase (upper-case words separated by spaces); ``args``
    (a count, or the least and most, None for no limit) declares the arguments it takes."""
    arity = None
    if args is not None:
        least, most = (args, args) if isinstance(args, int) else args
        arity = Arity(least, most, usage)

    def register(fn: Handler) -> Handler:
        for p in phrases:
            KEYWORDS[p] = fn
            if arity is not None:
                ARITY[p] = arity
        return fn

    return register


def check_arity(phrase: str, count: int) -> None:
    """Raise the keyword's message when it does not take ``count`` arguments."""
    arity = ARITY.get(phrase)
    if arity is not None and not arity.accepts(count):
        from ..values import BasicValueError

        raise BasicValueError(arity.message(phrase, count))


def one(values: list[Any], what: str) -> Any:
    """The single value of a clause (``AS x``); ``what`` names it in the message."""
    if len(values) != 1:
        from ..values import BasicValueError

        raise BasicValueError(f"{what} expects 1 argument, got {len(values)}")
    return values[0]
