"""$TALKBENCH_LOCK_TIMEOUT means the same on both databases: how long a write blocked by another
program's lock waits before it fails; 0 fails at once (PostgreSQL would read its own
``lock_timeout = 0`` as "wait forever"). The write stays queued and lands once the lock is gone."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from app.memory.store import MemoryStore

from ..db.bounded_calls import Caller


@pytest.mark.parametrize("seconds", ["0", "1"])
def test_a_blocked_write_fails_after_the_configured_lock_wait(
    db_url: str, write_blocker: Callable[[str], AbstractContextManager[None]],
    monkeypatch: pytest.MonkeyPatch, seconds: str,
) -> None:
    monkeypatch.setenv("TALKBENCH_LOCK_TIMEOUT", seconds)
    call = Caller()
    store = call(lambda: MemoryStore(db_url, retry_max_delay=0.2), within=30)[0]
    try:
        store.set("b", "k", "0")
        assert store.flush(30)
        with write_blocker(db_url):
            store.set("b", "k", "1")
            landed, _, took = call(lambda: store.flush(60), within=20)
            assert landed is False and "lock" in (store.last_error or ""), store.last_error
            assert float(seconds) * 0.9 <= took < float(seconds) + 2
            assert store.pending_count() == 1
        assert call(lambda: store.flush(30), within=40)[0] is True
        with MemoryStore(db_url) as other:  # a connection of its own: in the database
            assert other.value("b", "k") == "1"
    finally:
        call(lambda: store.close(30), within=40)
