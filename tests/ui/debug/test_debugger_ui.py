"""The debugger in the IDE, through real widgets: gutter clicks, F-keys, the debug docks."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from tests.ui.conftest import until
from ui.editor.code_editor import CodeEditor

SCRIPT = """\
total = 0
names = ["Ann", "Bob"]
FOR EACH n IN names
  total = total + 1
NEXT n
CALL Greet(names[0])
TALK "total " + total

SUB Greet(who)
  msg = "Hi " + who
  TALK msg
END SUB
"""


def open_script(window, text: str) -> CodeEditor:
    editor = window.add_tab(text, None).editor
    editor.setFocus()
    window.activateWindow()
    return editor


def click_gutter(qtbot, editor: CodeEditor, line: int) -> None:
    block = editor.document().findBlockByNumber(line - 1)
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    qtbot.mouseClick(editor._gutter, Qt.MouseButton.LeftButton,
                     pos=QPoint(6, int(top) + editor.fontMetrics().height() // 2))


def press(window, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press in the editor, where the window's shortcuts pick it up."""
    QTest.keyClick(window.editor(), key, modifiers)


def variable(window, *path: str) -> str | None:
    item = window.debug.variables.item(*path)
    return None if item is None else item.text(1)


def paused_at(window, line: int):
    controller = window.debug.controller
    return lambda: controller.is_paused and controller.state.line == line


def test_gutter_breakpoint_f5_steps_and_call_stack(window, qtbot, run):
    editor = open_script(window, SCRIPT)
    click_gutter(qtbot, editor, 4)
    assert editor.breakpoints == {4}
    assert window.debug.breakpoints.row_of(4) == 0  # listed in the Breakpoints dock
    actions = window.actions_by_name
    assert actions["debug"].shortcut().toString() == "F5"
    assert actions["run"].shortcut().toString() == "Ctrl+F5"
    assert not actions["step_over"].isEnabled()

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 4))
        assert editor.execution_line == 4
        assert window.run_label.text() == "Paused at line 4 (breakpoint)"
        assert window.debug.variables.isVisible()
        assert variable(window, "Globals", "total") == "0"
        assert variable(window, "Globals", "n") == '"Ann"'
        assert variable(window, "Globals", "names", "[1]") == '"Bob"'
        assert actions["debug"].text() == "&Continue" and actions["step_over"].isEnabled()
        assert not actions["pause"].isEnabled()

        press(window, Qt.Key.Key_F10)
        await until(paused_at(window, 3))
        assert editor.execution_line == 3 and variable(window, "Globals", "total") == "1"
        # move the breakpoint while paused: the run no longer stops at line 4
        click_gutter(qtbot, editor, 4)
        click_gutter(qtbot, editor, 6)
        assert editor.breakpoints == {6}
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 6))
        assert variable(window, "Globals", "total") == "2"

        press(window, Qt.Key.Key_F11)
        await until(paused_at(window, 10))
        stack = window.debug.call_stack
        assert [stack.item(i).text().split()[0] for i in range(stack.count())] == [
            "Greet", "(dialog)"]
        assert variable(window, "Locals (Greet)", "who") == '"Ann"'
        assert variable(window, "Globals", "total") == "2"
        # clicking the caller's frame shows its line and only the globals
        rect = stack.visualItemRect(stack.item(1))
        qtbot.mouseClick(stack.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.debug.controller.frame_index == 1
        assert editor.textCursor().blockNumber() + 1 == 6
        assert window.debug.variables.item("Locals (Greet)") is None
        assert editor.execution_line == 10  # the arrow stays where the run is

        press(window, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
        await until(paused_at(window, 7))
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "Hi Ann") in window.chat.bubbles()
    assert ("bot", "total 2") in window.chat.bubbles()
    assert editor.execution_line == 0
    assert window.actions_by_name["debug"].text() == "Start &Debugging"
    assert not window.actions_by_name["step_over"].isEnabled()


def test_editing_a_variable_is_seen_by_the_script(window, qtbot, run):
    editor = open_script(window, 'total = 5\nTALK "total " + total\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        window.actions_by_name["debug"].trigger()
        await until(paused_at(window, 2))
        tree = window.debug.variables.tree
        item = window.debug.variables.item("Globals", "total")
        rect = tree.visualItemRect(item)
        x = tree.header().sectionPosition(1) + 10
        # an item view sees a double-click only after the press that selects the item
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(x, rect.center().y()))
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton,
                          pos=QPoint(x, rect.center().y()))
        field = tree.viewport().findChild(QLineEdit)
        assert field is not None and field.text() == "5"
        field.selectAll()
        qtbot.keyClicks(field, "40 + 2")
        QTest.keyClick(field, Qt.Key.Key_Return)
        await until(lambda: variable(window, "Globals", "total") == "42")
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "total 42") in window.chat.bubbles()


def test_a_bad_edit_is_reported_and_changes_nothing(window, qtbot, run):
    editor = open_script(window, 'x = 1\nTALK "x=" + x\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        window.actions_by_name["debug"].trigger()
        await until(paused_at(window, 2))
        item = window.debug.variables.item("Globals", "x")
        item.setText(1, "1 +")  # what committing an edit does
        assert variable(window, "Globals", "x") == "1"
        assert "Cannot set x" in window.run_label.text()
        window.actions_by_name["debug"].trigger()
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "x=1") in window.chat.bubbles()


def test_memory_breakpoint_and_memory_edit_while_paused(window, qtbot, run):
    open_script(window, 'SET_BOT_MEMORY "other", "1"\nSET_BOT_MEMORY "count", "2"\n'
                        'x = GET_BOT_MEMORY("count")\nTALK "count " + x\n')
    panel = window.debug.breakpoints
    qtbot.keyClicks(panel.key_input, "count")
    qtbot.keyClicks(panel.condition_input, 'value = "2"')
    QTest.keyClick(panel.key_input, Qt.Key.Key_Return)
    assert panel.memory.rowCount() == 1 and panel.memory.item(0, 0).text() == "count"

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 2))
        assert window.run_label.text() == "Paused at line 2 (memory breakpoint on 'count')"
        # the memory panel is live and editable while the script is paused
        model = window.memory.model
        await until(lambda: model.row_of("count") is not None
                    and model.entry(model.row_of("count")).value == "2")
        assert model.setData(model.index(model.row_of("count"), 1), "7")
        await until(lambda: model.entry(model.row_of("count")).value == "7")
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "count 7") in window.chat.bubbles()


def test_watch_console_and_conditional_breakpoint(window, qtbot, run):
    editor = open_script(window, "total = 0\nFOR i = 1 TO 5\n  total = total + i\nNEXT i\n")
    click_gutter(qtbot, editor, 3)
    table = window.debug.breakpoints.lines
    table.item(0, 1).setText("i = 4")  # the condition cell, as an edit commits it
    assert window.debug.controller.specs()[0].condition == "i = 4"
    watch = window.debug.watch
    qtbot.keyClicks(watch.input, "total * 10")
    QTest.keyClick(watch.input, Qt.Key.Key_Return)
    qtbot.keyClicks(watch.input, "nosuch(")
    QTest.keyClick(watch.input, Qt.Key.Key_Return)
    assert watch.value_of("total * 10") == "(not paused)"

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 3))
        assert variable(window, "Globals", "i") == "4"
        assert watch.value_of("total * 10") == "60"
        assert watch.value_of("nosuch(") not in ("", None, "(not paused)")
        console = window.debug.console
        qtbot.keyClicks(console.input, "total + i")
        QTest.keyClick(console.input, Qt.Key.Key_Return)
        assert console.lines()[-2:] == ["> total + i", "10"]
        press(window, Qt.Key.Key_F10)
        await until(paused_at(window, 2))
        assert watch.value_of("total * 10") == "100"  # re-evaluated at the new stop
        watch.tree.setCurrentItem(watch.tree.topLevelItem(1))
        QTest.keyClick(watch.tree, Qt.Key.Key_Delete)
        assert watch.expressions == ["total * 10"]
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())


def test_stop_while_paused_ends_the_run(window, qtbot, run):
    editor = open_script(window, 'TALK "one"\nTALK "two"\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 2))
        press(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "two") not in window.chat.bubbles()
    assert any(t.startswith("■ Stopped") for t in window.output.texts())
    assert editor.execution_line == 0
    assert not window.debug.controller.is_paused
    assert window.debug.variables.tree.topLevelItemCount() == 0


def test_plain_run_ignores_breakpoints_and_restart_keeps_them(window, qtbot, run):
    editor = open_script(window, 'TALK "one"\nTALK "two"\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        press(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: not window.runner.running)
        assert window.runner.debugger is None
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 2))
        editor.setPlainText('TALK "uno"\nTALK "dos"\n')  # restart runs the edited text
        press(window, Qt.Key.Key_F5,
              Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        await until(lambda: ("bot", "uno") in window.chat.bubbles())
        await until(paused_at(window, 2))
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())
    bubbles = [text for who, text in window.chat.bubbles() if who == "bot"]
    assert bubbles == ["one", "two", "one", "uno", "dos"]


def test_pause_stops_a_running_loop(window, run):
    open_script(window, "x = 0\nDO\n  x = x + 1\nLOOP\n")

    async def scenario():
        window.actions_by_name["debug"].trigger()
        await until(lambda: window.runner.running)
        assert window.actions_by_name["pause"].isEnabled()
        await asyncio.sleep(0.1)  # let the loop really spin
        window.actions_by_name["pause"].trigger()
        await until(lambda: window.debug.controller.is_paused)
        assert window.debug.controller.state.reason.value == "pause"
        assert int(variable(window, "Globals", "x")) > 0
        assert not window.actions_by_name["pause"].isEnabled()
        window.stop()
        await until(lambda: not window.runner.running)

    run(scenario())


def test_session_scope_shows_what_keywords_changed(window, qtbot, run):
    editor = open_script(window, 'SET USER "ann@example.com"\nSET CONTEXT "shop" AS "fruit"\n'
                                 'ADD SUGGESTION "yes" AS "Yes"\nTALK "ok"\n')
    click_gutter(qtbot, editor, 4)

    async def scenario():
        window.actions_by_name["debug"].trigger()
        await until(paused_at(window, 4))
        assert variable(window, "Session", "user") == '"ann@example.com"'
        assert variable(window, "Session", "contexts", "shop") == '"fruit"'
        assert variable(window, "Session", "suggestions", "[0]") == '"Yes"'
        press(window, Qt.Key.Key_F5)
        await until(lambda: not window.runner.running)

    run(scenario())
