"""Two Talkbench processes writing the same keys of one bot on PostgreSQL, each in its own
order: no deadlock reaches the user (before, PostgreSQL's deadlock detector failed one
process's batch: its writes were reported FAILED and a run stopped at its SET), and the
keys end with one process's last round. Hand edits of several rows (undo, restore, delete,
rename) lock them in the same order."""

from __future__ import annotations

import textwrap
import threading

import psycopg2
import pytest

from app.memory.sql import CHUNK_KEYS, ChangedMeanwhile
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories

from ..conftest import PgServer
from ..db.frozen_backend import running_backend
from .racing import race

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
            elif how == "delete":
                store.restore("b", [MemoryEntry(k, f"{who}{r}", created, None) for k in keys])
                store.delete("b", keys)
            elif how == "rename":  # k0000 over k0001 in A, the other way round in B
                store.restore("b", [MemoryEntry(k, f"{who}{r}", created, None) for k in keys])
                try:
                    store.rename("b", keys[0], keys[1], overwrite=True)
                except KeyError:
                    pass  # the other process renamed it away first
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


def test_deleting_many_keys_in_two_processes_in_opposite_orders_never_deadlocks(
    pg_server: PgServer,
) -> None:
    """Deleting keys by hand (MemoryStore.delete: more than one IN (...) chunk of keys) locks
    them in the writer's order: given in its own order, each process's chunks locked the
    other's last keys first, and one delete failed with "deadlock detected"."""
    url = race_database(pg_server)
    n = CHUNK_KEYS * 2 + 200
    assert race(EDITS, url, "delete", "20", str(n)) == ["0 []\n"] * 2
    with MemoryStore(url) as store:
        assert store.list("b") == []


def test_a_rename_over_another_key_locks_both_rows_in_key_order(pg_server: PgServer) -> None:
    """Renaming k0000 over k0001 waits for k0000 before it locks k0001: it locked k0001
    first (deleting it) and k0000 after, the reverse of a batch or a delete of both keys in
    another process, which then deadlocked with it. Seen from a third connection: while the
    rename waits, k0001 is still free."""
    url = race_database(pg_server)
    with MemoryStore(url) as store:
        store.set("b", "k0001", "over")
        assert store.flush(30)
        holder = psycopg2.connect(url)  # a transaction of its own holds k0000
        probe = psycopg2.connect(url)
        try:
            holder.cursor().execute(LOCK, ("k0000",))
            renaming = threading.Thread(
                target=store.rename, args=("b", "k0000", "k0001"), kwargs={"overwrite": True})
            renaming.start()
            running_backend(pg_server, url.rsplit("/", 1)[1], waiting_on="Lock")
            probe.cursor().execute(LOCK + " NOWAIT", ("k0001",))
            probe.rollback()
            holder.rollback()
            renaming.join(30)
            assert not renaming.is_alive()
        finally:
            holder.close()
            probe.close()
        assert {e.key: e.value for e in store.list("b")} == {"k0001": ""}


LOCK = "SELECT 1 FROM bot_memories WHERE key = %s FOR UPDATE"


USER_DELETES = textwrap.dedent(
    """
    import datetime as dt, sys
    from app.memory.store import MemoryStore
    from app.memory.user_memory import UserMemoryError, user_memories

    url, rounds, n, who = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    store = MemoryStore(url)
    memories = user_memories(store)
    keys = [f"k{i:04d}" for i in range(n)]
    if who == "B":
        keys.reverse()
    errors = []
    sys.stdin.readline()  # both start together
    for r in range(rounds):
        try:
            for key in keys:  # REMEMBERed: a row and its expiry
                memories.remember("b", "u", key, f"{who}{r}", dt.timedelta(days=1))
            memories.delete("b", "u", keys[: n // 2] if who == "A" else keys)
        except UserMemoryError as exc:
            errors.append(str(exc))
    store.close(60)
    print(len(errors), errors[:1])
    """
)


def test_deleting_user_memories_in_two_processes_in_opposite_orders_never_deadlocks(
    pg_server: PgServer,
) -> None:
    """Deleting a user's keys (UserMemories.delete, CLEAR USER MEMORY) locks their rows by
    bot, user and key before it deletes them or their expiries: as one statement deleting the
    expiries first, it locked them in another order than a REMEMBER (the row, then its
    expiry) and a delete in another process (keys given the other way round), and one of
    them failed with "deadlock detected"."""
    url = race_database(pg_server)
    with MemoryStore(url) as store:  # the tables made before the race (not part of it)
        user_memories(store).delete("b", "u", ["k0000"])
    assert race(USER_DELETES, url, "25", "60") == ["0 []\n"] * 2
    with MemoryStore(url) as store:
        left = {e.key for e in user_memories(store).list("b", expired=True)}
    assert left <= {f"k{i:04d}" for i in range(30, 60)}  # A's half was deleted last by both


@pytest.mark.parametrize(("inserter_commits", "overwrite"),
                         [(False, False), (True, False), (True, True)])
def test_a_rename_onto_a_key_another_writer_is_inserting_waits_its_turn(
    pg_server: PgServer, inserter_commits: bool, overwrite: bool,
) -> None:
    """Another writer (General Bots, say) inserts k0001, then updates k0002, in one
    transaction, while k0002 is renamed to k0001: the rename holds k0002 and waits for the
    insert, a row it cannot lock before it exists, and the writer waits for k0002.
    PostgreSQL fails the rename's transaction to break the cycle (here: its backend looks
    first); the rename is tried again, waits its turn and then renames (the insert rolled
    back) or finds k0001 taken, as if it came a moment later: with overwrite too, the retry
    does not replace a value its first try did not see there. Before, the user saw
    "deadlock detected"."""
    url = race_database(pg_server)
    dbname = url.rsplit("/", 1)[1]
    admin = pg_server.admin()
    admin.cursor().execute(f'ALTER DATABASE "{dbname}" SET deadlock_timeout = 50')
    other = psycopg2.connect(url)
    try:
        with MemoryStore(url) as store:
            store.set("b", "k0002", "moved")
            assert store.flush(30)
            cur = other.cursor()
            cur.execute("SET deadlock_timeout = '60s'")  # the rename's backend looks first
            cur.execute("INSERT INTO bot_memories (id, bot_id, key, value, created_at, "
                        "updated_at) SELECT gen_random_uuid(), bot_id, 'k0001', 'theirs', "
                        "now(), now() FROM bot_memories WHERE key = 'k0002'")
            outcome: list[BaseException | None] = []

            def rename() -> None:
                try:
                    store.rename("b", "k0002", "k0001", overwrite=overwrite)
                    outcome.append(None)
                except Exception as exc:  # noqa: BLE001 - the test looks at it below
                    outcome.append(exc)

            renaming = threading.Thread(target=rename)
            renaming.start()
            running_backend(pg_server, dbname, waiting_on="Lock")
            cur.execute("UPDATE bot_memories SET value = 'gb' WHERE key = 'k0002'")
            if inserter_commits:
                other.commit()
            else:
                other.rollback()
            renaming.join(30)
            values = {e.key: e.value for e in store.list("b")}
    finally:
        other.close()
        admin.cursor().execute(f'ALTER DATABASE "{dbname}" RESET deadlock_timeout')
        admin.close()
    if inserter_commits:
        wanted = ChangedMeanwhile if overwrite else ValueError
        assert type(outcome[0]) is wanted, outcome
        assert ("meanwhile" if overwrite else "already exists") in str(outcome[0])
        assert values == {"k0000": "", "k0001": "theirs", "k0002": "gb"}
    else:
        assert outcome == [None]
        assert values == {"k0000": "", "k0001": "moved"}


RENAMES = textwrap.dedent(
    """
    import sys
    from app.memory.store import ChangeState, DatabaseError, MemoryStore

    url, rounds, who = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = MemoryStore(url)
    errors = []
    store.subscribe(lambda c: errors.append(c.error) if c.state is ChangeState.FAILED else None)
    sys.stdin.readline()  # both start together
    for r in range(rounds):
        try:
            if who == "A":  # renames onto a key B keeps inserting, and back
                for old, new in (("k0002", "k0001"), ("k0001", "k0002")):
                    try:
                        store.rename("b", old, new)
                    except (KeyError, ValueError):
                        pass  # B took the name first, or deleted the key
            else:  # one batch: k0001 (inserted), then k0002 (held by A's rename)
                store.set("b", "k0001", f"B{r}")
                store.set("b", "k0002", f"B{r}")
                store.flush(60)
                store.delete("b", ["k0001"])
        except DatabaseError as exc:
            errors.append(str(exc))
    store.close(60)
    print(len(errors), errors[:1])
    """
)


def race_renames(pg_server: PgServer, rounds: int) -> list[str]:
    """The outputs of :data:`RENAMES` racing ``rounds`` rounds, PostgreSQL looking for
    deadlocks after 20 ms (not 1 s) of waiting."""
    url = race_database(pg_server)
    dbname = url.rsplit("/", 1)[1]
    admin = pg_server.admin()
    try:
        admin.cursor().execute(f'ALTER DATABASE "{dbname}" SET deadlock_timeout = 20')
        return race(RENAMES, url, str(rounds))
    finally:
        admin.cursor().execute(f'ALTER DATABASE "{dbname}" RESET deadlock_timeout')
        admin.close()


def test_renames_onto_keys_another_process_inserts_never_fail(pg_server: PgServer) -> None:
    """Process A renames k0002 to k0001 (and back) while process B's batches insert k0001 and
    then write k0002. PostgreSQL breaks each deadlock by failing one side, and a k0001 B
    committed while A's rename waited for it failed the rename as a duplicate key. Before,
    in three races, 31 to 38 of A's 600 renames failed ("deadlock detected" or "duplicate key
    value violates unique constraint") and B reported 46 to 49 FAILED writes ("deadlock
    detected"); now either side tries its transaction again, and the rename finds k0001
    taken (ValueError) when it was committed first."""
    assert race_renames(pg_server, 300) == ["0 []\n"] * 2
