"""Reverting a run and restoring a snapshot change several keys in one transaction.

Before, the new values landed in one transaction and each key to delete went in another:
a revert or restore that failed (a trigger refusing a delete) or was killed between them
left a memory that was neither the old state nor the restored one, and the half of a revert
that was recorded made a second revert refused as "already reverted".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import psycopg2
import pytest

from app.db.database import DatabaseError, is_sqlite, open_database
from app.memory.history import MemoryHistory
from app.memory.snapshots import Snapshots
from app.memory.sql import ChangedMeanwhile
from app.memory.store import MemoryEntry, MemoryStore
from app.memory.undo import CannotRevert, preview_run, revert_run
from interpreter.ports.host import WriteSource

from ..conftest import PgServer
from ..db.frozen_backend import running_backend

BOT = "b"
SQLITE_PIN = """
CREATE TRIGGER keep_pinned BEFORE DELETE ON bot_memories WHEN OLD.key = 'pinned'
BEGIN SELECT RAISE(ABORT, 'pinned keys cannot be deleted'); END;
"""
PG_PIN = """
CREATE FUNCTION keep_pinned() RETURNS trigger AS $$ BEGIN
  IF OLD.key = 'pinned' THEN RAISE EXCEPTION 'pinned keys cannot be deleted'; END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER keep_pinned BEFORE DELETE ON bot_memories
  FOR EACH ROW EXECUTE FUNCTION keep_pinned();
"""


def _pin(url: str, on: bool) -> None:
    """Make the database refuse to delete the key ``pinned`` (or stop refusing)."""
    db = open_database(url)
    if is_sqlite(db):
        db.connection().executescript(SQLITE_PIN if on else "DROP TRIGGER keep_pinned;")
    else:
        db.execute_sql(PG_PIN if on else "DROP TRIGGER keep_pinned ON bot_memories; "
                                         "DROP FUNCTION keep_pinned();")
    db.close()


def _values(store: MemoryStore) -> dict[str, str]:
    return {e.key: e.value for e in store.list(BOT)}


def test_a_snapshot_restore_that_fails_changes_nothing(db_url: str) -> None:
    with MemoryStore(db_url) as store:
        store.set(BOT, "a", "1")
        assert store.flush(30)
        Snapshots(store).save(BOT, "s")
        store.set(BOT, "a", "2")
        store.set(BOT, "pinned", "p")  # not in the snapshot: the restore deletes it
        assert store.flush(30)
    _pin(db_url, True)
    with MemoryStore(db_url) as store:
        with pytest.raises(DatabaseError, match="pinned keys cannot be deleted"):
            Snapshots(store).restore(BOT, "s")
        assert _values(store) == {"a": "2", "pinned": "p"}
    _pin(db_url, False)
    with MemoryStore(db_url) as store:
        Snapshots(store).restore(BOT, "s")
        assert _values(store) == {"a": "1"}


def test_a_revert_that_fails_changes_nothing_and_can_be_done_again(db_url: str) -> None:
    with MemoryStore(db_url) as store:
        history = MemoryHistory(store)
        store.set(BOT, "kept", "orig")
        assert store.flush(30)
        history.watch(BOT)
        mem = store.bot(BOT)
        mem.set("kept", "run", WriteSource("d.bas", 1, "runA"))
        mem.set("pinned", "new", WriteSource("d.bas", 2, "runA"))
        assert history.flush(30)
        _pin(db_url, True)
        with pytest.raises(DatabaseError, match="pinned keys cannot be deleted"):
            revert_run(history, "runA")
        assert history.flush(30)
        assert _values(store) == {"kept": "run", "pinned": "new"}
        _pin(db_url, False)
        revert_run(history, "runA")  # not "already reverted": nothing of it was done
        assert _values(store) == {"kept": "orig"}
        history.close()


KILLED_RESTORE = """
import os, signal, sys
import peewee

execute_sql = peewee.Database.execute_sql

def killing_execute_sql(self, sql, params=None):
    if sql.lstrip().upper().startswith("DELETE"):
        os.kill(os.getpid(), signal.SIGKILL)
    return execute_sql(self, sql, params)

from app.memory.snapshots import Snapshots
from app.memory.sql import ChangedMeanwhile
from app.memory.store import MemoryStore

store = MemoryStore(sys.argv[1])
peewee.Database.execute_sql = killing_execute_sql
Snapshots(store).restore("b", "s")
"""


def test_a_snapshot_restore_killed_at_its_delete_leaves_the_old_memory(db_url: str) -> None:
    with MemoryStore(db_url) as store:
        store.set(BOT, "a", "1")
        assert store.flush(30)
        Snapshots(store).save(BOT, "s")
        store.set(BOT, "a", "2")
        store.set(BOT, "extra", "x")
        assert store.flush(30)
    killed = subprocess.run([sys.executable, "-c", KILLED_RESTORE, db_url],
                            capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with MemoryStore(db_url) as store:
        assert _values(store) == {"a": "2", "extra": "x"}


def _outside(url: str, key: str, value: str | None) -> None:
    """Another writer (General Bots, another Talkbench): its own store and connection."""
    with MemoryStore(url) as other:
        if value is None:
            other.delete(BOT, [key])
        else:
            other.set(BOT, key, value)


@pytest.mark.parametrize("outside", ["theirs", None])
def test_a_revert_confirmed_before_another_writer_changed_a_key_writes_nothing(
    db_url: str, outside: str | None
) -> None:
    """The user confirmed the revert's preview; while the dialog was open another writer
    changed (or deleted) a key: reverting must not overwrite that blindly."""
    with MemoryStore(db_url) as store:
        history = MemoryHistory(store)
        store.set(BOT, "a", "orig-a")
        store.set(BOT, "b", "orig-b")
        assert store.flush(30)
        history.watch(BOT)
        mem = store.bot(BOT)
        mem.set("a", "run-a", WriteSource("d.bas", 1, "runA"))
        mem.set("b", "run-b", WriteSource("d.bas", 2, "runA"))
        assert history.flush(30)
        confirmed = preview_run(history, "runA")
        _outside(db_url, "b", outside)
        with pytest.raises(CannotRevert, match="changed by another writer"):
            revert_run(history, "runA", confirmed)
        expected = {"a": "run-a"} | ({} if outside is None else {"b": outside})
        assert _values(store) == expected  # nothing of the revert was written
        revert_run(history, "runA", preview_run(history, "runA"))  # a fresh preview may
        assert _values(store) == {"a": "orig-a", "b": "orig-b"}
        history.close()


def test_a_key_already_holding_what_the_change_makes_it_is_no_conflict(db_url: str) -> None:
    """A change tried again after its commit landed without a reply (a hung server), or
    another writer having made the same change: nothing would be lost, nothing is refused;
    a key that holds anything else still is."""
    source = WriteSource("hand", 0, "edit")
    with MemoryStore(db_url) as store:
        store.set(BOT, "a", "old")
        store.set(BOT, "b", "old-b")
        assert store.flush(30)
        shown = {(BOT, "a"): "old", (BOT, "b"): "old-b"}
        change = ([(BOT, "a", "new", None)], [(BOT, "b")])
        store.apply(*change, source, shown)  # the first try: it landed
        store.apply(*change, source, shown)  # tried again with what the user was shown
        assert _values(store) == {"a": "new"}
        store.set(BOT, "a", "other")
        assert store.flush(30)
        with pytest.raises(ChangedMeanwhile, match="'a' is now 'other'"):
            store.apply([(BOT, "a", "newer", None)], [], source, {(BOT, "a"): "new"})
        assert _values(store) == {"a": "other"}


def test_a_write_committed_while_a_checked_revert_runs_is_not_overwritten(
    pg_server: PgServer,
) -> None:
    """Another writer's UPDATE of a key is under way when a revert checks it: the check
    waits for it and sees its value (ChangedMeanwhile), where it read the old value, passed,
    and the revert's write, queued behind the other's row lock, then overwrote that value
    once it was committed (and confirmed to its writer)."""
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url) as store:
        store.set(BOT, "a", "shown")
        assert store.flush(30)
        other = psycopg2.connect(url)  # another writer, mid-transaction on key a
        try:
            other.cursor().execute("UPDATE bot_memories SET value = 'theirs' WHERE key = 'a'")
            errors: list[BaseException] = []

            def revert() -> None:
                try:
                    store.apply([(BOT, "a", "reverted", None)], [], WriteSource(kind="undo"),
                                expected={(BOT, "a"): "shown"})
                except ChangedMeanwhile as exc:
                    errors.append(exc)

            reverting = threading.Thread(target=revert)
            reverting.start()
            running_backend(pg_server, url.rsplit("/", 1)[1], waiting_on="Lock")
            other.commit()
            reverting.join(30)
        finally:
            other.close()
        assert len(errors) == 1 and "'theirs'" in str(errors[0])
        assert store.value(BOT, "a") == "theirs"


def test_a_bot_made_by_a_revert_that_found_a_change_is_not_remembered(db_url: str) -> None:
    """Keys are written and checked in one order, so a revert may make a new bot's row before
    the check of a later key fails; the rolled-back bot's id must not be reused (the next
    hand edit of that bot pointed at no bot: "violates foreign key constraint")."""
    with MemoryStore(db_url) as store:
        store.set(BOT, "k", "now")
        assert store.flush(30)
        with pytest.raises(ChangedMeanwhile):
            store.apply([("a-new", "k", "v", None)], [], WriteSource(kind="undo"),
                        expected={(BOT, "k"): "shown"})
        store.restore("a-new", [MemoryEntry("k", "v", None, None)])
        rows = open_database(db_url).execute_sql(
            "SELECT count(*) FROM bot_memories JOIN bots ON bots.id = bot_memories.bot_id "
            "WHERE bots.name = 'a-new'").fetchall()
        assert rows == [(1,)]
