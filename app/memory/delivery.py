"""Sends the memory store's change events in one order, with the store's lock released.

The events are put in order under the store's lock (``post``), and delivered outside it by
whichever thread holds the delivery turn (``claim``/``try_claim``, then ``drain``): the
writer reporting a batch of thousands of landed writes used to call every subscriber with
the lock held, and a ``SET`` on the GUI thread waited 20-50 ms for it. Now a ``SET`` that
finds the turn taken only queues its PENDING event (the thread delivering sends it next, in
order) and returns; a subscriber that blocks holds up only the thread delivering to it.
What is delivered together reaches a subscriber with a batch form in one call
(``Subscribers.emit_all``).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

from .observers import Subscribers

E = TypeVar("E")


class OrderedDelivery(Generic[E]):
    """Events posted under ``lock`` reach ``subscribers`` in that order, from one thread at a
    time and never with ``lock`` held.

    A thread posts with ``lock`` held; one that holds the turn calls ``drain`` after
    releasing ``lock``, which delivers everything posted until then (its own events and those
    of threads that found the turn taken) and gives the turn back. The turn is taken at most
    once per thread: a subscriber that posts again (a ``SET`` from a callback) is delivered by
    the ``drain`` already running.
    """

    __slots__ = ("_lock", "_owner", "_queue", "_subscribers", "_turn")

    def __init__(self, lock: threading.Condition, subscribers: Subscribers[E]) -> None:
        self._lock = lock
        self._subscribers = subscribers
        self._queue: deque[E] = deque()
        self._turn = threading.Lock()
        self._owner: int | None = None  # thread id holding the turn

    def post(self, event: E) -> None:
        """Queue ``event`` (``lock`` held): its place in the order is now fixed."""
        self._queue.append(event)

    def post_all(self, events: list[E]) -> None:
        """``post`` each of ``events``, in order."""
        self._queue.extend(events)

    def try_claim(self) -> list[E] | None:
        """Take the turn if it is free (``lock`` held: never waits), with everything queued:
        the caller must ``drain`` that after releasing ``lock``. ``None``: the thread
        holding the turn delivers what is queued."""
        if not self._turn.acquire(False):
            return None
        self._owner = threading.get_ident()
        batch = list(self._queue)
        self._queue.clear()
        return batch

    def claim(self) -> bool:
        """Wait for the turn (``lock`` NOT held); False when this thread holds it already (a
        callback posting: the running ``drain`` delivers)."""
        if self._owner == threading.get_ident():
            return False
        self._turn.acquire()
        self._owner = threading.get_ident()
        return True

    def drain(self, batch: list[E] | None = None) -> None:
        """Deliver ``batch``, then every queued event, then give the turn back (called by
        the holder, ``lock`` NOT held).

        The turn is given back before a last look at the queue: an event posted before that
        look is delivered here (or by whoever took the turn meanwhile), and one posted after
        it finds the turn free, so its poster delivers it."""
        queue = self._queue
        emit_all = self._subscribers.emit_all
        try:
            while True:
                if batch:
                    emit_all(batch)
                while queue:
                    with self._lock:
                        batch = list(queue)
                        queue.clear()
                    emit_all(batch)
                self._release()
                if not queue:
                    return
                with self._lock:
                    taken = self.try_claim()
                if taken is None:
                    return
                batch = taken
        except BaseException:
            if self._owner == threading.get_ident():
                self._release()
            raise

    def _release(self) -> None:
        self._owner = None
        self._turn.release()
