"""The knowledge index in the PostgreSQL memory database, searched with PostgreSQL full-text.

Tables are Talkbench's own (``talkbench_kb_documents``, ``talkbench_kb_passages``), apart
from General Bots' tables in the same database. Each passage keeps its text and a
``tsvector`` (GIN-indexed) built with the ``simple`` configuration from the text's words as
FTS5 ``unicode61 remove_diacritics`` splits them (:func:`index_words`): like the SQLite path
it neither stems nor drops words, so a KB in any language is searched the same way, ``café``
finds ``cafe``, and ``example`` finds ``example.com`` (PostgreSQL's own parser would keep a
host, e-mail, path or version as one token). Questions become ``websearch_to_tsquery``
OR-queries, ranked with ``ts_rank``; snippets are cut the way FTS5's ``snippet()`` cuts them
(:func:`headline`).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import peewee

from ....db.database import reset_connection
from .backend import Row, SnippetMarks

DOCUMENTS = "talkbench_kb_documents"
PASSAGES = "talkbench_kb_passages"
_CONFIG = "simple"
_ROWS_PER_INSERT = 200  # passages per INSERT statement (one round trip each)
_LOCK_SPACE = 0x7462  # first key of our advisory locks ("tb"), apart from other users'
_WORD = re.compile(r"[^\W_]+")  # a token of FTS5's unicode61: a run of letters and digits
# The comment of the passages table once their tsv is built from index_words(); an index
# written before (PostgreSQL's parser on the whole text) is re-tokenized once.
_TOKENS = "talkbench-kb tokens: unicode61 words"

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


def index_words(text: str) -> str:
    """The words of ``text`` as FTS5 unicode61 finds them, folded and space-separated, so
    PostgreSQL's parser sees the same words (``ana@example.org`` -> ``ana example org``)."""
    return " ".join(_WORD.findall(fold(text)))


def headline(text: str, words: list[str], marks: SnippetMarks) -> str:
    """``text`` cut to the window of ``marks.words`` tokens holding the most matched words,
    matches marked, an ellipsis where text was left out: FTS5's ``snippet()``."""
    wanted = {w.lower() for word in words for w in _WORD.findall(fold(word))}
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return text
    hit = [fold(t.group()).lower() in wanted for t in tokens]
    size = min(marks.words, len(tokens))
    first = max(range(len(tokens) - size + 1), key=lambda i: sum(hit[i:i + size]))
    last = first + size - 1
    start = tokens[first].start() if first else 0
    end = tokens[last].end() if last < len(tokens) - 1 else len(text)
    parts = [marks.ellipsis] if first else []
    at = start
    for token, matched in zip(tokens[first:last + 1], hit[first:last + 1], strict=True):
        if matched:
            parts += [text[at:token.start()], marks.start, token.group(), marks.stop]
            at = token.end()
    parts.append(text[at:end])
    if end < len(text):
        parts.append(marks.ellipsis)
    return "".join(parts)


class PostgresKnowledge:
    """:class:`~app.services.providers.knowledge.backend.KnowledgeBackend` in a PostgreSQL database
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
                self._retokenize()
        except Exception:
            reset_connection(self._db)
            raise
        self._ready = True

    def _retokenize(self) -> None:
        """Rebuild every tsv from :func:`index_words` unless the table says it was."""
        marker = self._db.execute_sql("SELECT obj_description(%s::regclass, 'pg_class')",
                                      (PASSAGES,)).fetchone()[0]
        if marker == _TOKENS:
            return
        try:
            with self._db.atomic():  # a savepoint: only the table's owner may comment on it
                self._db.execute_sql(f"COMMENT ON TABLE {PASSAGES} IS '{_TOKENS}'")
                rows = self._db.execute_sql(f"SELECT id, text FROM {PASSAGES}").fetchall()
                if rows:
                    self._db.execute_sql(
                        f"UPDATE {PASSAGES} AS p SET tsv = to_tsvector('{_CONFIG}', v.words) "
                        f"FROM unnest(%s::bigint[], %s::text[]) AS v(id, words) "
                        f"WHERE p.id = v.id",
                        ([i for i, _ in rows], [index_words(t) for _, t in rows]))
        except peewee.ProgrammingError:
            pass  # another role's index: old passages keep their tokens until re-indexed

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
            rows = [(collection, source, clean, index_words(clean))
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
        with self._transaction() as db:
            rows = db.execute_sql(
                f"SELECT collection, source, text, ts_rank(tsv, q) AS rank "
                f"FROM {PASSAGES}, websearch_to_tsquery('{_CONFIG}', %s) AS q "
                f"WHERE collection = ANY(%s) AND tsv @@ q ORDER BY rank DESC, id LIMIT %s",
                (query, list(collections), limit)).fetchall()
        return [Row(c, s, t, float(r), headline(t, words, marks)) for c, s, t, r in rows]

    def close(self) -> None:
        """Close this thread's connection (the memory store closes its own)."""
        with contextlib.suppress(Exception):
            self._db.close()
