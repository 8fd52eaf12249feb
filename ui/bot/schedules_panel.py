"""The Schedules dock: each dialog's SET SCHEDULE with its next run times; while the IDE is
open, an app-level :class:`app.schedules.runner.Scheduler` runs due dialogs in background
sessions and their output goes to ``outputLine``.

A virtual clock (``app.schedules.clock``) can be moved forward to see which schedules fire on
the way (and run them, when "Run due schedules" is on), without waiting and without changing
the recorded last runs of the real schedules."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
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

from app.schedules.clock import MAX_FIRINGS, Firing, VirtualClock
from app.schedules.plan import Schedule
from app.schedules.runner import Scheduler, now_local, run_schedule

log = logging.getLogger(__name__)

COLUMNS = ("Dialog", "Schedule", "Cron", "Next runs", "Last run")
NEXT_RUNS = 3
_FORMAT = "%a %Y-%m-%d %H:%M"
ADVANCES = (("+1 min", dt.timedelta(minutes=1)), ("+1 hour", dt.timedelta(hours=1)),
            ("+1 day", dt.timedelta(days=1)), ("+1 week", dt.timedelta(weeks=1)))


def _times(runs: list[Firing]) -> str:
    return f"{len(runs)}+" if len(runs) >= MAX_FIRINGS else str(len(runs))


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
        self.skip_waits = False  # the Run menu's Skip Waits, for Run Now and virtual runs
        self.virtual: VirtualClock | None = None  # on: "Next runs" and firings follow it
        self.fired: list[Firing] = []  # of the last advance
        self.runs: set[asyncio.Task[Any]] = set()  # Run Now and virtual-clock runs

        self.folder_label = QLabel("No folder")
        # What could not be read at the last refresh (hidden when everything could).
        self.problem = QLabel()
        self.problem.setObjectName("schedulesProblem")
        self.problem.setStyleSheet("color: #c03030;")
        self.problem.setWordWrap(True)
        self.problem.hide()
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
        layout.addLayout(self._clock_bar())
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)

    def _clock_bar(self) -> QHBoxLayout:
        self.virtual_box = QCheckBox("Virtual clock")
        self.virtual_box.setToolTip(
            "Move time forward by hand to see which schedules fire (and run them when "
            "\"Run due schedules\" is on); the real schedules' last runs are not changed")
        self.virtual_box.toggled.connect(self.set_virtual)
        self.virtual_label = QLabel()
        self.fired_label = QLabel()
        self.fired_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.virtual_box)
        row.addWidget(self.virtual_label)
        self.advance_buttons: dict[str, QPushButton] = {}
        for text, delta in ADVANCES:
            button = QPushButton(text)
            button.setToolTip(f"Advance the virtual clock by {text[1:]}")
            button.clicked.connect(lambda _=False, d=delta: self.advance(d))
            button.setEnabled(False)
            row.addWidget(button)
            self.advance_buttons[text] = button
        row.addWidget(self.fired_label, 1)
        return row

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
        problems: list[str] = []
        if self.scheduler is None or self._folder is None:
            self._schedules = []
        else:
            try:
                self._schedules = self.scheduler.schedules()
            except Exception as exc:  # noqa: BLE001 - a dead database shows here
                problems.append(f"Cannot read the schedules: {exc}")
                self._schedules = []
        last = self._last_runs(problems)
        self._show_problems(problems)
        now = self.now()
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

    def _last_runs(self, problems: list[str]) -> dict[str, dt.datetime]:
        if self.scheduler is None:
            return {}
        try:
            return self.scheduler.registry.last_runs()
        except Exception as exc:  # noqa: BLE001 - the list still shows; "Last run" is unknown
            problems.append(f"Cannot read the last runs: {exc}")
            return {}

    def _show_problems(self, problems: list[str]) -> None:
        text = "\n".join(problems)
        if text and text != self.problem.text():
            log.warning("schedules panel: %s", "; ".join(problems))
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    # ------------------------------------------------------------ running

    def run_selected(self) -> asyncio.Task[Any] | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._schedules):
            return None
        schedule = self._schedules[row]
        task = self._run(schedule)
        if self.scheduler is not None:  # a run by hand is a run: "Last run" shows it
            try:
                self.scheduler.registry.mark_run(schedule.script, self._clock())
            except Exception as exc:  # noqa: BLE001 - the run goes on; say why it is not listed
                self.outputLine.emit(f"[{schedule.script}] error: cannot record the run: {exc}")
            self.refresh()
            self.table.setCurrentCell(row, 0)
        return task

    def _run(self, schedule: Schedule) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(run_schedule(schedule, self._store, self._bot,
                                                  self.outputLine.emit,
                                                  skip_waits=self.skip_waits))
        self.runs.add(task)
        task.add_done_callback(self.runs.discard)
        return task

    # ------------------------------------------------------------ virtual clock

    def now(self) -> dt.datetime:
        """The clock the table shows: the virtual one when it is on."""
        return self.virtual() if self.virtual is not None else self._clock()

    def set_virtual(self, on: bool) -> None:
        """Switch the virtual clock on (starting at the real now) or off."""
        self.virtual = VirtualClock(self._clock()) if on else None
        self.fired = []
        for button in self.advance_buttons.values():
            button.setEnabled(on)
        self.fired_label.setText("")
        self._show_virtual_time()
        self.refresh()

    def advance(self, delta: dt.timedelta) -> list[Firing]:
        """Move the virtual clock forward: list the firings passed on the way in the dock
        and the output, and run each fired dialog once when "Run due schedules" is on."""
        if self.virtual is None:
            return []
        self.fired = self.virtual.advance(delta, self._schedules)
        self._show_virtual_time()
        for line in self._fired_lines():
            self.outputLine.emit(line)
        self.fired_label.setText(self._describe_fired())
        if self.enabled.isChecked():
            for schedule in {f.schedule.script: f.schedule for f in self.fired}.values():
                self._run(schedule)
        self.refresh()
        return self.fired

    def _by_script(self) -> dict[str, list[Firing]]:
        grouped: dict[str, list[Firing]] = {}
        for firing in self.fired:
            grouped.setdefault(firing.schedule.script, []).append(firing)
        return grouped

    def _fired_lines(self) -> list[str]:
        """One Output line per fired schedule (every minute for a week is 10,080 runs)."""
        lines = []
        for name, runs in self._by_script().items():
            first, spec = runs[0].when.strftime(_FORMAT), runs[0].schedule.spec
            if len(runs) == 1:
                lines.append(f"[virtual clock] {first}: {name} fires ({spec})")
            else:
                last = runs[-1].when.strftime(_FORMAT)
                lines.append(f"[virtual clock] {name} fires {_times(runs)} times, {first} … "
                             f"{last} ({spec})")
        return lines

    def _describe_fired(self) -> str:
        if not self.fired:
            return "nothing fired"
        return "fired: " + ", ".join(name if len(runs) == 1 else f"{name} ×{_times(runs)}"
                                     for name, runs in self._by_script().items())

    def _show_virtual_time(self) -> None:
        self.virtual_label.setText(self.virtual().strftime(_FORMAT) if self.virtual else "")

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
