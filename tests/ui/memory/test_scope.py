"""The memory panel's user scope: one user's memory of the bot, edited and followed live."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QLineEdit, QMessageBox

from app.memory.user_memory import user_memories
from tests.ui.conftest import settle, type_lines, until
from ui.memory.panel import BOT_SCOPE, USER_SCOPE, MemoryPanel
from ui.memory.user_model import EXPIRES_COLUMN

BOT = "testbot"


def keys_shown(panel: MemoryPanel) -> list[str]:
    model = panel.user_model
    return [model.entry(r).key for r in range(model.rowCount())]


def shown(panel: MemoryPanel, key: str) -> str | None:
    row = panel.user_model.row_of(key)
    return None if row is None else panel.user_model.entry(row).value


def choose_scope(qtbot, panel: MemoryPanel, scope: int) -> None:
    """Pick the scope from the combo with the keyboard, as a user would."""
    panel.scope_box.setFocus()
    key = Qt.Key.Key_Down if scope == USER_SCOPE else Qt.Key.Key_Up
    QTest.keyClick(panel.scope_box, key)
    qtbot.waitUntil(lambda: panel.scope == scope)


def type_user(qtbot, panel: MemoryPanel, user: str) -> None:
    edit = panel.user_box.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, user)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.user_model.user == user)


def edit_value(qtbot, panel: MemoryPanel, key: str, text: str) -> None:
    """Double-click the value cell, type ``text`` over it, press Enter."""
    view = panel.user_view
    index = panel.user_model.index(panel.user_model.row_of(key), 1)
    center = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: view.state() == QAbstractItemView.State.EditingState)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


@pytest.fixture
def memories(window):
    memories = user_memories(window.store)
    memories.set(BOT, "alice", "color", "red")
    memories.remember(BOT, "alice", "plan", "gold", dt.timedelta(days=30))
    memories.set(BOT, "bob", "city", "Oslo")
    memories.set("otherbot", "carol", "x", "1")
    return memories


@pytest.fixture
def panel(window, memories, qtbot):
    panel = window.memory
    window.activateWindow()
    choose_scope(qtbot, panel, USER_SCOPE)
    type_user(qtbot, panel, "alice")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["color", "plan"])
    return panel


def test_user_scope_lists_the_bots_users_and_the_conversations_user(window, memories, qtbot):
    panel = window.memory
    assert panel.tables.currentWidget() is panel.view and not panel.user_box.isVisible()
    choose_scope(qtbot, panel, USER_SCOPE)
    settle(qtbot, panel)  # the users are read off the GUI thread
    assert panel.tables.currentWidget() is panel.user_view and panel.user_box.isVisible()
    users = [panel.user_box.itemText(i) for i in range(panel.user_box.count())]
    session_user = window.runner.session.user_id
    assert session_user and sorted(users) == sorted(["alice", "bob", session_user])
    # The conversation's user is shown first: nothing stored for it yet.
    assert panel.user_model.user == session_user and keys_shown(panel) == []
    type_user(qtbot, panel, "bob")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["city"])
    # The bot memory table is untouched underneath.
    choose_scope(qtbot, panel, BOT_SCOPE)
    assert panel.tables.currentWidget() is panel.view


def test_remembered_entry_shows_its_expiry(panel):
    model = panel.user_model
    plan = model.index(model.row_of("plan"), EXPIRES_COLUMN)
    color = model.index(model.row_of("color"), EXPIRES_COLUMN)
    assert model.data(color) == "never"
    assert model.data(plan) not in ("", "never")
    assert "REMEMBERed" in model.data(plan, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(EXPIRES_COLUMN, Qt.Orientation.Horizontal) == "Expires"


def test_bot_only_buttons_are_disabled_with_a_reason(panel, qtbot):
    panel.store.set(BOT, "k", "v")  # something to undo once back in bot scope
    choose_scope(qtbot, panel, BOT_SCOPE)
    panel.set_value("k", "v", "w")
    qtbot.waitUntil(lambda: panel.buttons["↶"].isEnabled())
    assert panel.buttons["Export…"].isEnabled()
    choose_scope(qtbot, panel, USER_SCOPE)
    for text in ("↶", "↷", "Export…", "Import…"):
        assert not panel.buttons[text].isEnabled(), text
        assert "bot memory only" in panel.buttons[text].toolTip(), text
    for text in ("+", "−", "⟳"):
        assert panel.buttons[text].isEnabled()
    # Ctrl+Z in the user table does not undo the bot memory edit behind it.
    panel.user_view.setFocus()
    QTest.keyClick(panel.user_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    panel.store.flush(5)
    assert panel.store.value(BOT, "k") == "w"
    choose_scope(qtbot, panel, BOT_SCOPE)
    assert panel.buttons["↶"].isEnabled() and "set k" in panel.buttons["↶"].toolTip()


def test_double_click_edit_keeps_the_remember_expiry(panel, memories, qtbot):
    before = memories.list(BOT, "alice")
    expiry = next(e.expires_at for e in before if e.key == "plan")
    edit_value(qtbot, panel, "plan", "platinum")
    settle(qtbot, panel)
    assert memories.get(BOT, "alice", "plan") == "platinum"
    after = next(e for e in memories.list(BOT, "alice") if e.key == "plan")
    assert after.expires_at == expiry
    qtbot.waitUntil(lambda: shown(panel, "plan") == "platinum")
    edit_value(qtbot, panel, "color", "blue")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "color") == "blue")
    assert memories.get(BOT, "alice", "color") == "blue"
    assert memories.get(BOT, "bob", "city") == "Oslo"  # another user untouched


def test_add_key_for_a_newly_typed_user_then_delete_it(panel, memories, qtbot, monkeypatch):
    type_user(qtbot, panel, "dave")
    settle(qtbot, panel)
    assert keys_shown(panel) == []
    answers = iter([("likes", True), ("tea", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    qtbot.mouseClick(panel.buttons["+"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown(panel, "likes") == "tea")
    assert memories.get(BOT, "dave", "likes") == "tea"
    assert memories.get(BOT, "alice", "likes") == ""
    questions: list[str] = []

    def yes(*args):
        questions.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    panel.user_view.selectRow(panel.user_model.row_of("likes"))
    panel.user_view.setFocus()
    QTest.keyClick(panel.user_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: keys_shown(panel) == [])
    assert "user 'dave'" in questions[0]
    assert memories.list(BOT, "dave") == []
    assert shown(panel, "likes") is None


def test_filter_box_filters_the_users_keys(panel, qtbot):
    qtbot.keyClicks(panel.filter, "gol")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["plan"])
    panel.filter.clear()
    qtbot.waitUntil(lambda: keys_shown(panel) == ["color", "plan"])


def test_store_refusal_is_reported_not_raised(panel, qtbot, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    answers = iter([("bad", True), ("a\x00b", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    qtbot.mouseClick(panel.buttons["+"], Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert warnings and "NUL" in warnings[0]
    assert shown(panel, "bad") is None


def test_remembered_entry_leaves_the_table_when_it_expires(panel, memories, qtbot):
    memories.remember(BOT, "alice", "brief", "soon gone", dt.timedelta(seconds=0.3))
    qtbot.waitUntil(lambda: shown(panel, "brief") == "soon gone")
    qtbot.waitUntil(lambda: shown(panel, "brief") is None, timeout=3000)
    assert keys_shown(panel) == ["color", "plan"]


def test_running_dialog_writes_show_live_in_the_users_scope(window, qtbot, run):
    panel = window.memory
    window.activateWindow()
    choose_scope(qtbot, panel, USER_SCOPE)
    settle(qtbot, panel)
    user = window.runner.session.user_id
    assert panel.user_model.user == user and keys_shown(panel) == []
    editor = window.add_tab("", None).editor
    type_lines(qtbot, editor, 'SET USER MEMORY "mood", "happy"', 'REMEMBER "trial", "yes", "1 day"',
               "HEAR answer", 'SET USER MEMORY "mood", answer')
    other = user_memories(window.store)

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: window.chat.waiting)
        # Shown while the dialog still runs (it waits at HEAR), REMEMBER with its expiry.
        await until(lambda: shown(panel, "mood") == "happy" and shown(panel, "trial") == "yes")
        model = panel.user_model
        assert model.entry(model.row_of("trial")).expires_at is not None
        assert model.entry(model.row_of("mood")).expires_at is None
        other.set(BOT, "someone-else", "mood", "grumpy")  # not this scope's user
        qtbot.keyClicks(window.chat.input, "calm")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: shown(panel, "mood") == "calm")
        await until(lambda: not window.runner.running)

    run(scenario())
    assert keys_shown(panel) == ["mood", "trial"]
    assert user_memories(window.store).get(BOT, user, "mood") == "calm"
    # The other user's write added that user to the selector, not to this table.
    assert panel.user_box.findText("someone-else") >= 0


def test_write_from_another_thread_arrives_on_the_gui_thread(panel, memories, qtbot):
    seen_threads: list[bool] = []
    panel.user_model.rowsInserted.connect(
        lambda *_: seen_threads.append(threading.current_thread() is threading.main_thread()))
    worker = threading.Thread(target=memories.set, args=(BOT, "alice", "zone", "UTC"))
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: shown(panel, "zone") == "UTC")
    assert seen_threads == [True]


def test_context_menu_in_user_scope_offers_only_what_applies(panel, qtbot):
    index = panel.user_model.index(panel.user_model.row_of("color"), 0)
    menu = panel.context_menu(panel.user_view.visualRect(index).center())
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Edit value", "Add key…", "&Copy", "&Delete…"]
    next(a for a in menu.actions() if a.text() == "Edit value").trigger()
    qtbot.waitUntil(lambda: panel.user_view.state() == QAbstractItemView.State.EditingState)
    editor = panel.user_view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "red"  # the value cell's editor
    # Keys are not editable in user scope: there is no rename.
    assert not panel.user_model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_opening_another_database_follows_its_user_memory(window, panel, qtbot, tmp_path):
    assert window.open_database(str(tmp_path / "other.sqlite3"))
    qtbot.waitUntil(lambda: keys_shown(panel) == [])  # alice has nothing in the new file
    assert panel.user_model.user == "alice" and panel.user_model.memories is not None
    user_memories(window.store).set(BOT, "alice", "fresh", "start")
    qtbot.waitUntil(lambda: shown(panel, "fresh") == "start")


def test_header_click_sorts_by_expiry_and_the_selection_follows(panel, memories, qtbot):
    memories.remember(BOT, "alice", "arrival", "today", dt.timedelta(days=1))
    qtbot.waitUntil(lambda: keys_shown(panel) == ["arrival", "color", "plan"])
    panel.user_view.selectRow(panel.user_model.row_of("color"))
    header = panel.user_view.horizontalHeader()
    x = header.sectionViewportPosition(EXPIRES_COLUMN) + header.sectionSize(EXPIRES_COLUMN) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, 5))
    # Soonest first, never-expiring last.
    qtbot.waitUntil(lambda: keys_shown(panel) == ["arrival", "plan", "color"])
    assert panel.selected_keys() == ["color"]
