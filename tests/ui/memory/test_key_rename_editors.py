"""Renaming a memory key from the History dock's Key references reaches the open editors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from tests.ui.modals import answer_modals, click_box

GREETER = 'SET BOT MEMORY "mood", "calm"\nTALK "hi"\n'
READER = 'm = GET BOT MEMORY "mood"\nTALK m\n'


def write_dialogs(folder: Path) -> tuple[Path, Path]:
    greeter, reader = folder / "greeter.bas", folder / "reader.bas"
    greeter.write_text(GREETER, encoding="utf-8")
    reader.write_text(READER, encoding="utf-8")
    return greeter, reader


def rename_in_key_refs(window, qtbot, key: str, new: str, answers: list) -> None:
    """Key references… ▸ select ``key`` ▸ Rename key… ▸ type ``new``, then ``answers``
    (steps for the boxes that follow), then close the dialog."""
    panel = window.history_feature.panel

    def pick(dialog) -> None:
        item = next(dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
                    if dialog.tree.topLevelItem(i).data(0, 256) == key)
        dialog.tree.setCurrentItem(item)
        dialog.rename_button.click()

    def type_name(box) -> None:
        box.setTextValue(new)
        box.accept()

    from ui.memory.history_dialogs import KeyRefsDialog

    handled = answer_modals([(KeyRefsDialog, pick), (QInputDialog, type_name), *answers])
    qtbot.mouseClick(panel.refs_button, Qt.MouseButton.LeftButton)
    assert isinstance(handled[0], KeyRefsDialog)


def close_when_done(qtbot, window):
    """The step that closes the Key references dialog once the rename is over."""
    from ui.memory.history_dialogs import KeyRefsDialog

    return (KeyRefsDialog, lambda dialog: dialog.reject())


def test_rename_updates_open_editors_as_one_undoable_edit(window, qtbot, tmp_path):
    greeter, reader = write_dialogs(tmp_path)
    window.store.set("testbot", "mood", "calm")
    window.store.flush()
    reader_tab = window.open_file(reader)
    greeter_tab = window.open_file(greeter)

    rename_in_key_refs(window, qtbot, "mood", "feeling",
                       [click_box("Yes"), close_when_done(qtbot, window)])

    assert greeter.read_text() == GREETER.replace('"mood"', '"feeling"')
    assert reader.read_text() == READER.replace('"mood"', '"feeling"')
    for tab, text in ((greeter_tab, GREETER), (reader_tab, READER)):
        assert tab.editor.toPlainText() == text.replace('"mood"', '"feeling"')
        assert not tab.modified  # the editor matches its file: Ctrl+S changes nothing
    window.store.flush()
    assert window.store.value("testbot", "feeling") == "calm"
    assert window.store.value("testbot", "mood") is None

    window.tabs.setCurrentWidget(greeter_tab)
    window.save()
    assert greeter.read_text() == GREETER.replace('"mood"', '"feeling"')

    greeter_tab.editor.undo()  # one step takes the whole rename back in this editor
    assert greeter_tab.editor.toPlainText() == GREETER
    assert greeter_tab.modified


def test_rename_refuses_while_an_editor_holds_unsaved_changes(window, qtbot, tmp_path):
    greeter, reader = write_dialogs(tmp_path)
    window.store.set("testbot", "mood", "calm")
    window.store.flush()
    window.open_file(greeter)
    reader_tab = window.open_file(reader)
    reader_tab.editor.appendPlainText('TALK "unsaved"')
    texts: list[str] = []

    def read_warning(box: QMessageBox) -> None:
        texts.append(box.text())
        box.accept()

    rename_in_key_refs(window, qtbot, "mood", "feeling",
                       [(QMessageBox, read_warning), close_when_done(qtbot, window)])

    assert "reader.bas has unsaved changes" in texts[0]
    assert greeter.read_text() == GREETER and reader.read_text() == READER
    assert 'GET BOT MEMORY "mood"' in reader_tab.editor.toPlainText()
    window.store.flush()
    assert window.store.value("testbot", "mood") == "calm"
