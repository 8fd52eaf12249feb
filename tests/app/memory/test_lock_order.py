"""Two Talkbench processes writing the same keys of one bot on PostgreSQL, each in its own
order: no deadlock reaches the user (before, PostgreSQL's deadlock detector failed one
process's batch: its writes were reported FAILED and a run stopped at its SET), and the
keys end with one process's last round."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from app.memory.store import MemoryStore

from ..conftest import PgServer

ROUNDS = 30
KEYS = 300

CHILD = textwrap.dedent(
    """
    import sys
    from app.memory.store import ChangeState, MemoryStore

    url, rounds, n, who = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    store = MemoryStore(url)
    failed = []
    store.subscribe(lambda c: failed.append(c.error) if c.state is ChangeState.FAILED else None)
    keys = [f"k{i:04d}" for i in range(n)]
    if who == "B":
        keys.reverse()
    sys.stdin.readline()  # both start together
    for r in range(rounds):
        for key in keys:
            store.set("b", key, f"{who}{r}")
        store.flush(60)
    landed = store.close(60)
    print(landed, len(failed), failed[:1])
    """
)


def race_database(pg_server: PgServer) -> str:
    """A new database whose schema and bot exist before the race."""
    url = pg_server.url(pg_server.new_database())
    with MemoryStore(url) as store:
        store.set("b", "k0000", "")
        assert store.flush(30)
    return url


def race(script: str, *args: str) -> list[str]:
    """Run ``script`` as processes A and B (its last argument), started together; their
    outputs, each checked to have exited cleanly."""
    procs = [subprocess.Popen([sys.executable, "-c", script, *args, who],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for who in "AB"]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def test_two_processes_writing_one_bots_keys_in_opposite_orders_never_deadlock(
    pg_server: PgServer,
) -> None:
    url = race_database(pg_server)
    assert race(CHILD, url, str(ROUNDS), str(KEYS)) == ["True 0 []\n"] * 2
    with MemoryStore(url) as store:
        values = {e.key: e.value for e in store.list("b")}
    assert len(values) == KEYS
    assert set(values.values()) <= {f"A{ROUNDS - 1}", f"B{ROUNDS - 1}"}


EDITS = textwrap.dedent(
    """
    import datetime as dt, sys
    from app.memory.store import DatabaseError, MemoryEntry, MemoryStore
    from interpreter.ports.host import WriteSource

    url, how, rounds, n, who = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    store = MemoryStore(url)
    keys = [f"k{i:04d}" for i in range(n)]
    if who == "B":
        keys.reverse()
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    errors = []
    sys.stdin.readline()  # both start together
    for r in range(rounds):
        try:
            if how == "restore":
                store.restore("b", [MemoryEntry(k, f"{who}{r}", created, None) for k in keys])
            else:
                store.apply([("b", k, f"{who}{r}", None) for k in keys[: n // 2]],
                            [("b", k) for k in keys[n // 2 :]], WriteSource(kind="undo"))
        except DatabaseError as exc:
            errors.append(str(exc))
    store.close(60)
    print(len(errors), errors[:1])
    """
)


@pytest.mark.parametrize("how", ["restore", "apply"])
def test_undo_and_restore_in_two_processes_in_opposite_orders_never_deadlock(
    pg_server: PgServer, how: str,
) -> None:
    """An undone delete, an undo or a snapshot restore (MemoryStore.restore / apply) writes
    and deletes its rows in the same order as the writer's batches: in their own order, two
    processes deadlocked and one's edit failed with "deadlock detected"."""
    url = race_database(pg_server)
    assert race(EDITS, url, how, "20", str(KEYS)) == ["0 []\n"] * 2
