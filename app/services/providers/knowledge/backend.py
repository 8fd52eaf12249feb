"""What the knowledge index needs from a full-text store (SQLite FTS5 or PostgreSQL).

:class:`~app.services.providers.knowledge.provider.KnowledgeIndex` finds KB folders, reads and splits the
documents and decides what to re-index; a backend only stores passages and searches them.
Backends are called from one worker thread of the index, never from the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Row(NamedTuple):
    """One matching passage as a backend returns it (``score``: higher is better)."""

    collection: str
    source: str
    text: str
    score: float
    snippet: str


@dataclass(frozen=True)
class SnippetMarks:
    """How matched words are marked in snippets, the same on every backend."""

    start: str = "**"
    stop: str = "**"
    ellipsis: str = "…"
    words: int = 24  # about this many words around the matches


class KnowledgeBackend(Protocol):
    kind: str  # "sqlite" or "postgresql"

    def known(self, collection: str) -> dict[str, tuple[float, int]]:
        """Indexed sources of ``collection`` with the (mtime, size) they were indexed at."""
        ...

    def replace(self, collection: str, source: str, passages: list[str], mtime: float,
                size: int) -> None:
        """Drop what ``source`` had and store ``passages`` for it, in one transaction."""
        ...

    def delete(self, collection: str, sources: Iterable[str]) -> None:
        ...

    def search(self, collections: list[str], words: list[str], limit: int,
               marks: SnippetMarks) -> list[Row]:
        """Passages of ``collections`` holding any of ``words`` (lower case), best first."""
        ...

    def close(self) -> None:
        ...
