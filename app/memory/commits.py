"""Commit barriers: a run waiting until its memory writes are in the database.

The runtime awaits a barrier before anything outside the process can observe it (see
``interpreter.ports.host.CommitBarrier``). A barrier waits for every write queued before it; the
writer thread resolves it after the transaction that covers it, with the writes of the
waiting run that failed. Writes the database refuses for good are kept here, per run, until
that run's next barrier reports them. Every method is called with the writer's lock held.
"""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass

from interpreter.ports.host import FailedWrite, WriteSource

MAX_REFUSED_PER_RUN = 100  # a run that never reaches a barrier must not grow this forever

Waiter = cf.Future  # resolves to tuple[FailedWrite, ...]


@dataclass(frozen=True)
class _Barrier:
    target: int  # the write sequence number it waits for
    future: Waiter
    run_id: str


class CommitWaiters:
    """Barriers waiting on the writer thread, and refused writes not yet reported."""

    def __init__(self) -> None:
        self._barriers: list[_Barrier] = []
        self._refused: dict[str, list[FailedWrite]] = {}

    def __bool__(self) -> bool:
        return bool(self._barriers)

    def has_refused(self, run_id: str) -> bool:
        return run_id in self._refused

    def add(self, target: int, run_id: str) -> Waiter:
        """A future resolved once every write up to ``target`` was attempted."""
        future: Waiter = cf.Future()
        self._barriers.append(_Barrier(target, future, run_id))
        return future

    def take_refused(self, run_id: str) -> tuple[FailedWrite, ...]:
        return tuple(self._refused.pop(run_id, ()))

    def refuse(self, key: str, message: str, source: WriteSource | None) -> None:
        """Remember a write refused for good, for the barrier of the run that made it."""
        if source is None or not source.run_id:
            return  # hand edits and imports see the REFUSED event instead
        refused = self._refused.setdefault(source.run_id, [])
        if len(refused) < MAX_REFUSED_PER_RUN:
            refused.append(FailedWrite(key, message, source, final=True))

    def landed(self, done_seq: int) -> None:
        """Writes up to ``done_seq`` are committed (or refused): release those barriers."""
        self._release(done_seq, None)

    def failed(self, upto: int, failures: tuple[FailedWrite, ...]) -> None:
        """An attempt to write everything up to ``upto`` failed; the writes stay queued."""
        self._release(upto, failures)

    def abandon(self, message: str) -> None:
        """The writer stopped: no barrier may wait forever."""
        self._release(None, (FailedWrite("", message, None, final=False),))

    def _release(self, upto: int | None, failures: tuple[FailedWrite, ...] | None) -> None:
        waiting = []
        for barrier in self._barriers:
            if upto is not None and barrier.target > upto:
                waiting.append(barrier)
                continue
            if failures is None:
                result = self.take_refused(barrier.run_id)
            else:  # the run's own failed writes first: its error names its own line
                own = [f for f in failures if f.source and f.source.run_id == barrier.run_id]
                result = tuple(own) or failures[:1]
            if barrier.future.set_running_or_notify_cancel():
                barrier.future.set_result(result)
        self._barriers = waiting
