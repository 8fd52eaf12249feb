"""Saving a character the file's own encoding cannot hold (an emoji typed into a dialog that
was opened as Windows-1252): say which one and where, and offer to save the file as UTF-8.
File ▸ Save as UTF-8 converts such a file (or one with a BOM) on request (UTF8_FORMAT).

Before, the save failed with Python's codec message ("'charmap' codec can't encode character
'\\U0001f600' in position 28"): no line, no column, no way out but deleting characters."""

from __future__ import annotations

import codecs
from typing import NamedTuple

from PySide6.QtWidgets import QMessageBox, QWidget

from app.files.atomic_file import TextFormat


def as_utf8(text_format: TextFormat) -> TextFormat:
    """The same line endings, as UTF-8 without a BOM: the one form General Bots reads
    (interpreter/compat/file_encoding.py)."""
    return text_format._replace(encoding="utf-8", bom=False)


def production_reads(text_format: TextFormat) -> bool:
    """Whether a file stored this way is plain UTF-8, as General Bots needs."""
    return codecs.lookup(text_format.encoding).name == "utf-8" and not text_format.bom


class Unencodable(NamedTuple):
    line: int  # 1-based, as the editor's gutter counts
    col: int  # 1-based, in characters
    char: str


def first_unencodable(text: str, encoding: str) -> Unencodable | None:
    """The first character of ``text`` that ``encoding`` cannot hold, or None."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError as exc:
        start = exc.start
        line_start = text.rfind("\n", 0, start) + 1
        return Unencodable(text.count("\n", 0, start) + 1, start - line_start + 1, text[start])
    return None


def ask_save_as_utf8(parent: QWidget, name: str, encoding: str, where: Unencodable) -> bool:
    """Ask whether to save ``name`` as UTF-8; True when the user says so."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Save failed",
        f"{name} is stored as {encoding}, which cannot hold {where.char!r} "
        f"(U+{ord(where.char):04X}) at line {where.line}, column {where.col}.\n\n"
        "Save the file as UTF-8 instead? (General Bots reads dialogs as UTF-8.)",
        QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("encodingQuestion")
    utf8 = box.addButton("Save as UTF-8", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(utf8)
    box.exec()
    return box.clickedButton() is utf8
