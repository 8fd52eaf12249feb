"""A dialog run from the IDE finds its files, config.csv and knowledge bases from its own
folder, not from the folder Talkbench was started in."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import until


def test_a_run_reads_files_beside_the_dialog(window, run, tmp_path: Path, monkeypatch):
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "note.txt").write_text("from beside the dialog")
    dialog = folder / "hello.bas"
    dialog.write_text('x = READ "note.txt"\nTALK x\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "note.txt").write_text("from the start folder")
    monkeypatch.chdir(elsewhere)
    window.open_file(dialog)

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "from beside the dialog") in window.chat.bubbles()
    # Messages still name the dialog by its tab title.
    assert "■ Finished" in window.output.texts()
