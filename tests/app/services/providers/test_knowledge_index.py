"""The knowledge index on both backends: SQLite FTS5 (cache file) and PostgreSQL full-text.

``store`` (tests/app/conftest.py) is a memory store on a SQLite file or on a fresh PostgreSQL
database; :func:`make_knowledge` picks the backend from it, as the app does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from app.memory.store import MemoryStore
from app.services.providers.knowledge.postgres import DOCUMENTS, PASSAGES, PostgresKnowledge
from app.services.providers.knowledge.provider import KnowledgeIndex, make_knowledge, query_words
from app.services.registry import ServiceContext
from interpreter.ports.services import ServiceError


def make_kb(root: Path) -> Path:
    folder = root / "bot.gbkb" / "faq"
    folder.mkdir(parents=True)
    (folder / "coffee.md").write_text(
        "# Coffee\n\nThe Café opens at seven and serves espresso until noon.\n\n"
        "Decaf is available on request.", "utf-8")
    (folder / "tea.txt").write_text("Green tea and black tea are served all day.", "utf-8")
    (folder / "both.txt").write_text("Tea or coffee? Espresso, espresso, espresso and tea.",
                                     "utf-8")
    return root / "bot.gbdialog"


@pytest.fixture
def index(store: MemoryStore, tmp_path: Path) -> KnowledgeIndex:
    dialog = make_kb(tmp_path / "kbroot")
    dialog.mkdir()
    context = ServiceContext(store, "bot", str(dialog), {"TALKBENCH_CACHE_DIR":
                                                         str(tmp_path / "cache")})
    made = make_knowledge(context)
    yield made
    made.close()


def test_backend_follows_the_memory_store(store: MemoryStore, index: KnowledgeIndex,
                                          tmp_path: Path) -> None:
    assert asyncio.run(index.open("faq")) == 3
    cache_file = tmp_path / "cache" / "knowledge.sqlite3"
    db = store.database
    if isinstance(db, peewee.PostgresqlDatabase):
        assert index.backend.kind == "postgresql" and not cache_file.exists()
        count = db.execute_sql(f"SELECT count(*) FROM {DOCUMENTS}").fetchone()[0]
        assert count == 3
        # A tsvector column behind a GIN index, in tables of our own (talkbench_ prefix).
        kind = db.execute_sql("SELECT data_type FROM information_schema.columns WHERE "
                              "table_name = %s AND column_name = 'tsv'", (PASSAGES,)).fetchone()
        assert kind == ("tsvector",)
        gin = db.execute_sql("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                             (PASSAGES,)).fetchall()
        assert any("USING gin (tsv)" in row[0] for row in gin)
        tables = {r[0] for r in db.execute_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert {t for t in tables if "kb" in t or "passage" in t or "document" in t} == {
            DOCUMENTS, PASSAGES}
    else:
        assert index.backend.kind == "sqlite" and cache_file.exists()
        assert "talkbench_kb_passages" not in db.get_tables()


def test_search_ranks_and_snippets(index: KnowledgeIndex) -> None:
    hits = asyncio.run(index.search_hits(["faq"], "Is there espresso?"))
    assert [h.source for h in hits] == ["both.txt", "coffee.md"]  # more matches rank first
    assert hits[0].score > hits[1].score > 0
    assert all(h.kb == "faq" for h in hits)
    assert hits[1].text == ("# Coffee\nThe Café opens at seven and serves espresso until "
                            "noon.\nDecaf is available on request.")
    assert "**espresso**" in hits[1].snippet and "**espresso**" in hits[0].snippet
    assert len(hits[1].snippet) < len(hits[1].text) + 20
    passages = asyncio.run(index.search(["faq"], "Is there espresso?", limit=1))
    assert [(p.kb, p.source, p.text) for p in passages] == [("faq", "both.txt", hits[0].text)]


def test_diacritics_and_case_do_not_matter(index: KnowledgeIndex) -> None:
    for query in ("cafe hours", "CAFÉ hours", "decaf"):
        hits = asyncio.run(index.search(["faq"], query))
        assert [h.source for h in hits] == ["coffee.md"], query


def test_stop_words_alone_find_nothing(index: KnowledgeIndex) -> None:
    assert query_words("What is the and or?") == []
    assert asyncio.run(index.search(["faq"], "What is the and or?")) == []
    assert asyncio.run(index.search(["faq"], "zeppelin")) == []


def test_query_syntax_in_the_question_is_plain_text(index: KnowledgeIndex) -> None:
    # FTS5 / websearch operators typed by a user must neither fail nor change the meaning.
    for query in ('"tea" -coffee OR NEAR(tea)', "tea & !coffee | (", "tea:* <->"):
        found = {p.source for p in asyncio.run(index.search(["faq"], query))}
        assert {"tea.txt", "both.txt"} <= found, query


def test_changed_and_deleted_files_are_reindexed(index: KnowledgeIndex) -> None:
    folder = index.folder("faq")
    assert folder is not None
    asyncio.run(index.open("faq"))
    (folder / "tea.txt").write_text("Only herbal infusions now, rooibos included.", "utf-8")
    (folder / "both.txt").unlink()
    assert asyncio.run(index.search(["faq"], "tea")) == []
    assert [p.source for p in asyncio.run(index.search(["faq"], "rooibos"))] == ["tea.txt"]
    assert asyncio.run(index.open("faq")) == 2


def test_collections_are_kept_apart(index: KnowledgeIndex) -> None:
    asyncio.run(index.add_text("web:https://a.example/", "https://a.example/",
                               "<p>Tea <b>ceremony</b> every Sunday.</p>", is_html=True))
    on_web = asyncio.run(index.search(["web:https://a.example/"], "tea ceremony"))
    assert [(p.kb, p.text) for p in on_web] == [("web:https://a.example/",
                                                 "Tea ceremony every Sunday.")]
    assert all(p.kb == "faq" for p in asyncio.run(index.search(["faq"], "tea ceremony")))
    both = asyncio.run(index.search(["faq", "web:https://a.example/"], "ceremony"))
    assert [p.kb for p in both] == ["web:https://a.example/"]
    # Adding the page again replaces it instead of doubling it.
    asyncio.run(index.add_text("web:https://a.example/", "https://a.example/",
                               "Tea ceremony moved to Saturday."))
    again = asyncio.run(index.search(["web:https://a.example/"], "ceremony"))
    assert [p.text for p in again] == ["Tea ceremony moved to Saturday."]


def test_two_indexes_refreshing_at_once_store_each_passage_once(
        store: MemoryStore, index: KnowledgeIndex, tmp_path: Path) -> None:
    # Two dialogs (two services) open the same KB at the same time, as two IDE windows may.
    other = make_knowledge(ServiceContext(store, "bot", str(index.dialog_dir),
                                          {"TALKBENCH_CACHE_DIR": str(tmp_path / "cache")}))
    try:
        async def both() -> list[int]:
            return list(await asyncio.gather(index.open("faq"), other.open("faq")))

        assert asyncio.run(both()) == [3, 3]
    finally:
        other.close()
    hits = asyncio.run(index.search(["faq"], "tea coffee espresso decaf", limit=20))
    assert sorted(p.source for p in hits) == ["both.txt", "coffee.md", "tea.txt"]


def test_unreachable_postgresql_is_a_service_error(tmp_path: Path, unused_port: int) -> None:
    db = peewee.PostgresqlDatabase("nowhere", host="127.0.0.1", port=unused_port,
                                   user="x", password="y", connect_timeout=2)
    dialog = make_kb(tmp_path)
    index = KnowledgeIndex(dialog, PostgresKnowledge(db))
    try:
        with pytest.raises(ServiceError) as err:
            asyncio.run(index.open("faq"))
    finally:
        index.close()
    assert "knowledge index in PostgreSQL failed" in str(err.value)
    assert "refused" in str(err.value).lower()


def test_unchanged_files_are_not_indexed_again(index: KnowledgeIndex,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(index.open("faq"))
    written: list[str] = []
    replace = index.backend.replace

    def recording(collection: str, source: str, *rest: object) -> None:
        written.append(source)
        replace(collection, source, *rest)

    monkeypatch.setattr(index.backend, "replace", recording)
    asyncio.run(index.open("faq"))
    assert written == []  # the stored mtime and size round-trip exactly
    folder = index.folder("faq")
    assert folder is not None
    (folder / "tea.txt").write_text("Mint tea only.", "utf-8")
    asyncio.run(index.search(["faq"], "mint"))
    assert written == ["tea.txt"]


def test_odd_text_is_indexed(index: KnowledgeIndex) -> None:
    folder = index.folder("faq")
    assert folder is not None
    (folder / "odd.txt").write_bytes(b"Bad \x00 byte, \xff invalid UTF-8, then zucchini bread.")
    hits = asyncio.run(index.search(["faq"], "zucchini"))
    assert [p.source for p in hits] == ["odd.txt"] and "zucchini bread" in hits[0].text


def test_a_long_document_is_indexed_whole(index: KnowledgeIndex) -> None:
    folder = index.folder("faq")
    assert folder is not None
    filler = " ".join(["lorem"] * 100)  # 600 characters: each paragraph is its own passage
    (folder / "long.txt").write_text(
        "\n\n".join(f"marker{i} {filler}" for i in range(450)), "utf-8")
    for i in (0, 199, 200, 449):
        hits = asyncio.run(index.search(["faq"], f"marker{i}"))
        assert [h.text.split()[0] for h in hits] == [f"marker{i}"]
