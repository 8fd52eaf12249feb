"""The Tests dock: conversation tests of the open dialog, run one/all, pass/fail, a diff view.

It also records every IDE run (from the runtime events the window's bridge re-emits), so
"Save Conversation as Test" can write the last run's chat and memory changes as NAME.chat.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.conversation.chat_format import ChatFormatError, dialog_tests, write_chat
from app.conversation.chat_parser import load_chat
from app.conversation.compare import ReplayResult, RowTag, error_result, side_by_side
from app.conversation.replay import MAX_MESSAGES, ConversationRecorder, replay
from interpreter.events import RunStarted

if TYPE_CHECKING:
    from ..workbench import Workbench

PATH_ROLE = Qt.ItemDataRole.UserRole
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1  # "", "running", "pass", "fail"
MAX_SEED_ENTRIES = 200  # a bigger memory is not copied into a recorded test
_ROW_COLORS = {RowTag.CHANGED: "#fff3c4", RowTag.MISSING: "#fbd3d3", RowTag.EXTRA: "#d4f5d4"}


class DiffView(QTableWidget):
    """Expected and actual conversation side by side; differing rows are coloured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Expected", "Actual"])
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)

    def show_result(self, result: ReplayResult | None) -> None:
        self.setRowCount(0)
        if result is None:
            return
        rows = side_by_side(result.expected, result.actual)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate((row.expected, row.actual)):
                item = QTableWidgetItem("" if text is None else text)
                if row.tag is not RowTag.SAME:
                    item.setBackground(QBrush(QColor(_ROW_COLORS[row.tag])))
                    item.setForeground(QBrush(QColor("#202020")))
                self.setItem(r, c, item)

    def rows(self) -> list[tuple[str, str]]:
        """(expected, actual) text of every row, for tests and copy/paste."""
        return [(self._text(r, 0), self._text(r, 1)) for r in range(self.rowCount())]

    def _text(self, row: int, column: int) -> str:
        cell = self.item(row, column)
        return cell.text() if cell is not None else ""


class TestsPanel(QWidget):
    """Lists NAME*.chat of the current dialog (then the other tests in its folder)."""

    resultReady = Signal(object)  # a ReplayResult
    runFinished = Signal()

    def __init__(self, window: Workbench) -> None:
        super().__init__(window.widget)
        self._window = window
        self.recorder = ConversationRecorder()
        self._seed: dict[str, str] = {}
        self._seed_note = ""
        self._run_path: Path | None = None
        self._results: dict[Path, ReplayResult] = {}
        self.run_task: asyncio.Task[Any] | None = None

        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.list.itemDoubleClicked.connect(lambda _item: self.run_selected())
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run_selected)
        self.run_all_button = QPushButton("Run All")
        self.run_all_button.clicked.connect(self.run_all)
        self.summary = QLabel("No tests")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.diff = DiffView()

        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.run_all_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        column.addLayout(buttons)
        column.addWidget(self.summary)
        right = QWidget()
        detail = QVBoxLayout(right)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.reasons)
        detail.addWidget(self.diff, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        window.bridge.runEvent.connect(self.record_event)
        window.bridge.memoryWritten.connect(self.recorder.feed_writes)
        window.tabs.currentChanged.connect(lambda _i: self.refresh())
        self._update_buttons()

    def showEvent(self, event: Any) -> None:
        """Tests written outside the IDE (or a dialog saved under a new name) show up."""
        super().showEvent(event)
        self.refresh()

    # -- the list -------------------------------------------------------------------------

    def dialog_path(self) -> Path | None:
        tab = self._window.current_tab()
        return getattr(tab, "path", None) if tab is not None else None

    def test_paths(self) -> list[Path]:
        return [self.list.item(i).data(PATH_ROLE) for i in range(self.list.count())]

    def refresh(self) -> None:
        """Re-read the folder of the current dialog; keeps results of tests still listed."""
        selected = self._selected_path()
        self.list.clear()
        dialog = self.dialog_path()
        if dialog is None:
            self.summary.setText("Save the dialog to see its tests")
            self._show_selected()
            return
        own = dialog_tests(dialog)
        others = sorted(p for p in dialog.parent.glob("*.chat") if p not in own)
        for path in own + others:
            item = QListWidgetItem(path.name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(str(path))
            self.list.addItem(item)
            self._paint(item)
            if path == selected:
                self.list.setCurrentItem(item)
        self._summarise()
        self._update_buttons()
        self._show_selected()

    def _item_for(self, path: Path) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(PATH_ROLE) == path:
                return self.list.item(i)
        return None

    def _selected_path(self) -> Path | None:
        item = self.list.currentItem()
        return item.data(PATH_ROLE) if item is not None else None

    def status_of(self, path: Path) -> str:
        item = self._item_for(path)
        return item.data(STATUS_ROLE) or "" if item is not None else ""

    def _paint(self, item: QListWidgetItem, running: bool = False) -> None:
        result = self._results.get(item.data(PATH_ROLE))
        SP = QStyle.StandardPixmap
        if running:
            status, icon = "running", SP.SP_BrowserReload
        elif result is None:
            status, icon = "", SP.SP_FileIcon
        elif result.passed:
            status, icon = "pass", SP.SP_DialogApplyButton
        else:
            status, icon = "fail", SP.SP_DialogCancelButton
        item.setData(STATUS_ROLE, status)
        item.setIcon(self.style().standardIcon(icon))

    def _summarise(self) -> None:
        shown = [self._results[p] for p in self.test_paths() if p in self._results]
        passed = sum(r.passed for r in shown)
        total = self.list.count()
        if not total:
            self.summary.setText("No tests: use Run ▸ Save Conversation as Test")
        elif not shown:
            self.summary.setText(f"{total} test{'s' if total != 1 else ''}, not run")
        else:
            self.summary.setText(f"{passed} passed, {len(shown) - passed} failed")

    def _show_selected(self) -> None:
        path = self._selected_path()
        result = self._results.get(path) if path is not None else None
        if result is None or result.passed:
            self.reasons.setText("Passed" if result is not None else "")
            self.diff.show_result(result if result is not None and result.expected else None)
            return
        self.reasons.setText("\n".join(result.reasons))
        self.diff.show_result(result)

    def _selection_changed(self) -> None:
        self._show_selected()
        self._update_buttons()  # Run needs a selected test

    def _update_buttons(self) -> None:
        busy = self.run_task is not None and not self.run_task.done()
        self.run_button.setEnabled(not busy and self.list.currentItem() is not None)
        self.run_all_button.setEnabled(not busy and self.list.count() > 0)

    # -- running ----------------------------------------------------------------------------

    def run_selected(self) -> asyncio.Task[Any] | None:
        path = self._selected_path()
        return self.run_paths([path]) if path is not None else None

    def run_all(self) -> asyncio.Task[Any] | None:
        return self.run_paths(self.test_paths())

    def run_paths(self, paths: list[Path]) -> asyncio.Task[Any] | None:
        """Replay ``paths`` one after the other as a task on the running (qasync) loop."""
        if not paths or (self.run_task is not None and not self.run_task.done()):
            return None
        self.run_task = asyncio.get_event_loop().create_task(self._run(paths))
        self._update_buttons()
        return self.run_task

    async def _run(self, paths: list[Path]) -> list[ReplayResult]:
        results = []
        try:
            for path in paths:
                item = self._item_for(path)
                if item is not None:
                    self._paint(item, running=True)
                try:
                    result = await replay(load_chat(path))
                except ChatFormatError as e:
                    result = error_result(path, str(e))
                self._results[path] = result
                results.append(result)
                item = self._item_for(path)
                if item is not None:
                    self._paint(item)
                if path == self._selected_path():
                    self._show_selected()
                self.resultReady.emit(result)
                await asyncio.sleep(0)
        finally:
            self._summarise()
            self.run_task = None
            self._update_buttons()
            self.runFinished.emit()
        return results

    # -- recording ------------------------------------------------------------------------

    def record_event(self, event: object) -> None:
        """Every runtime event of an IDE run; a RunStarted snapshots memory as the seed."""
        if isinstance(event, RunStarted):
            run_tab = self._window.run_tab() or self._window.current_tab()
            self._run_path = getattr(run_tab, "path", None)
            self._seed, self._seed_note = self._snapshot()
        self.recorder.feed(event)

    def _snapshot(self) -> tuple[dict[str, str], str]:
        store, bot = self._window.store, self._window.runner.bot
        try:
            entries = store.list(bot, limit=MAX_SEED_ENTRIES + 1)
        except Exception as e:  # noqa: BLE001 - an unreadable memory just leaves the seed out
            return {}, f"the bot memory could not be read ({e}); no seed memory recorded"
        if len(entries) > MAX_SEED_ENTRIES:
            return {}, (f"the bot memory had more than {MAX_SEED_ENTRIES} entries; "
                        "no seed memory recorded")
        return {e.key: e.value for e in entries}, ""

    def save_conversation(self) -> Path | None:
        """Write the last run as NAME.chat next to its dialog (NAME.2.chat, … if taken)."""
        status = self._window.statusBar()
        if not self.recorder.file:
            status.showMessage("Run the dialog first, then save its conversation as a test", 5000)
            return None
        dialog = self._run_path
        if dialog is None:
            status.showMessage("Save the dialog first: its test is written next to it", 5000)
            return None
        if self.recorder.dropped:
            status.showMessage(f"This run sent more than {MAX_MESSAGES:,} bot messages: a test "
                               "replay stops there as a runaway dialog, so it is not saved", 8000)
            return None
        stem = dialog.name[: -len(dialog.suffix)] if dialog.suffix else dialog.name
        target, n = dialog.with_name(f"{stem}.chat"), 2
        while target.exists():
            target, n = dialog.with_name(f"{stem}.{n}.chat"), n + 1
        comment = f"Recorded in Talkbench from a run of {dialog.name}."
        if self._seed_note:
            comment += f" Note: {self._seed_note}."
        test = self.recorder.to_test(dialog.name, self._seed, comment)
        try:
            target.write_text(write_chat(test), encoding="utf-8")
        except OSError as e:
            status.showMessage(f"Cannot write {target}: {e.strerror}", 8000)
            return None
        status.showMessage(f"Saved conversation test {target.name}", 5000)
        self.refresh()
        item = self._item_for(target)
        if item is not None:
            self.list.setCurrentItem(item)
        return target
