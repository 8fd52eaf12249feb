"""User memory written by another process shows in the panel's user scope by itself.

The other process is a real subprocess writing through its own store on the same SQLite file
(the way a second Talkbench or a terminal command would); the panel is the IDE's, driven
through its real widgets.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.memory.user_memory import user_memories
from tests.ui.conftest import settle
from tests.ui.memory.test_scope import choose_scope, edit_value, keys_shown, shown, type_user
from ui.memory.model import FLASH_COLOR
from ui.memory.panel import BOT_SCOPE, USER_SCOPE, MemoryPanel

ROOT = Path(__file__).resolve().parents[3]
BOT = "testbot"
WRITER = """
import sys
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories
url, bot, user, *pairs = sys.argv[1:]
with MemoryStore(url) as store:
    memories = user_memories(store)
    for pair in pairs:
        key, _, value = pair.partition("=")
        if value:
            memories.set(bot, user, key, value)
        else:
            memories.delete(bot, user, [key])
"""


def outside(window, user: str, *pairs: str) -> None:
    """Another process sets KEY=VALUE (or deletes KEY=) in ``user``'s memory of the bot."""
    subprocess.run([sys.executable, "-c", WRITER, window.db_url, BOT, user, *pairs],
                   cwd=ROOT, check=True, timeout=60, capture_output=True)


def highlighted(panel: MemoryPanel, key: str) -> bool:
    model = panel.user_model
    row = model.row_of(key)
    if row is None:
        return False
    brush = model.data(model.index(row, 1), Qt.ItemDataRole.BackgroundRole)
    return brush is not None and brush.color() == FLASH_COLOR


def users_listed(panel: MemoryPanel) -> list[str]:
    return [panel.user_box.itemText(i) for i in range(panel.user_box.count())]


@pytest.fixture
def panel(window, qtbot):
    memories = user_memories(window.store)
    memories.set(BOT, "alice", "color", "red")
    memories.set(BOT, "alice", "plan", "gold")
    panel = window.memory
    window.activateWindow()
    choose_scope(qtbot, panel, USER_SCOPE)
    type_user(qtbot, panel, "alice")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["color", "plan"])
    reported: list[str] = []
    panel.user_scope.outsideChanged.connect(reported.extend)
    panel.reported = reported  # keys the scope called outside changes, in order
    return panel


def test_outside_set_updates_and_adds_rows_highlighted(panel, window, qtbot):
    outside(window, "alice", "color=green", "zone=CET")
    qtbot.waitUntil(lambda: shown(panel, "color") == "green" and shown(panel, "zone") == "CET",
                    timeout=3000)
    assert highlighted(panel, "color") and highlighted(panel, "zone")
    assert not highlighted(panel, "plan")  # untouched
    assert sorted(panel.reported) == ["color", "zone"]
    # The highlight fades like the bot table's.
    qtbot.waitUntil(lambda: not highlighted(panel, "color"), timeout=3000)
    assert keys_shown(panel) == ["color", "plan", "zone"]


def test_outside_delete_removes_the_row(panel, window, qtbot):
    outside(window, "alice", "plan=")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["color"], timeout=3000)
    assert panel.reported == ["plan"]


def test_new_user_written_outside_joins_the_picker(panel, window, qtbot):
    outside(window, "erin", "likes=tea")
    qtbot.waitUntil(lambda: "erin" in users_listed(panel), timeout=3000)
    # The shown user, its table and the picker's text stay; the list stays sorted.
    assert panel.user_model.user == "alice" and panel.user_box.currentText() == "alice"
    assert keys_shown(panel) == ["color", "plan"] and panel.reported == []
    assert users_listed(panel) == sorted(users_listed(panel))
    type_user(qtbot, panel, "erin")
    qtbot.waitUntil(lambda: shown(panel, "likes") == "tea")


def test_own_writes_are_not_called_outside_changes(panel, window, qtbot):
    memories = user_memories(window.store)
    edit_value(qtbot, panel, "color", "blue")  # a hand edit in the table
    # This process on another thread: its own connection moves SQLite's data_version, so
    # the scope re-reads and must still recognise the write as its own.
    worker = threading.Thread(target=memories.set, args=(BOT, "alice", "mood", "calm"))
    worker.start()
    worker.join(5)
    # A re-read before the write's event has reached the GUI thread (as a poll landing
    # between the two would): the row shows, but it is not an outside change.
    panel.user_scope.rescan()
    settle(qtbot, panel)  # the re-read runs off the GUI thread
    assert shown(panel, "mood") == "calm" and panel.reported == []
    qtbot.waitUntil(lambda: shown(panel, "color") == "blue" and shown(panel, "mood") == "calm")
    # Every commit so far looked at (two polls found nothing new): nothing may be reported.
    wanted = panel.user_scope.settled + 2
    qtbot.waitUntil(lambda: panel.user_scope.settled >= wanted, timeout=5000)
    settle(qtbot, panel)
    outside(window, "alice", "plan=silver")
    qtbot.waitUntil(lambda: shown(panel, "plan") == "silver", timeout=3000)
    assert panel.reported == ["plan"]
    assert not highlighted(panel, "color") and not highlighted(panel, "mood")


def test_writes_made_while_in_bot_scope_show_on_return(panel, window, qtbot):
    choose_scope(qtbot, panel, BOT_SCOPE)
    outside(window, "alice", "color=black")
    qtbot.wait(400)
    assert shown(panel, "color") == "red"  # not polled while bot memory is shown
    choose_scope(qtbot, panel, USER_SCOPE)
    qtbot.waitUntil(lambda: shown(panel, "color") == "black", timeout=3000)
    assert panel.reported == ["color"]


def test_a_re_read_under_way_when_bot_scope_is_chosen_is_not_shown(panel, window, qtbot):
    """A poll that noticed an outside write re-reads off the GUI thread; the user switching
    to bot memory before it answers must not get the rows (under load a poll under way at
    the switch showed 'black' in the test above, about one run in four)."""
    settle(qtbot, panel)
    outside(window, "alice", "color=black")  # committed; no poll ran meanwhile (GUI blocked)
    panel.user_scope.rescan()  # what the next poll starts
    panel.scope_box.setCurrentIndex(BOT_SCOPE)  # before the re-read answers
    settle(qtbot, panel)  # it has answered now
    assert shown(panel, "color") == "red" and panel.reported == []
    choose_scope(qtbot, panel, USER_SCOPE)
    qtbot.waitUntil(lambda: shown(panel, "color") == "black", timeout=30_000)
    assert panel.reported == ["color"]


def test_filter_applies_to_outside_writes(panel, window, qtbot):
    qtbot.keyClicks(panel.filter, "gol")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["plan"])
    outside(window, "alice", "badge=golden", "note=plain")
    qtbot.waitUntil(lambda: keys_shown(panel) == ["badge", "plan"], timeout=3000)
    assert panel.reported == ["badge"]
