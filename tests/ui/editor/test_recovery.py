"""Unsaved text survives a killed IDE: backed up while typed, offered back at the next start."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.files.recovery import Backup, RecoveryArea, area_beside
from tests.processes import kill_when_ready, start_until_ready
from ui.editor.recovery import RecoveredBar

DISK = 'TALK "on disk"\n'
UNSAVED = DISK + '\nTALK "unsaved é"'  # what the killed IDE below appends


def backups(window) -> dict[str, str]:
    """The texts in this window's recovery session, by file name."""
    folder = window.unsaved.session.folder
    return {p.name: Backup.from_json(p.read_bytes()).text for p in folder.glob("*.json")}


def test_typing_is_backed_up_and_saving_drops_the_backup(window, qtbot, tmp_path: Path) -> None:
    dialog = tmp_path / "a.bas"
    dialog.write_text(DISK)
    tab = window.open_file(dialog)
    tab.editor.setFocus()
    tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(tab.editor, 'TALK "typed"')
    qtbot.waitUntil(lambda: list(backups(window).values()) == [DISK + 'TALK "typed"'],
                    timeout=5000)
    assert window.save(tab)
    qtbot.waitUntil(lambda: backups(window) == {}, timeout=5000)
    assert dialog.read_text() == DISK + 'TALK "typed"'


def test_closing_the_window_cleanly_leaves_nothing_to_recover(qapp, qtbot, tmp_path: Path
                                                               ) -> None:
    from ui.main import build_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window([], str(tmp_path / "m.sqlite3"), "testbot", settings)
    win.current_tab().editor.insertPlainText("unsaved")
    win.unsaved.back_up()
    assert win.unsaved.session.flush() and backups(win)
    win.current_tab().editor.document().setModified(False)  # the user answered Don't Save
    win.close()
    win.store.close(timeout=5.0)
    assert area_beside(settings.fileName()).orphans() == ([], [])
    assert not any(area_beside(settings.fileName()).root.iterdir())


# A real IDE process: edits a file and an untitled tab, waits for the backups, is killed.
KILLED_IDE = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from ui.main import build_window
    folder = sys.argv[1]
    settings = QSettings(folder + "/settings.ini", QSettings.Format.IniFormat)
    win = build_window([folder + "/a.bas"], folder + "/m.sqlite3", "bot", settings)
    win.show()
    win.current_tab().editor.appendPlainText('TALK "unsaved é"')
    untitled = win.new_file().editor
    untitled.selectAll()
    untitled.insertPlainText('TALK "never saved"')
    deadline = time.monotonic() + 30
    while len(list(win.unsaved.session.folder.glob("*.json"))) < 2:
        app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() < deadline
    assert win.unsaved.session.flush()
    print("ready", flush=True)
    time.sleep(600)
""")


def start_again(folder: Path):
    from ui.main import build_window

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    return build_window([], str(folder / "m.sqlite3"), "bot", settings)


def close(window) -> None:
    for tab in window.editor_tabs():
        tab.editor.document().setModified(False)
    window.close()
    window.store.close(timeout=5.0)
    window.deleteLater()


@pytest.fixture
def restart(qapp, tmp_path: Path):
    """Starts the IDE again on ``tmp_path``'s settings (closing it after the test)."""
    windows = []

    def start():
        windows.append(start_again(tmp_path))
        return windows[-1]

    yield start
    for window in windows:
        close(window)


@pytest.fixture
def killed(tmp_path: Path) -> Path:
    """a.bas, after an IDE was killed with unsaved text in it and in an untitled tab."""
    dialog = tmp_path / "a.bas"
    dialog.write_text(DISK)
    kill_when_ready(KILLED_IDE, str(tmp_path))
    return dialog


def test_the_text_of_a_killed_ide_comes_back_in_its_tabs(killed: Path, restart) -> None:
    win = restart()
    by_name = {t.title: t for t in win.editor_tabs()}
    assert set(by_name) == {"a.bas", "untitled.bas"}  # the session's file, once
    recovered = by_name["a.bas"]
    assert recovered.editor.toPlainText() == UNSAVED
    assert recovered.modified and killed.read_text() == DISK  # not saved for the user
    bar = recovered.findChild(RecoveredBar)
    assert bar is not None and bar.isVisibleTo(recovered)
    assert "a.bas" in bar.label.text() and "changed on disk" not in bar.label.text()
    untitled = by_name["untitled.bas"]
    assert untitled.editor.toPlainText() == 'TALK "never saved"'
    assert untitled.modified and untitled.path is None
    # The recovered text is one edit over the file's: Undo shows the file.
    recovered.editor.undo()
    assert recovered.editor.toPlainText() == DISK
    recovered.editor.redo()
    # Now kept by this IDE's session; the killed IDE's folder is gone.
    assert win.unsaved.session.flush() and len(backups(win)) == 2
    assert list(win.unsaved.area.root.iterdir()) == [win.unsaved.session.folder]
    # Discard: the file as it is on disk; the untitled tab closes.
    bar.discard_button.click()
    assert recovered.editor.toPlainText() == DISK and not recovered.modified
    untitled.findChild(RecoveredBar).discard_button.click()
    assert [t.title for t in win.editor_tabs()] == ["a.bas"]
    win.unsaved.back_up()
    assert win.unsaved.session.flush() and backups(win) == {}


def test_a_file_changed_since_asks_before_being_overwritten(killed: Path, restart) -> None:
    killed.write_text('TALK "another program"\n')
    win = restart()
    tab = next(t for t in win.editor_tabs() if t.title == "a.bas")
    assert tab.editor.toPlainText() == UNSAVED
    assert "changed on disk" in tab.findChild(RecoveredBar).label.text()
    assert tab.changed_on_disk()  # so Save asks before overwriting (tests of save cover it)


def test_a_backup_of_text_that_was_saved_after_all_is_not_offered(restart, tmp_path: Path
                                                                  ) -> None:
    dialog = tmp_path / "a.bas"
    dialog.write_text(DISK)
    area = area_beside(str(tmp_path / "settings.ini"))
    session = area.start_session()
    session.keep("k", Backup(DISK, str(dialog), None))  # died right after saving
    session.close(remove=False)
    win = restart()
    assert all(not t.modified for t in win.editor_tabs())
    assert all(t.findChild(RecoveredBar) is None for t in win.editor_tabs())
    assert list(area.root.iterdir()) == [win.unsaved.session.folder]


# The IDE's own entry (launch, with its signal handling), edited just before SIGTERM.
TERMINATED_IDE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    import ui.main as main
    build = main.build_window
    def build_and_edit(*args, **kwargs):
        window = build(*args, **kwargs)
        def edit():
            window.current_tab().editor.appendPlainText('TALK "the last second"')
            print("ready", flush=True)
        QTimer.singleShot(300, edit)
        return window
    main.build_window = build_and_edit
    sys.exit(main.launch([sys.argv[1]], sys.argv[2]))
""")


def test_sigterm_keeps_even_the_last_edits_for_the_next_start(tmp_path: Path) -> None:
    dialog = tmp_path / "a.bas"
    dialog.write_text(DISK)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    proc = start_until_ready(TERMINATED_IDE, str(dialog), str(tmp_path / "m.sqlite3"), env=env)
    proc.terminate()  # before the once-a-second backup: the exit path must take it
    assert proc.wait(30) == 0
    area = RecoveryArea(tmp_path / "cfg" / "Talkbench" / "Talkbench-recovery")
    orphans, problems = area.orphans()
    assert problems == []
    assert [(o.backup.text, o.backup.path) for o in orphans] == [
        (DISK + '\nTALK "the last second"', str(dialog))]
    area.release_orphans(remove=False)
    assert dialog.read_text() == DISK


def test_the_ide_starts_and_says_so_when_nothing_can_be_kept_beside_its_settings(
        qapp, tmp_path: Path) -> None:
    from ui.main import build_window

    (tmp_path / "not-a-folder").write_text("")  # (root ignores permissions: a file instead)
    settings = QSettings(str(tmp_path / "not-a-folder" / "settings.ini"),
                         QSettings.Format.IniFormat)
    win = build_window([], str(tmp_path / "m.sqlite3"), "bot", settings)
    try:
        assert "not backed up" in win.statusBar().currentMessage()
        win.current_tab().editor.insertPlainText("typed")
        win.unsaved.back_up()  # nothing to write to: no error, the text stays in the editor
        assert win.current_tab().modified
    finally:
        close(win)


def test_two_killed_ides_texts_for_one_file_both_come_back_once_each(restart, tmp_path: Path
                                                                    ) -> None:
    dialog = tmp_path / "a.bas"
    dialog.write_text(DISK)
    area = area_beside(str(tmp_path / "settings.ini"))
    for text, saved_at in [("first IDE's", 1.0), ("second IDE's", 2.0),
                           ("second IDE's", 3.0)]:  # its start-up died while recovering
        session = area.start_session()
        session.keep("k", Backup(text, str(dialog), None, saved_at=saved_at))
        session.close(remove=False)
    win = restart()
    tabs = [t for t in win.editor_tabs() if t.modified]
    assert sorted(t.editor.toPlainText() for t in tabs) == ["first IDE's", "second IDE's"]
    assert all(t.path == dialog.resolve() and t.findChild(RecoveredBar) for t in tabs)
    assert win.unsaved.session.flush() and sorted(backups(win).values()) == [
        "first IDE's", "second IDE's"]
    assert list(area.root.iterdir()) == [win.unsaved.session.folder]
    # Discarding both: one tab of the file is left, showing the file.
    for tab in tabs:
        tab.findChild(RecoveredBar).discard_button.click()
    left = [t for t in win.editor_tabs() if t.path == dialog.resolve()]
    assert len(left) == 1 and left[0].editor.toPlainText() == DISK and not left[0].modified


def test_the_bar_says_when_the_file_is_no_longer_on_disk(killed: Path, restart) -> None:
    killed.rename(killed.with_name("renamed.bas"))
    win = restart()
    tab = next(t for t in win.editor_tabs() if t.title == "a.bas")
    assert tab.editor.toPlainText() == UNSAVED and tab.modified
    assert "no longer on disk" in tab.findChild(RecoveredBar).label.text()


def test_a_backup_that_failed_is_written_again_without_another_keystroke(window, tmp_path: Path
                                                                          ) -> None:
    import shutil

    session = window.unsaved.session
    shutil.rmtree(session.folder)  # the disk refuses (root ignores permissions: no folder)
    window.new_file().editor.insertPlainText("typed once")
    for _ in range(2):  # (the next pass says what the writer thread met)
        window.unsaved.back_up()
        assert session.flush() and "cannot keep a backup" in session.last_error
    assert "cannot keep a backup" in window.statusBar().currentMessage()
    session.folder.mkdir()  # space again; the author typed nothing since
    window.unsaved.back_up()
    assert session.flush() and session.last_error == ""
    assert "typed once" in "".join(backups(window).values())


def test_a_tab_closed_without_saving_loses_its_backup_at_once(window, qtbot) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    tab = window.new_file()
    tab.editor.insertPlainText("thrown away")
    window.unsaved.back_up()
    assert window.unsaved.session.flush() and backups(window)
    tab.editor.document().setModified(False)  # the author answered Don't Save
    assert window.close_tab(window.tabs.indexOf(tab))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # Before the next once-a-second pass: a kill now must not bring the text back.
    assert window.unsaved.session.flush() and backups(window) == {}
