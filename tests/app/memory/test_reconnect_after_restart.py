"""After the PostgreSQL server restarts, every memory feature works again at once.

Bot memory reads and writes reconnect by themselves, but user memory (SET/GET USER MEMORY,
REMEMBER) and snapshots kept the thread's broken connection: every later call failed with
"connection already closed" until the process (the IDE) ended.
"""

from __future__ import annotations

from pathlib import Path

from app.memory.snapshots import Snapshots
from app.memory.store import MemoryEntry, MemoryStore
from app.memory.user_memory import user_memories
from interpreter.ports.host import WriteSource

from ..conftest import PgServer


def test_user_memory_and_snapshots_work_right_after_a_server_restart(
    pg_server: PgServer
) -> None:
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url, retry_max_delay=0.2) as store:
        users = user_memories(store)
        users.set("b", "u", "k", "1")
        store.set("b", "x", "1")
        assert store.flush(30)
        snapshots = Snapshots(store)
        snapshots.save("b", "before")
        pg_server.stop()
        pg_server.start()
        assert users.get("b", "u", "k") == "1"
        users.set("b", "u", "k", "2")
        assert users.get("b", "u", "k") == "2"
        assert [s.name for s in snapshots.list("b")] == ["before"]
        pg_server.stop()
        pg_server.start()
        assert snapshots.load("b", "before").entries == {"x": "1"}


def test_a_user_memory_write_that_lost_its_server_fails_once_then_works(
    pg_server: PgServer
) -> None:
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url, retry_max_delay=0.2) as store:
        users = user_memories(store)
        users.set("b", "u", "k", "1")
        pg_server.stop()
        try:
            users.set("b", "u", "k", "lost")
        except Exception as exc:  # noqa: BLE001 - only its message matters
            assert "Cannot reach" in str(exc) or "connect" in str(exc), exc
        else:
            raise AssertionError("a write with the server down was reported done")
        finally:
            pg_server.start()
        users.set("b", "u", "k", "2")
        assert users.get("b", "u", "k") == "2"


def test_each_hand_edit_right_after_a_server_restart_works_at_the_first_try(
    pg_server: PgServer, tmp_path: Path,
) -> None:
    """Before, each of them failed once ("Cannot reach the memory database: terminating
    connection due to administrator command") with the server up again: the user's Delete,
    Rename, Undo or Import did nothing until clicked again."""
    url = pg_server.url(pg_server.new_database())
    (tmp_path / "in.json").write_text('{"i": "imported"}')
    with MemoryStore(url, retry_max_delay=0.2) as store:
        for key in "drau":
            store.set("b", key, "1")
        assert store.flush(30)
        edits = [
            lambda: store.delete("b", ["d"]),
            lambda: store.rename("b", "r", "renamed"),
            lambda: store.apply([("b", "a", "2", None)], [("b", "u")], WriteSource()),
            lambda: store.restore("b", [MemoryEntry("d", "back", None, None)]),
            lambda: store.import_json("b", tmp_path / "in.json"),
        ]
        for edit in edits:
            pg_server.stop()
            pg_server.start()
            edit()
        assert {e.key: e.value for e in store.list("b")} == {
            "d": "back", "renamed": "1", "a": "2", "i": "imported"}
