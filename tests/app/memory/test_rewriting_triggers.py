"""Another schema's trigger changes a memory value as it is written (a General Bots database
trimming and lower-casing it, say): what Talkbench reports as landed is what the database
holds, not what it sent. Before, the LANDED event, the memory panel, the history and the
confirmed state all showed the value sent, which the database never held.

PostgreSQL: a BEFORE INSERT OR UPDATE trigger changes NEW; SQLite (whose triggers cannot
change NEW) an AFTER trigger updating the row it wrote."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from app.memory.history import MemoryHistory
from app.memory.outside_watch import OutsideWatcher
from app.memory.store import ChangeState, MemoryChange, MemoryEntry, MemoryStore
from interpreter.ports.host import WriteSource

from ..conftest import PgServer, settle, sqlite_path

PG_TIDY = """
CREATE FUNCTION tidy_memory() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.value := lower(btrim(NEW.value)); RETURN NEW; END $$;
CREATE TRIGGER tidy BEFORE INSERT OR UPDATE ON bot_memories
FOR EACH ROW EXECUTE FUNCTION tidy_memory();
"""
SQLITE_TIDY = [
    f"""CREATE TRIGGER tidy_{when} AFTER {when} ON bot_memories
        WHEN NEW.value <> lower(trim(NEW.value))
        BEGIN UPDATE bot_memories SET value = lower(trim(NEW.value)) WHERE id = NEW.id; END"""
    for when in ("INSERT", "UPDATE")
]


def add_tidy_trigger(url: str) -> None:
    """Make the database (a URL or a SQLite file's path) lower-case and trim every value
    written from now on."""
    if not url.startswith("postgresql"):
        conn = sqlite3.connect(sqlite_path(url) if url.startswith("sqlite:") else url)
        try:
            for sql in SQLITE_TIDY:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
        return
    pg_execute(url, PG_TIDY)


def pg_execute(url: str, sql: str) -> None:
    """Run ``sql`` on the PostgreSQL database at ``url`` and commit it."""
    pg = psycopg2.connect(url)
    try:
        pg.cursor().execute(sql)
        pg.commit()
    finally:
        pg.close()


@pytest.fixture
def tidy(db_url: str) -> Iterator[tuple[MemoryStore, list[MemoryChange]]]:
    """A store on a database with the tidy trigger (added once the tables exist; "Kept " was
    written before it) and the LANDED and RENAMED changes it reports."""
    with MemoryStore(db_url) as store:
        store.set("b", "kept", "Kept ")
        assert store.flush(30)
        add_tidy_trigger(db_url)
        seen: list[MemoryChange] = []
        store.subscribe(lambda c: seen.append(c) if c.state in (
            ChangeState.LANDED, ChangeState.RENAMED) else None)
        yield store, seen


def values(store: MemoryStore) -> dict[str, str]:
    return {e.key: e.value for e in store.list("b")}


def test_a_script_write_lands_as_the_database_holds_it(
    tidy: tuple[MemoryStore, list[MemoryChange]],
) -> None:
    store, seen = tidy
    run = WriteSource(kind="script", file="d.bas", line=3, run_id="r1")
    for value in ("  HeLLo ", "WORLD"):  # the second over the first, one batch each
        store.set("b", "greeting", value, run)
        assert store.flush(30)
    store.set("b", "other", "as is", run)  # a value the trigger leaves alone
    assert store.flush(30)
    assert [(c.key, c.new, c.sent) for c in seen] == [
        ("greeting", "hello", "  HeLLo "), ("greeting", "world", "WORLD"),
        ("other", "as is", None)]
    assert values(store) == {"kept": "Kept ", "greeting": "world", "other": "as is"}


def test_history_records_what_the_database_holds(
    tidy: tuple[MemoryStore, list[MemoryChange]],
) -> None:
    store, _seen = tidy
    history = MemoryHistory(store)
    try:
        history.watch("b")
        for value in ("A1", "one", "  B "):  # one batch: the last one lands
            store.set("b", "k", value)
        assert store.flush(30)
        store.set("b", "k", "C")
        assert store.flush(30)
        assert history.flush()
        events = history.timeline("b", "k")  # newest first
        assert [(e.old, e.new) for e in events] == [
            ("b", "c"), ("one", "b"), ("A1", "one"), (None, "A1")]
        assert history.backlog == 0  # every set paired with its LANDED
    finally:
        history.close()


def test_hand_edits_report_what_the_database_holds(
    tidy: tuple[MemoryStore, list[MemoryChange]], tmp_path: Path,
) -> None:
    """An undone delete (restore), an undo or snapshot restore (apply), an import and a
    rename (its update fires the trigger too)."""
    store, seen = tidy
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.restore("b", [MemoryEntry("restored", " Back ", created, None)])
    store.apply([("b", "undone", "UNDO", None)], [], WriteSource(kind="undo"))
    (tmp_path / "in.json").write_text('{"imported": "Imp"}', "utf-8")
    store.import_json("b", tmp_path / "in.json")
    store.rename("b", "kept", "moved")
    assert [(c.key, c.new, c.sent) for c in seen] == [
        ("restored", "back", " Back "), ("undone", "undo", "UNDO"),
        ("imported", "imp", "Imp"), ("moved", "kept", None)]
    assert values(store) == {"restored": "back", "undone": "undo", "imported": "imp",
                             "moved": "kept"}


def test_the_outside_watcher_takes_a_rewritten_value_for_its_own(
    tidy: tuple[MemoryStore, list[MemoryChange]],
) -> None:
    """The value the trigger made is this process's write, not another writer's."""
    store, _seen = tidy
    watcher = OutsideWatcher(store, interval=0.05)
    outside: list[object] = []
    watcher.subscribe(outside.append)
    try:
        watcher.watch("b")
        settle(watcher)
        store.set("b", "greeting", "HeLLo")
        assert store.flush(30)
        settle(watcher)
        assert outside == []
    finally:
        watcher.close()


PG_LOWER_KEY = """
CREATE FUNCTION lower_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.key := lower(NEW.key); RETURN NEW; END $$;
CREATE TRIGGER lower_key BEFORE INSERT OR UPDATE ON bot_memories
FOR EACH ROW EXECUTE FUNCTION lower_key();
"""


def test_a_trigger_changing_the_key_does_not_fail_the_writes(pg_server: PgServer) -> None:
    """A schema lower-casing keys as they are written: the row RETURNING gives back is not
    under a key sent. Looked up by it, every batch failed (KeyError, rolled back) and stayed
    queued for good; a rename failed as if its key were missing."""
    pg_url = pg_server.url(pg_server.new_database())
    with MemoryStore(pg_url) as store:
        store.set("b", "kept", "1")
        assert store.flush(30)
        pg_execute(pg_url, PG_LOWER_KEY)
        store.set("b", "Name", "Ann")
        store.set("b", "City", "Rome")
        assert store.flush(10)
        store.rename("b", "kept", "Moved")
        assert values(store) == {"name": "Ann", "city": "Rome", "moved": "1"}
