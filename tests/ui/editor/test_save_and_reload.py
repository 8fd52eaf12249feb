"""Save As names a dialog NAME.bas; a file changed by another program offers a reload, and a
save never silently overwrites that change. Real files, the real file dialog and message box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from ui.file_dialogs import with_dialog_suffix


def answer_modal(qtbot, kind, act) -> list[bool]:
    """Once a modal ``kind`` widget is up, ``act(widget)``; the list records that it ran."""
    done: list[bool] = []

    def poll():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            timer.stop()
            act(widget)
            done.append(True)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    _TIMERS.append(timer)  # alive until it has answered
    return done


_TIMERS: list[QTimer] = []


def test_save_as_without_extension_saves_name_bas(window, qtbot, tmp_path):
    tab = window.add_tab('TALK "hi"\n', None)

    def type_name(dialog: QFileDialog):  # as a user: go to the folder, type a bare name
        dialog.setDirectory(str(tmp_path))
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setText("greeting")
        dialog.accept()

    done = answer_modal(qtbot, QFileDialog, type_name)
    assert window.save_as(tab)
    assert done
    assert tab.path == (tmp_path / "greeting.bas").resolve(), tab.path
    assert (tmp_path / "greeting.bas").read_text() == 'TALK "hi"\n'
    assert not (tmp_path / "greeting").exists()
    assert tab.path == (tmp_path / "greeting.bas").resolve()
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "greeting.bas"


def test_a_name_with_an_extension_keeps_it():
    assert with_dialog_suffix(Path("/x/notes.txt")) == Path("/x/notes.txt")
    assert with_dialog_suffix(Path("/x/greeting")) == Path("/x/greeting.bas")


def open_dialog_file(window, tmp_path: Path, text: str):
    path = tmp_path / "d.bas"
    path.write_text(text)
    return path, window.open_file(path)


def test_a_file_changed_on_disk_offers_a_reload(window, qtbot, tmp_path):
    path, tab = open_dialog_file(window, tmp_path, 'TALK "one"\n')
    path.write_text('TALK "two"\n')  # another program
    qtbot.waitUntil(tab.reload_bar.isVisible, timeout=5000)
    assert "changed by another program" in tab.reload_bar.label.text()
    tab.reload_bar.reload_button.click()
    assert tab.editor.toPlainText() == 'TALK "two"\n'
    assert not tab.modified
    assert not tab.reload_bar.isVisible()


def test_our_own_save_offers_no_reload(window, qtbot, tmp_path):
    path, tab = open_dialog_file(window, tmp_path, 'TALK "one"\n')
    tab.editor.setPlainText('TALK "mine"\n')
    # The watcher reports our own write too: the window has judged it once the signal came.
    with qtbot.waitSignal(window.disk_watcher.changed, timeout=5000):
        assert window.save(tab)
    assert not tab.reload_bar.isVisible()
    assert path.read_text() == 'TALK "mine"\n'


def test_save_never_silently_overwrites_a_change_on_disk(window, qtbot, tmp_path):
    path, tab = open_dialog_file(window, tmp_path, 'TALK "one"\n')
    tab.editor.selectAll()
    tab.editor.textCursor().insertText('TALK "mine"\n')  # as typed: unsaved changes
    path.write_text('TALK "theirs"\n')
    qtbot.waitUntil(tab.reload_bar.isVisible, timeout=5000)
    assert "unsaved changes" in tab.reload_bar.label.text()
    tab.reload_bar.keep_button.click()

    answer_modal(qtbot, QMessageBox, lambda box: box.button(
        QMessageBox.StandardButton.Cancel).click())
    assert not window.save(tab)
    assert path.read_text() == 'TALK "theirs"\n'
    assert tab.modified

    def overwrite(box: QMessageBox):
        next(b for b in box.buttons() if b.text() == "Overwrite").click()

    answer_modal(qtbot, QMessageBox, overwrite)
    assert window.save(tab)
    assert path.read_text() == 'TALK "mine"\n'
    assert not tab.modified
