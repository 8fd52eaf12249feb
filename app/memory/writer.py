"""The memory store's write queue and the background thread that lands it.

``enqueue`` only records the write (a few µs) and sends PENDING; the writer thread lands the
queue in batched transactions and sends LANDED, or FAILED once per write before retrying
with backoff. Every event is put in order with ``cond`` held, so all subscribers see one order
(a key's PENDING before its LANDED), and delivered with it released
(:mod:`app.memory.delivery`); :mod:`app.memory.store` tells which thread sends which.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable
from typing import Any

from interpreter.ports.host import FailedWrite, WriteSource

from ..db.database import DatabaseError, error_message, reset_connection
from .changes import ChangeState, MemoryChange, fast_change, held_change
from .commits import CommitWaiters
from .delivery import OrderedDelivery
from .observers import Subscribers
from .sql import Held, MemorySql, Pending, is_refusal

# The store's name: its log records keep the logger that filters and settings already name.
log = logging.getLogger("app.memory.store")


_PENDING = ChangeState.PENDING
_LANDED = ChangeState.LANDED


class MemoryWriter:
    """Queued writes of every bot of one store and the thread that lands them.

    ``cond`` guards the queue and orders the events (``delivery`` sends them with it
    released); ``write_lock`` allows one write transaction at a time (hand edits take it to
    land the queue first).
    """

    def __init__(
        self,
        sql: MemorySql,
        *,
        linger: float,
        max_linger: float,
        retry_delay: float,
        retry_max_delay: float,
        owner: object,
    ) -> None:
        self._sql = sql
        self._linger = linger
        self._max_linger = max_linger
        self._retry_delay = retry_delay
        self._retry_max_delay = retry_max_delay
        # The running thread reaches the owning store through this, as it did when the store
        # was the thread's target: an unclosed store stays alive for the exit hook to flush.
        self._owner = owner

        self.cond = threading.Condition(threading.RLock())  # RLock: see flush()
        self.write_lock = threading.RLock()  # one write transaction at a time
        self._queued: dict[tuple[str, str], Pending] = {}
        self._inflight: dict[tuple[str, str], Pending] = {}
        self._reported_failed: set[tuple[str, str]] = set()
        self.subscribers: Subscribers[MemoryChange] = Subscribers(self.cond, log, "memory change")
        self.delivery = OrderedDelivery(self.cond, self.subscribers)
        self._seq = 0  # number of writes queued so far
        self._done_seq = 0  # every write up to this one has landed
        self._failed_upto = 0
        self._fail_count = 0
        self._last_error: str | None = None
        self._urgent = 0  # flush() callers waiting: skip linger and backoff
        self._commits = CommitWaiters()  # barriers waiting: skip linger too
        self._idle = False  # writer waits for work: set() must notify
        self._closing = False
        self._stop = False

        self._thread = threading.Thread(
            target=self._run, name="talkbench-memory-writer", daemon=True
        )
        self._thread.start()

    @property
    def last_error(self) -> str | None:
        """The error of the last failed write attempt, ``None`` once writes land again."""
        return self._last_error

    @property
    def failed_attempts(self) -> int:
        """How many write attempts have failed so far (each is retried)."""
        return self._fail_count

    def pending_count(self) -> int:
        """Writes queued or being written, not yet landed."""
        with self.cond:
            return len(self._queued.keys() | self._inflight.keys())

    def pending_for(self, bot: str) -> dict[str, Pending]:
        """``{key: pending}`` of ``bot``, the newest queued value of each key."""
        with self.cond:
            out = {k: p for (b, k), p in self._inflight.items() if b == bot}
            out.update((k, p) for (b, k), p in self._queued.items() if b == bot)
        return out

    def queued_value(self, bot: str, key: str) -> Pending | None:
        """The newest queued or in-flight write of ``key``, ``None`` when there is none."""
        with self.cond:
            return self._queued.get((bot, key)) or self._inflight.get((bot, key))

    def pending_bots(self) -> set[str]:
        """Bots with writes queued or being written."""
        with self.cond:
            names = {b for b, _ in self._queued}
            names.update(b for b, _ in self._inflight)
        return names

    # -- hot path ------------------------------------------------------------------------

    def enqueue(self, bot: str, key: str, value: str, source: WriteSource | None) -> None:
        """Queue a write and send PENDING; RuntimeError once the store is closing."""
        if type(key) is not str or type(value) is not str:
            raise TypeError("memory keys and values must be str (callers convert)")
        if "\x00" in key or "\x00" in value:
            raise ValueError("memory keys and values cannot contain NUL characters")
        if not (key.isascii() and value.isascii() and bot.isascii()):
            check_encodable(key, value, bot)  # a bot name from argv may hold one too
        k = (bot, key)
        deliver = None
        with self.cond:
            if self._closing:
                raise RuntimeError("the memory store is closed")
            prev = self._queued.get(k)
            self._queued[k] = (value, source, time.time())
            self._seq += 1
            if self.subscribers.callbacks:
                self._reported_failed.discard(k)
                if prev is None:
                    prev = self._inflight.get(k)
                old = prev[0] if prev is not None else None
                self.delivery.post(fast_change(bot, key, old, value, source, _PENDING))
                # The turn taken (the writer reporting a batch): it sends this one next.
                deliver = self.delivery.try_claim()
            elif self._reported_failed:
                self._reported_failed.discard(k)
            if self._idle:
                self.cond.notify()
        if deliver is not None:
            self.delivery.drain(deliver)

    def report(self, changes: list[MemoryChange]) -> None:
        """Send hand edits' events (``write_lock`` held) in order with the other events,
        before returning."""
        if not changes or not self.subscribers.callbacks:
            return
        deliver = self.delivery.claim()
        with self.cond:
            for change in changes:
                self.delivery.post(change)
        if deliver:
            self.delivery.drain()

    # -- waiting and stopping ------------------------------------------------------------

    def commit_barrier(self, run_id: str) -> Awaitable[tuple[FailedWrite, ...]] | None:
        """The commit barrier (``interpreter.ports.host.CommitBarrier``) for a coroutine on a
        running event loop: ``None`` when everything queued so far has landed."""
        # Unlocked fast path: this thread's own writes were counted in _seq before this call.
        if self._done_seq >= self._seq and not self._commits.has_refused(run_id):
            return None
        with self.cond:
            if self._done_seq >= self._seq:
                return _resolved(self._commits.take_refused(run_id))
            if not self._thread.is_alive() or self._stop:
                return _resolved((FailedWrite("", "the memory store is closed", None, False),))
            future = self._commits.add(self._seq, run_id)
            self.cond.notify_all()
        return asyncio.wrap_future(future)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far has landed (True) or an attempt to write
        them failed or ``timeout`` passed (False; the writes stay queued and are retried).

        Safe to call from signal-handler follow-up code (the lock is re-entrant) and at exit.
        Called from a subscriber callback on the writer thread it cannot wait for itself and
        only reports whether nothing is pending.
        """
        if threading.current_thread() is self._thread:
            with self.cond:
                return not self._queued and not self._inflight
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            target = self._seq
            fails_before = self._fail_count
            if self._done_seq >= target:
                return True
            self._urgent += 1
            self.cond.notify_all()
            try:
                while True:
                    if self._done_seq >= target:
                        return True
                    if self._fail_count > fails_before and self._failed_upto >= target:
                        return False
                    if not self._thread.is_alive():
                        return False
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self.cond.wait(remaining)
            finally:
                self._urgent -= 1

    def close(self, timeout: float | None) -> tuple[bool, bool]:
        """Refuse new writes, flush (up to ``timeout``) and stop the thread.

        Returns ``(first, landed)``: ``first`` is False when an earlier call already stopped
        the writer, and ``landed`` is then whether nothing is pending.
        """
        with self.cond:
            if self._stop:
                return False, not self._queued and not self._inflight
            self._closing = True
        landed = self.flush(timeout)
        with self.cond:
            self._stop = True
            self.cond.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=max(timeout or 0.0, 1.0))
        with self.cond:
            self._commits.abandon(self._last_error or "the memory store was closed")
        return True, landed

    def drain(self) -> None:
        """Land all queued writes now (hand edits must see them); DatabaseError if it fails."""
        with self.write_lock:
            if not self._write_step():
                raise DatabaseError(self._last_error or "memory writes failed")

    # -- writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            # This thread's connection closes with the store: a store switched away from must
            # leave no connection (and no lock) behind in the process.
            reset_connection(self._sql.db)

    def _loop(self) -> None:
        backoff = 0.0
        while True:
            with self.cond:
                while not self._queued and not self._stop:
                    self._idle = True
                    self.cond.wait()
                    self._idle = False
                if self._stop:
                    return
                if backoff:
                    self._wait_unless_urgent(backoff)
                elif self._linger:
                    deadline = time.monotonic() + self._max_linger
                    while True:
                        seen = self._seq
                        if self._wait_unless_urgent(self._linger) or self._seq == seen:
                            break
                        if time.monotonic() >= deadline:
                            break
                if self._stop:
                    return
            if self._write_step():
                backoff = 0.0
            else:
                backoff = min(max(backoff * 2, self._retry_delay), self._retry_max_delay)

    def _wait_unless_urgent(self, delay: float) -> bool:
        """Sleep ``delay`` (lock released) unless flush/close is waiting; True if cut short."""
        return self.cond.wait_for(
            lambda: bool(self._urgent or self._commits or self._closing or self._stop),
            timeout=delay
        )

    def _write_step(self) -> bool:
        """Write everything queued in one transaction; False (writes re-queued) on failure."""
        with self.write_lock:
            with self.cond:
                batch = self._queued
                if not batch:
                    return True
                self._queued = {}
                self._inflight = batch
                upto = self._seq
            refused: dict[tuple[str, str], str] = {}
            try:
                try:
                    held = self._sql.retrying(lambda: self._sql.write_batch(batch))
                except Exception as exc:  # sorted out just below: refusals are handled here
                    if not is_refusal(exc):
                        raise
                    # Some write is refused for good: land the others, drop only those.
                    self._sql.bot_ids.clear()  # bot rows of the rolled-back batch
                    refused, held = self._sql.retrying(lambda: self._sql.write_each(batch))
            except Exception as exc:  # noqa: BLE001 - whatever it is, keep the writes
                reset_connection(self._sql.db)
                self._sql.bot_ids.clear()  # a rolled-back bot row must not stay cached
                self._failed(batch, upto, error_message(exc))
                return False
            self._landed(batch, upto, refused, held)
            return True

    def _failed(self, batch: dict[tuple[str, str], Pending], upto: int, msg: str) -> None:
        """Re-queue a batch whose transaction failed and report it (``write_lock`` held).

        The events are delivered before flush() and barriers learn of the failure, as when
        they were sent under the lock: whoever waited sees them on waking."""
        deliver = self.delivery.claim()
        with self.cond:
            for k, p in batch.items():
                # A newer value queued meanwhile wins over the failed one.
                self._queued.setdefault(k, p)
            self._inflight = {}
            if self._last_error is None:
                log.warning("memory writes failed, will retry: %s", msg)
            if self.subscribers.callbacks:
                for k, (value, source, _) in batch.items():
                    if k not in self._reported_failed:
                        self._reported_failed.add(k)
                        self.delivery.post(MemoryChange(
                            k[0], k[1], None, value, source, ChangeState.FAILED, error=msg))
        if deliver:
            self.delivery.drain()
        with self.cond:
            self._failed_upto = upto
            self._fail_count += 1
            self._last_error = msg
            self._commits.failed(upto, _failures(batch, msg))
            self.cond.notify_all()

    def _landed(self, batch: dict[tuple[str, str], Pending], upto: int,
                refused: dict[tuple[str, str], str], held: Held) -> None:
        """Report a committed batch (``write_lock`` held): LANDED per write (with the value
        the database holds, ``held``, where a trigger changed it), REFUSED for those
        dropped; then wake flush() and barriers.

        The events are delivered with ``cond`` released (a SET meanwhile queues its PENDING
        behind them and returns); flush() and barriers are told after, so whoever waited for
        the writes to land also finds them reported."""
        deliver = self.delivery.claim()
        # Made before taking the lock: a SET waits for nothing but the bookkeeping below.
        landed = [fast_change(k[0], k[1], None, value, source, _LANDED)
                  for k, (value, source, _) in batch.items()
                  if k not in refused] if self.subscribers.callbacks else []
        if held and landed:
            landed = [c if (c.bot, c.key) not in held else
                      held_change(c, held[(c.bot, c.key)]) for c in landed]
        with self.cond:
            self._inflight = {}
            for k, reason in refused.items():
                self._refuse(k, batch.pop(k), reason)
            if self.subscribers.callbacks:
                if self._reported_failed:
                    discard = self._reported_failed.discard
                    for k in batch:
                        discard(k)
                self.delivery.post_all(landed)
            else:
                self._reported_failed.clear()
        if deliver:
            self.delivery.drain()
        with self.cond:
            self._done_seq = upto
            self._commits.landed(upto)
            if self._last_error is not None:
                log.info("memory writes land again")
            self._last_error = None
            self.cond.notify_all()


    def _refuse(self, k: tuple[str, str], pending: Pending, reason: str) -> None:
        """Drop a write the database refuses for good, and say so (lock held)."""
        value, source, _ = pending
        log.warning("memory write of %r refused: %s", k[1], reason)
        self._commits.refuse(k[1], reason, source)
        self._reported_failed.discard(k)
        if self.subscribers.callbacks:
            self.delivery.post(
                MemoryChange(k[0], k[1], None, value, source, ChangeState.REFUSED, error=reason)
            )


async def _resolved(failed: tuple[FailedWrite, ...]) -> tuple[FailedWrite, ...]:
    return failed


def _failures(batch: dict[tuple[str, str], Pending], message: str) -> tuple[FailedWrite, ...]:
    """The failed writes a barrier can report (a few per run are enough to name a line)."""
    out: list[FailedWrite] = []
    runs: dict[str, int] = {}
    for (_, key), (_, source, _) in batch.items():
        run = source.run_id if source is not None else ""
        if runs.get(run, 0) < 3:
            runs[run] = runs.get(run, 0) + 1
            out.append(FailedWrite(key, message, source, final=False))
    return tuple(out)


def check_text(text: Any, what: str) -> None:
    """TypeError/ValueError unless ``text`` can be stored as a memory key or value."""
    if not isinstance(text, str):
        raise TypeError(f"memory {what} must be str")
    if "\x00" in text:
        raise ValueError(f"memory {what} cannot contain NUL characters")
    if not text.isascii():
        check_encodable(text)


def check_encodable(*texts: str) -> None:
    """ValueError if a text holds a lone surrogate (no database can store it)."""
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                "memory keys, values and bot names must be valid Unicode (lone surrogate found)"
            ) from None
