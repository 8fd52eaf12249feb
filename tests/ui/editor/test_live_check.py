"""Live diagnostics of a big dialog: the check runs off the GUI thread, so the window keeps
answering while it runs (on the GUI thread a 10,000-line dialog froze it seconds after each
edit), and a result whose text was edited meanwhile is never shown."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

LINES = 12_000
GAP_LIMIT_S = 0.3  # far above a repaint, far below the check (2-3 s here)


def big_dialog_with_an_error_at_the_end() -> str:
    return 'TALK "line number " + 1\n' * LINES + "TALK (\n"


class GapMeter:
    """The longest wait between ticks of a 10 ms timer: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


@pytest.mark.slow
def test_a_big_dialog_is_checked_while_the_window_keeps_answering(window, qtbot):
    tab = window.add_tab("", None)
    meter = GapMeter()
    started = time.perf_counter()
    tab.editor.setPlainText(big_dialog_with_an_error_at_the_end())
    qtbot.waitUntil(lambda: any(f":{LINES + 1}:" in t for t in window.problems.texts()),
                    timeout=60000)
    meter.timer.stop()
    took = time.perf_counter() - started
    assert took > 3 * GAP_LIMIT_S, "the check was too quick to show anything"
    assert meter.longest < GAP_LIMIT_S, f"the GUI thread was held {meter.longest:.2f} s"


@pytest.mark.slow
def test_a_result_for_text_edited_meanwhile_is_not_shown(window, qtbot):
    tab = window.add_tab("", None)
    shown: list[list[str]] = []
    window.problems.countChanged.connect(lambda _n: shown.append(window.problems.texts()))
    tab.editor.setPlainText(big_dialog_with_an_error_at_the_end())
    qtbot.waitUntil(lambda: not window.live_check.idle)  # the check of the error is under way
    cursor = tab.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    cursor.movePosition(cursor.MoveOperation.PreviousBlock, cursor.MoveMode.KeepAnchor)
    cursor.insertText('TALK "fixed"\n')  # the last line, fixed before the check ends
    qtbot.waitUntil(lambda: window.live_check.idle and not window._check_timer.isActive(),
                    timeout=60000)
    assert not any(f":{LINES + 1}:" in t for texts in shown for t in texts)


def test_a_tab_brought_to_the_front_never_shows_the_other_tabs_problems(window, qtbot):
    broken = window.add_tab("TALK (\n", None)
    qtbot.waitUntil(lambda: window.problems.count() > 0)
    errors = window.problems.texts()
    big = window.add_tab('TALK "a line"\n' * LINES, None)  # its check takes a while
    assert window.problems.texts() == []
    window.tabs.setCurrentWidget(broken)
    assert window.problems.texts() == errors  # at once, before its new check lands
    window.tabs.setCurrentWidget(big)
    qtbot.waitUntil(lambda: window.live_check.idle, timeout=60000)
    assert window.problems.texts() == []


def test_checks_run_in_a_child_process_and_on_a_thread_when_it_dies(qtbot) -> None:
    """In the child, a check shares no GIL and makes no garbage for the GUI thread's
    collector; a child that died leaves the checks to a thread of the IDE."""
    import os
    import signal

    from ui.editor.live_check import CHECK_POOL, LiveChecker

    checker = LiveChecker()
    got: list[object] = []
    checker.checked.connect(lambda _key, result: got.append(result))
    checker.request("first", os.getpid)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=60000)
    child = got[0]
    assert isinstance(child, int) and child != os.getpid()
    os.kill(child, signal.SIGKILL)
    checker.request("second", os.getpid)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=60000)
    assert got[1] == os.getpid() and not checker.in_child
    CHECK_POOL.shutdown()  # the next checker starts a fresh child
