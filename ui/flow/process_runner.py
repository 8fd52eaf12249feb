"""Runs the flow's parse and layout in a child process, results back on the GUI thread.

Layout is pure Python (grandalf): on a thread it would hold the GIL in 5 ms turns and the
UI would stutter for a few frames on a big dialog (measured in benchmarks/flow_bench.py).
A child process shares no GIL; only the small result crosses back (pickled). One child
serves every panel of the IDE (it starts on first use, "spawn" so it inherits no Qt state,
and ends with the IDE); if it cannot start, the panel's thread worker takes over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..child_pool import ChildPool
from ..memory.store_worker import OnError, StoreRunner

log = logging.getLogger(__name__)


SHARED_POOL = ChildPool()  # the flow's own child: a check never delays a layout


class ProcessRunner(QObject):
    """``runner(call, done, failed)`` as :class:`~ui.memory.store_worker.StoreWorker`, with
    ``call`` a picklable callable (a top-level function or a partial of one)."""

    _finished = Signal(object)  # (done, failed, result, error), emitted off the GUI thread

    def __init__(self, fallback: StoreRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fallback = fallback
        self.in_process = True
        self._finished.connect(self._deliver)

    def __call__(self, call: Callable[[], Any], done: Callable[[Any], object],
                 failed: OnError | None = None) -> None:
        if not self.in_process:
            self.fallback(call, done, failed)
            return
        try:
            future = SHARED_POOL.get().submit(call)
        except RuntimeError:
            raise  # the interpreter is shutting down: nothing to lay out any more
        except (BrokenProcessPool, OSError) as exc:
            self._give_up(exc)
            self.fallback(call, done, failed)
            return
        future.add_done_callback(lambda f: self._report(f, call, done, failed))

    def _report(self, future: Future, call: Callable[[], Any], done: Callable[[Any], object],
                failed: OnError | None) -> None:
        error: Exception | None
        try:
            result, error = future.result(), None
        except BrokenProcessPool as exc:  # the child died: go on with the thread worker
            SHARED_POOL.reset()
            result, error = None, exc
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, not lost
            result, error = None, exc
        try:
            self._finished.emit((call, done, failed, result, error))
        except RuntimeError:
            pass  # the panel is gone

    def _deliver(self, outcome: tuple[Any, ...]) -> None:
        call, done, failed, result, error = outcome
        if isinstance(error, BrokenProcessPool):
            self._give_up(error)
            self.fallback(call, done, failed)
        elif error is None:
            done(result)
        elif failed is not None:
            failed(error)
        else:
            log.warning("flow: %s", error)

    def _give_up(self, exc: BaseException) -> None:
        log.warning("flow: no child process (%s); laying out on a thread", exc)
        self.in_process = False
