"""What the runtime needs from the outside world, as Protocols (no implementation here).

The CLI implements :class:`Channel` over stdin/stdout, the IDE over its chat panel; the
memory store of ``app/`` implements :class:`BotMemory`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Suggestion:
    """A clickable reply shown with bot messages (ADD SUGGESTION context AS text).

    A tool suggestion (ADD SUGGESTION TOOL) names a tool dialog: choosing it runs the tool
    with ``arguments`` instead of answering the question.
    """

    context: str
    text: str
    tool: str = ""
    arguments: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Switcher:
    """An ADD SWITCHER button: it switches the answer format (``prompt``) of the LLM."""

    id: str
    label: str
    prompt: str


@dataclass(frozen=True)
class BotMessage:
    text: str
    suggestions: tuple[Suggestion, ...] = ()
    recipient: str = ""  # TALK TO: someone other than the current user


@dataclass(frozen=True)
class HearRequest:
    """The script waits for the user's next message."""

    variable: str
    kind: str = "STRING"  # the AS type, upper-case; "MENU" for a list of options
    options: tuple[str, ...] = ()
    attempt: int = 1  # 2, 3 when re-asking after invalid input


class Channel(Protocol):
    """The conversation: messages to the user and the user's replies."""

    async def talk(self, message: BotMessage) -> None: ...

    async def hear(self, request: HearRequest) -> str: ...


@dataclass(frozen=True)
class WriteSource:
    """Where a memory write came from: a script line, or a hand edit when ``file`` is empty."""

    file: str = ""
    line: int = 0
    run_id: str = ""
    kind: str = "script"  # "script", "hand", "import", "outside"
    turn: int | None = None  # user messages the run had received (0: before the first)


@dataclass(frozen=True)
class FailedWrite:
    """A memory write that did not reach the database: refused for good (``final``: the
    database rejects it, it is dropped), or still queued after an attempt failed (e.g. the
    database stayed locked past its wait)."""

    key: str
    message: str
    source: WriteSource | None
    final: bool


class CommitBarrier(Protocol):
    """A memory that lands writes in the background and can say when they are committed.

    ``commit_barrier(run_id)`` returns ``None`` when every write made so far is committed (the cheap,
    common case), else an awaitable that resolves once they are: to the writes of ``run_id``
    that failed (empty when all landed). The runtime awaits it before anything a person or
    another system can observe (external synchrony).
    """

    def commit_barrier(self, run_id: str) -> Awaitable[tuple[FailedWrite, ...]] | None: ...


class Paced(Protocol):
    """A memory whose writes feed work that a dialog writing in a tight loop can outrun (the
    IDE's history of every write). ``pace()`` returns ``None`` while that work keeps up, else an
    awaitable the runtime awaits at its next yield before running on: what waits for that work
    stays bounded, and the event loop (in the IDE the GUI's) runs meanwhile."""

    def pace(self) -> Awaitable[None] | None: ...


class BotMemory(Protocol):
    """One bot's persistent key/value memory (General Bots' ``bot_memories``).

    ``set`` returns at once (the write lands in the background); ``get`` sees this
    process's own queued writes (read-your-writes) and returns ``""`` for a missing key.
    """

    def get(self, key: str) -> str: ...

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None: ...


@dataclass
class DictMemory:
    """A plain in-process memory for unit tests and ``--db memory:``; not persistent."""

    data: dict[str, str] = field(default_factory=dict)
    writes: list[tuple[str, str, WriteSource | None]] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.data.get(key, "")

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
        self.data[key] = value
        self.writes.append((key, value, source))
