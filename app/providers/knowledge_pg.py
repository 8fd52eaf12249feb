"""The knowledge index in the PostgreSQL memory database, searched with PostgreSQL full-text.

Tables are Talkbench's own (``talkbench_kb_documents``, ``talkbench_kb_passages``), apart
from General Bots' tables in the same database. Each passage keeps its text and a
``tsvector`` (GIN-indexed) built with the ``simple`` configuration from the text with
diacritics removed: like the SQLite path (FTS5 ``unicode61 remove_diacritics``) it neither
stems nor drops words, so a KB in any language is searched the same way, and ``café`` finds
``cafe``. Questions become ``websearch_to_tsquery`` OR-queries, ranked with ``ts_rank``;
snippets come from ``ts_headline``.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable
from typing import Any

from ..database import reset_connection
from .knowledge_backend import Row, SnippetMarks

DOCUMENTS = "talkbench_kb_documents"
PASSAGES = "talkbench_kb_passages"
_CONFIG = "simple"
_ROWS_PER_INSERT = 200  # passages per INSERT statement (one round trip each)
_LOCK_SPACE = 0x7462  # first key of our advisory locks ("tb"), apart from other users'

_SCHEMA = (
    (f"CREATE TABLE IF NOT EXISTS {DOCUMENTS} (collection TEXT NOT NULL, "
     "source TEXT NOT NULL, mtime DOUBLE PRECISION NOT NULL, size BIGINT NOT NULL, "
     "PRIMARY KEY (collection, source))"),
    (f"CREATE TABLE IF NOT EXISTS {PASSAGES} (id BIGSERIAL PRIMARY KEY, "
     "collection TEXT NOT NULL, source TEXT NOT NULL, text TEXT NOT NULL, "
     "tsv TSVECTOR NOT NULL)"),
    f"CREATE INDEX IF NOT EXISTS {PASSAGES}_tsv ON {PASSAGES} USING GIN (tsv)",
    f"CREATE INDEX IF NOT EXISTS {PASSAGES}_doc ON {PASSAGES} (collection, source)",
)


def fold(text: str) -> str:
    """``text`` without diacritics (``Preço`` -> ``Preco``), as FTS5's remove_diacritics."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class PostgresKnowledge:
    """:class:`~app.providers.knowledge_backend.KnowledgeBackend` in a PostgreSQL database
    (a peewee ``PostgresqlDatabase``: each thread has its own connection)."""

    kind = "postgresql"

    def __init__(self, db: Any) -> None:
        self._db = db
        self._ready = False

    # -- helpers --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, lock: str | None = None) -> Any:
        """A transaction; with ``lock``, other writers of that key (other Talkbench
        processes on the same database) wait, so two re-indexings never mix passages."""
        self._ensure_schema()
        try:
            with self._db.atomic():
                if lock is not None:
                    self._db.execute_sql("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                                         (_LOCK_SPACE, lock))
                yield self._db
        except Exception:
            reset_connection(self._db)  # a broken connection is reopened on the next call
            raise

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        try:
            with self._db.atomic():
                # Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog.
                self._db.execute_sql("SELECT pg_advisory_xact_lock(%s, 0)", (_LOCK_SPACE,))
                for statement in _SCHEMA:
                    self._db.execute_sql(statement)
        except Exception:
            reset_connection(self._db)
            raise
        self._ready = True

    # -- the backend ----------------------------------------------------------------------

    def known(self, collection: str) -> dict[str, tuple[float, int]]:
        with self._transaction() as db:
            rows = db.execute_sql(
                f"SELECT source, mtime, size FROM {DOCUMENTS} WHERE collection = %s",
                (collection,)).fetchall()
        return {src: (float(mtime), int(size)) for src, mtime, size in rows}

    def replace(self, collection: str, source: str, passages: list[str], mtime: float,
                size: int) -> None:
        with self._transaction(f"{collection}\n{source}") as db:
            self._delete(db, collection, source)
            # PostgreSQL text cannot hold NUL; a stray one must not stop indexing.
            rows = [(collection, source, clean, fold(clean))
                    for clean in (p.replace("\0", "") for p in passages)]
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                chunk = rows[start:start + _ROWS_PER_INSERT]
                values = ", ".join([f"(%s, %s, %s, to_tsvector('{_CONFIG}', %s))"] * len(chunk))
                db.execute_sql(f"INSERT INTO {PASSAGES} (collection, source, text, tsv) "
                               f"VALUES {values}", [v for row in chunk for v in row])
            db.execute_sql(f"INSERT INTO {DOCUMENTS} VALUES (%s, %s, %s, %s)",
                           (collection, source, mtime, size))

    def delete(self, collection: str, sources: Iterable[str]) -> None:
        for source in sources:
            with self._transaction(f"{collection}\n{source}") as db:
                self._delete(db, collection, source)

    @staticmethod
    def _delete(db: Any, collection: str, source: str) -> None:
        for table in (PASSAGES, DOCUMENTS):
            db.execute_sql(f"DELETE FROM {table} WHERE collection = %s AND source = %s",
                           (collection, source))

    def search(self, collections: list[str], words: list[str], limit: int,
               marks: SnippetMarks) -> list[Row]:
        # The words are \w+ only, so joining them with "or" gives websearch_to_tsquery an
        # OR-query and nothing else (no quotes or "-" from the user's question).
        query = " or ".join(fold(w) for w in words)
        options = (f'StartSel="{marks.start}", StopSel="{marks.stop}", '
                   f'MaxWords={marks.words}, MinWords={max(marks.words // 3, 1)}, '
                   f'MaxFragments=2, FragmentDelimiter=" {marks.ellipsis} "')
        with self._transaction() as db:
            rows = db.execute_sql(
                f"SELECT collection, source, text, ts_rank(tsv, q) AS rank, "
                f"ts_headline('{_CONFIG}', text, q, %s) "
                f"FROM {PASSAGES}, websearch_to_tsquery('{_CONFIG}', %s) AS q "
                f"WHERE collection = ANY(%s) AND tsv @@ q ORDER BY rank DESC, id LIMIT %s",
                (options, query, list(collections), limit)).fetchall()
        return [Row(c, s, t, float(r), snip) for c, s, t, r, snip in rows]

    def close(self) -> None:
        """Close this thread's connection (the memory store closes its own)."""
        with contextlib.suppress(Exception):
            self._db.close()
