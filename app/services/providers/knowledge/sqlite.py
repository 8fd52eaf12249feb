"""The knowledge index in a SQLite cache file, searched with FTS5 (bm25 ranking).

Used when the memory store is SQLite (or there is none): the index is a cache that can be
rebuilt from the documents at any time, so it lives in the user cache folder, not in the
memory database.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from .backend import Row, SnippetMarks

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL, source TEXT NOT NULL, mtime REAL NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (collection, source));
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    collection UNINDEXED, source UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2');
"""


class SqliteKnowledge:
    """:class:`~app.services.providers.knowledge.backend.KnowledgeBackend` in one SQLite file."""

    kind = "sqlite"

    def __init__(self, cache_file: str | Path) -> None:
        self.cache_file = Path(cache_file)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection, committed and closed (cheap; no state to keep)."""
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.cache_file, timeout=30)
        try:
            db.executescript(_SCHEMA)
            with db:
                yield db
        finally:
            db.close()

    def known(self, collection: str) -> dict[str, tuple[float, int]]:
        with self._connect() as db:
            return {src: (mtime, size) for src, mtime, size in db.execute(
                "SELECT source, mtime, size FROM documents WHERE collection = ?", (collection,))}

    def replace(self, collection: str, source: str, passages: list[str], mtime: float,
                size: int) -> None:
        with self._connect() as db:
            self._delete(db, collection, source)
            db.executemany("INSERT INTO passages (collection, source, text) VALUES (?, ?, ?)",
                           [(collection, source, p) for p in passages])
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)",
                       (collection, source, mtime, size))

    def delete(self, collection: str, sources: Iterable[str]) -> None:
        with self._connect() as db:
            for source in sources:
                self._delete(db, collection, source)

    @staticmethod
    def _delete(db: sqlite3.Connection, collection: str, source: str) -> None:
        db.execute("DELETE FROM passages WHERE collection = ? AND source = ?",
                   (collection, source))
        db.execute("DELETE FROM documents WHERE collection = ? AND source = ?",
                   (collection, source))

    def search(self, collections: list[str], words: list[str], limit: int,
               marks: SnippetMarks) -> list[Row]:
        # Each word quoted (so FTS5 operators in the text are plain words) and OR-ed: a
        # question rarely repeats every word of the passage that answers it.
        match = " OR ".join(f'"{w}"' for w in words)
        places = ", ".join("?" for _ in collections)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT collection, source, text, bm25(passages) AS rank, "
                f"snippet(passages, 2, ?, ?, ?, ?) FROM passages "
                f"WHERE passages MATCH ? AND collection IN ({places}) ORDER BY rank LIMIT ?",
                (marks.start, marks.stop, marks.ellipsis, marks.words, match, *collections,
                 limit)).fetchall()
        # bm25 is lower-is-better; scores are higher-is-better on every backend.
        return [Row(c, s, t, -r, snip) for c, s, t, r, snip in rows]

    def close(self) -> None:
        """Nothing is kept open between calls."""
