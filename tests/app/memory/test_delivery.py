"""The store's events are delivered with its lock released, in one order
(:mod:`app.memory.delivery`): a subscriber that blocks while the writer reports landed writes
must not hold up a ``set`` on another thread (the IDE's GUI thread runs the dialog's SETs)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.db.models import MEMORIES_TABLE
from app.memory.delivery import OrderedDelivery
from app.memory.observers import Subscribers
from app.memory.store import ChangeState, MemoryChange, MemoryStore

# Generous: only reached when the behaviour is broken (a deadlock), never a speed check.
STUCK = 20.0


@pytest.fixture
def store(tmp_path: Path):
    s = MemoryStore(sqlite_url(tmp_path / "memory.sqlite3"))
    yield s
    s.close()


class BlockOnLanded:
    """Blocks the thread delivering the first LANDED of ``key`` until released."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.entered = threading.Event()
        self.release = threading.Event()
        self.seen: list[tuple[ChangeState, str, str | None, int]] = []

    def __call__(self, change: MemoryChange) -> None:
        self.seen.append((change.state, change.key, change.new, threading.get_ident()))
        if change.state is ChangeState.LANDED and change.key == self.key \
                and not self.entered.is_set():
            self.entered.set()
            self.release.wait(STUCK)


def test_set_returns_while_a_subscriber_blocks_the_writers_report(store: MemoryStore) -> None:
    sub = BlockOnLanded("k")
    store.subscribe(sub)
    bot = store.bot("b")
    bot.set("k", "one")
    assert sub.entered.wait(STUCK), "the writer never reported the landed write"
    returned = threading.Event()

    def second_set() -> None:
        bot.set("k", "two")
        bot.set("other", "x")
        returned.set()

    setter = threading.Thread(target=second_set)
    setter.start()
    try:
        assert returned.wait(STUCK), "set() waited for a subscriber the writer was calling"
        assert bot.get("k") == "two"  # read-your-writes while the report is still blocked
    finally:
        sub.release.set()
        setter.join(STUCK)
    assert store.flush(STUCK)
    states = [(state, key, new) for state, key, new, _ in sub.seen]
    assert states == [
        (ChangeState.PENDING, "k", "one"),
        (ChangeState.LANDED, "k", "one"),
        (ChangeState.PENDING, "k", "two"),  # queued behind the blocked report, in order
        (ChangeState.PENDING, "other", "x"),
        (ChangeState.LANDED, "k", "two"),
        (ChangeState.LANDED, "other", "x"),
    ]
    writer_thread = sub.seen[1][3]
    assert sub.seen[2][3] == writer_thread  # the writer sent the PENDING it had queued


def test_store_lock_is_free_while_subscribers_are_called(store: MemoryStore) -> None:
    free: list[bool] = []

    def probe(change: MemoryChange) -> None:
        if change.state is ChangeState.LANDED:
            # Another thread's try: the lock is re-entrant, so this thread's would succeed.
            other = threading.Thread(target=lambda: free.append(_free(store)))
            other.start()
            other.join(STUCK)

    store.subscribe(probe)
    store.bot("b").set("k", "v")
    assert store.flush(STUCK)
    assert free == [True]


def _free(store: MemoryStore) -> bool:
    cond = store._writer.cond
    if cond.acquire(blocking=False):
        cond.release()
        return True
    return False


def test_flush_returns_after_the_landed_events_are_delivered(store: MemoryStore) -> None:
    seen: list[ChangeState] = []
    store.subscribe(lambda change: seen.append(change.state))
    for i in range(500):
        store.bot("b").set(f"k{i}", "v")
    assert store.flush(STUCK)
    assert seen.count(ChangeState.LANDED) == 500


def test_a_callback_that_sets_and_deletes_is_delivered_in_order(store: MemoryStore) -> None:
    seen: list[tuple[ChangeState, str]] = []
    bot = store.bot("b")

    def echo(change: MemoryChange) -> None:
        seen.append((change.state, change.key))
        if change.state is ChangeState.LANDED and change.key == "k":
            bot.set("echo", "1")  # from the writer thread, while it delivers

    store.subscribe(echo)
    bot.set("k", "v")
    assert store.flush(STUCK)
    assert store.flush(STUCK)  # the echo, queued during the first report
    assert store.delete("b", ["echo"]) == 1
    assert seen == [
        (ChangeState.PENDING, "k"),
        (ChangeState.LANDED, "k"),
        (ChangeState.PENDING, "echo"),
        (ChangeState.LANDED, "echo"),
        (ChangeState.DELETED, "echo"),
    ]


def test_delivery_keeps_the_posting_order_across_threads() -> None:
    lock = threading.Condition(threading.RLock())
    subs: Subscribers[str] = Subscribers(lock, logging.getLogger("t"), "t")
    delivery = OrderedDelivery(lock, subs)
    inside = threading.Event()
    go_on = threading.Event()
    seen: list[tuple[str, int]] = []

    def callback(event: str) -> None:
        seen.append((event, threading.get_ident()))
        if event == "first":
            inside.set()
            go_on.wait(STUCK)

    subs.subscribe(callback)

    def holder() -> None:
        assert delivery.claim()
        with lock:
            delivery.post("first")
        delivery.drain()

    t = threading.Thread(target=holder)
    t.start()
    assert inside.wait(STUCK)
    with lock:
        delivery.post("second")
        assert delivery.try_claim() is None  # the holder sends it
    go_on.set()
    t.join(STUCK)
    assert [e for e, _ in seen] == ["first", "second"]
    assert seen[0][1] == seen[1][1] == t.ident
    with lock:  # the turn was given back
        delivery.post("third")
        taken = delivery.try_claim()
    assert taken == ["third"]
    delivery.drain(taken)
    assert seen[-1] == ("third", threading.get_ident())


def test_every_event_is_delivered_once_in_posting_order_under_contention() -> None:
    lock = threading.Condition(threading.RLock())
    subs: Subscribers[tuple[str, int]] = Subscribers(lock, logging.getLogger("t"), "t")
    delivery = OrderedDelivery(lock, subs)
    posted: list[tuple[str, int]] = []
    delivered: list[tuple[str, int]] = []
    subs.subscribe(delivered.append)  # one thread at a time delivers: no lock needed

    def setter(name: str) -> None:  # as MemoryWriter.enqueue
        for i in range(2000):
            with lock:
                posted.append((name, i))
                delivery.post((name, i))
                taken = delivery.try_claim()
            if taken is not None:
                delivery.drain(taken)

    def reporter() -> None:  # as the writer reporting batches
        for b in range(100):
            delivery.claim()
            with lock:
                batch = [("writer", b * 20 + j) for j in range(20)]
                posted.extend(batch)
                delivery.post_all(batch)
            delivery.drain()

    threads = [threading.Thread(target=setter, args=(f"s{n}",)) for n in range(3)]
    threads.append(threading.Thread(target=reporter))
    for t in threads:
        t.start()
    for t in threads:
        t.join(STUCK)
    assert delivered == posted
    assert len(delivered) == 3 * 2000 + 100 * 20


def committed_keys(path: Path) -> set[str]:
    """The keys a separate connection sees: only committed rows."""
    with closing(sqlite3.connect(path)) as db:
        return {key for (key,) in db.execute(f"SELECT key FROM {MEMORIES_TABLE}")}


def test_a_landed_batch_reaches_a_batch_subscriber_in_one_call_in_order(tmp_path: Path) -> None:
    # Long linger: the writes below land in one transaction, when flush() asks for them.
    path = tmp_path / "memory.sqlite3"
    store = MemoryStore(sqlite_url(path), linger=30.0, max_linger=60.0)
    one: list[tuple[ChangeState, str]] = []
    calls: list[list[tuple[ChangeState, str]]] = []
    committed_at_call: list[set[str]] = []

    def batch(changes: list[MemoryChange]) -> None:
        calls.append([(c.state, c.key) for c in changes])
        committed_at_call.append(committed_keys(path))

    store.subscribe(lambda c: one.append((c.state, c.key)), batch)
    keys = [f"k{i:03}" for i in range(300)]
    try:
        for key in keys:
            store.bot("b").set(key, "v")
        assert store.flush(STUCK)
        # flush() woke after the batch was delivered, in one call, in the order of the SETs
        assert calls == [[(ChangeState.LANDED, key) for key in keys]]
        assert committed_at_call[0] >= set(keys)  # LANDED only after the commit
        # each SET's PENDING came alone, through the one-event form
        assert one == [(ChangeState.PENDING, key) for key in keys]
    finally:
        store.close()


def test_emit_all_sends_in_order_and_a_failing_batch_form_stops_no_one(caplog) -> None:
    subs: Subscribers[int] = Subscribers(threading.Lock(), logging.getLogger("t"), "number")
    per_event: list[int] = []
    batches: list[list[int]] = []

    def broken(events: list[int]) -> None:
        raise RuntimeError("broken view")

    subs.subscribe(lambda e: None, broken)
    subs.subscribe(per_event.append)
    undo = subs.subscribe(lambda e: batches.append([e]), lambda es: batches.append(list(es)))
    subs.emit_all([1, 2, 3])
    subs.emit_all([4])  # one event: the one-event form
    undo()
    subs.emit_all([5, 6])
    assert per_event == [1, 2, 3, 4, 5, 6]
    assert batches == [[1, 2, 3], [4]]
    assert "number subscriber failed" in caplog.text
