"""Re-emits runtime events and memory-store changes as Qt signals on the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal


class Bridge(QObject):
    """Widgets connect here only; observers in ``app`` call :meth:`post_event`/:meth:`post_change`."""

    runEvent = Signal(object)  # an interpreter.events instance
    memoryChanged = Signal(object)  # an app.memory_store.MemoryChange
    _changeFromAnyThread = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # LANDED/FAILED come from the store's writer thread: a queued connection delivers them
        # on the thread this object lives in (the GUI thread), whoever emitted them.
        self._changeFromAnyThread.connect(
            self.memoryChanged.emit, Qt.ConnectionType.QueuedConnection
        )

    def post_event(self, event: Any) -> None:
        """Runtime events arrive on the loop thread (qasync = GUI thread)."""
        self.runEvent.emit(event)

    def post_change(self, change: Any) -> None:
        """Safe from any thread; returns at once (the store holds its lock while calling us)."""
        self._changeFromAnyThread.emit(change)
