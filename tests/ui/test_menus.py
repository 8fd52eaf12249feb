"""The View, Edit and Help menus as a new user reaches them: through the menu bar's actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from app import __version__


def menu_named(window, title: str):
    return next(a.menu() for a in window.menuBar().actions()
                if a.menu() is not None and a.text().replace("&", "") == title)


def entries(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_view_menu_has_a_toggle_for_every_dock(window):
    view = menu_named(window, "View")
    view.aboutToShow.emit()
    titles = [d.windowTitle() for d in window.findChildren(QDockWidget)]
    for title in ("Chat", "Memory", "Output", "Problems", "Variables", "Call Stack", "Watch",
                  "Breakpoints", "Debug Console", "Tests", "History"):
        assert title in titles
        assert title in entries(view)
    assert "Theme" in entries(view)


def test_a_closed_dock_comes_back_from_the_view_menu(window, qtbot):
    chat = window.findChild(QDockWidget, "chatDock")
    chat.close()
    assert not chat.isVisible()
    window.view_menu.aboutToShow.emit()
    window.view_menu.toggle_for("Chat").trigger()
    assert chat.isVisible()
    window.view_menu.toggle_for("Chat").trigger()
    assert not chat.isVisible()


def test_edit_menu_lists_the_usual_commands_with_their_shortcuts(window):
    shown = {a.text().replace("&", "").split("\t")[0]: a for a in menu_named(window, "Edit")
             .actions() if not a.isSeparator()}
    for command, key in [("Undo", "Ctrl+Z"), ("Redo", "Ctrl+Shift+Z"), ("Cut", "Ctrl+X"),
                         ("Copy", "Ctrl+C"), ("Paste", "Ctrl+V"), ("Select All", "Ctrl+A"),
                         ("Find…", "Ctrl+F"), ("Replace…", "Ctrl+H"),
                         ("Toggle Comment", "Ctrl+/"), ("Go to Line…", "Ctrl+G")]:
        action = shown[command]
        assert key in action.text() or action.shortcut().toString() == key, command


def test_edit_undo_and_paste_act_on_the_editor(window, qtbot):
    editor = window.add_tab("", None).editor
    editor.setFocus()
    qtbot.keyClicks(editor, "TALK 1")
    window.actions_by_name["selectAll"].trigger()
    window.actions_by_name["copy"].trigger()
    window.actions_by_name["undo"].trigger()
    assert editor.toPlainText() == ""
    window.actions_by_name["paste"].trigger()
    assert editor.toPlainText() == "TALK 1"


def test_edit_copy_acts_on_the_focused_text_field(window, qtbot):
    editor = window.add_tab("REM editor", None).editor
    field = window.chat.input
    field.setEnabled(True)
    field.setText("from the field")
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    window.actions_by_name["selectAll"].trigger()
    window.actions_by_name["cut"].trigger()
    assert field.text() == ""
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    window.actions_by_name["paste"].trigger()
    assert "from the field" in editor.toPlainText()


def test_toggle_comment_shortcut_reaches_the_editor(window, qtbot):
    editor = window.add_tab('TALK "hi"', None).editor
    window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    QTest.keyClick(editor, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText().startswith("'")


def test_help_keyword_reference_filters_entries(window):
    reference = window.help_menu.show_reference()
    assert len(reference.visible_phrases()) > 100
    reference.filter.setText("bot memory")
    phrases = reference.visible_phrases()
    assert "SET BOT MEMORY" in phrases
    assert "TALK" not in phrases
    assert "BOT MEMORY" in reference.text.toPlainText()
    reference.close()


def test_help_guide_shows_the_readme(window):
    guide = window.help_menu.show_guide()
    assert "Two commands" in guide.text.toPlainText()
    guide.close()


def test_help_about_names_the_version():
    from ui.help_menu import about_text

    assert __version__ in about_text()


def test_edit_undo_in_the_memory_table_undoes_the_memory_edit(window, qtbot):
    from tests.ui.conftest import settle, value_of

    window.store.set("testbot", "k", "old")
    window.store.flush(5)
    panel = window.memory
    qtbot.waitUntil(lambda: value_of(window, "k") == "old")
    panel.set_value("k", "old", "new")
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: value_of(window, "k") == "new")
    window.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    window.actions_by_name["undo"].trigger()
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: value_of(window, "k") == "old")


def test_help_menu_lists_reference_guide_and_about(window):
    assert entries(menu_named(window, "Help")) == [
        "Keyword Reference", "Talkbench Guide (README)", "About Talkbench"]
    assert window.help_menu.reference_action.shortcut().toString() == "Ctrl+F1"
