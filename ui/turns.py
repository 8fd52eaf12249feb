"""Work done after a widget's first paint, one step per turn of Qt's event loop.

The first window paints before anything it does not need is loaded or built; the rest runs
in steps small enough that input and repaints go between them: the start-up's imports before
qasync's loop (ui.main), the window's parts (ui.deferred_parts), the completion's warm-up
(ui.editor.completion). ``FirstPaint`` says when a widget has been painted, ``Turns`` runs the
steps; modules that make no Qt object load in a worker thread (ui.background_imports) while
the loop keeps turning.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Final, NamedTuple

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from .background_imports import WORKER, Batch, import_module, runs_in_background


class FirstPaint(QObject):
    """Calls ``done`` once, when ``widget`` gets its first paint event (an event filter of
    ``widget``, and its child)."""

    def __init__(self, widget: QObject, done: Callable[[], object]) -> None:
        super().__init__(widget)
        self._done = done
        widget.installEventFilter(self)

    def cancel(self) -> None:
        """Stop watching (the paint never came)."""
        watched = self.parent()
        if watched is not None:
            watched.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The event's type is asked first: the widget's own destruction sends it events
        # when this object's Python side may already be gone.
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._done()
        return False


class Call(NamedTuple):
    """A step that calls ``run``; if it raises, the steps stop and ``Turns.failed`` says
    ``name``. A step made of several pieces returns ``AGAIN`` to be called again on the next
    turn, or a ``Job`` to have it run in the worker thread and be called again after."""

    run: Callable[[], object]
    name: str = ""


class Again(Enum):
    AGAIN = "again"


# What a ``Call``'s ``run`` returns to be called again on the next turn of the loop.
AGAIN: Final = Again.AGAIN


class Job:
    """Work that makes no Qt object, run once: in the worker thread when a ``Call`` returns
    it (its step is called again when it is done), or on the thread that asks for its
    ``result`` first (which then waits for a run under way in the worker)."""

    def __init__(self, work: Callable[[], object]) -> None:
        self._work = work
        self._lock = threading.Lock()
        self._done = False
        self._result: object = None
        self._error: Exception | None = None

    def run(self) -> None:
        """Do the work unless it is done; an error is kept for ``result``."""
        with self._lock:
            if self._done:
                return
            try:
                self._result = self._work()
            except Exception as exc:  # noqa: BLE001 - raised by result(), on the thread asking
                self._error = exc
            self._done = True

    def result(self) -> object:
        """What the work returned (raising what it raised), run here if it has not run."""
        self.run()
        if self._error is not None:
            raise self._error
        return self._result


# A step: a module to import (a name ending in ``?`` is optional), or a call.
Step = str | Call


class _TurnQueue:
    """The turns of every ``Turns`` of the process: one step per turn of the event loop in
    all, taken in the order they became due.

    Steps run from one zero timer, not QTimer.singleShot(0, ...): that one is a posted
    event, and Qt sends the posted events (the next step) before it looks at the timers, so
    a timer due during a step (a 1 ms tick, the collector's, a blinking cursor's) waited for
    the step after it too. And one timer for all: two ``Turns`` with a timer each (the
    window's parts, the completion's warm-up, the checker's imports) ran a step each in the
    same pass over the due timers. Either way the UI's longest waits were two steps."""

    def __init__(self) -> None:
        self._due: list[Turns] = []
        self._timer: QTimer | None = None

    def want(self, turns: Turns) -> None:
        """Run ``turns._turn`` on a coming turn of the loop (once, however often asked)."""
        if turns not in self._due:
            self._due.append(turns)
        self._arm()

    def _arm(self) -> None:
        timer = self._timer
        if timer is None or not shiboken6.isValid(timer):
            # Made on first use, when the application exists, and as its child: it goes with
            # it (a test process may make another).
            timer = self._timer = QTimer(QCoreApplication.instance())
            timer.setSingleShot(True)
            timer.setInterval(0)
            timer.timeout.connect(self._run_one)
        if not timer.isActive():
            timer.start()

    def _run_one(self) -> None:
        try:
            while self._due:
                turns = self._due.pop(0)
                if shiboken6.isValid(turns):  # not deleted with its parent meanwhile
                    turns._turn()
                    break
        finally:  # the others' turns come even if this one raised
            if self._due:
                self._arm()


class Turns(QObject):
    """Runs its steps in order once started, one per turn of the event loop; ``finished``
    on the turn after the last one.

    Modules that ``runs_in_background`` (consecutive ones as one batch) are imported in the
    worker thread while the loop turns; the next step waits for them. Everything else runs
    on the GUI thread, one step per turn."""

    finished = Signal()
    # A step raised (its name, ``import <module>`` for an import; the error): the steps
    # stop there, instead of raising into Qt's event loop.
    failed = Signal(str, object)
    imported = Signal()  # a batch of the worker landed (on the GUI thread, before the next step)
    _landed = Signal(object)  # a batch the worker finished (emitted in the worker)

    def __init__(self, parent: QObject, steps: Iterable[Step] = (),
                 timings: dict[str, float] | None = None) -> None:
        """``timings``: where the GUI thread's time per import is written (seconds, under
        ``import <module>``); the worker's go to ``background_timings``."""
        super().__init__(parent)
        self._steps: list[Step] = list(steps)
        self.timings: dict[str, float] = {} if timings is None else timings
        self.background_timings: dict[str, float] = {}
        self._started = False
        self._paused = False
        self._scheduled = False
        self._batch: Batch | None = None  # in the worker
        self._landed.connect(self._on_landed, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> bool:
        """Steps are left, or a batch is still being imported."""
        return bool(self._steps) or self._batch is not None

    def start(self) -> None:
        """Run the steps from the next turn of the loop on."""
        self._started = True
        self._schedule()

    def pause(self) -> None:
        """Hold the steps (a batch in the worker goes on) until ``resume``."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._schedule()

    def finish_now(self) -> None:
        """Run every step left at once, on this thread (an import or a call that raises
        raises here)."""
        self._started = False  # a turn already due finds nothing left to do
        WORKER.wait_idle()
        if self._batch is not None:
            batch, self._batch = self._batch, None
            self._take(batch)
            if batch.error is not None:
                raise batch.error
        while self._steps:
            step = self._steps.pop(0)
            if isinstance(step, Call):
                self._call_to_the_end(step)
            else:
                self._import_here(step)
        self.finished.emit()

    @staticmethod
    def _call_to_the_end(step: Call) -> None:
        while True:
            result = step.run()
            if isinstance(result, Job):
                result.run()  # here: this thread waits for it anyway
            elif result is not AGAIN:
                return

    def _schedule(self) -> None:
        if self._started and not self._paused and not self._scheduled and self._batch is None:
            self._scheduled = True
            _QUEUE.want(self)

    def _turn(self) -> None:
        self._scheduled = False
        if self._paused or self._batch is not None or not self._started:
            return
        if not self._steps:  # a turn after the last step, as a step would have taken
            self._started = False
            self.finished.emit()
            return
        step = self._steps[0]
        if isinstance(step, str) and runs_in_background(step):
            self._send_batch(self._background_head())
            return
        if WORKER.busy:
            # Another batch is loading (of another Turns): this step could need one of its
            # modules and wait for it here. An empty batch lands after it.
            self._send_batch([])
            return
        self._steps.pop(0)
        try:
            if isinstance(step, Call):
                result = step.run()
            else:
                self._import_here(step)
                result = None
        except Exception as exc:  # noqa: BLE001 - reported, not raised out of a timer's slot
            self._started = False  # a later start goes on with the next step
            self.failed.emit(step.name if isinstance(step, Call) else f"import {step}", exc)
            return
        if result is AGAIN or isinstance(result, Job):
            self._steps.insert(0, step)
        if isinstance(result, Job):
            self._send_batch([], result.run)
            return
        self._schedule()

    def _import_here(self, module: str) -> None:
        start = time.perf_counter()
        import_module(module)
        self.timings[f"import {module}"] = time.perf_counter() - start

    def _background_head(self) -> list[str]:
        """The steps up to the first that is not an import in the worker, taken out."""
        modules: list[str] = []
        while self._steps:
            step = self._steps[0]
            if not (isinstance(step, str) and runs_in_background(step)):
                break
            modules.append(step)
            self._steps.pop(0)
        return modules

    def _send_batch(self, modules: list[str], then: Callable[[], None] | None = None) -> None:
        self._batch = Batch(modules, self._landed.emit, then=then)
        WORKER.submit(self._batch)

    def _on_landed(self, batch: Batch) -> None:
        if batch is not self._batch:  # taken over by finish_now
            return
        self._batch = None
        self._take(batch)
        if batch.modules:
            self.imported.emit()
        if batch.error is not None:
            self._started = False
            self.failed.emit(f"import {batch.failed}", batch.error)
            return
        self._schedule()

    def _take(self, batch: Batch) -> None:
        self.background_timings.update(
            (f"import {module}", took) for module, took in batch.timings.items())


def run_per_turn(context: QObject, steps: Iterable[Step]) -> Turns:
    """Start running ``steps`` one per turn of the event loop while ``context`` lives."""
    turns = Turns(context, steps)
    turns.start()
    return turns


_QUEUE = _TurnQueue()
