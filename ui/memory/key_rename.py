"""Renaming a memory key in dialogs that are open in editors.

The rename rewrites the dialog files on disk; an editor showing one of them must follow, or
its next save writes the old key back. An editor with unsaved changes blocks the rename (its
text is not what was scanned); an unmodified one takes the line edits as one undoable edit
and stays unmodified, since it matches the file again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

if TYPE_CHECKING:  # only for annotations: key_xref imports the BASIC parser
    from app.memory.key_xref import LineEdit

Editors = Mapping[str, QPlainTextEdit]  # resolved file path -> the editor showing it


def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def editors_of(edits: list[LineEdit], editors: Editors) -> dict[str, QPlainTextEdit]:
    """The open editors of the files ``edits`` touch, by resolved path."""
    files = {_resolved(e.file) for e in edits}
    return {path: editor for path, editor in editors.items() if _resolved(path) in files}


def unsaved(edits: list[LineEdit], editors: Editors) -> list[str]:
    """Names of the touched files whose editor holds unsaved changes (they block a rename)."""
    return sorted(Path(path).name for path, editor in editors_of(edits, editors).items()
                  if editor.document().isModified())


def follow_rename(edits: list[LineEdit], editors: Editors) -> int:
    """Apply the line edits (already written to disk) to the open editors of their files,
    each editor's as one undoable edit; returns how many editors changed."""
    changed = 0
    for path, editor in editors_of(edits, editors).items():
        mine = [e for e in edits if _resolved(e.file) == path]
        if _apply(editor, mine):
            editor.document().setModified(False)  # the editor matches the file again
            changed += 1
    return changed


def _utf16_len(text: str) -> int:
    """Qt positions count UTF-16 units: an emoji is two."""
    return len(text.encode("utf-16-le")) // 2


def _apply(editor: QPlainTextEdit, edits: list[LineEdit]) -> bool:
    document = editor.document()
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    done = False
    for edit in edits:
        block = document.findBlockByNumber(edit.line - 1)
        if not block.isValid() or block.text().rstrip("\r") != edit.old:
            continue  # not the scanned text: leave the line alone
        cursor.setPosition(block.position())
        end = block.position() + _utf16_len(block.text().rstrip("\r"))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(edit.new)
        done = True
    cursor.endEditBlock()
    return done
