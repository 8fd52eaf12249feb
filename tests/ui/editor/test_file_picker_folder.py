"""Save As and Open start in the folder of the dialog in front, not in the folder the IDE was
started from (real file dialogs, offscreen). Before, Save As of ~/bots/shop/order.bas offered
<start folder>/order.bas, and a user who typed a new name saved it far from its package."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QLineEdit

from ui import file_dialogs


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The IDE's start folder, away from the dialogs."""
    start = tmp_path / "start"
    start.mkdir()
    monkeypatch.chdir(start)
    return start


@pytest.fixture
def on_picker():
    """``on_picker(act)``: ``act(picker)`` runs on the next file dialog, which it must end."""
    hooks: list = []

    def install(act) -> None:
        def hook(picker: QFileDialog) -> None:
            file_dialogs.on_dialog_shown.remove(hook)
            QTimer.singleShot(0, lambda: act(picker))  # once its exec() runs

        hooks.append(hook)
        file_dialogs.on_dialog_shown.append(hook)

    yield install
    for hook in hooks:
        if hook in file_dialogs.on_dialog_shown:
            file_dialogs.on_dialog_shown.remove(hook)


def _dialog_in(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "order.bas"
    path.write_text('TALK "order"\n')
    return path


def test_save_as_of_a_saved_dialog_starts_in_its_folder(window, tmp_path, elsewhere,
                                                        on_picker) -> None:
    path = _dialog_in(tmp_path / "shop.gbai" / "shop.gbdialog")
    tab = window.open_file(path)

    def rename(picker: QFileDialog) -> None:  # as a user: type only a new name, press Save
        picker.findChild(QLineEdit, "fileNameEdit").setText("order-copy")
        picker.accept()

    on_picker(rename)
    assert window.save_as(tab)
    assert tab.path == (path.parent / "order-copy.bas").resolve()
    assert (path.parent / "order-copy.bas").read_text() == 'TALK "order"\n'
    assert list(elsewhere.iterdir()) == []


def test_open_starts_in_the_folder_of_the_dialog_in_front(window, tmp_path, elsewhere,
                                                          on_picker) -> None:
    path = _dialog_in(tmp_path / "shop.gbai" / "shop.gbdialog")
    window.open_file(path)
    shown: list[Path] = []

    def look(picker: QFileDialog) -> None:
        shown.append(Path(picker.directory().absolutePath()))
        picker.reject()

    on_picker(look)
    window.open_dialog()
    assert shown == [path.parent]
