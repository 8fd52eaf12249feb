"""The IDE on a real General Bots database (tests/app/fixtures/generalbots_bots.sql): the bot
box offers each bot by a reference that names it alone, refuses a name two bots share or a
bot that does not exist (General Bots' table takes no row from Talkbench), and a run writes
to the bot chosen by slug."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from tests.app.conftest import generalbots_db, pg_server  # noqa: F401  (fixtures)
from tests.app.db.test_generalbots_database import EU, bot_count, memories
from tests.ui.conftest import settle, until


def test_the_bot_box_on_a_general_bots_database(qapp, qloop, qtbot, run, tmp_path: Path,
                                                 monkeypatch, generalbots_db) -> None:  # noqa: F811
    from ui.main import build_window

    warnings: list[str] = []
    monkeypatch.setattr("ui.memory.panel.QMessageBox.warning",
                        lambda _parent, _title, text: warnings.append(text))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([], generalbots_db, "default", settings)
    try:
        box = win.memory.bot_box
        settle(qtbot, win.memory)
        assert [box.itemText(i) for i in range(box.count())] == ["default", "shop-eu",
                                                                 "shop-us"]
        for refused in ("shop", "newbot"):
            box.setEditText(refused)
            box.lineEdit().editingFinished.emit()
            settle(qtbot, win.memory)
            assert win.runner.bot == "default"
        assert "2 bots are named 'shop'" in warnings[0]
        assert "No bot 'newbot'" in warnings[1]
        box.setEditText("shop-eu")
        box.lineEdit().editingFinished.emit()
        settle(qtbot, win.memory)
        assert win.runner.bot == "shop-eu"
        dialog = tmp_path / "writer.bas"
        dialog.write_text('SET BOT MEMORY "color", "blue"\nTALK "saved"\n')
        win.open_file(dialog)

        async def scenario():
            win.actions_by_name["run"].trigger()
            await until(lambda: not win.runner.running)

        run(scenario())
        win.store.flush(10)
    finally:
        win.runner.stop()
        win.close()
    assert memories(generalbots_db) == [(EU, "color", "blue")]
    assert bot_count(generalbots_db) == 3


def test_starting_with_a_bot_general_bots_lacks_says_so(qapp, qloop, qtbot, tmp_path: Path,
                                                       generalbots_db) -> None:  # noqa: F811
    from ui.main import build_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([], generalbots_db, "newbot", settings)
    try:
        win.show()  # the store opens after the first paint, and says so then
        qtbot.waitUntil(lambda: win.parts.built("memory"), timeout=20000)
        assert any("No bot 'newbot'" in text and "'shop-eu'" in text
                   for text in win.output.texts())
    finally:
        win.close()
    assert bot_count(generalbots_db) == 3
