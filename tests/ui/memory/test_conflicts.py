"""Memory panel edits that conflict with another writer ask first: Overwrite / Keep / Cancel.

The second writer is another MemoryStore on the same SQLite file, or ``talkbench memory set``
in a subprocess; the edits go through the real table view and the real QMessageBox.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox, QPushButton

from app.memory.store import MemoryStore
from tests.app.memory.test_rewriting_triggers import add_tidy_trigger
from tests.ui.conftest import settle
from ui.memory.panel import MemoryPanel

ROOT = Path(__file__).resolve().parents[3]
BOT = "testbot"


def outside_set(url: str, key: str, value: str) -> None:
    """Another writer: its own store (own connection and writer thread) on the same file."""
    with MemoryStore(url) as other:
        other.set(BOT, key, value)


def stored(store: MemoryStore, key: str) -> str | None:
    store.flush(5)
    return store.value(BOT, key)


def shown(panel: MemoryPanel, key: str) -> str | None:
    row = panel.model.row_of(key)
    return None if row is None else panel.model.entry(row).value


def open_editor(qtbot, panel: MemoryPanel, key: str, column: int) -> QLineEdit:
    """Double-click the cell, as a user would; returns the cell's editor."""
    index = panel.proxy.index(panel.model.row_of(key), column)
    panel.view.scrollTo(index)
    center = panel.view.visualRect(index).center()
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: panel.view.state() == QAbstractItemView.State.EditingState)
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None
    return editor


def type_and_enter(qtbot, panel: MemoryPanel, editor: QLineEdit, text: str) -> None:
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)


def answer_next_box(choice: str, texts: list[str]) -> None:
    """Click the button ``choice`` (overwrite, keep, cancel) of the next modal QMessageBox."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            button = box.findChild(QPushButton, choice)
            assert button is not None, choice
            button.click()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


@pytest.fixture
def panel(window, qtbot):
    """The IDE's memory panel (its outside watcher runs) with a=1, b=2, c=3."""
    for key, value in {"a": "1", "b": "2", "c": "3"}.items():
        window.store.set(BOT, key, value)
    assert window.store.flush(10)
    panel = window.memory
    panel.reload()
    settle(qtbot, panel)
    window.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(lambda: panel.view.hasFocus())
    # The outside watcher knows the rows (its baseline), so it can tell a later change.
    known = window.history_feature.watcher._known
    qtbot.waitUntil(lambda: known.get(BOT, {}).get("b") == "2", timeout=3000)
    return panel


def test_overwrite_after_an_outside_change_under_the_open_editor(window, panel, qtbot):
    store = panel._store
    editor = open_editor(qtbot, panel, "b", 1)
    outside_set(window.db_url, "b", "theirs")
    # The outside watcher updates the row while the editor is open...
    qtbot.waitUntil(lambda: shown(panel, "b") == "theirs", timeout=3000)
    answers: list[str] = []
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    answer_next_box("overwrite", answers)
    # ...yet the edit is based on the "2" the user saw when it began: it asks.
    type_and_enter(qtbot, panel, editor, "mine")
    qtbot.waitUntil(lambda: choices == ["overwrite"], timeout=3000)
    (text,) = answers
    assert "'theirs'" in text and "'2'" in text and "'mine'" in text
    settle(qtbot, panel)
    assert stored(store, "b") == "mine"
    qtbot.waitUntil(lambda: shown(panel, "b") == "mine", timeout=3000)
    # Undo brings back what the overwrite replaced: the outside value.
    panel.undo_action.trigger()
    settle(qtbot, panel)
    assert stored(store, "b") == "theirs"


def test_no_question_without_a_conflict(panel, qtbot):
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "one")
    settle(qtbot, panel)
    # Stored means the edit was applied, which happens after the question would have been.
    assert stored(panel._store, "a") == "one"
    assert choices == []


@pytest.fixture
def lone_panel(qtbot, tmp_path):
    """A panel on its own (no outside watcher): only the store comparison can tell."""
    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    store = MemoryStore(url)
    for key, value in {"a": "1", "b": "2"}.items():
        store.set(BOT, key, value)
    assert store.flush(10)
    panel = MemoryPanel(store, BOT)
    qtbot.addWidget(panel)
    panel.resize(500, 300)
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot, panel)
    yield panel, url
    store.close(timeout=5)


def test_keep_outside_value_after_talkbench_memory_set_in_another_process(lone_panel, qtbot):
    panel, url = lone_panel
    subprocess.run([sys.executable, "-m", "app", "memory", "set", "--db", url, "--bot", BOT,
                    "a", "from-cli"], cwd=ROOT, check=True, timeout=60, capture_output=True)
    assert shown(panel, "a") == "1"  # nothing told this panel
    answers: list[str] = []
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    answer_next_box("keep", answers)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    qtbot.waitUntil(lambda: choices == ["keep"], timeout=3000)
    assert "'from-cli'" in answers[0] and "'1'" in answers[0] and "'edited'" in answers[0]
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "from-cli"
    assert shown(panel, "a") == "from-cli"  # the row shows the stored value at once
    assert panel.undo_stack.count() == 0


def test_cancel_changes_nothing(lone_panel, qtbot):
    panel, url = lone_panel
    outside_set(url, "b", "theirs")
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    answer_next_box("cancel", [])
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "b", 1), "mine")
    qtbot.waitUntil(lambda: choices == ["cancel"], timeout=3000)
    settle(qtbot, panel)
    assert stored(panel._store, "b") == "theirs"
    assert panel.undo_stack.count() == 0


def test_delete_keeps_the_key_changed_outside_and_deletes_the_rest(
    window, panel, qtbot, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    watcher = window.history_feature.watcher
    watcher.unwatch(BOT)  # the row must still show the old value when Delete is pressed
    outside_set(window.db_url, "a", "theirs")
    answers: list[str] = []
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    answer_next_box("keep", answers)
    panel.view.selectRow(panel.model.row_of("a"))
    panel.view.selectionModel().select(
        panel.proxy.index(panel.model.row_of("c"), 0),
        panel.view.selectionModel().SelectionFlag.Select
        | panel.view.selectionModel().SelectionFlag.Rows,
    )
    assert panel.selected_keys() == ["a", "c"]
    QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: choices == ["keep"], timeout=3000)
    assert "'a'" in answers[0] and "(deleted)" in answers[0] and "'c'" not in answers[0]
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "theirs"
    settle(qtbot, panel)
    assert stored(panel._store, "c") is None


def test_rename_of_a_key_changed_outside_asks_and_overwrite_renames(window, panel, qtbot):
    window.history_feature.watcher.unwatch(BOT)
    outside_set(window.db_url, "c", "theirs")
    answers: list[str] = []
    answer_next_box("overwrite", answers)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "c", 0), "cee")
    qtbot.waitUntil(lambda: stored(panel._store, "cee") == "theirs", timeout=3000)
    assert "renamed to 'cee'" in answers[0]
    settle(qtbot, panel)
    assert stored(panel._store, "c") is None


def cli_set(url: str, key: str, value: str) -> None:
    """Another process: ``talkbench memory set`` on the same SQLite file."""
    subprocess.run([sys.executable, "-m", "app", "memory", "set", "--db", url, "--bot", BOT,
                    key, value], cwd=ROOT, check=True, timeout=60, capture_output=True)


def test_typing_survives_an_outside_write_and_enter_asks(window, panel, qtbot):
    editor = open_editor(qtbot, panel, "b", 1)
    editor.selectAll()
    qtbot.keyClicks(editor, "mi")
    cli_set(window.db_url, "b", "theirs")
    qtbot.waitUntil(lambda: shown(panel, "b") == "theirs", timeout=5000)  # the row follows
    assert editor.text() == "mi"  # ...but what the user is typing stays
    qtbot.keyClicks(editor, "ne")
    answers: list[str] = []
    answer_next_box("cancel", answers)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=3000)
    assert "'theirs'" in answers[0] and "'2'" in answers[0] and "'mine'" in answers[0]
    assert stored(panel._store, "b") == "theirs"


def test_enter_right_after_an_outside_write_asks_before_writing(window, panel, qtbot):
    editor = open_editor(qtbot, panel, "b", 1)
    editor.selectAll()
    qtbot.keyClicks(editor, "mine")
    cli_set(window.db_url, "b", "theirs")
    qtbot.waitUntil(lambda: shown(panel, "b") == "theirs", timeout=5000)
    answers: list[str] = []
    answer_next_box("overwrite", answers)
    QTest.keyClick(editor, Qt.Key.Key_Return)  # no more typing after the outside change
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=3000)
    assert "'theirs'" in answers[0] and "'mine'" in answers[0]
    settle(qtbot, panel)  # the overwrite is written from the panel's store worker
    assert stored(panel._store, "b") == "mine"


def outside_delete(url: str, key: str) -> None:
    """General Bots (or any tool) deleting the row behind Talkbench's back."""
    with MemoryStore(url) as other:
        other.delete(BOT, [key])


def test_undo_of_a_set_asks_before_overwriting_a_newer_outside_value(lone_panel, qtbot):
    """Undo used to write the value before the edit over whatever was stored since."""
    panel, url = lone_panel
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "edited"
    outside_set(url, "a", "theirs")
    answers: list[str] = []
    answer_next_box("keep", answers)
    panel.undo_action.trigger()
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=3000)
    assert "'theirs'" in answers[0] and "'1'" in answers[0]
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "theirs"


def test_undo_of_a_set_does_not_silently_bring_back_a_deleted_row(lone_panel, qtbot):
    panel, url = lone_panel
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    settle(qtbot, panel)
    outside_delete(url, "a")
    answers: list[str] = []
    answer_next_box("keep", answers)
    panel.undo_action.trigger()
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=3000)
    settle(qtbot, panel)
    assert stored(panel._store, "a") is None


def test_undo_of_a_delete_asks_before_replacing_a_row_added_since(lone_panel, qtbot):
    panel, url = lone_panel
    panel.delete_keys(["b"])
    settle(qtbot, panel)
    assert stored(panel._store, "b") is None
    outside_set(url, "b", "fresh")
    answers: list[str] = []
    answer_next_box("overwrite", answers)
    panel.undo_action.trigger()
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=3000)
    assert "'fresh'" in answers[0] and "'2'" in answers[0]
    settle(qtbot, panel)
    assert stored(panel._store, "b") == "2"  # Overwrite: the undo goes ahead


def test_undo_and_redo_without_outside_changes_do_not_ask(lone_panel, qtbot):
    panel, _ = lone_panel
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    settle(qtbot, panel)
    panel.undo_action.trigger()
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "1"
    panel.redo_action.trigger()
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "edited"
    assert choices == []


def test_undo_of_a_value_a_trigger_changed_does_not_ask(panel, qtbot):
    """The edit landed as the database holds it ('one' for '  ONE '): undo compares the
    stored value with that, not with what was typed, so no other writer is suspected."""
    add_tidy_trigger(panel._store.database.database)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "  ONE ")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "a") == "one")
    asked: list[str] = []
    panel.conflict_answered.connect(asked.append)
    watching = cancel_any_box(asked)
    panel.undo_action.trigger()
    settle(qtbot, panel)
    watching.clear()  # no timer left to answer the next test's questions
    assert stored(panel._store, "a") == "1"
    assert asked == []


def cancel_any_box(asked: list[str]) -> list[bool]:
    """Cancel a modal QMessageBox that comes up (its text in ``asked``) while the returned
    list is not empty."""
    watching = [True]

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.findChild(QPushButton, "cancel").click()
        elif watching:
            QTimer.singleShot(10, poll)
    poll()
    return watching


def stack_state(panel: MemoryPanel) -> tuple[object, ...]:
    """Everything the user can see of the undo stack."""
    s = panel.undo_stack
    return (s.index(), s.count(), s.canUndo(), s.canRedo(), s.undoText(), s.redoText(),
            panel.undo_action.isEnabled(), panel.redo_action.isEnabled())


def edited_then_changed_outside(qtbot, panel: MemoryPanel, url: str) -> tuple[object, ...]:
    """'a' edited in the panel, then set to 'theirs' by another writer; the stack's state."""
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    settle(qtbot, panel)
    outside_set(url, "a", "theirs")
    return stack_state(panel)


def answered(qtbot, panel: MemoryPanel, choice: str, trigger) -> None:
    """Answer ``choice`` to the question ``trigger()`` raises; wait until it is settled."""
    choices: list[str] = []
    panel.conflict_answered.connect(choices.append)
    answer_next_box(choice, [])
    trigger()
    qtbot.waitUntil(lambda: choices == [choice], timeout=3000)
    panel.conflict_answered.disconnect(choices.append)
    settle(qtbot, panel)


def test_cancel_on_a_conflicting_undo_leaves_undo_and_redo_as_they_were(lone_panel, qtbot):
    """Cancel used to move the undo position anyway: the edit could no longer be undone, and
    Redo offered to write the edit again though nothing had been undone."""
    panel, url = lone_panel
    before = edited_then_changed_outside(qtbot, panel, url)
    answered(qtbot, panel, "cancel", panel.undo_action.trigger)
    assert stack_state(panel) == before
    assert stored(panel._store, "a") == "theirs"
    # The undo is still there to do: asked again, Overwrite undoes it.
    answered(qtbot, panel, "overwrite", panel.undo_action.trigger)
    assert stored(panel._store, "a") == "1"
    assert panel.undo_stack.index() == before[0] - 1 and panel.undo_stack.canRedo()


def test_keep_on_a_conflicting_undo_keeps_the_outside_value_and_undoes_nothing(
    lone_panel, qtbot
):
    panel, url = lone_panel
    before = edited_then_changed_outside(qtbot, panel, url)
    answered(qtbot, panel, "keep", panel.undo_action.trigger)
    assert stored(panel._store, "a") == "theirs" and shown(panel, "a") == "theirs"
    assert stack_state(panel) == before  # nothing was undone: nothing to redo either


def test_keep_on_a_partly_conflicting_undo_undoes_the_other_keys(lone_panel, qtbot):
    panel, url = lone_panel
    panel.delete_keys(["a", "b"])  # one step for both keys
    settle(qtbot, panel)
    outside_set(url, "a", "fresh")
    index = panel.undo_stack.index()
    answered(qtbot, panel, "keep", panel.undo_action.trigger)
    assert stored(panel._store, "a") == "fresh"  # kept
    assert stored(panel._store, "b") == "2"  # undone
    assert panel.undo_stack.index() == index - 1 and panel.undo_stack.canRedo()


def test_cancel_on_a_conflicting_redo_leaves_undo_and_redo_as_they_were(lone_panel, qtbot):
    panel, url = lone_panel
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "edited")
    settle(qtbot, panel)
    panel.undo_action.trigger()
    settle(qtbot, panel)
    assert stored(panel._store, "a") == "1"
    outside_set(url, "a", "theirs")
    before = stack_state(panel)
    answered(qtbot, panel, "cancel", panel.redo_action.trigger)
    assert stack_state(panel) == before
    assert stored(panel._store, "a") == "theirs"



def mixed_case_then_tidy_trigger(qtbot, panel: MemoryPanel) -> None:
    """'a' holds 'Mixed', written before the database got its tidy trigger (a migration
    added it; rows already there keep their value)."""
    panel._store.set(BOT, "a", "Mixed")
    assert panel._store.flush(10)
    qtbot.waitUntil(lambda: shown(panel, "a") == "Mixed")
    add_tidy_trigger(panel._store.database.database)


def test_redo_after_an_undo_a_trigger_changed_does_not_ask(panel, qtbot):
    """The undo wrote 'Mixed' back and it landed as 'mixed': the redo compares the stored
    value with that (it asked whether another writer had changed 'Mixed')."""
    mixed_case_then_tidy_trigger(qtbot, panel)
    type_and_enter(qtbot, panel, open_editor(qtbot, panel, "a", 1), "two")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "a") == "two")
    asked: list[str] = []
    watching = cancel_any_box(asked)
    panel.undo_action.trigger()
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "a") == "mixed")
    panel.redo_action.trigger()
    settle(qtbot, panel)
    watching.clear()
    assert asked == []
    assert stored(panel._store, "a") == "two"


def test_a_delete_undone_as_a_trigger_changed_it_is_redone_and_undone_without_asking(
        panel, qtbot):
    """Its undo put the row back as 'mixed': deleting it again asks nothing, and the next
    undo puts it back with its Created time still."""
    mixed_case_then_tidy_trigger(qtbot, panel)
    created = panel._store.get_entry(BOT, "a").created_at
    panel.delete_keys(["a"])
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: shown(panel, "a") is None)
    asked: list[str] = []
    watching = cancel_any_box(asked)
    for step, shows in ((panel.undo_action, "mixed"), (panel.redo_action, None),
                        (panel.undo_action, "mixed")):
        step.trigger()
        settle(qtbot, panel)
        qtbot.waitUntil(lambda shows=shows: shown(panel, "a") == shows)
    watching.clear()
    assert asked == []
    entry = panel._store.get_entry(BOT, "a")
    assert (entry.value, entry.created_at) == ("mixed", created)
