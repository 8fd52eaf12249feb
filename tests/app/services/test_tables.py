"""Table keywords over real tables (``db_url`` runs each test on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.services.tables import REGISTRY, TableStore
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports.data import ColumnDef, Filter, TableDefinition
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel


@pytest.fixture
def tables(store: MemoryStore) -> TableStore:
    return TableStore(store.database, "crm")


def run(source: str, services: dict[str, Any]) -> dict[str, Any]:
    compiled = load_source(source, "leads.bas")
    rt = Runtime(compiled, QueuedChannel.with_answers([]), DictMemory({}), services=services)
    asyncio.run(rt.run())
    return rt.globals


def test_first_save_creates_the_table_and_find_filters_rows(tables: TableStore) -> None:
    env = run('''
lead = NEW OBJECT
lead.name = "Ann"
lead.score = 70
SAVE "leads", lead
other = NEW OBJECT
other.name = "Bob"
other.score = 20
INSERT "leads", other
hot = FIND "leads", "score >= 50"
byname = FIND "leads", "name=Bob"
none = FIND "leads", "name = 'Zed'"
everyone = FIND "leads"
''', {"tables": tables})
    assert [r["name"] for r in env["hot"]] == ["Ann"]
    assert env["hot"][0]["score"] == 70
    assert [r["name"] for r in env["byname"]] == ["Bob"]
    assert env["none"] == []
    assert sorted(r["name"] for r in env["everyone"]) == ["Ann", "Bob"]
    assert [t.name for t in tables.tables()] == ["leads"]
    assert tables.count("leads") == 2


def test_save_upserts_by_id_and_update_delete_set_change_rows(tables: TableStore) -> None:
    env = run('''
row = NEW OBJECT
row.id = 7
row.status = "new"
SAVE "tickets", row
row.status = "open"
SAVE "tickets", row
SAVE "tickets", 8, row
UPDATE "tickets", "id=8", {"status": "closed"}
SET "tickets", "status=open", "status=waiting,owner=ann"
UPDATE "tickets", 7, "priority", 2
rows = FIND "tickets", "status <> 'nothing'"
DELETE "tickets", "status = 'closed'"
left = FIND "tickets"
''', {"tables": tables})
    by_id = {r["id"]: r for r in env["rows"]}
    assert by_id[7]["status"] == "waiting" and by_id[7]["owner"] == "ann"
    assert by_id[7]["priority"] == 2
    assert by_id[8]["status"] == "closed"
    assert [r["id"] for r in env["left"]] == [7]
    assert tables.update("tickets", Filter("id = 7"), {"status": "x"}) == 1
    assert tables.delete("tickets", Filter("id > 100")) == 0
    assert tables.delete("tickets", Filter()) == 1


def test_table_definitions_create_typed_tables_before_first_use(tables: TableStore) -> None:
    env = run('''
TABLE Contatos
    Id number key
    Nome string(150)
    Valor double
    Ativo boolean
    Criado date
END TABLE
c = NEW OBJECT
c.Nome = "Ana"
c.Valor = "12.5"
c.Ativo = TRUE
c.Criado = "2025-03-01"
INSERT "Contatos", c
first = FIND "Contatos", "Nome = Ana"
c2 = NEW OBJECT
c2.Nome = "Bia"
c2.Valor = 3
INSERT "Contatos", c2
cheap = FIND "contatos", "Valor < 10"
active = FIND "Contatos", "Ativo = true"
like = FIND "Contatos", "nome LIKE 'an'"
''', {"tables": tables})
    assert env["first"][0]["Id"] == 1
    assert [r["Nome"] for r in env["cheap"]] == ["Bia"]
    assert [r["Nome"] for r in env["active"]] == ["Ana"]
    assert env["active"][0]["Valor"] == 12.5 and env["active"][0]["Criado"] == "2025-03-01"
    assert [r["Nome"] for r in env["like"]] == ["Ana"]
    info = tables.info("contatos")
    assert info is not None and info.key == "Id"
    assert {c.name: c.kind for c in info.columns}["Valor"] == "real"


def test_positional_save_names_columns_after_variables(tables: TableStore) -> None:
    run('''
name = "Carl"
email = "c@x.org"
SAVE "contacts.csv", name, email, 1 + 1
''', {"tables": tables})
    rows = tables.rows("contacts.csv", 0, 10)
    assert len(rows) == 1
    assert rows[0]["name"] == "Carl" and rows[0]["email"] == "c@x.org" and rows[0]["col3"] == 2


def test_filters_with_placeholders_in_lists_and_or(tables: TableStore) -> None:
    for i, (name, city) in enumerate([("a", "Rio"), ("b", "SP"), ("c", None), ("d", "Rio")]):
        tables.insert("people", {"id": i + 1, "name": name, "city": city})
    names = lambda f, *p: [r["name"] for r in tables.find("people", Filter(f, p))]
    assert names("city IN ('SP', 'Rio') AND NOT name = ?", "a") == ["b", "d"]
    assert names("city IS NULL OR name = 'b'") == ["b", "c"]
    assert names("(city = 'Rio' OR city = 'SP') AND id > ?", 1) == ["b", "d"]
    assert names("city=Rio,name=d") == ["d"]
    assert names("name == \"c\"") == ["c"]
    assert names("city NOT LIKE 'i'") == ["b"]
    assert [r["name"] for r in tables.find("people", Filter(), order_by="name DESC",
                                           limit=2)] == ["d", "c"]


def test_bad_filters_and_values_fail_clearly_without_touching_sql(tables: TableStore) -> None:
    tables.insert("t", {"id": 1, "n": 5})
    with pytest.raises(ValueError, match="unknown column 'nope'"):
        tables.find("t", Filter("nope = 1"))
    with pytest.raises(ValueError, match="expected a column name"):
        tables.find("t", Filter("1=1; DROP TABLE bots"))
    with pytest.raises(ValueError, match="expects a integer value"):
        tables.insert("t", {"n": "many"})
    with pytest.raises(ValueError, match="cannot be a column name"):
        tables.insert("t", {'x" TEXT); DROP TABLE bots; --': 1})
    with pytest.raises(BasicRuntimeError, match="unknown column"):
        run('x = FIND "t", "missing = 2"', {"tables": tables})
    assert tables.find("missing-table", Filter("a = 1")) == []
    assert tables.count("t") == 1


def test_tables_are_per_bot_prefixed_and_survive_reopening(store: MemoryStore,
                                                           tables: TableStore) -> None:
    tables.insert("leads", {"id": "x1", "name": "Ann"})
    other = TableStore(store.database, "support")
    assert other.find("leads", Filter()) == []
    other.define(TableDefinition("leads", (ColumnDef("id", "integer key"),)))
    db_tables = set(store.database.get_tables())
    assert {"bots", "bot_memories", REGISTRY} <= db_tables
    assert not {"leads"} & db_tables
    again = TableStore(store.database, "crm")
    assert again.find("LEADS", Filter("id = ?", ("x1",))) == [{"id": "x1", "name": "Ann"}]
    assert [t.name for t in again.tables()] == ["leads"]


def test_merge_upserts_each_row_by_key(tables: TableStore) -> None:
    env = run('''
rows = [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]
MERGE "stock", rows, "sku"
rows2 = [{"sku": "a", "qty": 5}]
MERGE "stock", rows2, "sku"
all = FIND "stock"
''', {"tables": tables})
    assert sorted((r["sku"], r["qty"]) for r in env["all"]) == [("a", 5), ("b", 2)]


def test_without_a_tables_service_the_keyword_says_how_to_configure() -> None:
    with pytest.raises(BasicRuntimeError, match="needs the 'tables' service"):
        run('x = FIND "leads", "a=1"', {})
