"""A memory store for tests of servers that stop answering: made on a :class:`Caller`'s
thread, so a call that never returns fails the test instead of hanging it."""

from __future__ import annotations

import peewee

from app.memory.store import MemoryChange, MemoryStore

from ..db.bounded_calls import Caller


def bounded_store(db: peewee.Database) -> tuple[Caller, MemoryStore, list[MemoryChange]]:
    """The caller, a store on ``db`` (retrying every 0.2 s at most) whose events are
    collected in the list, and ``k`` = ``1`` landed in bot ``b``."""
    call = Caller()
    store = call(lambda: MemoryStore(database=db, retry_max_delay=0.2), within=30)[0]
    changes: list[MemoryChange] = []
    store.subscribe(changes.append)
    store.set("b", "k", "1")
    assert store.flush(30)
    return call, store, changes
