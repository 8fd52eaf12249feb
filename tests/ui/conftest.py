"""Qt tests run offscreen on one QApplication with one qasync loop for the whole session."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import asyncio
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip


@pytest.fixture(scope="session", autouse=True)
def gui_thread_gc(qapp):
    """As in the app: widget-only tests build Qt objects next to store threads too."""
    from ui.gui_gc import collect_on_gui_thread

    return collect_on_gui_thread()


@pytest.fixture(scope="session")
def qloop(qapp):
    """A qasync loop on pytest-qt's QApplication; tests drive it with run_until_complete.

    Never stopped or closed mid-session: stopping it while no Qt loop runs calls app.exit(),
    after which every qtbot wait returns at once.
    """
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    # Close before the QApplication goes away, or the loop's __del__ touches deleted Qt objects.
    loop.close()
    asyncio.set_event_loop(None)


def current_loop(qloop) -> None:
    """Make the session's qasync loop the current one again: an ``asyncio.run()`` in an earlier
    test (tests/app, plain asyncio) ends by setting no current loop, and a slot that schedules
    a task from a click (outside ``run``) then found none."""
    asyncio.set_event_loop(qloop)


@pytest.fixture
def run(qloop):
    """``run(coro, timeout)``: drive an async scenario to its end on the qasync loop."""
    current_loop(qloop)

    def _run(coro, timeout: float = 60.0):  # bounds a hang; a loaded CI machine is slow
        return qloop.run_until_complete(asyncio.wait_for(coro, timeout))

    return _run


@pytest.fixture
def window(qapp, qloop, tmp_path: Path):
    from ui.main import build_window

    current_loop(qloop)

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([], str(tmp_path / "memory.sqlite3"), "testbot", settings)
    win.show()
    # The window as the user has it a moment after start-up: the docks and tools it builds
    # after its first paint are there (tests/ui/test_deferred_parts.py covers the moment
    # before).
    win.finish_startup()
    yield win
    win.runner.stop()
    for i in range(win.tabs.count()):  # no "save changes?" prompt at teardown
        win.tabs.widget(i).editor.document().setModified(False)
    win.close()
    win.store.close(timeout=5.0)
    win.deleteLater()


def run_front_tab(window, run) -> None:
    """Run the dialog in front once, until the run and the Tests panel's recording of it have
    ended."""
    async def run_once():
        window.run()
        await until(lambda: not window.runner.running and window.tests.recorder.finished)

    run(run_once())


def run_dialog_file(window, run, path, source: str) -> None:
    """Write ``source`` to ``path``, open it in ``window`` and run it once (run_front_tab)."""
    path.write_text(source, encoding="utf-8")
    window.open_file(path)
    run_front_tab(window, run)


async def until(predicate, timeout: float = 30.0, step: float = 0.01) -> None:
    """Poll inside a scenario (qtbot.wait would nest a Qt loop under the running task). The
    timeout only bounds a hang: it costs nothing when the condition comes true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(step)


def type_lines(qtbot, widget, *lines: str) -> None:
    """Type ``lines`` as a user would, pressing Return between them (keyClicks cannot type
    "\\n")."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for i, line in enumerate(lines):
        if i:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def value_of(window, key: str) -> str | None:
    """The value the memory panel shows for ``key``, or None when it has no row."""
    model = window.memory.model
    row = model.row_of(key)
    return None if row is None else model.entry(row).value


def settle(qtbot, panel) -> None:
    """Wait until the memory panel's store worker has answered every call: its reads and hand
    edits run off the GUI thread and land on the next turns of the event loop."""
    qtbot.waitUntil(lambda: panel.worker.idle, timeout=20000)


def chat_message(chat, kind: str, text: str):
    """The chat's (newest) message of ``kind`` that shows ``text``."""
    return next(m for m in reversed(chat.messages) if m.kind == kind and m.text == text)


def message_point(chat, message) -> QPoint:
    """The centre of ``message``'s bubble in the chat's viewport, scrolled into view."""
    row = chat.messages.index(message)
    chat.view.scrollTo(chat.model.index(row, 0))
    return chat.view.bubble_rect(row).center()


def click_message(qtbot, chat, message, button=Qt.MouseButton.LeftButton) -> None:
    """A real mouse click on ``message``'s bubble."""
    qtbot.mouseClick(chat.view.viewport(), button, pos=message_point(chat, message))


def message_tooltip(chat, message) -> str:
    """The tooltip the chat shows when the mouse rests on ``message``."""
    point = message_point(chat, message)
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, point, chat.view.viewport().mapToGlobal(point))
    QApplication.sendEvent(chat.view.viewport(), event)
    return QToolTip.text()
