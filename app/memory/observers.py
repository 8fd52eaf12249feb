"""The subscriber list of one event source (memory store, user memory, outside watcher).

``subscribe`` returns the function that undoes it; ``emit`` calls every callback and logs,
never raises, a failing one, so a broken view cannot stop writes or the other subscribers.
``emit_all`` sends several events in order: a subscriber that gave a batch form gets them
in one call (the memory store's writer reports ~1,000 landed writes at a time, and a
Python call per write per subscriber held the GIL ~3.4 ms a batch, which the GUI thread,
running the dialog, waited for).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")

# A subscriber's batch form: the events sent at once, oldest first.
Batch = Callable[[list[E]], None]


class Subscribers(Generic[E]):
    """Callbacks taking one event. ``callbacks`` is an immutable tuple, replaced under
    ``lock`` on (un)subscribe, so ``emit`` and hot-path ``if subs.callbacks:`` checks need
    no lock of their own; ``_batches`` (the batch form of each, or ``None``) is replaced
    with it."""

    __slots__ = ("_batches", "_lock", "_log", "_what", "callbacks")

    def __init__(self, lock: threading.Lock | threading.RLock | threading.Condition,
                 log: logging.Logger, what: str) -> None:
        self._lock = lock
        self._log = log
        self._what = what  # names the source in the failure message
        self.callbacks: tuple[Callable[[E], None], ...] = ()
        self._batches: tuple[tuple[Callable[[E], None], Batch[E] | None], ...] = ()

    def subscribe(self, callback: Callable[[E], None],
                  batch: Batch[E] | None = None) -> Callable[[], None]:
        """``callback(event)`` per event; with ``batch``, ``batch(events)`` (a list, in order,
        not to be modified) instead whenever several are sent at once."""
        entry = (callback, batch)
        with self._lock:
            self._batches = self._batches + (entry,)
            self.callbacks = tuple(one for one, _ in self._batches)

        def unsubscribe() -> None:
            with self._lock:
                subs = list(self._batches)
                if entry in subs:
                    subs.remove(entry)
                self._batches = tuple(subs)
                self.callbacks = tuple(one for one, _ in subs)

        return unsubscribe

    def emit(self, event: E) -> None:
        for callback in self.callbacks:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - logged; see the module docstring
                self._log.exception("%s subscriber failed", self._what)

    def emit_all(self, events: list[E]) -> None:
        """Send ``events`` in order: in one call to a subscriber with a batch form, one call
        per event to the others."""
        if len(events) < 2:
            for event in events:
                self.emit(event)
            return
        for callback, batch in self._batches:
            if batch is not None:
                try:
                    batch(events)
                except Exception:  # noqa: BLE001 - logged; see the module docstring
                    self._log.exception("%s subscriber failed", self._what)
                continue
            for event in events:
                try:
                    callback(event)
                except Exception:  # noqa: BLE001 - logged; see the module docstring
                    self._log.exception("%s subscriber failed", self._what)
