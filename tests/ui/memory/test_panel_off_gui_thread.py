"""The memory panel never calls the database on the GUI thread: with a store whose every read
and edit takes a while (a slow or remote PostgreSQL), listing, filtering, sorting and hand
edits all happen, and a GUI-thread timer keeps ticking while the store is busy."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from app.memory.store import MemoryStore
from app.memory.user_memory import UserMemories
from tests.ui.conftest import settle
from tests.ui.memory.test_conflicts import open_editor, shown, type_and_enter
from ui.memory.panel import MemoryPanel
from ui.run.bridge import Bridge

BOT = "slowbot"
DELAY = 0.15  # seconds per database call


class SlowStore(MemoryStore):
    """A real SQLite store whose database calls first wait ``DELAY``; it records the thread
    of every call and whether one is under way."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.calls: list[tuple[str, bool]] = []  # (method, on the GUI thread)
        self.busy = False

    def _slow(self, name: str) -> None:
        self.calls.append((name, threading.current_thread() is threading.main_thread()))
        self.busy = True
        time.sleep(DELAY)
        self.busy = False

    def bots(self):
        self._slow("bots")
        return super().bots()

    def get_entry(self, bot, key):
        self._slow("get_entry")
        return super().get_entry(bot, key)

    def list(self, *args, **kwargs):
        self._slow("list")
        return super().list(*args, **kwargs)

    def count(self, *args, **kwargs):
        self._slow("count")
        return super().count(*args, **kwargs)

    def rename(self, *args, **kwargs):
        self._slow("rename")
        return super().rename(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._slow("delete")
        return super().delete(*args, **kwargs)


@pytest.fixture
def slow(qtbot, tmp_path: Path):
    store = SlowStore(f"sqlite:///{tmp_path / 'memory.sqlite3'}")
    for key, value in {"apple": "red", "banana": "yellow", "cherry": "red"}.items():
        store.set(BOT, key, value)
    assert store.flush(10)
    ticks = {"while busy": 0}

    def tick() -> None:  # runs only when the GUI thread is free
        if store.busy:
            ticks["while busy"] += 1

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    panel = MemoryPanel(store, BOT)
    qtbot.addWidget(panel)
    bridge = Bridge()  # the store's change events reach the panel as in the window
    unsubscribe = store.subscribe(bridge.post_change)
    bridge.memoryChanged.connect(panel.apply_changes)
    panel.resize(600, 400)
    panel.show()
    qtbot.waitExposed(panel)
    yield store, panel, ticks
    timer.stop()
    unsubscribe()
    settle(qtbot, panel)
    store.close(timeout=5)


def keys(panel: MemoryPanel) -> list[str]:
    return [panel.model.entry(r).key for r in range(panel.model.rowCount())]


def test_listing_filtering_sorting_and_edits_run_off_the_gui_thread(slow, qtbot, monkeypatch):
    store, panel, ticks = slow
    settle(qtbot, panel)
    assert keys(panel) == ["apple", "banana", "cherry"]

    panel.filter.setText("red")
    settle(qtbot, panel)
    assert keys(panel) == ["apple", "cherry"]

    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    settle(qtbot, panel)
    assert keys(panel) == ["cherry", "apple"]

    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "apple", 1), "green red")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "apple") == "green red")

    assert panel.rename_key("cherry", "cherry2")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "cherry2") == "red")

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    panel.view.selectRow(panel.model.row_of("apple"))
    panel.delete_selected()
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "apple") is None)
    panel.undo_action.trigger()  # the delete comes back
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "apple") == "green red")

    assert {name for name, _ in store.calls} >= {"bots", "list", "count", "get_entry",
                                                  "rename", "delete"}
    on_gui = [name for name, gui in store.calls if gui]
    assert on_gui == [], f"database calls on the GUI thread: {on_gui}"
    assert ticks["while busy"] > 0  # the GUI thread ran while the store was busy


def test_a_load_answered_late_is_not_shown_over_a_newer_one(slow, qtbot):
    _store, panel, _ticks = slow
    settle(qtbot, panel)
    panel.filter.setText("yellow")  # two reloads in a row: the first answer is stale
    panel.apply_filter()
    panel.filter.setText("red")
    panel.apply_filter()
    settle(qtbot, panel)
    assert keys(panel) == ["apple", "cherry"]


def test_a_write_during_a_load_is_shown_after_it(slow, qtbot):
    store, panel, _ticks = slow
    settle(qtbot, panel)
    panel.reload()  # the page may be read before the write below lands
    store.set(BOT, "date", "brown")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "date") == "brown")


def test_undoing_a_delete_keeps_the_created_time(slow, qtbot, monkeypatch):
    store, panel, _ticks = slow
    settle(qtbot, panel)
    created = store.get_entry(BOT, "banana").created_at
    shown_created = panel.model.entry(panel.model.row_of("banana")).created_at
    assert shown_created == created
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    panel.view.selectRow(panel.model.row_of("banana"))
    panel.delete_selected()
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "banana") is None)
    panel.undo_action.trigger()
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "banana") == "yellow")
    assert store.get_entry(BOT, "banana").created_at == created
    assert panel.model.entry(panel.model.row_of("banana")).created_at == created


class SlowUserMemories(UserMemories):
    """User memory over the same database, each call first waiting ``DELAY``."""

    def __init__(self, database, calls: list[tuple[str, bool]]) -> None:
        super().__init__(database)
        self.calls = calls

    def _slow(self, name: str) -> None:
        self.calls.append((name, threading.current_thread() is threading.main_thread()))
        time.sleep(DELAY)

    def users(self, bot):
        self._slow("users")
        return super().users(bot)

    def list(self, *args, **kwargs):
        self._slow("list")
        return super().list(*args, **kwargs)

    def probe(self, bot):
        self._slow("probe")
        return super().probe(bot)

    def snapshot(self, *args, **kwargs):
        self._slow("snapshot")
        return super().snapshot(*args, **kwargs)

    def set(self, *args, **kwargs):
        self._slow("set")
        return super().set(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._slow("delete")
        return super().delete(*args, **kwargs)


def test_the_user_scope_reads_and_edits_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    from ui.memory.panel import USER_SCOPE

    store = MemoryStore(f"sqlite:///{tmp_path / 'memory.sqlite3'}")
    calls: list[tuple[str, bool]] = []
    slow_users = SlowUserMemories(store.database, calls)
    slow_users.set(BOT, "alice", "color", "red")
    slow_users.set(BOT, "alice", "plan", "gold")
    calls.clear()
    monkeypatch.setattr("ui.memory.panel.user_memories", lambda _store: slow_users)
    try:
        panel = MemoryPanel(store, BOT)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitExposed(panel)
        panel.scope_box.setCurrentIndex(USER_SCOPE)
        panel.select_user("alice")
        settle(qtbot, panel)
        model = panel.user_model
        assert sorted(model.entry(r).key for r in range(model.rowCount())) == ["color", "plan"]
        panel.filter.setText("gol")
        settle(qtbot, panel)
        assert [model.entry(r).key for r in range(model.rowCount())] == ["plan"]
        model.set_value("plan", "silver")
        model.delete_keys(["color"])
        settle(qtbot, panel)
        panel.scope_box.setCurrentIndex(0)  # back to bot memory: the polling stops
        settle(qtbot, panel)
        panel_calls = list(calls)  # before this test's own reads below
        assert {name for name, _ in panel_calls} >= {"users", "list", "set", "delete"}
        on_gui = [name for name, gui in panel_calls if gui]
        assert on_gui == [], f"user memory calls on the GUI thread: {on_gui}"
        assert slow_users.get(BOT, "alice", "plan") == "silver"
        assert slow_users.list(BOT, "alice", "color") == []
    finally:
        store.close(timeout=5)
