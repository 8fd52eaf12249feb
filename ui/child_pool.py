"""One child process that runs pure-Python work for the GUI (no GIL shared, no collector
pauses): started on first use with "spawn" (it inherits no Qt state), ended with the IDE,
even when the IDE dies without closing it."""

from __future__ import annotations

import atexit
import os
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # multiprocessing loads with the pool (~25 ms), never before the first paint
    from concurrent.futures import ProcessPoolExecutor


def exit_with_parent(parent: int) -> None:
    """In the child: end when the IDE is gone, even when it died without closing the pool
    (killed, ``os._exit``), so no orphan keeps its pipes open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="child-parent-watch", daemon=True).start()


class ChildPool:
    """A one-process pool made on first use; :meth:`reset` after it broke."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=exit_with_parent, initargs=(os.getpid(),))
                atexit.register(self.shutdown)
            return self._pool

    def reset(self) -> None:
        with self._lock:
            self._pool = None

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
