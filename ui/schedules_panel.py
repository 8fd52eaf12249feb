"""The Schedules dock: each dialog's SET SCHEDULE with its next run times; while the IDE is
open, an app-level :class:`app.schedule_runner.Scheduler` runs due dialogs in background
sessions and their output goes to ``outputLine``."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.schedule_runner import Scheduler, now_local, run_schedule
from app.schedules import Schedule

COLUMNS = ("Dialog", "Schedule", "Cron", "Next runs", "Last run")
NEXT_RUNS = 3
_FORMAT = "%a %Y-%m-%d %H:%M"


class SchedulesPanel(QWidget):
    """Schedules of the dialogs in one folder (a .gbai package or the current file's folder)."""

    outputLine = Signal(str)  # one line of a scheduled run's output
    openRequested = Signal(str, int)  # dialog path, line

    def __init__(self, store: Any, bot: str, parent: QWidget | None = None,
                 clock: Callable[[], dt.datetime] = now_local, interval: float = 60.0) -> None:
        super().__init__(parent)
        self._store = store
        self._bot = bot
        self._folder: Path | None = None
        self._clock = clock
        self._interval = interval
        self.scheduler: Scheduler | None = None
        self._schedules: list[Schedule] = []

        self.folder_label = QLabel("No folder")
        self.enabled = QCheckBox("Run due schedules")
        self.enabled.setChecked(True)
        self.enabled.setToolTip("While Talkbench is open, run each dialog when its schedule "
                                "is due (output in the Output panel)")
        self.enabled.toggled.connect(self._apply_enabled)
        self.run_button = QPushButton("Run Now")
        self.run_button.setToolTip("Run the selected dialog now, as its schedule would")
        self.run_button.clicked.connect(self.run_selected)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Next runs"), QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.cellDoubleClicked.connect(self._open_row)

        bar = QHBoxLayout()
        bar.addWidget(self.folder_label, 1)
        bar.addWidget(self.enabled)
        bar.addWidget(self.run_button)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    # ------------------------------------------------------------ configuration

    @property
    def folder(self) -> Path | None:
        return self._folder

    def set_folder(self, folder: Path | str | None) -> None:
        """Show (and, when enabled, run) the schedules of ``folder``'s dialogs."""
        new = Path(folder).resolve() if folder else None
        if new == self._folder:
            return
        self._folder = new
        self.folder_label.setText(str(new) if new else "No folder")
        self._restart()

    def set_store(self, store: Any, bot: str) -> None:
        self._store, self._bot = store, bot
        self._restart()

    def shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None

    # ------------------------------------------------------------ listing

    def schedules(self) -> list[Schedule]:
        return list(self._schedules)

    def refresh(self) -> None:
        if self.scheduler is None or self._folder is None:
            self._schedules = []
        else:
            try:
                self._schedules = self.scheduler.schedules()
            except Exception as exc:  # noqa: BLE001 - a dead database shows here
                self.folder_label.setText(f"Cannot read schedules: {exc}")
                self._schedules = []
        last = self._last_runs()
        now = self._clock()
        self.table.setRowCount(len(self._schedules))
        for row, s in enumerate(self._schedules):
            runs = [t.strftime(_FORMAT) for t in s.next_runs(now, NEXT_RUNS)]
            cron = s.error and f"error: {s.error}" or (s.cron.text if s.cron else "once")
            ran = last.get(s.script)
            cells = (s.script, s.spec, cron, ", ".join(runs) or "—",
                     ran.strftime(_FORMAT) if ran else "never")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if s.error:
                    item.setForeground(Qt.GlobalColor.red)
                item.setToolTip(f"{s.path}:{s.line}" if s.path else s.origin)
                self.table.setItem(row, col, item)

    def _last_runs(self) -> dict[str, dt.datetime]:
        if self.scheduler is None:
            return {}
        try:
            return self.scheduler.registry.last_runs()
        except Exception:  # noqa: BLE001
            return {}

    # ------------------------------------------------------------ running

    def run_selected(self) -> asyncio.Task[Any] | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._schedules):
            return None
        schedule = self._schedules[row]
        task = asyncio.ensure_future(run_schedule(schedule, self._store, self._bot,
                                                  self.outputLine.emit))
        if self.scheduler is not None:  # a run by hand is a run: "Last run" shows it
            try:
                self.scheduler.registry.mark_run(schedule.script, self._clock())
            except Exception as exc:  # noqa: BLE001 - the run goes on; say why it is not listed
                self.outputLine.emit(f"[{schedule.script}] error: cannot record the run: {exc}")
            self.refresh()
            self.table.setCurrentCell(row, 0)
        return task

    def _restart(self) -> None:
        self.shutdown()
        if self._folder is not None:
            self.scheduler = Scheduler(self._store, self._bot, self._folder, self._emit_line,
                                       interval=self._interval, clock=self._clock)
            self._apply_enabled(self.enabled.isChecked())
        self.refresh()

    def _emit_line(self, line: str) -> None:
        self.outputLine.emit(line)
        if line.endswith("scheduled run finished") or "] error: " in line:
            self.refresh()  # last-run times changed

    def _apply_enabled(self, on: bool) -> None:
        if self.scheduler is None:
            return
        if on:
            try:
                self.scheduler.start()
            except RuntimeError:  # no event loop at all: nothing can run in the background
                pass
        else:
            self.scheduler.stop()

    def _open_row(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._schedules) and self._schedules[row].path is not None:
            s = self._schedules[row]
            self.openRequested.emit(str(s.path), s.line or 1)
