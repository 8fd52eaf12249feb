"""The SQL-like table forms end to end: parse → compile → run over real tables (SQLite and
PostgreSQL through ``db_url``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.services.tables import TableStore
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel


@pytest.fixture
def tables(store: MemoryStore) -> TableStore:
    return TableStore(store.database, "crm")


@pytest.fixture
def leads(tables: TableStore) -> TableStore:
    tables.insert("leads", {"id": 1, "name": "Ann", "email": "ann@x.test", "status": "Active",
                            "score": 70})
    tables.insert("leads", {"id": 2, "name": "Bob", "email": "bob@x.test", "status": "Active",
                            "score": 40})
    tables.insert("leads", {"id": 3, "name": "Cid", "email": "cid@x.test", "status": "Lost",
                            "score": 90, "note": "call back"})
    tables.insert("leads", {"id": 4, "name": "Dee", "email": "dee@x.test", "status": "Active",
                            "score": 55})
    return tables


def run(source: str, tables: TableStore) -> dict[str, Any]:
    compiled = load_source(source, "leads.bas")
    rt = Runtime(compiled, QueuedChannel.with_answers([]), DictMemory({}),
                 services={"tables": tables})
    asyncio.run(rt.run())
    return rt.globals


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in rows]


def test_find_where_binds_script_values_to_the_named_columns(leads: TableStore) -> None:
    env = run('''
email = "bob@x.test"
user = FIND "leads" WHERE email = email
rows = FIND "leads" WHERE status = "Active" AND score >= 50 ORDER BY name DESC
x = "Cid"
rec = FIND "leads" WHERE id = x OR name LIKE x FIRST
byid = FIND "leads" WHERE id = 2 OR name LIKE 2 FIRST
none = FIND "leads" WHERE name = "Zed" FIRST
''', leads)
    assert names(env["user"]) == ["Bob"]
    assert names(env["rows"]) == ["Dee", "Ann"]
    assert env["rec"]["name"] == "Cid" and env["rec"]["score"] == 90
    assert env["byid"]["name"] == "Bob"
    assert env["none"] is None


def test_find_null_in_not_order_and_limit(leads: TableStore) -> None:
    env = run('''
nulls = FIND "leads" WHERE note IS NULL ORDER BY id
notes = FIND "leads" WHERE note IS NOT NULL
some = FIND "leads" WHERE name IN ("Ann", "Cid") ORDER BY id
ids = [2, 3]
listed = FIND "leads" WHERE id IN ids ORDER BY id
others = FIND "leads" WHERE id NOT IN (ids) ORDER BY id
empty = FIND "leads" WHERE id IN []
everyone = FIND "leads" WHERE id <> "nobody" AND id NOT IN ("x", 9)
top = FIND "leads" ORDER BY score DESC LIMIT 2
n = 1 + 2
limited = FIND "leads" WHERE score > 0 ORDER BY status, name DESC LIMIT n
grouped = FIND "leads" WHERE NOT (status = "Active") OR (score < 50 AND name <> "Ann") ORDER BY id
texts = FIND "leads" WHERE "score >= ?", 60 ORDER BY "score DESC"
''', leads)
    assert names(env["nulls"]) == ["Ann", "Bob", "Dee"]
    assert names(env["notes"]) == ["Cid"]
    assert names(env["some"]) == ["Ann", "Cid"]
    assert names(env["listed"]) == ["Bob", "Cid"]
    assert names(env["others"]) == ["Ann", "Dee"]
    assert env["empty"] == []
    assert len(env["everyone"]) == 4
    assert names(env["top"]) == ["Cid", "Ann"]
    assert names(env["limited"]) == ["Dee", "Bob", "Ann"]
    assert names(env["grouped"]) == ["Bob", "Cid"]
    assert names(env["texts"]) == ["Cid", "Ann"]


def test_where_values_are_bound_never_spliced(leads: TableStore) -> None:
    env = run('''
evil = "x' OR '1'='1"
hit = FIND "leads" WHERE name = evil
DELETE FROM "leads" WHERE name = evil
UPDATE "leads" SET status = evil WHERE name = "Ann"
ann = FIND "leads" WHERE name = "Ann" FIRST
''', leads)
    assert env["hit"] == []
    assert leads.count("leads") == 4
    assert env["ann"]["status"] == "x' OR '1'='1"


def test_find_as_an_operand_and_keywords_as_variable_names(leads: TableStore) -> None:
    env = run('''
case = FIND "leads" WHERE name = "Ann" FIRST
missing = FIND "leads" WHERE name = "Zed" FIRST IS NULL
update = 1
IF FIND "leads" WHERE score > 80 FIRST IS NOT NULL THEN
    update = update + 1
END IF
''', leads)
    assert env["case"]["email"] == "ann@x.test"
    assert env["missing"] is True
    assert env["update"] == 2


def test_insert_update_delete_merge_sql_forms(tables: TableStore) -> None:
    env = run('''
m = NEW OBJECT
m.name = "Eve"
m.score = 10
INSERT INTO "people" VALUES m
name = "Fay"
score = 20
INSERT INTO "people", name, score
gus = INSERT "people", {"name": "Gus", "score": 30}
newscore = 99
UPDATE "people" SET score = newscore, status = "vip" WHERE name = "Eve"
n = UPDATE "people", "name=Fay", {"status": "std"}
changed = UPDATE "people" SET status = "std" WHERE score < 50 AND status IS NULL
k = DELETE FROM "people" WHERE score < 25 AND status = "std"
left = FIND "people" ORDER BY name
rows = [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]
MERGE "stock" WITH rows BY "sku"
merged = MERGE "stock", [{"sku": "a", "qty": 5}, {"sku": "c", "qty": 7}], "sku"
stock = FIND "stock" ORDER BY sku
''', tables)
    assert env["n"] == 1 and env["changed"] == 1 and env["k"] == 1
    assert [(r["name"], r["score"], r["status"]) for r in env["left"]] == [
        ("Eve", 99, "vip"), ("Gus", 30, "std")]
    gus = next(r for r in env["left"] if r["name"] == "Gus")
    assert env["gus"] == gus["id"]
    assert env["merged"] == 2
    assert [(r["sku"], r["qty"]) for r in env["stock"]] == [("a", 5), ("b", 2), ("c", 7)]


def test_update_set_without_where_changes_every_row(tables: TableStore) -> None:
    env = run('''
INSERT "t", {"id": 1, "v": 1}
INSERT "t", {"id": 2, "v": 2}
all = UPDATE "t" SET v = 0
rows = FIND "t" WHERE v = 0
gone = DELETE FROM "t"
''', tables)
    assert env["all"] == 2 and len(env["rows"]) == 2 and env["gone"] == 2
    assert tables.count("t") == 0


@pytest.mark.parametrize("source, message", [
    ('x = FIND "leads" WHERE nosuch = 1', "unknown column 'nosuch'"),
    ('x = FIND "leads" WHERE score > "many"', "expects a integer value"),
    ('x = FIND "leads" ORDER BY nosuch', "cannot order by 'nosuch'"),
    ('n = "x"\nx = FIND "leads" LIMIT n', "LIMIT needs a whole number"),
    ('UPDATE "leads" SET score = "lots" WHERE id = 1', "expects a integer value"),
])
def test_bad_where_values_and_columns_fail_at_their_line(leads: TableStore, source: str,
                                                         message: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source, leads)
    assert message in err.value.message
    assert err.value.line == source.count("\n") + 1
    assert leads.count("leads") == 4
