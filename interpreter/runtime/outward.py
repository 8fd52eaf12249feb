"""Services that reach outside the process (mail, SMS, HTTP, LLM …) commit memory first.

A keyword gets its provider through ``Runtime.service``; for the services named in
:data:`OUTWARD` that provider comes wrapped, so each of its coroutine methods first awaits the
runtime's commit barrier. One rule at the port, instead of a flush in every keyword.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

# Services whose calls a person or another system can observe.
OUTWARD = frozenset({"http", "llm", "mail", "sms", "search", "media", "templates"})

Barrier = Callable[[], Awaitable[None]]


def outward(name: str, provider: Any, barrier: Barrier) -> Any:
    """``provider`` itself, or a view of it whose async methods await ``barrier`` first."""
    if name not in OUTWARD:
        return provider
    return _Outward(provider, barrier)


class _Outward:
    """Delegates every attribute to the provider; coroutine methods wait for the barrier."""

    __slots__ = ("_barrier", "_provider")

    def __init__(self, provider: Any, barrier: Barrier) -> None:
        self._provider = provider
        self._barrier = barrier

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._provider, name)
        barrier = self._barrier
        if not inspect.iscoroutinefunction(attribute):
            if not callable(attribute):
                return attribute

            def opened_after_commit(*args: Any, **kwargs: Any) -> Any:
                # A method that returns an async context manager (a streamed download)
                # reaches out when it is entered: the barrier runs there.
                result = attribute(*args, **kwargs)
                if hasattr(result, "__aenter__"):
                    return _CommittedContext(result, barrier)
                return result

            return opened_after_commit

        async def committed_first(*args: Any, **kwargs: Any) -> Any:
            await barrier()
            return await attribute(*args, **kwargs)

        return committed_first

    def __repr__(self) -> str:
        return f"outward({self._provider!r})"


class _CommittedContext:
    """An async context manager entered only after the commit barrier."""

    __slots__ = ("_barrier", "_inner")

    def __init__(self, inner: Any, barrier: Barrier) -> None:
        self._inner = inner
        self._barrier = barrier

    async def __aenter__(self) -> Any:
        await self._barrier()
        return await self._inner.__aenter__()

    async def __aexit__(self, *exc: object) -> Any:
        return await self._inner.__aexit__(*exc)
