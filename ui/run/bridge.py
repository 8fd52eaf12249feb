"""Re-emits runtime events and memory-store changes as Qt signals on the GUI thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from interpreter.events import Failed, Finished, MemoryWritten, RunStarted, Stopped

from .collector import RunTracker

# Store changes reach the widgets at most this often. A dialog writing memory in a loop
# yields to the event loop every few milliseconds, and refreshing the memory table at each
# yield (~3 ms of model updates and repaint) took a third of the GUI thread's time between
# two slices of the dialog; 25 refreshes a second still look live.
CHANGES_EVERY = 0.04  # seconds


class Bridge(QObject):
    """Widgets connect here only; observers in ``app`` call :meth:`post_event`/:meth:`post_change`."""

    # The batches are Python lists handed over as ``object``: a ``Signal(list)`` converts the
    # list to a QVariantList and back for every receiver, ~0.7 ms per 1,000 items on the GUI
    # thread per delivery. Receivers share the list and must not modify it.
    runEvent = Signal(object)  # an interpreter.events instance, except MemoryWritten
    memoryWritten = Signal(object)  # list of interpreter.events.MemoryWritten, in order
    memoryChanged = Signal(object)  # list of app.memory.store.MemoryChange, oldest first
    userMemoryChanged = Signal(object)  # list of app.memory.user_memory.UserMemoryChange, in order
    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A dialog setting memory in a tight loop makes ~100,000 changes a second; a queued
        # Qt event (or even a signal emission) per change would drown the GUI thread. Changes
        # are buffered and delivered as one list per wake-up, keeping each key's newest.
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], Any] = {}
        self._writes: list[MemoryWritten] = []  # loop thread only
        self._user_changes: list[Any] = []  # under _lock; few (user memory is not loop-written)
        self._changes_sent = float("-inf")  # time.monotonic() of the last store-change delivery
        # The store changes' delivery, held back by CHANGES_EVERY, and always on a timer:
        # from the wake-up (a posted event) the table's update and its repaint (posted too)
        # ran right after a slice of the dialog, before a timer that came due meanwhile.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._deliver_changes)
        self._wake.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.runs = RunTracker()  # full collections wait while a dialog runs (ui.gui_gc)

    def post_event(self, event: Any) -> None:
        """Runtime events arrive on the loop thread (qasync = GUI thread).

        SET BOT MEMORY's events come as often as the changes above: they are batched too,
        and always delivered before the next other event, so order is kept for observers.
        """
        if isinstance(event, MemoryWritten):
            if not self._writes and not self._pending:
                self._wake.emit()
            self._writes.append(event)
            return
        self._deliver_writes()
        if isinstance(event, RunStarted):
            self.runs.started()
        elif isinstance(event, (Finished, Failed, Stopped)):
            self.runs.ended()
        self.runEvent.emit(event)

    def _deliver_writes(self) -> None:
        if self._writes:
            writes, self._writes = self._writes, []
            self.memoryWritten.emit(writes)

    def post_change(self, change: Any) -> None:
        """Safe from any thread; returns at once (the store's writer delivers a whole batch)."""
        self.post_changes((change,))

    def post_changes(self, changes: Sequence[Any]) -> None:
        """:meth:`post_change` for several changes in order (the store's batch form: a
        landed batch in one call and one lock). Re-inserted, so the pending dict keeps the
        order of each key's newest change (a rename followed by a write to the old name
        must arrive in that order)."""
        with self._lock:
            pending = self._pending
            wake = not pending
            pop = pending.pop
            for change in changes:
                key = (change.bot, change.key)
                pop(key, None)
                pending[key] = change
        if wake:
            self._wake.emit()

    def post_user_change(self, change: Any) -> None:
        """Like :meth:`post_change`, for user memory (``UserMemories.subscribe``); rides the
        same wake-up, so both kinds of change arrive in one delivery."""
        with self._lock:
            wake = not self._pending and not self._user_changes
            self._user_changes.append(change)
        if wake:
            self._wake.emit()

    def _deliver(self) -> None:
        self._deliver_writes()
        if not self._later.isActive():  # the changes keep piling up (newest per key) until then
            wait = self._changes_sent + CHANGES_EVERY - time.monotonic()
            self._later.start(round(max(0.0, wait) * 1000))

    def _deliver_changes(self) -> None:
        self._deliver_writes()
        self._changes_sent = time.monotonic()
        with self._lock:
            changes, self._pending = list(self._pending.values()), {}
            user_changes, self._user_changes = self._user_changes, []
        if changes:
            self.memoryChanged.emit(changes)
        if user_changes:
            self.userMemoryChanged.emit(user_changes)
