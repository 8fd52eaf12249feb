"""Cyclic garbage collection on the GUI thread only.

CPython runs a collection in whichever thread happens to allocate past the threshold: here
often the memory store's writer, the history recorder or the outside watcher. A reference
cycle that holds a Python-owned QObject (a window and the feature objects pointing back at
it, a parentless bridge) is then destroyed on that thread, and Qt objects destroyed off the
thread they live in crash the process at random (a segfault in CI, once in many runs).
So automatic collection is switched off and a GUI-thread timer does the same work.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from .background_imports import WORKER
from .run.collector import dialog_running, since_last_run

# Often enough that garbage made by a dialog in a tight loop stays small, rarely enough that
# an idle check costs nothing measurable (one gc.get_count() call).
CHECK_INTERVAL_MS = 50
# While a dialog runs: a memory-write loop fills generation 0 with ~13,000 objects in 50 ms,
# and a collection of that many took 1.5-3 ms (a middle one up to 6 ms) between two slices
# of the dialog; checked at about every slice, each takes a fifth of that for the same total.
RUN_CHECK_INTERVAL_MS = 10
OLDEST = 2  # the generation whose collection is a full one
# A full collection held back during a run waits this long after it (the next run often
# starts at once: Run after Stop, a test batch), not to land on the moment the run ends …
SETTLE_SECONDS = 1.0
# … but no longer than this many times its due count: dialogs running back to back for
# minutes still get their reference cycles freed.
HELD_ROUNDS = 100
# The application's attribute that keeps its collector. Not found again with findChild: its
# first call wraps every child Qt made of the application in Python, which makes their
# classes (~8 ms, before the first paint).
_COLLECTOR = "_talkbench_gui_thread_collector"


class GuiThreadCollector(QObject):
    """Does what CPython's automatic collector would, from a timer on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.held_rounds = HELD_ROUNDS
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first
        (each collection counts towards the next older generation, as in CPython); a full
        collection waits while a dialog runs and shortly after (see :mod:`ui.run.collector`),
        up to ``held_rounds`` times its due count."""
        running = dialog_running()
        interval = RUN_CHECK_INTERVAL_MS if running else CHECK_INTERVAL_MS
        if self.timer.interval() != interval:
            self.timer.setInterval(interval)
        if WORKER.busy:
            # The start-up's worker thread is importing: what it made are modules, which
            # live as long as the app and leave the collector's reach (gc.freeze) when its
            # batch lands. A collection meanwhile scanned them all for nothing, on the GUI
            # thread: 7-12 ms in the middle of the window's idle build.
            return
        for generation, threshold in enumerate(self.thresholds):
            if not threshold or gc.get_count()[generation] <= threshold:
                continue
            if (generation == OLDEST and (running or since_last_run() < SETTLE_SECONDS)
                    and gc.get_count()[generation] <= threshold * self.held_rounds):
                return
            gc.collect(generation)


def collect_on_gui_thread() -> GuiThreadCollector:
    """Install the collector once per QApplication (further calls return the same one).

    Automatic collection stays off for the rest of the process: Talkbench has one
    QApplication per process."""
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    existing = getattr(app, _COLLECTOR, None)
    if not isinstance(existing, GuiThreadCollector):
        existing = GuiThreadCollector(app)
        setattr(app, _COLLECTOR, existing)
    return existing
