"""The file dialog for saving a dialog: a name typed without an extension gets ``.bas``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

DIALOG_SUFFIX = "bas"
DIALOG_FILTERS = ["BASIC dialogs (*.bas)", "All files (*)"]


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Ask where to save; None when cancelled. Replacing an existing file is confirmed by the
    dialog itself."""
    dialog = QFileDialog(parent, "Save dialog", suggested)
    dialog.setObjectName("saveDialogPicker")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters(DIALOG_FILTERS)
    dialog.setDefaultSuffix(DIALOG_SUFFIX)  # "greeting" is saved as greeting.bas
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return with_dialog_suffix(Path(dialog.selectedFiles()[0])).resolve()


def with_dialog_suffix(path: Path) -> Path:
    """``path`` with ``.bas`` added when it has no extension (a native dialog may skip the
    default suffix)."""
    return path if path.suffix else path.with_name(path.name + "." + DIALOG_SUFFIX)
