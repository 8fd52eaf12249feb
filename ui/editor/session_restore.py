"""The editing session kept across restarts: open files, cursor positions, breakpoints (with
their conditions) and watch expressions, stored as one JSON value in the settings.

Untitled tabs are not kept (closing asks to save them); a file that is gone, or a breakpoint
past its last line, is skipped when restoring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from interpreter.debug.model import BreakpointSpec

    from ..workbench import Workbench

SESSION_KEY = "session/state"


class TabState(NamedTuple):
    path: str
    line: int
    col: int
    breakpoints: tuple[BreakpointSpec, ...] = ()


class SessionState(NamedTuple):
    tabs: tuple[TabState, ...] = ()
    current: int = 0  # index into tabs
    watches: tuple[str, ...] = ()


def capture(window: Workbench) -> SessionState:
    """The window's session as it is now."""
    tabs: list[TabState] = []
    current = 0
    for tab in window.editor_tabs():
        if tab.path is None:
            continue
        if tab is window.current_tab():
            current = len(tabs)
        cursor = tab.editor.textCursor()
        tabs.append(TabState(str(tab.path), cursor.blockNumber() + 1,
                             cursor.positionInBlock() + 1,
                             tuple(window.debug.controller.specs(tab.editor))))
    return SessionState(tuple(tabs), current, tuple(window.debug.watch.expressions))


def restore(window: Workbench, state: SessionState) -> None:
    """Reopen the session's files where they were, with their breakpoints and the watches."""
    opened = []
    for saved in state.tabs:
        path = Path(saved.path)
        tab = window.open_file(path) if path.is_file() else None
        if tab is None:
            continue
        lines = tab.editor.blockCount()
        window.debug.controller.set_breakpoints_of(
            tab.editor, [b for b in saved.breakpoints if b.line <= lines])
        tab.editor.go_to_line(min(saved.line, lines), saved.col)
        opened.append((saved, tab))
    was_current = state.tabs[state.current] if 0 <= state.current < len(state.tabs) else None
    current = next((tab for saved, tab in opened if saved is was_current), None)
    if current is not None:
        window.tabs.setCurrentWidget(current)
    editor = window.editor()
    if editor is not None:
        window.debug.controller.watch_editor(editor)
    for expression in state.watches:
        if expression not in window.debug.watch.expressions:
            window.debug.watch.add(expression)


def save(settings: QSettings, state: SessionState) -> None:
    from dataclasses import asdict  # a breakpoint is the debugger's dataclass

    tabs = [dict(tab._asdict(), breakpoints=[asdict(b) for b in tab.breakpoints])
            for tab in state.tabs]
    settings.setValue(SESSION_KEY, json.dumps(dict(state._asdict(), tabs=tabs)))


def _breakpoints(saved: Any) -> tuple[BreakpointSpec, ...]:
    if isinstance(saved, (list, tuple)) and not saved:
        return ()
    # The debugger's model (~15 ms of imports) loads for a session with breakpoints only.
    from interpreter.debug.model import BreakpointSpec

    return tuple(BreakpointSpec(**b) for b in saved)


def load(settings: QSettings) -> SessionState:
    """The saved session; an empty one when there is none or it cannot be read."""
    try:
        data = json.loads(str(settings.value(SESSION_KEY, "") or "{}"))
        tabs = tuple(
            TabState(t["path"], int(t["line"]), int(t["col"]),
                     _breakpoints(t.get("breakpoints", ())))
            for t in data.get("tabs", ()))
        return SessionState(tabs, int(data.get("current", 0)),
                            tuple(str(w) for w in data.get("watches", ())))
    except (ValueError, TypeError, KeyError, AttributeError):
        return SessionState()  # a damaged entry must not stop the IDE from starting
