"""File pickers that never open a file they list.

Qt's file dialogs (the native ones run in this process too) find each listed file's MIME type
and icon by reading its first bytes. Opening and closing ``memory.db``, ``-wal`` or ``-shm``
outside SQLite drops every POSIX lock the IDE's connections hold on them; another process then
deletes the WAL the IDE keeps writing to (measured with strace: see :mod:`app.files.db_files`).

So every picker of the IDE is Qt's widget dialog with an icon provider that decides by name
only, and a filter that hides the files of open databases (decided with ``stat``, which takes
no lock). Use these functions instead of ``QFileDialog.get…``. Saving a dialog adds ``.bas``
to a name typed without an extension.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileInfo, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import (
    QFileDialog,
    QFileIconProvider,
    QFileSystemModel,
    QWidget,
)

from app.files.db_files import is_database_file

DIALOG_SUFFIX = "bas"
DIALOG_FILTERS = "BASIC dialogs (*.bas);;All files (*)"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name only: the default provider reads the file."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def icon(self, what):  # (IconType) or (QFileInfo)
        if isinstance(what, QFileInfo):
            kind = QAbstractFileIconProvider.IconType.Folder if what.isDir() else \
                QAbstractFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


class HideDatabaseFiles(QSortFilterProxyModel):
    """Leaves out the files of databases this process has open."""

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, QFileSystemModel):
            return True
        index = model.index(row, 0, parent)
        return model.isDir(index) or not is_database_file(model.filePath(index))


def _dialog(parent: QWidget | None, caption: str, directory: str, filter: str,
            mode: QFileDialog.FileMode, accept: QFileDialog.AcceptMode) -> QFileDialog:
    dialog = QFileDialog(parent, caption, directory, filter)
    # Before anything else: the native dialog would sniff files in its own code.
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(NameOnlyIconProvider())
    dialog.setProxyModel(HideDatabaseFiles(dialog))
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    dialog.setOption(QFileDialog.Option.DontResolveSymlinks, False)
    return dialog


# A hook for tests: called with each dialog before it runs (e.g. to reject it).
on_dialog_shown: list[Callable[[QFileDialog], None]] = []


def _run(dialog: QFileDialog, allow_databases: bool = False) -> list[str]:
    for hook in on_dialog_shown[:]:  # a hook may remove itself
        hook(dialog)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return []
        paths = dialog.selectedFiles()
        # A typed name of a database file is refused too: the caller would open it.
        return paths if allow_databases else [p for p in paths if not is_database_file(p)]
    finally:
        dialog.deleteLater()


def open_file_name(parent: QWidget | None, caption: str, directory: str = "",
                   filter: str = "") -> str:
    """One existing file, ``""`` when cancelled."""
    paths = _run(_dialog(parent, caption, directory, filter, QFileDialog.FileMode.ExistingFile,
                         QFileDialog.AcceptMode.AcceptOpen))
    return paths[0] if paths else ""


def open_file_names(parent: QWidget | None, caption: str, directory: str = "",
                    filter: str = "") -> list[str]:
    """Existing files, ``[]`` when cancelled."""
    return _run(_dialog(parent, caption, directory, filter, QFileDialog.FileMode.ExistingFiles,
                        QFileDialog.AcceptMode.AcceptOpen))


def save_file_name(parent: QWidget | None, caption: str, directory: str = "",
                   filter: str = "") -> str:
    """A file to write, ``""`` when cancelled (the files of an open database are refused)."""
    paths = _run(_dialog(parent, caption, directory, filter, QFileDialog.FileMode.AnyFile,
                         QFileDialog.AcceptMode.AcceptSave))
    return paths[0] if paths else ""


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save a dialog; None when cancelled. Replacing an existing file is confirmed by
    the dialog itself."""
    dialog = _dialog(parent, "Save dialog", suggested, DIALOG_FILTERS,
                     QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave)
    dialog.setObjectName("saveDialogPicker")
    dialog.setDefaultSuffix(DIALOG_SUFFIX)  # "greeting" is saved as greeting.bas
    paths = _run(dialog)
    return with_dialog_suffix(Path(paths[0])).resolve() if paths else None


def with_dialog_suffix(path: Path) -> Path:
    """``path`` with ``.bas`` added when it has no extension."""
    return path if path.suffix else path.with_name(path.name + "." + DIALOG_SUFFIX)


def existing_directory(parent: QWidget | None, caption: str, directory: str = "") -> str:
    """A folder, ``""`` when cancelled."""
    dialog = _dialog(parent, caption, directory, "", QFileDialog.FileMode.Directory,
                     QFileDialog.AcceptMode.AcceptOpen)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    paths = _run(dialog)
    return paths[0] if paths else ""


def database_file_name(parent: QWidget | None, caption: str, directory: str = "") -> str:
    """A SQLite file to open as the memory database (it may not exist yet); only its path is
    returned, for SQLite to open."""
    dialog = _dialog(parent, caption, directory,
                     "SQLite databases (*.sqlite3 *.sqlite *.db);;All files (*)",
                     QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptOpen)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    paths = _run(dialog, allow_databases=True)
    return paths[0] if paths else ""


__all__ = [
    "HideDatabaseFiles",
    "NameOnlyIconProvider",
    "ask_save_path",
    "database_file_name",
    "existing_directory",
    "open_file_name",
    "open_file_names",
    "save_file_name",
    "with_dialog_suffix",
]
