"""The History dock through real widgets: timeline with lines, revert, sandbox, outside writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.app.conftest import settle
from tests.ui.conftest import until, value_of

DIALOG = 'SET BOT MEMORY "mood", "calm"\nTALK "hi"\nSET BOT MEMORY "mood", "happy"\n'


def select_key(window, key: str) -> None:
    row = window.memory.model.row_of(key)
    window.memory.view.setCurrentIndex(window.memory.proxy.index(row, 0))


def run_dialog_and_select_mood(window, qtbot, run) -> None:
    """Run the open DIALOG to its end, then select "mood" and wait for its two writes."""

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running and value_of(window, "mood") == "happy")

    run(scenario())
    select_key(window, "mood")
    qtbot.waitUntil(lambda: len(window.history_feature.panel.events) == 2, timeout=3000)


def test_timeline_shows_both_writes_and_revert_restores_old_value(window, qtbot, run):
    feature = window.history_feature
    panel = feature.panel
    window.add_tab(DIALOG, None)
    opened: list[tuple[str, int]] = []
    panel.openAt.connect(lambda f, line: opened.append((f, line)))

    run_dialog_and_select_mood(window, qtbot, run)
    assert panel.key == "mood"
    assert [(e.old, e.new, e.line) for e in panel.events] == [
        ("calm", "happy", 3), (None, "calm", 1),
    ]
    assert panel.table.item(0, 4).text().endswith(":3")
    assert panel.table.item(1, 4).text().endswith(":1")
    assert panel.table.item(0, 1).text() == "calm" and panel.table.item(0, 2).text() == "happy"

    panel.table.cellDoubleClicked.emit(1, 0)
    assert opened == [(panel.events[1].file, 1)]

    panel.confirm = lambda title, rows: rows == [("mood", "happy", "calm")]
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.revert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: value_of(window, "mood") == "calm", timeout=3000)
    qtbot.waitUntil(lambda: len(panel.events) == 3, timeout=3000)
    assert panel.events[0].kind == "undo"
    assert panel.table.item(0, 3).text().startswith("undo")


def test_revert_run_cancelled_changes_nothing(window, qtbot, run):
    panel = window.history_feature.panel
    window.add_tab(DIALOG, None)

    run_dialog_and_select_mood(window, qtbot, run)
    seen: list[list[tuple[str, str, str]]] = []
    panel.confirm = lambda title, rows: seen.append(rows) or False
    assert not panel.revert_selected_run()
    assert seen == [[("mood", "happy", "∅")]]
    assert window.store.get_entry("testbot", "mood").value == "happy"
    panel.confirm = lambda title, rows: True
    assert panel.revert_selected_run()
    qtbot.waitUntil(lambda: value_of(window, "mood") is None, timeout=3000)


def test_run_in_sandbox_then_discard_or_commit(window, qtbot, run):
    feature = window.history_feature
    window.store.set("testbot", "mood", "before")
    window.store.flush()
    window.add_tab(DIALOG, None)
    answers = [False, True]
    previews: list[list[tuple[str, str, str]]] = []

    def confirm(title, rows, buttons=("OK", "Cancel")):
        previews.append(rows)
        return answers.pop(0)

    feature.panel.confirm = confirm
    for expected in ("before", "happy"):
        async def scenario():
            feature.sandbox_action.trigger()
            await until(lambda: not window.runner.running and previews)

        run(scenario())
        qtbot.waitUntil(lambda e=expected: window.store.get_entry("testbot", "mood").value == e,
                        timeout=3000)
        assert previews.pop() == [("mood", "before", "happy")]
    qtbot.waitUntil(lambda: value_of(window, "mood") == "happy", timeout=3000)


def test_outside_write_updates_the_table(window, qtbot):
    url = window.db_url
    code = (
        "import sys\nfrom app.memory.store import MemoryStore\n"
        "with MemoryStore(sys.argv[1]) as s: s.set('testbot', 'ext', 'theirs')\n"
    )
    url_arg = url if "://" in url else "sqlite:///" + url.lstrip("/")
    settle(window.history_feature.watcher)  # the watcher has its baseline
    subprocess.run([sys.executable, "-c", code, url_arg], check=True, timeout=60)
    qtbot.waitUntil(lambda: value_of(window, "ext") == "theirs", timeout=30_000)  # bounds a hang
    assert "ext" in window.memory.model._flash


# -- conversation turns, run from snapshot ---------------------------------------------------------

TURN_DIALOG = 'SET BOT MEMORY "mood", "calm"\nHEAR answer\nSET BOT MEMORY "mood", answer\n'


def test_timeline_shows_the_conversation_turn_of_each_write(window, qtbot, run):
    from PySide6.QtTest import QTest

    panel = window.history_feature.panel
    window.add_tab(TURN_DIALOG, None)

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "sunny")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: not window.runner.running and value_of(window, "mood") == "sunny")

    run(scenario())
    select_key(window, "mood")
    qtbot.waitUntil(lambda: len(panel.events) == 2, timeout=3000)
    assert [(e.new, e.turn) for e in panel.events] == [("sunny", 1), ("calm", 0)]
    assert panel.table.item(0, 3).text().endswith(", turn 1")
    assert panel.table.item(1, 3).text().endswith(", turn 0")


SEEDED_DIALOG = 'm = GET BOT MEMORY "mood"\nTALK "mood is " + m\nSET BOT MEMORY "mood", "changed"\n'


def _click_later(qtbot, find_and_click) -> None:
    """Run ``find_and_click(dialog)`` on the next modal dialog, once it is shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            find_and_click(dialog)

    QTimer.singleShot(0, poll)


def test_run_from_snapshot_in_the_snapshots_dialog_leaves_memory_alone(window, qtbot, run):
    from PySide6.QtCore import QTimer

    feature = window.history_feature
    window.store.set("testbot", "mood", "snapshotted")
    window.store.flush()
    feature.snapshots.save("testbot", "calm-day")
    window.store.set("testbot", "mood", "now")
    window.store.flush()
    window.add_tab(SEEDED_DIALOG, None)

    def choose(dialog):
        item = dialog.list.findItems("calm-day", Qt.MatchFlag.MatchStartsWith)[0]
        dialog.list.setCurrentItem(item)
        qtbot.mouseClick(dialog.buttons["Run from snapshot"], Qt.MouseButton.LeftButton)

    async def scenario():
        _click_later(qtbot, choose)
        QTimer.singleShot(0, lambda: qtbot.mouseClick(feature.panel.snapshots_button,
                                                      Qt.MouseButton.LeftButton))
        await until(lambda: feature.seeded is not None and not window.runner.running)

    run(scenario())
    assert ("bot", "mood is snapshotted") in window.chat.bubbles()
    assert feature.seeded.written == {"mood": "changed"}
    window.store.flush()
    assert window.store.value("testbot", "mood") == "now"
    assert value_of(window, "mood") == "now"
    qtbot.waitUntil(lambda: "calm-day" in window.statusBar().currentMessage(), timeout=2000)


def test_run_menu_runs_from_a_snapshot_file(window, qtbot, run, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from app.memory.snapshots import Snapshot, write_snapshot_file
    from ui import file_dialogs

    feature = window.history_feature
    path = tmp_path / "stormy.json"
    write_snapshot_file(path, Snapshot(0, "elsewhere", "stormy", 0.0, entries={"mood": "wild"}))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Snapshot file…", True))
    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *a, **k: str(path))
    window.add_tab(SEEDED_DIALOG, None)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    run_menu = next(m for m in menus if m.title().replace("&", "") == "Run")
    assert feature.snapshot_action in run_menu.actions()

    async def scenario():
        feature.snapshot_action.trigger()
        await until(lambda: feature.seeded is not None and not window.runner.running)

    run(scenario())
    assert ("bot", "mood is wild") in window.chat.bubbles()
    assert window.store.value("testbot", "mood") is None


# -- reverting twice, selection after a revert ------------------------------------------------


def test_revert_keeps_the_reverted_event_selected(window, qtbot, run):
    panel = window.history_feature.panel
    window.add_tab(DIALOG, None)
    run_dialog_and_select_mood(window, qtbot, run)
    panel.confirm = lambda title, rows: True
    panel.table.selectRow(0)
    reverted = panel.selected_event()
    qtbot.mouseClick(panel.revert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.events) == 3, timeout=3000)
    assert panel.events[0].kind == "undo"  # the revert's own event came on top...
    assert panel.selected_event().id == reverted.id  # ...and the selection stayed put
    assert panel.table.selectionModel().selectedRows()[0].row() == 1


def test_a_run_reverted_once_says_so_instead_of_reverting_again(window, qtbot, run):
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.modals import answer_modals

    panel = window.history_feature.panel
    window.add_tab(DIALOG, None)
    run_dialog_and_select_mood(window, qtbot, run)
    panel.confirm = lambda title, rows: True
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.revert_run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: value_of(window, "mood") is None, timeout=3000)
    window.store.set("testbot", "mood", "set again by hand")
    window.store.flush()
    asked: list[str] = []
    panel.confirm = lambda title, rows: asked.append(title) or True
    texts: list[str] = []
    answer_modals([(QMessageBox, lambda box: texts.append(box.text()) or box.accept())])
    qtbot.waitUntil(lambda: len(panel.events) == 4, timeout=3000)  # + the revert, the hand set
    run_row = next(r for r, e in enumerate(panel.events) if e.run_id and e.kind != "undo")
    assert panel.table.item(run_row, 3).text().endswith("(reverted)")  # a hint beforehand
    panel.table.selectRow(run_row)
    qtbot.mouseClick(panel.revert_run_button, Qt.MouseButton.LeftButton)
    assert len(texts) == 1 and "was already reverted at" in texts[0]
    assert asked == []  # no second revert was offered
    assert window.store.value("testbot", "mood") == "set again by hand"


SANDBOX_DIALOG = 'SET BOT MEMORY "mood", "sandboxed"\nHEAR name\nTALK "bye " + name\n'


def test_sandboxed_run_is_marked_while_it_runs_and_review_says_commit(window, qtbot, run):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog, QPushButton

    from tests.ui.modals import answer_modals

    feature = window.history_feature
    window.store.set("testbot", "mood", "before")
    window.store.flush()
    window.add_tab(SANDBOX_DIALOG, None)
    names: list[list[str]] = []

    def commit(dialog) -> None:
        buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
        names.append(sorted(buttons))
        buttons["Commit"].click() if "Commit" in buttons else dialog.reject()

    async def scenario():
        feature.sandbox_action.trigger()
        await until(lambda: window.chat.waiting)
        assert window.windowTitle().endswith("sandboxed run (memory writes go to a copy)")
        assert feature.sandbox_badge.isVisible()
        assert any(kind == "note" and text.startswith("Sandboxed run")
                   for kind, text in window.chat.bubbles())
        answer_modals([(QDialog, commit)])
        qtbot.keyClicks(window.chat.input, "Ann")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: bool(names) and not window.runner.running)

    run(scenario())
    assert names == [["Commit", "Discard"]]
    qtbot.waitUntil(lambda: window.store.get_entry("testbot", "mood").value == "sandboxed",
                    timeout=3000)
    assert window.windowTitle() == "Talkbench"
    assert not feature.sandbox_badge.isVisible()


def test_history_columns_fit_their_text(window, qtbot, run):
    panel = window.history_feature.panel
    window.add_tab(DIALOG, None)
    run_dialog_and_select_mood(window, qtbot, run)
    metrics = panel.table.fontMetrics()
    last = panel.table.columnCount() - 1
    for row in range(panel.table.rowCount()):
        for col in range(last):  # the last column takes what is left
            text = panel.table.item(row, col).text()
            assert panel.table.columnWidth(col) >= metrics.horizontalAdvance(text), text


def test_key_references_columns_fit_their_text(qtbot, tmp_path):
    from app.memory.store import MemoryStore
    from ui.memory.history_dialogs import KeyRefsDialog

    dialog = tmp_path / "a_rather_long_dialog_name.bas"
    dialog.write_text('SET BOT MEMORY "customer_preferred_language", "pt"\n', encoding="utf-8")
    store = MemoryStore(str(tmp_path / "m.sqlite3"))
    try:
        refs = KeyRefsDialog([str(dialog)], store, "testbot")
        qtbot.addWidget(refs)
        refs.show()
        qtbot.waitExposed(refs)
        top = refs.tree.topLevelItem(0)
        top.setExpanded(True)
        metrics = refs.tree.fontMetrics()
        text = top.text(0)
        assert text == "customer_preferred_language (set, never read)"
        qtbot.waitUntil(lambda: refs.tree.columnWidth(0) >= metrics.horizontalAdvance(text))
    finally:
        store.close()


def test_failing_outside_watch_shows_a_problem_in_the_status_bar(window, qtbot, tmp_path):
    feature = window.history_feature
    problem = feature.watch_problem
    window.store.set("testbot", "mood", "calm")  # the bot exists: its rows are read
    window.store.flush()
    assert problem.isHidden()
    other = sqlite3.connect(tmp_path / "memory.sqlite3")  # another program moves the table
    try:
        other.execute("ALTER TABLE bot_memories RENAME TO moved_away")
        other.commit()
        qtbot.waitUntil(lambda: not problem.isHidden(), timeout=5000)
        assert problem.text() == "Outside changes not watched"
        assert "bot_memories" in problem.toolTip()
        other.execute("ALTER TABLE moved_away RENAME TO bot_memories")
        other.commit()
        qtbot.waitUntil(problem.isHidden, timeout=5000)
    finally:
        other.close()


def test_revert_does_not_overwrite_a_value_written_while_its_dialog_was_open(
    window, qtbot, run, monkeypatch
):
    """The confirmation showed "happy -> calm"; another writer set "theirs" meanwhile: the
    revert says so and writes nothing, instead of replacing "theirs" with "calm"."""
    panel = window.history_feature.panel
    window.add_tab(DIALOG, None)
    run_dialog_and_select_mood(window, qtbot, run)

    shown: list[str] = []

    def confirm_while_another_writer_writes(title, rows):
        subprocess.run([sys.executable, "-m", "app", "memory", "set", "--db", window.db_url,
                        "--bot", "testbot", "mood", f"theirs{len(shown)}"], check=True,
                       timeout=60, capture_output=True)
        return True

    panel.confirm = confirm_while_another_writer_writes
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda _parent, _title, text: shown.append(text)))
    panel.table.selectRow(0)
    assert not panel.revert_selected()
    assert not panel.revert_selected_run()
    assert len(shown) == 2 and all("changed by another writer" in s for s in shown), shown
    assert window.store.get_entry("testbot", "mood").value == "theirs1"
