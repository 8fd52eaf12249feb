"""One parser per filter: a written WHERE is parsed by the compiler into a ``where`` tree that
the host compiles to SQL; only a filter text known at run time goes through the host's text
parser (``parse_filter``), into the same tree. Real tables (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.services import table_filter
from app.services.tables import TableStore
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports import where as w
from interpreter.ports.data import Filter
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

COLUMNS = {"id": "id", "name": "name", "score": "score", "note": "note"}


@pytest.fixture
def people(store: MemoryStore) -> TableStore:
    tables = TableStore(store.database, "crm")
    for i, (name, score) in enumerate([("Ann", 70), ("Bob", 40), ("Cid", 90)], start=1):
        tables.insert("people", {"id": i, "name": name, "score": score, "note": ""})
    return tables


def run(source: str, tables: TableStore) -> dict[str, Any]:
    compiled = load_source(source, "people.bas")
    rt = Runtime(compiled, QueuedChannel.with_answers([]), DictMemory({}),
                 services={"tables": tables})
    asyncio.run(rt.run())
    return rt.globals


@pytest.fixture
def no_text_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes the run-time text parser unusable: what still works never needed it."""
    def refuse(text: str, values: int, columns: Any) -> None:
        raise AssertionError(f"filter text parsed at run time: {text!r}")
    monkeypatch.setattr(table_filter, "parse_filter", refuse)


@pytest.mark.usefixtures("no_text_parser")
def test_a_written_where_is_never_parsed_again_at_run_time(people: TableStore) -> None:
    env = run('''
low = 50
hits = FIND "people" WHERE score >= low AND (name LIKE "n" OR name CONTAINS "i") ORDER BY id
ids = [1, 3]
listed = FIND "people" WHERE id IN ids AND NOT (note IS NOT NULL AND score < 0) ORDER BY id
changed = UPDATE "people" SET note = "seen" WHERE name <> "Bob" AND score > low
gone = DELETE FROM "people" WHERE id = 2
k = DELETE "people", 3
left = FIND "people" WHERE id > 0 ORDER BY id
''', people)
    assert [r["name"] for r in env["hits"]] == ["Ann", "Cid"]
    assert [r["name"] for r in env["listed"]] == ["Ann", "Cid"]
    assert (env["changed"], env["gone"], env["k"]) == (2, 1, 1)
    assert [(r["name"], r["note"]) for r in env["left"]] == [("Ann", "seen")]


@pytest.mark.usefixtures("no_text_parser")
def test_save_upserts_by_key_without_filter_text(people: TableStore) -> None:
    people.save("people", {"id": 2, "name": "Bea", "score": 41})
    assert [r["name"] for r in people.find("people", Filter.equals("score", 41))] == ["Bea"]


def test_a_filter_built_at_run_time_goes_through_the_one_text_parser(
        people: TableStore, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = table_filter.parse_filter

    def recording(text: str, values: int, columns: Any) -> w.Condition | None:
        parsed.append(text)
        return real(text, values, columns)

    monkeypatch.setattr(table_filter, "parse_filter", recording)
    env = run('''
f = "score > ? AND name <> 'Bob'"
rows = FIND "people" WHERE f, 50 ORDER BY id
''', people)
    assert [r["name"] for r in env["rows"]] == ["Ann", "Cid"]
    assert parsed == ["score > ? AND name <> 'Bob'"]


def test_text_parses_into_the_tree_the_compiler_builds() -> None:
    tree = table_filter.parse_filter(
        "score >= ? AND (name LIKE 'n' OR note IS NOT NULL) AND id NOT IN (1, ?)", 2, COLUMNS)
    assert tree == w.And((
        w.Compare("score", ">=", w.Param(0)),
        w.Or((w.Like("name", w.Value("n")), w.IsNull("note", negate=True))),
        w.In("id", (w.Value(1), w.Param(1)), negate=True)))
    assert table_filter.parse_filter("name=Ann Lee,score=5", 0, COLUMNS) == w.And((
        w.Compare("name", "=", w.Value("Ann Lee")), w.Compare("score", "=", w.Value(5))))
    assert table_filter.parse_filter("  ", 0, COLUMNS) is None


def test_a_tree_compiles_to_the_sql_its_text_would() -> None:
    tree = w.Or((w.Compare("Score", "<>", w.Param(0)), w.Not(w.Like("name", w.Param(1)))))
    from_tree = table_filter.compile_filter(Filter(params=(5, "a"), tree=tree), COLUMNS,
                                            lambda col, v: v)
    from_text = table_filter.compile_filter(Filter("Score <> ? OR NOT name LIKE ?", (5, "a")),
                                            COLUMNS, lambda col, v: v)
    assert from_tree == from_text
    assert from_tree.params == (5, "%a%")


def test_generated_code_rebuilds_the_tree() -> None:
    tree = w.And((w.In("id", (w.Param(0), w.Value("x'y")), negate=True),
                  w.Compare("a", "<=", w.Value(None)), w.Not(w.IsNull("b"))))
    assert eval(w.to_source(tree, "_where"), {"_where": w}) == tree


@pytest.mark.parametrize("text, values, message", [
    ("nope = 1 AND (", (), "unknown column 'nope'"),  # the first mistake is the one reported
    ("score < NULL", (), "cannot compare 'score' < NULL"),
    ("score = ? AND id = ?", (1,), "has more ? than values given"),
    ("score = ?", (1, 2), "has fewer ? than the 2 values given"),
    ("", (1,), "filter values were given without a filter"),
    ("score > ?", (None,), "cannot compare 'score' > NULL"),
])
def test_text_filter_errors_read_as_before(people: TableStore, text: str,
                                           values: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        people.find("people", Filter(text, values))


def test_a_written_where_names_an_unknown_column_at_run_time(people: TableStore) -> None:
    with pytest.raises(BasicRuntimeError, match="unknown column 'nope'"):
        run('x = FIND "people" WHERE nope = 1 OR name = "Ann"', people)
