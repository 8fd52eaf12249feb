"""Closing the IDE and starting it again brings back the open files, where the cursor was, the
breakpoints (with their conditions) and the watch expressions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from interpreter.debug.model import BreakpointSpec
from ui.main import build_window


def cursor_of(tab) -> tuple[int, int]:
    cursor = tab.editor.textCursor()
    return cursor.blockNumber() + 1, cursor.positionInBlock() + 1


def test_restart_restores_tabs_cursors_breakpoints_and_watches(qapp, qloop, tmp_path: Path):
    first = tmp_path / "first.bas"
    second = tmp_path / "second.bas"
    first.write_text('TALK "a"\nTALK "b"\nTALK "c"\n')
    second.write_text('x = 1\ny = 2\nTALK x + y\nTALK "end"\n')
    settings_file = str(tmp_path / "settings.ini")
    db = str(tmp_path / "memory.sqlite3")

    def start():
        settings = QSettings(settings_file, QSettings.Format.IniFormat)
        window = build_window([], db, "testbot", settings)
        window.show()
        return window

    window = start()
    window.tabs.removeTab(0)  # the untitled tab
    tab1 = window.open_file(first)
    tab1.editor.go_to_line(2, 3)
    tab1.editor.toggle_breakpoint(3)
    tab2 = window.open_file(second)
    tab2.editor.toggle_breakpoint(3)
    window.debug.controller.update_breakpoint(3, condition="x = 1")
    tab2.editor.go_to_line(4, 5)
    window.debug.watch.add("x + y")
    window.tabs.setCurrentWidget(tab1)
    window.close()
    window.store.close(timeout=5.0)

    again = start()
    try:
        tabs = {t.path: t for t in again.editor_tabs()}
        assert set(tabs) == {first.resolve(), second.resolve()}
        assert again.current_tab() is tabs[first.resolve()]
        assert cursor_of(tabs[first.resolve()]) == (2, 3)
        assert cursor_of(tabs[second.resolve()]) == (4, 5)
        assert tabs[first.resolve()].editor.breakpoints == {3}
        specs = again.debug.controller.specs(tabs[second.resolve()].editor)
        assert specs == [BreakpointSpec(3, condition="x = 1")]
        assert again.debug.watch.expressions == ["x + y"]
    finally:
        again.close()
        again.store.close(timeout=5.0)


def test_a_missing_file_or_a_damaged_entry_is_skipped(qapp, qloop, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("session/state", "{not json")
    window = build_window([], str(tmp_path / "m.sqlite3"), "testbot", settings)
    try:
        assert window.tabs.count() == 1  # just the new untitled dialog
    finally:
        window.close()
        window.store.close(timeout=5.0)
