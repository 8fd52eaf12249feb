"""The memory panel: rename, undo/redo through the store, store-side sort and filter, 100k rows."""

from __future__ import annotations

import dataclasses
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QInputDialog,
    QLineEdit,
    QMessageBox,
)

from app.memory.changes import HAND
from app.memory.store import ChangeState, MemoryChange, MemoryStore
from interpreter.ports.host import WriteSource
from tests.app.memory.test_rewriting_triggers import add_tidy_trigger
from tests.ui.conftest import settle
from ui.memory import model as memory_model
from ui.memory.panel import MemoryPanel


def fill(store: MemoryStore, bot: str, pairs: dict[str, str]) -> None:
    for key, value in pairs.items():
        store.set(bot, key, value)
    assert store.flush(10)


def value(store: MemoryStore, key: str, bot: str = "testbot") -> str | None:
    store.flush(5)
    entry = store.get_entry(bot, key)
    return entry.value if entry else None


def keys_shown(panel: MemoryPanel) -> list[str]:
    return [panel.model.entry(r).key for r in range(panel.model.rowCount())]


@pytest.fixture
def panel(window, qtbot):
    """The window's memory panel with keys a=1, b=2, c=3, focus in the table."""
    fill(window.store, "testbot", {"a": "1", "b": "2", "c": "3"})
    panel = window.memory
    panel.reload()
    settle(qtbot, panel)
    window.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(lambda: panel.view.hasFocus())
    return panel


def edit_cell(qtbot, panel: MemoryPanel, key: str, column: int, text: str) -> None:
    """Open the view's cell editor, type ``text`` over the cell and press Enter."""
    index = panel.proxy.index(panel.model.row_of(key), column)
    panel.view.setCurrentIndex(index)
    panel.view.edit(index)
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits through a queued call once the key event is done.
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)


def undo_key(panel: MemoryPanel, redo: bool = False) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    if redo:
        mods |= Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(panel.view, Qt.Key.Key_Z, mods)


def test_edit_key_cell_renames_and_ctrl_z_undoes_through_the_store(panel, qtbot):
    store = panel._store
    edit_cell(qtbot, panel, "b", 0, "bee")
    qtbot.waitUntil(lambda: panel.model.row_of("bee") is not None)
    assert value(store, "bee") == "2" and value(store, "b") is None
    assert panel.model.row_of("b") is None

    undo_key(panel)
    qtbot.waitUntil(lambda: panel.model.row_of("b") is not None)
    assert value(store, "b") == "2" and value(store, "bee") is None
    undo_key(panel, redo=True)
    qtbot.waitUntil(lambda: panel.model.row_of("bee") is not None)
    assert value(store, "bee") == "2"


def test_rename_onto_an_existing_key_is_refused(panel, qtbot, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    edit_cell(qtbot, panel, "a", 0, "c")
    settle(qtbot, panel)
    assert warnings and "already exists" in warnings[0]
    assert value(panel._store, "a") == "1" and value(panel._store, "c") == "3"
    assert panel.undo_stack.count() == 0


def test_value_edit_undo_redo(panel, qtbot):
    store = panel._store
    edit_cell(qtbot, panel, "a", 1, "one")
    qtbot.waitUntil(lambda: panel.model.entry(panel.model.row_of("a")).value == "one")
    assert value(store, "a") == "one"
    assert panel.undo_action.isEnabled() and "set a" in panel.undo_action.text()
    undo_key(panel)
    qtbot.waitUntil(lambda: panel.model.entry(panel.model.row_of("a")).value == "1")
    assert value(store, "a") == "1"
    redo = panel.buttons["↷"]
    assert redo.isEnabled() and "set a" in redo.toolTip()
    qtbot.mouseClick(redo, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert value(store, "a") == "one"
    qtbot.waitUntil(lambda: not redo.isEnabled())  # nothing left to redo


def test_a_value_a_trigger_changes_shows_as_the_database_holds_it(panel, qtbot):
    """Confirmed (no longer pending), the row shows what the database made of the edit, not
    what was typed."""
    add_tidy_trigger(panel._store.database.database)
    edit_cell(qtbot, panel, "a", 1, "  ONE ")
    qtbot.waitUntil(lambda: panel.model.entry(panel.model.row_of("a")).value == "one")
    assert not panel.model.entry(panel.model.row_of("a")).pending
    assert value(panel._store, "a") == "one"


def test_a_dialog_s_writes_a_trigger_changes_do_not_walk_the_undo_stack(panel, qtbot):
    """A dialog writing in a loop against a trimming trigger: each of its ~1,000 changed
    writes a delivery was looked for in the whole undo stack (~160 ms of the GUI thread with
    200 hand edits in it). Only hand edits are, and the stack is walked once per delivery."""
    store = panel._store
    for i in range(200):
        panel.set_value(f"k{i}", None, f"v{i}")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.undo_stack.count() == 200)
    add_tidy_trigger(store.database.database)
    landed: list[MemoryChange] = []
    run = WriteSource(kind="script", file="d.bas", line=2, run_id="r1")
    # The dialog's writes only: the hand edits' own deliveries may still be on their way.
    store.subscribe(lambda c: landed.append(c)
                    if c.state is ChangeState.LANDED and c.source == run else None)
    for i in range(1_000):
        store.set("testbot", f"s{i}", f"Tidy {i}", run)
    assert store.flush(30)
    assert len(landed) == 1_000 and all(c.sent is not None for c in landed)
    stack, read = panel.undo_stack, []
    command = stack.command
    stack.command = lambda i: read.append(i) or command(i)  # type: ignore[method-assign]
    panel.apply_changes(landed)
    assert read == []  # no hand edit among them: the stack is not walked at all
    hand = [dataclasses.replace(landed[0], source=HAND), dataclasses.replace(landed[1], source=HAND)]
    panel.apply_changes(hand)
    assert read == list(range(200))  # two hand edits: one walk


def test_add_then_delete_then_undo_both(panel, qtbot, monkeypatch):
    store = panel._store
    answers = iter([("new", True), ("fresh", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    panel.add_row()
    qtbot.waitUntil(lambda: panel.model.row_of("new") is not None)
    assert value(store, "new") == "fresh"

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    panel.view.selectRow(panel.model.row_of("a"))
    QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.model.row_of("a") is None)
    assert value(store, "a") is None

    undo_key(panel)  # the delete: the value comes back
    qtbot.waitUntil(lambda: panel.model.row_of("a") is not None)
    assert value(store, "a") == "1"
    undo_key(panel)  # the add: the key goes away
    qtbot.waitUntil(lambda: panel.model.row_of("new") is None)
    assert value(store, "new") is None


def test_context_menu_rename(panel, qtbot, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("c2", True))
    rect = panel.view.visualRect(panel.proxy.index(panel.model.row_of("c"), 0))
    menu = panel.context_menu(rect.center())
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:2] == ["Rename key…", "Edit value"]
    next(a for a in menu.actions() if a.text() == "Rename key…").trigger()
    qtbot.waitUntil(lambda: panel.model.row_of("c2") is not None)
    assert value(panel._store, "c2") == "3"


def test_copy_selected_rows(panel):
    panel.view.selectRow(panel.model.row_of("b"))
    QTest.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "b\t2"


# -- store-side sort and filter over pages not loaded yet ---------------------------------------


@pytest.fixture
def paged(window, monkeypatch, qtbot):
    """25 keys in pages of 10; values run opposite to keys (k00 -> z, k24 -> a…)."""
    monkeypatch.setattr(memory_model, "PAGE_SIZE", 10)
    fill(window.store, "testbot", {f"k{i:02}": chr(ord("z") - i) * 2 for i in range(25)})
    window.memory.reload()
    settle(qtbot, window.memory)
    return window.memory


def fetch_all(qtbot, panel: MemoryPanel) -> None:
    while panel.model.canFetchMore():
        panel.model.fetchMore()
        settle(qtbot, panel)


def test_header_click_sorts_in_the_store(paged, qtbot):
    header = paged.view.horizontalHeader()
    x = header.sectionViewportPosition(1) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    settle(qtbot, paged)
    assert paged.model.order == ("value", False)
    assert paged.model.rowCount() == 10  # still one page
    assert keys_shown(paged)[0] == "k24"  # smallest value, from the last page by key
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    settle(qtbot, paged)
    assert paged.model.order == ("value", True)
    assert keys_shown(paged)[0] == "k00"


def test_filter_box_asks_the_store(paged, qtbot):
    qtbot.keyClicks(paged.filter, "bb")  # only the value of k24, on the last page by key
    settle(qtbot, paged)
    assert keys_shown(paged) == ["k24"]
    paged.filter.clear()
    settle(qtbot, paged)
    assert paged.model.rowCount() == 10 and paged.model.total == 25


def test_live_insert_lands_in_sort_order(paged, qtbot):
    fetch_all(qtbot, paged)
    paged.window().store.set("testbot", "k10x", "new")
    qtbot.waitUntil(lambda: paged.model.row_of("k10x") is not None)
    assert keys_shown(paged)[10:13] == ["k10", "k10x", "k11"]
    paged.filter.setText("k1")  # filtered: a key not matching does not show up
    settle(qtbot, paged)
    fetch_all(qtbot, paged)
    paged.window().store.set("testbot", "zz", "new")
    paged.window().store.set("testbot", "k1a", "new")
    qtbot.waitUntil(lambda: paged.model.row_of("k1a") is not None)
    assert paged.model.row_of("zz") is None


# -- 100,000 entries --------------------------------------------------------------------------


def test_hundred_thousand_entries_load_lazily_and_scroll(qtbot, tmp_path):
    store = MemoryStore(str(tmp_path / "big.sqlite3"))
    try:
        for i in range(100_000):  # queued, then written by the batching writer
            store.set("big", f"key{i:06}", f"value {i}")
        assert store.flush(60)

        started = time.perf_counter()
        panel = MemoryPanel(store, "big")
        qtbot.addWidget(panel)
        panel.resize(600, 400)
        panel.show()
        qtbot.waitExposed(panel)
        settle(qtbot, panel)
        opened = time.perf_counter() - started
        model = panel.model
        assert model.total == 100_000
        assert model.rowCount() == memory_model.PAGE_SIZE

        started = time.perf_counter()
        for _ in range(5):  # every scroll to the bottom reads one more page, no more
            panel.view.scrollToBottom()
            QApplication.processEvents()
            settle(qtbot, panel)
        scrolled = time.perf_counter() - started
        assert memory_model.PAGE_SIZE < model.rowCount() <= 6 * memory_model.PAGE_SIZE
        assert model.rows_read == model.rowCount()
        assert model.canFetchMore()
        loaded = keys_shown(panel)
        assert loaded == sorted(loaded) and loaded[-1] == f"key{len(loaded) - 1:06}"

        panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the store sorts all 100k
        settle(qtbot, panel)
        assert keys_shown(panel)[0] == "key099999"
        assert model.rows_read == memory_model.PAGE_SIZE
        print(f"100k: open {opened:.3f} s, 5 scrolls to the bottom {scrolled:.3f} s")
        assert opened < 5 and scrolled < 5
    finally:
        store.close(timeout=5)
