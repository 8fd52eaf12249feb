"""Run ▸ "Treat General Bots Translation Defects as Errors": off, a line the 2026-05
converter drops is a warning in Problems; on, an error; the choice survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ui.run.engine_check import ENGINE_ERRORS_KEY

# botbasic_compiler lib.rs preprocess_basic drops every line that starts with "REM".
DIALOG = "REMAINING = 3\nTALK REMAINING\n"


@pytest.fixture(autouse=True)
def _no_outside_setting(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("TALKBENCH_ENGINE_ERRORS", raising=False)
    monkeypatch.delenv("TALKBENCH_ENGINE_BUILD", raising=False)
    monkeypatch.chdir(tmp_path)


def problems(window, qtbot) -> list[str]:
    """The Problems list once the live check (off the GUI thread) has landed."""
    qtbot.waitUntil(lambda: window.live_check.idle and not window._check_timer.isActive())
    return window.problems.texts()


def test_off_the_dropped_line_is_a_warning(window, qtbot) -> None:
    action = window.actions_by_name["engine_errors"]
    assert action.isCheckable() and not action.isChecked()
    window.add_tab(DIALOG, None)
    texts = problems(window, qtbot)
    assert len(texts) == 1 and ": warning: General Bots 2026-05 drops this line" in texts[0]


def test_on_it_is_an_error_and_the_choice_is_kept(window, qtbot, tmp_path: Path) -> None:
    window.add_tab(DIALOG, None)
    window.actions_by_name["engine_errors"].trigger()  # as a click on the menu item does
    texts = problems(window, qtbot)  # toggling re-checks at once
    assert len(texts) == 1 and ": error: General Bots 2026-05 drops this line" in texts[0]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value(ENGINE_ERRORS_KEY, False, type=bool)
