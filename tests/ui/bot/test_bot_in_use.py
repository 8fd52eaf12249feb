"""Which bot a dialog runs as: a .gbai package's dialogs run as the package's bot, every other
dialog as the bot the user chose; the status bar always names the bot in use."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import settle, until


def make_package(root: Path) -> Path:
    pkg = root / "shop.gbai"
    (pkg / "shop.gbdialog").mkdir(parents=True)
    (pkg / "shop.gbot").mkdir()
    (pkg / "shop.gbot" / "config.csv").write_text("name,value\nparam-city,Lisbon\n")
    (pkg / "shop.gbdialog" / "start.bas").write_text('SET BOT MEMORY "where", "package"\n')
    return pkg


def run_to_end(window, run) -> None:
    async def scenario():
        window.run()
        await until(lambda: not window.runner.running)

    run(scenario())
    window.store.flush(5)


def test_a_dialog_outside_the_package_runs_as_the_chosen_bot(window, run, tmp_path):
    start = window.open_file(make_package(tmp_path))
    assert window.runner.bot == "shop"
    assert window.bot_label.text() == "Bot: shop (shop.gbai)"

    outside = tmp_path / "elsewhere.bas"
    outside.write_text('SET BOT MEMORY "where", "outside"\n')
    window.open_file(outside)
    assert window.runner.bot == "testbot"
    assert window.bot_label.text() == "Bot: testbot"
    assert window.memory.bot == "testbot"
    run_to_end(window, run)
    assert window.store.bot("testbot").get("where") == "outside"
    assert window.store.bot("shop").get("where") == ""
    assert any(t.endswith("as bot testbot") for t in window.output.texts())

    window.tabs.setCurrentWidget(start)
    assert window.runner.bot == "shop"
    run_to_end(window, run)
    assert window.store.bot("shop").get("where") == "package"


def test_the_bot_chosen_in_the_memory_panel_is_kept_for_dialogs_outside(window, qtbot, tmp_path):
    start = window.open_file(make_package(tmp_path))
    outside = tmp_path / "elsewhere.bas"
    outside.write_text('TALK "hi"\n')
    other = window.open_file(outside)
    window.memory.bot_box.setCurrentText("support")
    window.memory.bot_box.activated.emit(0)  # as when the user picks it
    settle(qtbot, window.memory)  # the bot is checked off the GUI thread
    assert window.runner.bot == "support"
    window.tabs.setCurrentWidget(start)
    assert window.runner.bot == "shop"
    window.tabs.setCurrentWidget(other)
    assert window.runner.bot == "support"
    assert window.bot_label.text() == "Bot: support"


def never_assigned(window) -> list[str]:
    return [t for t in window.problems.texts() if "never assigned" in t]


def test_a_package_param_is_not_flagged_as_reading_empty(window, qtbot, tmp_path):
    pkg = make_package(tmp_path)
    dialog = pkg / "shop.gbdialog" / "city.bas"
    dialog.write_text('TALK "We are in " + city\nTALK "and " + unknown\n')
    window.open_file(dialog)
    qtbot.waitUntil(lambda: bool(never_assigned(window)), timeout=3000)
    assert [t for t in never_assigned(window) if "'city'" in t] == []
    assert [t for t in never_assigned(window) if "'unknown'" in t]

    outside = tmp_path / "city.bas"  # the same dialog outside the package
    outside.write_text(dialog.read_text())
    window.open_file(outside)
    qtbot.waitUntil(lambda: any("'city'" in t for t in never_assigned(window)), timeout=3000)


def test_talkbench_check_knows_the_package_params(tmp_path):
    import subprocess
    import sys

    pkg = make_package(tmp_path)
    dialog = pkg / "shop.gbdialog" / "city.bas"
    dialog.write_text('TALK "We are in " + city\n')
    proc = subprocess.run([sys.executable, "-m", "app", "check", str(dialog)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert "city" not in proc.stdout
