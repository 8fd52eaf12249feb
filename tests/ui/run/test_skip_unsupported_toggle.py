"""Run ▸ "Skip keywords without a local service": off, an unsupported keyword stops the run
like any runtime error; on, it is skipped with a warning; the choice survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.ui.conftest import until
from ui.main_window import SKIP_UNSUPPORTED_KEY

DIALOG = 'TALK "a"\nTRANSFER TO HUMAN "sales"\nTALK "b"\n'


@pytest.fixture(autouse=True)
def _no_outside_policy(monkeypatch, tmp_path: Path):
    # IDE runs look for the bot's config.csv from the current folder; keep both the
    # environment and any config.csv out of the way so the toggle alone decides.
    monkeypatch.delenv("TALKBENCH_UNSUPPORTED_KEYWORDS", raising=False)
    monkeypatch.chdir(tmp_path)


def run_menu(window):
    return next(a.menu() for a in window.menuBar().actions()
                if a.menu() is not None and a.text() == "&Run")


def click_menu_action(qtbot, window, name: str) -> None:
    """Open the Run menu and click the item, as a user does."""
    menu = run_menu(window)
    action = window.actions_by_name[name]
    assert action in menu.actions()
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible())


def run_to_end(window, run) -> str:
    window.add_tab(DIALOG, None)

    async def scenario():
        window.run()
        task = window.runner.task  # the label may still show the previous run's end
        await until(task.done)
        await until(lambda: window.run_label.text() in ("Finished", "Failed"))

    run(scenario())
    return window.run_label.text()


def test_off_by_default_unsupported_keyword_stops_the_run(window, qtbot, run):
    action = window.actions_by_name["skip_unsupported"]
    assert action.isCheckable() and not action.isChecked()
    assert "Skip" in action.text().replace("&", "")

    assert run_to_end(window, run) == "Failed"
    bubbles = window.chat.bubbles()
    assert ("bot", "a") in bubbles and ("bot", "b") not in bubbles
    errors = [t for t in window.output.texts() if "runtime error" in t]
    assert len(errors) == 1
    assert errors[0].startswith("untitled.bas:2:1: runtime error: TRANSFER TO HUMAN is not "
                                "supported")
    mark = window.editor().runtime_mark
    assert mark is not None and mark.line == 2 and "TRANSFER TO HUMAN" in mark.message


def test_on_skips_with_a_warning_and_survives_a_restart(window, qtbot, run, tmp_path):
    click_menu_action(qtbot, window, "skip_unsupported")
    assert window.actions_by_name["skip_unsupported"].isChecked()
    window.close()  # the settings are written as they change and synced on close

    from ui.main import build_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value(SKIP_UNSUPPORTED_KEY, False, type=bool) is True
    second = build_window([], str(tmp_path / "second.sqlite3"), "testbot", settings)
    second.show()
    try:
        assert second.actions_by_name["skip_unsupported"].isChecked()
        assert run_to_end(second, run) == "Finished"
        bots = [text for kind, text in second.chat.bubbles() if kind == "bot"]
        assert bots == ["a", "b"]
        warnings = [t for t in second.output.texts() if "skipped" in t]
        assert warnings == [("untitled.bas:2:1: skipped TRANSFER TO HUMAN: it needs a human "
                             "attendant desk, which Talkbench does not provide")]
        assert not any("runtime error" in t for t in second.output.texts())
        assert second.editor().runtime_mark is None

        # Unchecked again: the next run stops at the keyword once more.
        click_menu_action(qtbot, second, "skip_unsupported")
        assert not settings.value(SKIP_UNSUPPORTED_KEY, True, type=bool)
        assert run_to_end(second, run) == "Failed"
        assert second.editor().runtime_mark.line == 2
    finally:
        second.runner.stop()
        for i in range(second.tabs.count()):
            second.tabs.widget(i).editor.document().setModified(False)
        second.close()
        second.store.close(timeout=5.0)
        second.deleteLater()
