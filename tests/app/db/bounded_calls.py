"""Calls that might never return (a hung server), made so that the test fails instead."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


class Caller:
    """Runs calls on one thread of its own (a peewee connection belongs to the thread that
    made it), so a call that never returns fails the test instead of hanging it."""

    def __init__(self) -> None:
        self._calls: queue.Queue[tuple[Callable[[], Any], queue.Queue[Any]]] = queue.Queue()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            call, reply = self._calls.get()
            try:
                reply.put((call(), None))
            except BaseException as exc:  # noqa: BLE001 - handed to the test
                reply.put((None, exc))

    def __call__(self, call: Callable[[], Any], within: float
                 ) -> tuple[Any, BaseException | None, float]:
        """(result, exception, seconds taken) of ``call()``."""
        reply: queue.Queue[Any] = queue.Queue()
        start = time.monotonic()
        self._calls.put((call, reply))
        try:
            result, error = reply.get(timeout=within)
        except queue.Empty:
            pytest.fail(f"still blocked after {within} s: no bounded wait")
        return result, error, time.monotonic() - start
