"""A backup copied over the SQLite file while a store has it open (``cp backup memory``: the
same file, other pages) stops the writes and says so; another process's legitimate commits
and checkpoints on the same file never do.

Before, the copy went unseen: writes kept landing in the log of a file that no longer
matched it, and SQLite's next checkpoint put the log's pages back over the copy."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from app.db.database import DatabaseError, sqlite_url
from app.memory.history import MemoryHistory
from app.memory.outside_watch import OutsideWatcher
from app.memory.snapshots import Snapshots
from app.memory.store import ChangeState, MemoryStore
from app.memory.user_memory import UserMemoryError, user_memories

from ..conftest import settle
from .racing import race


def _backup(tmp_path: Path) -> tuple[str, Path]:
    """A memory file with key k = "old", and a copy of it taken while nothing had it open."""
    path = tmp_path / "memory.sqlite3"
    with MemoryStore(sqlite_url(path)) as store:
        store.set("b", "k", "old")
        assert store.flush(30)
    shutil.copy(path, tmp_path / "backup.sqlite3")
    return sqlite_url(path), path


@pytest.mark.parametrize("through", ["the file", "a symbolic link"])
def test_a_copy_over_the_open_file_stops_the_writes_and_keeps_them(tmp_path: Path,
                                                                   through: str) -> None:
    """Through a link too: SQLite names its wal-index after the link's target, and looked
    for beside the link it was never found (the check did nothing)."""
    url, path = _backup(tmp_path)
    if through == "a symbolic link":
        path = tmp_path / "link.sqlite3"
        path.symlink_to(tmp_path / "memory.sqlite3")
        url = sqlite_url(path)
    store = MemoryStore(url, retry_max_delay=0.1)
    changes: list = []
    store.subscribe(changes.append)
    for i in range(200):  # the log now holds pages the copy lacks
        store.set("b", f"n{i}", "x" * 200)
    assert store.flush(30)
    subprocess.run(["cp", str(tmp_path / "backup.sqlite3"), str(path)], check=True)
    store.set("b", "after", "2")
    assert not store.flush(5)
    assert "written over by another program" in (store.last_error or "")
    assert [c.state for c in changes if c.key == "after"] == [ChangeState.PENDING,
                                                              ChangeState.FAILED]
    assert store.pending_count() == 1 and store.value("b", "after") == "2"  # kept
    assert not store.close(1)  # and not called saved


def test_a_copy_before_the_first_write_is_seen_too(tmp_path: Path) -> None:
    url, path = _backup(tmp_path)
    with MemoryStore(url, retry_max_delay=0.1) as store:
        store.set("b", "k", "new")
        assert store.flush(30)
    store = MemoryStore(url, retry_max_delay=0.1)  # the file holds "new"; the backup, "old"
    subprocess.run(["cp", str(tmp_path / "backup.sqlite3"), str(path)], check=True)
    store.set("b", "after", "2")
    assert not store.flush(5)
    assert "written over by another program" in (store.last_error or "")
    assert not store.close(1)


def test_vacuum_and_sqlites_own_restore_by_another_program_raise_no_alarm(
    tmp_path: Path,
) -> None:
    """Both rewrite the whole file, through the log and a checkpoint: SQLite's backup API
    (the sqlite3 shell's ``.restore``) is the way to restore while Talkbench runs."""
    url, path = _backup(tmp_path)
    with MemoryStore(url, retry_max_delay=0.1) as store:
        for i in range(200):
            store.set("b", f"n{i}", "x" * 200)
        assert store.flush(30)
        backup = str(tmp_path / "backup.sqlite3")
        for program in ("db.execute('VACUUM')", f"sqlite3.connect({backup!r}).backup(db)"):
            subprocess.run([sys.executable, "-c", (
                f"import sqlite3; db = sqlite3.connect({str(path)!r}); {program}; "
                "db.execute('PRAGMA wal_checkpoint(TRUNCATE)')")], check=True)
            store.set("b", "after", program)
            assert store.flush(30), store.last_error
        assert {e.key: e.value for e in store.list("b")} == {"k": "old", "after": program}


def test_the_outside_watcher_tells_while_nothing_is_written(tmp_path: Path) -> None:
    url, path = _backup(tmp_path)
    with MemoryStore(url) as store:
        watcher = OutsideWatcher(store, interval=0.02)
        health: list[str | None] = []
        watcher.subscribe_health(lambda h: health.append(h.error))
        try:
            watcher.watch("b")
            store.set("b", "k", "new")
            assert store.flush(30)
            settle(watcher)
            subprocess.run(["cp", str(tmp_path / "backup.sqlite3"), str(path)], check=True)
            deadline = time.monotonic() + 10
            while not health and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            watcher.close()
    assert health and "written over by another program" in (health[0] or "")


CHILD = textwrap.dedent(
    """
    import sys
    from app.memory.store import ChangeState, MemoryStore

    url, rounds, who = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = MemoryStore(url)
    failed = []
    store.subscribe(lambda c: failed.append(c.error) if c.state is ChangeState.FAILED else None)
    sys.stdin.readline()  # both start together
    for r in range(rounds):
        for i in range(50):
            store.set("b", f"{who}{i}", f"{r}" * 400)
        store.flush(60)
        if r % 10 == 0:
            store.delete("b", [f"{who}{i}" for i in range(0, 50, 2)])
    print(store.close(60), len(failed), failed[:1])
    """
)


def test_two_processes_writing_and_checkpointing_one_file_raise_no_alarm(
    tmp_path: Path,
) -> None:
    """Each process's commits, and the checkpoints of both and of a third program copying the
    log into the file as fast as it can, change the file while the others write."""
    url, path = _backup(tmp_path)
    stop = tmp_path / "stop"
    checkpointer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import os, sqlite3
        db = sqlite3.connect({str(path)!r}, isolation_level=None, timeout=10)
        done = 0
        while not os.path.exists({str(stop)!r}):
            busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            done += copied > 0
        print(done)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        with MemoryStore(url) as watching:  # this process's store, looking before and after
            watcher = OutsideWatcher(watching, interval=0.01)  # and looking all along
            health: list[str | None] = []
            watcher.subscribe_health(lambda h: health.append(h.error))
            watcher.watch("b")
            watching.set("b", "k", "first")
            assert watching.flush(30)
            outputs = race(CHILD, url, "150")
            watching.set("b", "k", "mine")
            assert watching.flush(30), watching.last_error
            watcher.close()
            assert health == [] and watcher.rounds > 5
    finally:
        stop.touch()
        checkpoints = int(checkpointer.communicate(timeout=30)[0])
    assert outputs == ["True 0 []\n"] * 2
    assert checkpoints > 10  # the file did change under the writers
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM bot_memories").fetchone()
    assert rows == (1 + 2 * 50,)


def test_another_program_closing_the_file_last_while_this_one_held_no_connection_is_no_copy(
    tmp_path: Path,
) -> None:
    """The window opens its store in a worker thread that then closes its connection: until
    the writer's first write, this process holds none. Another program closing the file then
    copies its log into the file and deletes the wal-index; this process's next connection
    makes a new one with the same numbers as the first (an empty log): the file's change
    passed for a copy, and every write failed until Talkbench was restarted."""
    url, _ = _backup(tmp_path)
    box: list[MemoryStore] = []
    opener = threading.Thread(target=lambda: (box.append(store := MemoryStore(url)),
                                              store.release_thread_connection()))
    opener.start()
    opener.join()
    store = box[0]
    try:
        subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            from app.memory.store import MemoryStore
            with MemoryStore({url!r}) as other:
                other.set("b", "theirs", "1")
                assert other.flush(30)
            """)], check=True)
        store.set("b", "mine", "2")
        assert store.flush(30), store.last_error
        store.check_file()
        assert {e.key: e.value for e in store.list("b")} == {
            "k": "old", "theirs": "1", "mine": "2"}
    finally:
        assert store.close(30)



def test_the_history_recorder_stops_writing_too_and_keeps_its_rows(tmp_path: Path) -> None:
    """Its commits went on into the file written over (and their checkpoints put the old
    log's pages over the copy) while the store's writes had stopped."""
    url, path = _backup(tmp_path)
    store = MemoryStore(url, retry_max_delay=0.1)
    history = MemoryHistory(store)
    try:
        history.watch("b")
        store.set("b", "before", "1")
        assert history.flush(30)
        subprocess.run(["cp", str(tmp_path / "backup.sqlite3"), str(path)], check=True)
        history.record_outside("b", "k", "old", "theirs")  # a change seen, to be recorded
        assert not history.flush(30)  # at once: nothing can be recorded
        assert "written over by another program" in (history.last_error or "")
    finally:
        history.close()
        store.close(1)


def test_user_memory_and_snapshots_stop_writing_too(tmp_path: Path) -> None:
    """SET USER MEMORY's and a snapshot's commits went on into the file written over."""
    url, path = _backup(tmp_path)
    with MemoryStore(url, retry_max_delay=0.1) as store:
        users, snapshots = user_memories(store), Snapshots(store)
        users.set("b", "ada", "k", "1")  # the first frame of an empty log: new salts
        subprocess.run(["cp", str(tmp_path / "backup.sqlite3"), str(path)], check=True)
        with pytest.raises(UserMemoryError, match="written over by another program"):
            users.set("b", "ada", "k", "2")
        with pytest.raises(DatabaseError, match="written over by another program"):
            snapshots.save("b", "after the copy")
