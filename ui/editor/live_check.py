"""Live diagnostics checked off the GUI thread, the newest text only.

A check of a 10,000-line dialog takes seconds (the whole parse, code generation and the
General Bots converter rules), and every pause in typing started one on the GUI thread: the
window froze that long, after each edit (a 1 MB file: ten seconds a time). Here each check
runs one at a time; a request made while one runs replaces any request still waiting, so a
burst of edits is checked once, at its end. Results come back on the GUI thread through a
queued signal, with the request's key, for the caller to drop when its text has changed
meanwhile.

The check itself runs in a child process of its own (ui.child_pool), a daemon thread here
only waiting for it: on a thread of this process it still held the UI 60-90 ms at a time
(its allocations made the GUI thread's collector scan tens of thousands of objects, and
regular-expression passes over the whole text held the GIL). When the child cannot start or
dies, checks run on that thread instead. Daemon threads: quitting never waits for a check
nobody will see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..child_pool import ChildPool

CHECK_POOL = ChildPool()  # the checker's own child: a flow layout never delays a check

Check = Callable[[], Any]


class LiveChecker(QObject):
    """Runs checks one at a time (in the child process, waited for on a daemon thread);
    ``checked(key, result)`` on the GUI thread for the last request of each burst."""

    checked = Signal(object, object)
    _finished = Signal(object, object)  # emitted on the worker thread, queued to this object

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._waiting: tuple[object, Check] | None = None
        self.in_child = True
        self._finished.connect(self._landed)

    @property
    def idle(self) -> bool:
        """No check is running or waiting."""
        return not self._running and self._waiting is None

    def request(self, key: object, check: Check) -> None:
        """Run ``check()`` off the GUI thread; ``key`` comes back with its result."""
        if self._running:
            self._waiting = (key, check)
            return
        self._start(key, check)

    def _start(self, key: object, check: Check) -> None:
        self._running = True
        threading.Thread(target=self._work, args=(key, check), name="live-check",
                         daemon=True).start()

    def _work(self, key: object, check: Check) -> None:
        try:
            result = self._run(check)
        except Exception as exc:  # noqa: BLE001 - shown where the diagnostics would be
            result = exc
        try:
            self._finished.emit(key, result)
        except RuntimeError:  # the window is gone: nobody wants the result
            pass

    def _run(self, check: Check) -> object:
        """In the child process (this thread only waits, holding no GIL); on this thread
        when the child cannot start or died."""
        from concurrent.futures.process import BrokenProcessPool

        if self.in_child:
            try:
                future = CHECK_POOL.get().submit(check)
            except Exception:  # noqa: BLE001 - no child here (a main module without a guard …)
                future = None
            try:
                if future is not None:
                    return future.result()  # the check's own errors come back as they are
            except BrokenProcessPool:
                pass
            CHECK_POOL.reset()
            self.in_child = False
        return check()

    def _landed(self, key: object, result: object) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:  # the text changed during the check: this result is old
            self._start(*waiting)
            return
        self.checked.emit(key, result)
