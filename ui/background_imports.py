"""Imports of modules that make no Qt object, run in one worker thread off the GUI thread.

A module body runs with the GIL held, and a big one (peewee, the syntax tree's dataclasses,
asyncio's package) took 12-20 ms: on the GUI thread that was one frame the window could not
repaint. Run in a worker, the GUI thread waits for the GIL at most about one switch interval
(``ui.main.GIL_SWITCH_INTERVAL``) each time it needs Python, so a repaint or a key press goes
through while the module loads.

What may load here: the standard library, the third-party libraries the core uses, ``app``
and ``interpreter`` (the import contracts keep Qt out of both). ``ui`` modules, PySide6 and
qasync make or wrap Qt objects, which belong to the GUI thread: ``runs_in_background`` says
no to them. One worker for the whole process, one batch at a time, so two batches never
import the same module at once.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Sequence

# Top-level packages that make or wrap Qt objects when imported.
GUI_THREAD_PACKAGES = frozenset({"ui", "PySide6", "shiboken6", "qasync"})
# A name ending in this is an optional dependency: skipped when not installed.
OPTIONAL = "?"


def runs_in_background(module: str) -> bool:
    """Whether ``module`` (an optional one's ``?`` left on or off) may load in the worker."""
    return module.split(".", 1)[0].removesuffix(OPTIONAL) not in GUI_THREAD_PACKAGES


def import_module(name: str) -> None:
    """Import ``name``; a missing optional one (``name?``) is skipped."""
    module = name.removesuffix(OPTIONAL)
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not name.endswith(OPTIONAL) or exc.name != module:
            raise


class Batch:
    """Modules imported in order in the worker, then ``then`` called there (when the imports
    went well; it must not raise); ``landed`` is called there when it ends. (A plain class:
    a dataclass costs the first window the dataclasses module and the class's generation.)"""

    __slots__ = ("error", "failed", "landed", "modules", "then", "timings")

    def __init__(self, modules: Sequence[str], landed: Callable[[Batch], None],
                 then: Callable[[], None] | None = None) -> None:
        self.modules = modules
        self.landed = landed
        self.then = then
        self.timings: dict[str, float] = {}  # module -> seconds it took
        self.failed: str | None = None  # the module whose import raised ``error``
        self.error: BaseException | None = None


class ImportWorker:
    """The worker thread and its queue of batches."""

    def __init__(self) -> None:
        self._queue: list[Batch] = []
        self._busy = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, batch: Batch) -> None:
        with self._busy:
            self._queue.append(batch)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="background imports",
                                                daemon=True)
                self._thread.start()
            self._busy.notify_all()

    @property
    def busy(self) -> bool:
        """A batch is waiting or being imported."""
        with self._busy:
            return bool(self._queue)

    def wait_idle(self) -> None:
        """Block until every submitted batch has been imported: the GUI thread calls this
        before importing on its own, so the two never hold each other's module locks."""
        with self._busy:
            self._busy.wait_for(lambda: not self._queue)

    def _run(self) -> None:
        while True:
            with self._busy:
                self._busy.wait_for(lambda: bool(self._queue))
                batch = self._queue[0]
            _import_all(batch)
            if batch.then is not None and batch.error is None:
                batch.then()
            try:  # before the batch leaves the queue: ``wait_idle`` covers this call too
                batch.landed(batch)
            except RuntimeError:  # its receiver is gone (the window closed meanwhile)
                pass
            with self._busy:
                self._queue.pop(0)
                self._busy.notify_all()


def _import_all(batch: Batch) -> None:
    for name in batch.modules:
        start = time.perf_counter()
        try:
            import_module(name)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which reports it
            batch.failed, batch.error = name, exc
            return
        batch.timings[name] = time.perf_counter() - start


WORKER = ImportWorker()
