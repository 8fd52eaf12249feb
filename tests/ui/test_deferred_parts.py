"""The parts of the main window built after its first paint (``MainWindow.parts``): the window
works the same whether a part was built by the idle build, by a menu opened early, or by the
first use of the feature; nothing of a saved session or layout is lost on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget

from tests.ui.conftest import until

LATER_DOCKS = ("Tests", "Tables", "Schedules", "Variables", "Call Stack", "Watch",
               "Breakpoints", "Debug Console", "History", "Turn", "Answers", "Flow")
FIRST_DOCKS = ("Chat", "Memory", "Output", "Problems")


def settings_in(folder: Path) -> QSettings:
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qapp, qloop, tmp_path: Path):
    """``open_window()``: a window as ``talkbench`` builds it, nothing built after; closed
    (saving its session and layout) at the end, or by the test."""
    from ui.main import build_window

    made = []

    def _open(shown: bool = True):
        win = build_window([], str(tmp_path / "memory.sqlite3"), "testbot",
                           settings_in(tmp_path))
        if shown:
            win.show()
        made.append(win)
        return win

    yield _open
    for win in made:
        if win.isVisible():
            for i in range(win.tabs.count()):
                win.tabs.widget(i).editor.document().setModified(False)
            win.close()
        win.store.close(timeout=5.0)
        win.deleteLater()


def dock_titles(window) -> set[str]:
    return {d.windowTitle() for d in window.findChildren(QDockWidget)}


def listed(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def menu_named(window, title: str):
    return next(a.menu() for a in window.menuBar().actions()
                if a.menu() is not None and a.text().replace("&", "") == title)


def test_the_first_window_has_the_editor_and_front_docks_and_builds_the_rest_after_it_paints(
        open_window, qtbot):
    window = open_window(shown=False)
    assert not window.parts.done
    assert set(FIRST_DOCKS) <= dock_titles(window)
    assert not set(LATER_DOCKS) & dock_titles(window)
    assert window.editor() is not None and window.editor().toPlainText()
    window.show()
    qtbot.waitUntil(lambda: window.parts.done, timeout=20000)
    assert set(LATER_DOCKS) <= dock_titles(window)
    window.view_menu.aboutToShow.emit()
    assert set(FIRST_DOCKS + LATER_DOCKS) <= set(listed(window.view_menu))


def test_the_view_menu_opened_before_the_idle_build_lists_every_dock_and_shows_one(
        open_window, run):
    window = open_window()
    assert not window.parts.done
    window.view_menu.aboutToShow.emit()
    assert set(FIRST_DOCKS + LATER_DOCKS) <= set(listed(window.view_menu))
    window.add_tab('TALK "one"\n', None)
    flow = window.findChild(QDockWidget, "flowDock")
    if not flow.isVisible():  # tabbed behind Memory on a first run
        window.view_menu.toggle_for("Flow").trigger()
    flow.raise_()
    panel = window.flow.panel

    async def scenario():  # the dock works: it draws the dialog in the editor in front
        await until(lambda: panel.drawn is not None and "L1.1" in panel.scene.node_items)

    run(scenario())


def test_other_menus_opened_early_hold_the_features_entries(open_window):
    window = open_window()
    debug = menu_named(window, "Debug")
    debug.aboutToShow.emit()
    assert "Windows" in listed(debug)
    file_menu = menu_named(window, "File")
    file_menu.aboutToShow.emit()
    assert "Open Package…" in listed(file_menu)
    assert window.parts.done


def test_run_before_the_idle_build_talks_in_the_chat_and_writes_memory(open_window, run):
    window = open_window()
    tab = window.add_tab('TALK "Hi"\nSET_BOT_MEMORY "seen", "yes"\n', None)
    window.tabs.setCurrentWidget(tab)
    assert not window.parts.built("run")

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: window.run_status() == "Finished")

    run(scenario())
    assert ("bot", "Hi") in window.chat.bubbles()  # the conversation channel was set up
    window.store.flush(5)
    assert window.store.bot("testbot").get("seen") == "yes"


def test_breakpoints_set_in_the_gutter_before_the_debugger_is_built_are_listed(open_window):
    window = open_window()
    first = window.editor()
    second = window.add_tab('TALK "a"\nTALK "b"\n', None).editor
    first.toggle_breakpoint(1)
    second.toggle_breakpoint(2)
    assert not window.parts.built("run")
    controller = window.debug.controller  # built now
    assert [s.line for s in controller.specs(first)] == [1]
    assert [s.line for s in controller.specs(second)] == [2]
    assert controller.editor is second  # the tab in front
    assert window.debug.breakpoints.lines.rowCount() == 1


def test_f9_before_the_debugger_is_built_sets_a_breakpoint(open_window):
    window = open_window()
    editor = window.editor()
    editor.go_to_line(2, 1)
    window.actions_by_name["toggle_breakpoint"].trigger()
    assert 2 in editor.breakpoints
    assert [s.line for s in window.debug.controller.specs(editor)] == [2]


def test_a_saved_layout_is_kept_for_the_docks_built_later(open_window, qtbot):
    first = open_window()
    first.finish_startup()
    history = first.findChild(QDockWidget, "historyDock")
    variables = first.findChild(QDockWidget, "variablesDock")
    assert not history.isFloating() and variables.isHidden()  # the first-run layout
    history.setFloating(True)
    first.debug.show_dock(variables)
    first.close()

    second = open_window()
    assert second.findChild(QDockWidget, "historyDock") is None
    qtbot.waitUntil(lambda: second.parts.done, timeout=20000)
    assert second.findChild(QDockWidget, "historyDock").isFloating()
    assert second.findChild(QDockWidget, "variablesDock").isVisible()


def test_closing_before_the_idle_build_saves_the_session_and_a_full_layout(
        open_window, tmp_path: Path):
    dialog = tmp_path / "hello.bas"
    dialog.write_text('TALK "one"\nTALK "two"\n', encoding="utf-8")
    first = open_window()
    tab = first.open_file(dialog)
    tab.editor.toggle_breakpoint(2)
    assert not first.parts.done
    first.close()
    assert first.parts.done  # closing built the rest, so its docks are in the saved layout

    second = open_window()
    restored = second.current_tab()
    assert restored.path == dialog and 2 in restored.editor.breakpoints


def test_first_parts_are_built_after_their_imports_and_an_optional_missing_one_is_skipped(
        qapp, qtbot):
    import sys

    from PySide6.QtWidgets import QWidget

    from ui.deferred_parts import DeferredParts

    widget = QWidget()
    qtbot.addWidget(widget)
    seen: list[tuple[str, bool]] = []
    parts = DeferredParts(
        widget,
        {"later": lambda: seen.append(("later", "json" in sys.modules)),
         "early": lambda: seen.append(("early", "colorsys" in sys.modules))},
        ["no_such_module_talkbench?", "json"],
        [("early", ["colorsys", "also_missing_talkbench?"])])
    parts.start_after_first_paint(widget)
    widget.show()
    qtbot.waitUntil(lambda: parts.done, timeout=10000)
    assert seen == [("early", True), ("later", True)]
    # Neither makes a Qt object: both were imported in the worker thread.
    assert {"import colorsys", "import json"} <= set(parts.background_timings)


def test_a_first_part_run_ahead_of_a_held_idle_build_is_not_built_again(qapp, qtbot):
    """talkbench runs the chat's turns right after the first paint, while the idle build waits
    for qasync's loop (ui.main.launch): the idle build then skips them."""
    from PySide6.QtWidgets import QWidget

    from ui.deferred_parts import DeferredParts
    from ui.turns import Turns

    widget = QWidget()
    qtbot.addWidget(widget)
    built: list[str] = []
    parts = DeferredParts(widget, {"chat": lambda: built.append("chat"),
                                   "later": lambda: built.append("later")},
                          (), [("chat", ["colorsys"])])
    steps = parts.steps_of("chat")
    assert steps[0] == "colorsys" and len(steps) == 2
    parts.pause()
    parts.start_after_first_paint(widget)
    ahead = Turns(widget, steps)
    ahead.start()
    widget.show()
    qtbot.waitUntil(lambda: parts.built("chat"), timeout=10000)
    assert built == ["chat"] and not parts.built("later")  # the held build did not run
    parts.resume()
    qtbot.waitUntil(lambda: parts.done, timeout=10000)
    assert built == ["chat", "later"]


def test_a_paused_idle_build_waits_for_resume_and_a_part_asked_for_is_built_at_once(
        open_window, qtbot):
    """``talkbench`` holds the idle build until qasync's loop runs (ui.main.launch)."""
    window = open_window(shown=False)
    window.parts.pause()
    window.show()
    qtbot.wait(300)  # painted, and the idle build would have begun
    assert not any(window.parts.built(name) for name in window.parts.names)
    assert window.bridge is not None  # read: built now
    assert window.parts.built("bridge") and not window.parts.built("store")
    window.parts.resume()
    qtbot.waitUntil(lambda: window.parts.done, timeout=20000)


def test_a_part_built_in_pieces_takes_one_turn_each_and_a_use_between_builds_the_rest(
        qapp, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from ui.deferred_parts import DeferredParts

    widget = QWidget()
    qtbot.addWidget(widget)
    order: list[str] = []
    ticks = QTimer()
    ticks.timeout.connect(lambda: order.append("tick") if order[-1:] != ["tick"] else None)

    def in_pieces():
        for piece in ("piece 1", "piece 2", "piece 3"):
            order.append(piece)
            yield

    parts = DeferredParts(widget, {"pieces": in_pieces, "after": lambda: order.append("after")})
    parts.start_after_first_paint(widget)
    ticks.start(0)
    widget.show()
    qtbot.waitUntil(lambda: parts.done, timeout=10000)
    ticks.stop()
    built = [step for step in order if step != "tick"]
    assert built == ["piece 1", "piece 2", "piece 3", "after"]
    between = order[order.index("piece 1"):order.index("after")]
    assert between == ["piece 1", "tick", "piece 2", "tick", "piece 3", "tick"]
    assert {"pieces", "pieces/2", "pieces/3", "after"} <= set(parts.timings)

    order.clear()
    again = DeferredParts(widget, {"pieces": in_pieces})
    assert again.build_piece("pieces") is not None  # a piece is left
    assert not again.built("pieces") and not again.building("pieces")
    again.build("pieces")  # what a use of the part does: the rest, at once
    assert order == ["piece 1", "piece 2", "piece 3"] and again.built("pieces")


def test_a_part_whose_piece_is_a_job_runs_it_in_the_worker_unless_needed_at_once(qapp, qtbot):
    import threading

    from PySide6.QtWidgets import QWidget

    from ui.deferred_parts import DeferredParts
    from ui.turns import Job

    widget = QWidget()
    qtbot.addWidget(widget)
    opened: list[str] = []

    def opening():
        job = Job(lambda: opened.append(threading.current_thread().name))
        yield job
        job.result()

    idle = DeferredParts(widget, {"store": opening})
    idle.start_after_first_paint(widget)
    widget.show()
    qtbot.waitUntil(lambda: idle.done, timeout=10000)
    at_once = DeferredParts(widget, {"store": opening})
    at_once.build("store")
    assert opened == ["background imports", threading.current_thread().name]


def test_the_runner_read_between_the_pieces_of_its_part_comes_with_its_debugger_and_tools(
        open_window):
    window = open_window(shown=False)
    window.parts.build("store")
    assert window.parts.build_piece("run") is not None  # the runner and the debugger
    assert not window.parts.built("run")
    # Not published yet: nothing sees the runner without the conversation tools it needs.
    assert "runner" not in window.__dict__ and "debug" not in window.__dict__
    assert not window.findChild(QDockWidget, "turnDock")
    runner = window.runner  # a use between the pieces builds the rest first
    assert window.parts.built("run")
    assert window.conversation.main.runner is runner and window.debug.controller is not None
    assert window.findChild(QDockWidget, "turnDock") is not None


def test_the_memory_dock_shows_its_panel_only_when_the_panel_is_complete(open_window):
    from PySide6.QtWidgets import QLabel

    window = open_window(shown=False)
    dock = window.findChild(QDockWidget, "memoryDock")
    window.parts.build("store")
    assert window.parts.build_piece("memory") is not None
    assert isinstance(dock.widget(), QLabel) and "memory" not in window.__dict__
    panel = window.memory
    assert dock.widget() is panel and panel.view.model() is panel.proxy
    assert panel.tables.count() == 2 and panel.buttons["+"].isEnabled()


def test_the_bot_tools_docks_come_a_turn_after_their_panels_and_follow_a_bot_chosen_between(
        open_window):
    window = open_window(shown=False)
    for name in ("store", "memory", "run"):
        window.parts.build(name)
    assert window.parts.build_piece("bot_tools") is not None  # the panels
    assert window.findChild(QDockWidget, "tablesDock") is None
    window.use_bot("otherbot")  # chosen in the turn between
    tools = window.bot_tools  # the rest, at once
    assert window.findChild(QDockWidget, "tablesDock").widget() is tools.tables
    assert tools.tables.bot == "otherbot" and tools.chosen_bot == "otherbot"
