"""What a user sees around a debug run: the status bar after Stop, the editor's width."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt

from tests.ui.conftest import until
from tests.ui.debug.test_debugger_ui import click_gutter, open_script, paused_at, press


def test_status_bar_says_stopped_after_stop_while_paused(window, qtbot, run):
    editor = open_script(window, 'TALK "one"\nTALK "two"\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 2))
        assert window.run_status().startswith("Paused")
        press(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
        await until(lambda: not window.runner.running)

    run(scenario())
    qtbot.wait(50)  # events queued behind the run's end
    assert window.run_status() == "Stopped"


def test_the_editor_keeps_half_the_width_while_debugging(window, qtbot, run):
    window.resize(1280, 800)
    editor = open_script(window, 'TALK "one"\nTALK "two"\n')
    click_gutter(qtbot, editor, 2)

    async def scenario():
        press(window, Qt.Key.Key_F5)
        await until(paused_at(window, 2))
        await until(lambda: window.debug.docks[0].isVisible())

    run(scenario())
    qtbot.wait(100)  # the docks are sized on the loop turn after they are shown
    assert window.width() == 1280
    assert editor.width() >= 640


def test_a_first_start_window_fits_the_screen(window):
    # Laying out the docks once grew the window to 888 px on a 1280x800 screen.
    screen = window.screen().availableGeometry()
    assert window.height() <= min(800, screen.height())
    assert window.width() <= min(1280, screen.width())


def test_a_dock_deleted_before_it_is_widened_is_left_alone(window, qtbot):
    """Widening waits a loop turn; a window closed meanwhile takes its docks with it."""
    dock = window.debug.docks[0]
    window.debug.show_dock(dock)
    shiboken6.delete(dock)
    qtbot.wait(50)  # the turn the widening was queued for (pytest-qt fails on its error)
