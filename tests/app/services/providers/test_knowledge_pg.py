"""Review of the PostgreSQL knowledge backend: it finds and marks the same words as SQLite.

``store`` (tests/app/conftest.py) runs each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from app.memory.store import MemoryStore
from app.services.providers.knowledge.backend import SnippetMarks
from app.services.providers.knowledge.postgres import PASSAGES, PostgresKnowledge, headline
from app.services.providers.knowledge.provider import KnowledgeIndex, make_knowledge
from app.services.registry import ServiceContext

TEXTS = {
    "web.txt": "Visit example.com or write to ana@example.org for help.",
    "numbers.txt": "Pi is 3.14159 and the path /usr/local/bin holds the tools.",
    "version.txt": "Version v2.5-beta works with the new config.",
    "cafe.txt": "The Café opens at seven.",
}


@pytest.fixture
def index(store: MemoryStore, tmp_path: Path) -> KnowledgeIndex:
    folder = tmp_path / "bot.gbkb" / "faq"
    folder.mkdir(parents=True)
    for name, text in TEXTS.items():
        (folder / name).write_text(text, "utf-8")
    dialog = tmp_path / "bot.gbdialog"
    dialog.mkdir()
    made = make_knowledge(ServiceContext(store, "bot", str(dialog),
                                         {"TALKBENCH_CACHE_DIR": str(tmp_path / "cache")}))
    yield made
    made.close()


@pytest.mark.parametrize(("query", "source", "marked"), [
    ("example", "web.txt", "**example**"),
    ("ana", "web.txt", "**ana**@"),
    ("org", "web.txt", "**org**"),
    ("14159", "numbers.txt", "**14159**"),
    ("usr bin", "numbers.txt", "/**usr**/local/**bin**"),
    ("beta", "version.txt", "**beta**"),
    ("cafe", "cafe.txt", "**Café**"),
])
def test_words_inside_hosts_paths_and_numbers_are_found_and_marked(
        index: KnowledgeIndex, query: str, source: str, marked: str) -> None:
    hits = asyncio.run(index.search_hits(["faq"], query))
    assert [h.source for h in hits] == [source]
    assert marked in hits[0].snippet


def test_headline_cuts_around_the_matches() -> None:
    # The same cut as FTS5's snippet(): the ellipsis right against the kept words.
    text = " ".join(f"w{i}" for i in range(50)) + " Café."
    marks = SnippetMarks(words=5)
    assert headline(text, ["cafe"], marks) == "…w46 w47 w48 w49 **Café**."
    assert headline("Tea, then café", ["tea"], marks) == "**Tea**, then café"
    assert headline(text, ["w0"], marks) == "**w0** w1 w2 w3 w4…"


def test_an_index_written_by_the_old_tokenizer_is_rebuilt(store: MemoryStore,
                                                          tmp_path: Path) -> None:
    db = store.database
    if not isinstance(db, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL only")
    PostgresKnowledge(db).known("x")  # creates the tables
    db.execute_sql(f"INSERT INTO {PASSAGES} (collection, source, text, tsv) VALUES "
                   f"('web:a', 'a', 'see example.com', to_tsvector('simple', 'see example.com'))")
    db.execute_sql(f"COMMENT ON TABLE {PASSAGES} IS NULL")
    index = KnowledgeIndex(tmp_path, PostgresKnowledge(db))
    try:
        hits = asyncio.run(index.search(["web:a"], "example"))
    finally:
        index.close()
    assert [h.text for h in hits] == ["see example.com"]
