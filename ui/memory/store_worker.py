"""Database calls of a panel on one background thread, results back on the GUI thread.

A slow or remote PostgreSQL must never freeze the window: the memory panel lists, filters,
checks and edits through a ``StoreWorker``. One thread runs the calls in the order they were
asked for (an edit's read, its write, then the reload after it), and each result reaches its
callback on the GUI thread through a queued Qt signal.

``run_now`` has the same shape and runs on the calling thread: for a model used on its own
(a test, a script), where there is no window to keep responsive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")
OnError = Callable[[Exception], object]  # what it returns is ignored


class StoreRunner(Protocol):
    def __call__(self, call: Callable[[], T], done: Callable[[T], object],
                 failed: OnError | None = None) -> None: ...


def run_now(call: Callable[[], T], done: Callable[[T], object],
            failed: OnError | None = None) -> None:
    """Run ``call`` here and hand its result to ``done`` (or its error to ``failed``)."""
    try:
        result = call()
    except Exception as exc:
        if failed is None:
            raise
        failed(exc)
        return
    done(result)


@dataclass(frozen=True)
class _Outcome:
    done: Callable[[Any], object]
    failed: OnError | None
    result: Any = None
    error: Exception | None = None


class StoreWorker(QObject):
    """Runs calls on one background thread, in order; ``done(result)`` on the GUI thread."""

    _finished = Signal(object)  # an _Outcome, emitted on the worker thread (queued to us)
    idleChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor = ThreadPoolExecutor(max_workers=1,
                                                       thread_name_prefix="store-worker")
        self._in_flight = 0
        self._finished.connect(self._deliver)
        # With its panel gone, its thread ends too (after the call under way, if any).
        self.destroyed.connect(lambda *_: executor.shutdown(wait=False, cancel_futures=True))

    def __call__(self, call: Callable[[], T], done: Callable[[T], object],
                 failed: OnError | None = None) -> None:
        self._in_flight += 1
        if self._in_flight == 1:
            self.idleChanged.emit(False)
        self._executor.submit(self._job, call, done, failed)

    @property
    def idle(self) -> bool:
        """Nothing asked for is still running or waiting for its callback."""
        return self._in_flight == 0

    def run_last(self, call: Callable[[], None], timeout: float = 10.0) -> None:
        """Run ``call`` on the worker thread after the calls already queued, and wait for it
        (up to ``timeout``): how the thread's own database connection is closed before its
        database is."""
        try:
            self._executor.submit(call).result(timeout)
        except RuntimeError:
            pass  # shut down already: the thread is gone and so is its connection
        except Exception as exc:  # noqa: BLE001 - closing must go on; say what failed
            log.warning("store worker: %s", exc)

    def shutdown(self) -> None:
        """No new calls; the one running finishes on its own (its result is dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _job(self, call: Callable[[], Any], done: Callable[[Any], object],
             failed: OnError | None) -> None:
        try:
            outcome = _Outcome(done, failed, result=call())
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, not lost
            outcome = _Outcome(done, failed, error=exc)
        try:
            self._finished.emit(outcome)
        except RuntimeError:  # the panel was deleted meanwhile: nobody wants the result
            pass

    def _deliver(self, outcome: _Outcome) -> None:
        self._in_flight -= 1
        try:
            if outcome.error is None:
                outcome.done(outcome.result)
            elif outcome.failed is not None:
                outcome.failed(outcome.error)
            else:
                log.warning("store call failed: %s", outcome.error)
        finally:
            if self._in_flight == 0:
                self.idleChanged.emit(True)
