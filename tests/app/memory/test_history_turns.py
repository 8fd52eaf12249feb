"""Conversation turns in memory history, and the memory_events migration (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio

import peewee

from app.db.database import is_sqlite, open_database
from app.memory.history import EVENTS_TABLE, MemoryHistory
from app.memory.store import MemoryStore
from app.run.turns import TurnRecorder
from interpreter import Runtime, load_source
from interpreter.ports.host import WriteSource
from interpreter.runtime.channels import QueuedChannel

BOT = "turnbot"

DIALOG = """\
SET BOT MEMORY "opened", "yes"
TALK "Your name?"
HEAR name
SET BOT MEMORY "name", name
TALK "Your age?"
HEAR age AS INTEGER
SET BOT MEMORY "age", STR(age)
SET BOT MEMORY "name", name + "!"
"""


def run_dialog(store: MemoryStore, answers: list[str]) -> TurnRecorder:
    recorder = TurnRecorder()
    compiled = load_source(DIALOG, "turns.bas")
    runtime = Runtime(compiled, QueuedChannel.with_answers(answers),
                      recorder.wrap_memory(store.bot(BOT)), on_event=recorder.on_event,
                      run_id="run-t")
    asyncio.run(runtime.run())
    return recorder


def test_each_write_records_the_turn_it_answered(store: MemoryStore) -> None:
    history = MemoryHistory(store)
    try:
        history.watch(BOT)
        # "x" is not an integer: the age HEAR re-asks, so "41" is the third user message.
        recorder = run_dialog(store, ["Ann", "x", "41"])
        assert history.flush()
        turns = {(e.key, e.new): e.turn for e in history.run_events("run-t")}
        assert turns == {("opened", "yes"): 0, ("name", "Ann"): 1, ("age", "41"): 3,
                         ("name", "Ann!"): 3}
        # The same numbering as the conversation recorder's turns.
        assert recorder.turns[3].memory == {"age": ("", "41"), "name": ("Ann", "Ann!")}
        assert recorder.turns[1].memory == {"name": ("", "Ann")}
        # A hand edit belongs to no turn.
        store.set(BOT, "name", "Bob")
        assert history.flush()
        assert history.timeline(BOT, "name", limit=1)[0].turn is None
    finally:
        history.close()


def _old_events_table(db: peewee.Database) -> None:
    """memory_events as a table without the later columns (turn, old_key)."""
    id_type = "INTEGER" if is_sqlite(db) else "SERIAL"
    db.execute_sql(
        f'CREATE TABLE "{EVENTS_TABLE}" (id {id_type} PRIMARY KEY, bot TEXT NOT NULL, '
        "key TEXT NOT NULL, old_value TEXT, old_known BOOLEAN NOT NULL DEFAULT TRUE, "
        "new_value TEXT, kind TEXT NOT NULL, file TEXT NOT NULL DEFAULT '', "
        "line INTEGER NOT NULL DEFAULT 0, run_id TEXT NOT NULL DEFAULT '', at REAL NOT NULL)")
    db.execute_sql(
        f'INSERT INTO "{EVENTS_TABLE}" (bot, key, old_value, new_value, kind, at) '
        f"VALUES ('{BOT}', 'k', NULL, 'old-row', 'hand', 1.0)")


def test_an_existing_table_without_turn_is_migrated(db_url: str) -> None:
    db = open_database(db_url)
    _old_events_table(db)
    db.close()
    with MemoryStore(db_url) as store:
        MemoryHistory(store).close()
        history = MemoryHistory(store)  # a second opener finds the columns there: no error
        try:
            columns = {c.name for c in store.database.get_columns(EVENTS_TABLE)}
            assert {"turn", "old_key"} <= columns
            (old,) = history.timeline(BOT, "k")
            assert (old.new, old.turn, old.old_key) == ("old-row", None, None)
            store.set(BOT, "k", "new", WriteSource("d.bas", 4, "r1", turn=2))
            assert history.flush()
            newest = history.timeline(BOT, "k", limit=1)[0]
            assert (newest.old, newest.new, newest.turn, newest.line) == ("old-row", "new", 2, 4)
        finally:
            history.close()
