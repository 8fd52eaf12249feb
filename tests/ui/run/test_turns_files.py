"""Files sent with SEND FILE in the conversation's turns: listed in the Turn panel beside the
bot's messages, a click on the entry goes to the SEND FILE line, and the attachment in the chat
leads to its turn from its context menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.run.turns import file_label
from tests.ui.conftest import chat_message, click_message, message_tooltip, until
from ui.run.turns_view import EARLIER_RUN, LineShade

DIALOG = """\
TALK "Hi, your name?"
HEAR name
TALK "Here you go, " + name
SEND FILE "docs/invoice.txt", "Your invoice"
SEND FILE "notes.txt"
TALK "Bye"
"""


@pytest.fixture(autouse=True)
def package(monkeypatch, tmp_path: Path) -> Path:
    # An unsaved tab runs with the current folder as its dialog folder (bot package).
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "invoice.txt").write_text("Invoice 7\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_conversation(window, qtbot, run):
    editor = window.add_tab(DIALOG, None).editor
    window.activateWindow()

    async def scenario():
        window.run()
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Ann")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: not window.runner.running)

    run(scenario())
    return editor


def click_entry(qtbot, panel, text: str) -> None:
    model = panel.messages.model()
    found = model.match(model.index(0, 0), Qt.ItemDataRole.DisplayRole, text, -1,
                        Qt.MatchFlag.MatchExactly)
    assert len(found) == 1, panel.entries()
    panel.messages.scrollTo(found[0])
    rect = panel.messages.visualRect(found[0])
    qtbot.mouseClick(panel.messages.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_sent_files_are_listed_in_their_turn_and_lead_to_the_send_file_line(
        window, qtbot, run):
    editor = run_conversation(window, qtbot, run)
    assert [k for k, _ in window.chat.bubbles() if k == "file"] == ["file", "file"]

    click_message(qtbot, window.chat, chat_message(window.chat, "bot", "Here you go, Ann"))
    panel = window.conversation.turn_panel
    assert panel.entries() == [
        "user: Ann",
        "bot: Here you go, Ann",
        "bot: docs/invoice.txt \N{EM DASH} Your invoice",
        "bot: notes.txt",
        "bot: Bye",
    ]
    model = panel.messages.model()
    assert [model.index(i).data(Qt.ItemDataRole.DecorationRole) is not None
            for i in range(5)] == [
        False, False, True, True, False]  # sent files carry the file icon
    assert panel.title.text().startswith("Turn 1: 5 message(s)")
    assert editor.textCursor().blockNumber() + 1 == 3  # the TALK of the clicked bubble

    click_entry(qtbot, panel, "bot: docs/invoice.txt \N{EM DASH} Your invoice")
    assert editor.textCursor().blockNumber() + 1 == 4
    shade = editor.findChild(LineShade)
    assert shade.line == 4 and {3, 4, 5, 6} <= shade.lines  # the turn stays shaded

    click_entry(qtbot, panel, "bot: notes.txt")
    assert editor.textCursor().blockNumber() + 1 == 5 and shade.line == 5
    click_entry(qtbot, panel, "user: Ann")
    assert editor.textCursor().blockNumber() + 1 == 2  # the HEAR that took the answer


def test_attachment_menu_shows_its_turn(window, qtbot, run, package):
    editor = run_conversation(window, qtbot, run)
    invoice, notes = (m for m in window.chat.messages if m.kind == "file")
    assert (invoice.turn, invoice.line) == (1, 4)
    assert (notes.turn, notes.line) == (1, 5)
    assert message_tooltip(window.chat, invoice) == str(package / "docs" / "invoice.txt")

    menu = window.conversation.main.linker.bubble_menu(notes)
    show = next(a for a in menu.actions() if a.text() == "Show turn")
    show.trigger()
    assert window.conversation.turn_panel.title.text().startswith("Turn 1:")
    assert editor.textCursor().blockNumber() + 1 == 5
    rewind = next(a for a in menu.actions() if a.text() == "Rewind to here")
    assert rewind.isEnabled()

    # A new run: the attachments of the old one no longer name a recorded turn.
    async def again():
        window.run()
        await until(lambda: window.chat.waiting)

    run(again())
    assert invoice.turn is None
    assert message_tooltip(window.chat, invoice) == str(package / "docs" / "invoice.txt")
    said = chat_message(window.chat, "bot", "Here you go, Ann")
    assert message_tooltip(window.chat, said) == EARLIER_RUN
    stale = window.conversation.main.linker.bubble_menu(invoice)
    assert not next(a for a in stale.actions() if a.text() == "Rewind to here").isEnabled()


def test_file_label_uses_the_package_path_else_the_name(tmp_path: Path):
    package = tmp_path / "shop.gbai"
    dialogs = package / "shop.gbdialog"
    dialogs.mkdir(parents=True)
    sent = package / "shop.gbdrive" / "price list.pdf"
    assert file_label(str(sent), "", dialogs) == "shop.gbdrive/price list.pdf"
    outside = tmp_path / "elsewhere" / "a.txt"
    assert file_label(str(outside), "A", dialogs) == "a.txt \N{EM DASH} A"
