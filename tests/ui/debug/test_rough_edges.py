"""Rough edges of debugging seen on screen (issue 22): breakpoints a plain run skips are
announced, and the Breakpoints dock opens in front and wide enough to use."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from tests.ui.conftest import until
from ui.debug.feature import DOCK_MIN_WIDTH

DIALOG = 'SET BOT MEMORY "count", "2"\nHEAR name\nTALK "hi " + name\n'


def test_run_without_debugging_says_it_ignores_memory_and_conversation_breakpoints(
        window, qtbot, run):
    window.add_tab(DIALOG, None)
    panel = window.debug.breakpoints
    qtbot.keyClicks(panel.key_input, "count")
    QTest.keyClick(panel.key_input, Qt.Key.Key_Return)
    window.conversation.breakpoints.next_hear.setChecked(True)

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: window.chat.waiting)  # it did not stop at the memory write
        qtbot.keyClicks(window.chat.input, "Ann")
        QTest.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: not window.runner.running)

    run(scenario())
    output = [window.output.item(i).text() for i in range(window.output.count())]
    warning = ("This run is without the debugger: it ignores 1 memory breakpoint and the "
               "conversation breakpoints. Start Debugging (F5) stops at them.")
    assert warning in output
    note = ("Not stopping at 1 memory breakpoint and the conversation breakpoints "
            "(run without debugging)")
    assert ("note", note) in window.chat.bubbles()
    assert ("bot", "hi Ann") in window.chat.bubbles()


def test_a_plain_run_without_breakpoints_says_nothing_about_them(window, qtbot, run):
    window.add_tab('TALK "hi"\n', None)

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: not window.runner.running and ("bot", "hi") in window.chat.bubbles())

    run(scenario())
    # The note would come from a zero-delay timer set at the run's start: once one set now
    # has fired, every earlier one has.
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired))
    output = [window.output.item(i).text() for i in range(window.output.count())]
    assert not any("without the debugger" in line for line in output)


def test_breakpoints_dock_opens_in_front_and_wide(window, qtbot):
    window.resize(1280, 800)  # a usual window: the offscreen screen starts it narrower
    watch = window.findChild(QDockWidget, "watchDock")
    breakpoints = window.findChild(QDockWidget, "breakpointsDock")
    watch.toggleViewAction().trigger()  # Watch shares its tabs with Breakpoints
    breakpoints.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: breakpoints.width() >= DOCK_MIN_WIDTH, timeout=2000)
    assert breakpoints.isVisible() and not breakpoints.visibleRegion().isEmpty()
    assert watch.visibleRegion().isEmpty()  # behind, as the other tab
