"""The subscriber list of one event source (memory store, user memory, outside watcher).

``subscribe`` returns the function that undoes it; ``emit`` calls every callback and logs,
never raises, a failing one, so a broken view cannot stop writes or the other subscribers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")


class Subscribers(Generic[E]):
    """Callbacks taking one event. ``callbacks`` is an immutable tuple, replaced under
    ``lock`` on (un)subscribe, so ``emit`` and hot-path ``if subs.callbacks:`` checks need
    no lock of their own."""

    __slots__ = ("_lock", "_log", "_what", "callbacks")

    def __init__(self, lock: threading.Lock | threading.RLock | threading.Condition,
                 log: logging.Logger, what: str) -> None:
        self._lock = lock
        self._log = log
        self._what = what  # names the source in the failure message
        self.callbacks: tuple[Callable[[E], None], ...] = ()

    def subscribe(self, callback: Callable[[E], None]) -> Callable[[], None]:
        with self._lock:
            self.callbacks = self.callbacks + (callback,)

        def unsubscribe() -> None:
            with self._lock:
                subs = list(self.callbacks)
                if callback in subs:
                    subs.remove(callback)
                self.callbacks = tuple(subs)

        return unsubscribe

    def emit(self, event: E) -> None:
        for callback in self.callbacks:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - logged; see the module docstring
                self._log.exception("%s subscriber failed", self._what)
