"""Dialogs of the History dock: change previews, snapshots (side-by-side diff), key references."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.memory.snapshots import MemoryDiff, Snapshots

from .. import file_dialogs
from .key_rename import Editors, follow_rename, unsaved


def _table(headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    fill_table(table, rows)
    return table


def fill_table(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("∅" if text is None else str(text)))


def confirm_table(parent: QWidget, title: str, rows: list[tuple[str, str, str]],
                  buttons: tuple[str, str] = ("OK", "Cancel")) -> bool:
    """A preview (key, now, after) with an accept and a reject button (named ``buttons``,
    e.g. Commit / Discard); True when accepted."""
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    layout = QVBoxLayout(dlg)
    layout.addWidget(QLabel(title))
    layout.addWidget(_table(("Key", "Now", "After"), rows))
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(buttons[0])
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(buttons[1])
    box.accepted.connect(dlg.accept)
    box.rejected.connect(dlg.reject)
    layout.addWidget(box)
    dlg.resize(560, 320)
    return dlg.exec() == QDialog.DialogCode.Accepted


class ConflictChoice(enum.Enum):
    """The answer to "this key changed since you saw it"."""

    OVERWRITE = "overwrite"
    KEEP = "keep"  # keep the outside value, drop the edit
    CANCEL = "cancel"


@dataclass(frozen=True)
class Conflict:
    """``key`` is stored as ``outside`` now, the panel showed ``seen``, the edit makes ``new``
    (None: missing / deleted)."""

    key: str
    outside: str | None
    seen: str | None
    new: str | None
    label: str = ""  # describes the edit instead of ``new`` (e.g. a rename)


def _shown(value: str | None, limit: int = 300) -> str:
    if value is None:
        return "(no such key)"
    return repr(value if len(value) <= limit else value[:limit] + "…")


def ask_conflict(parent: QWidget, action: str, conflicts: list[Conflict]) -> ConflictChoice:
    """Ask before an edit overwrites values another writer changed since the panel showed
    them: Overwrite, Keep outside value or Cancel. ``action`` is e.g. "Set", "Delete"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"{action}: memory changed meanwhile")
    lines = []
    for c in conflicts[:10]:
        edit = c.label or (_shown(c.new) if c.new is not None else "(deleted)")
        lines.append(f"Key {c.key!r} was changed by another writer since it was shown.\n"
                     f"    Outside value: {_shown(c.outside)}\n"
                     f"    You saw: {_shown(c.seen)}\n"
                     f"    New value: {edit}")
    if len(conflicts) > 10:
        lines.append(f"… and {len(conflicts) - 10} more key(s)")
    box.setText("\n\n".join(lines))
    buttons = {
        ConflictChoice.OVERWRITE: box.addButton("Overwrite", QMessageBox.ButtonRole.AcceptRole),
        ConflictChoice.KEEP: box.addButton("Keep outside value",
                                           QMessageBox.ButtonRole.DestructiveRole),
        ConflictChoice.CANCEL: box.addButton(QMessageBox.StandardButton.Cancel),
    }
    for choice, button in buttons.items():
        button.setObjectName(choice.value)  # tests find the buttons by name
    box.setDefaultButton(buttons[ConflictChoice.CANCEL])
    box.setEscapeButton(buttons[ConflictChoice.CANCEL])
    box.exec()
    clicked = box.clickedButton()
    return next((c for c, b in buttons.items() if b is clicked), ConflictChoice.CANCEL)


class SnapshotsDialog(QDialog):
    """Save, restore, diff (side by side), export and import snapshots of one bot; "Run from
    snapshot" closes the dialog and asks for the open dialog to run from the selected one."""

    runRequested = Signal(str)  # snapshot name

    def __init__(self, snapshots: Snapshots, bot: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshots, self.bot = snapshots, bot
        self.setWindowTitle(f"Memory snapshots — {bot}")
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.diff_label = QLabel("Select one snapshot to compare with now, or two to compare")
        self.diff_table = _table(("Key", "A", "B"), [])
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("Save…", self.save), ("Restore", self.restore), ("Diff", self.diff),
                           ("Export…", self.export), ("Import…", self.import_),
                           ("Run from snapshot", self.run_selected)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[text] = b
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.diff_label)
        layout.addWidget(self.diff_table, 1)
        self.resize(640, 480)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for s in self.snapshots.list(self.bot):
            when = dt.datetime.fromtimestamp(s.created_at).strftime("%Y-%m-%d %H:%M:%S")
            self.list.addItem(f"{s.name}\t{when}")

    def selected(self) -> list[str]:
        return [i.text().split("\t")[0] for i in self.list.selectedItems()]

    def save(self, name: str | None = None) -> None:
        if not name:
            name, ok = QInputDialog.getText(self, "Save snapshot", "Name:")
            if not ok or not name.strip():
                return
        try:
            self.snapshots.save(self.bot, name.strip())
        except ValueError as exc:
            QMessageBox.warning(self, "Save snapshot", str(exc))
        self.reload()

    def restore(self) -> None:
        names = self.selected()
        if len(names) != 1:
            return
        change = self.snapshots.diff(self.bot, names[0])
        if QMessageBox.question(
            self, "Restore snapshot",
            f"Restore {names[0]!r}? {len(change.rows())} key(s) will change.",
        ) == QMessageBox.StandardButton.Yes:
            self.snapshots.restore(self.bot, names[0])
            self.show_diff(MemoryDiff({}, {}, {}), "Restored")

    def run_selected(self) -> None:
        names = self.selected()
        if len(names) != 1:
            QMessageBox.information(self, "Run from snapshot", "Select one snapshot.")
            return
        self.accept()
        self.runRequested.emit(names[0])

    def diff(self) -> None:
        names = self.selected()
        if len(names) == 1:
            self.show_diff(self.snapshots.diff(self.bot, names[0]), f"{names[0]} → now")
        elif len(names) == 2:
            a, b = sorted(names)
            self.show_diff(self.snapshots.diff(self.bot, a, b), f"{a} → {b}")

    def show_diff(self, diff: MemoryDiff, title: str) -> None:
        self.diff_label.setText(f"{title}: +{len(diff.added)} −{len(diff.removed)} "
                                f"~{len(diff.changed)}")
        fill_table(self.diff_table, diff.rows())

    def export(self) -> None:
        names = self.selected()
        if len(names) != 1:
            return
        path = file_dialogs.save_file_name(self, "Export snapshot", f"{names[0]}.json",
                                              "JSON (*.json)")
        if path:
            self.snapshots.export_file(self.bot, names[0], path)

    def import_(self) -> None:
        path = file_dialogs.open_file_name(self, "Import snapshot", "", "JSON (*.json)")
        if path:
            try:
                self.snapshots.import_file(path, bot=self.bot)
            except ValueError as exc:
                QMessageBox.warning(self, "Import snapshot", str(exc))
            self.reload()


class KeyRefsDialog(QDialog):
    """Each memory key of the dialogs with where it is set and read; flags; rename.

    ``editors`` are the open editors by file: a rename updates them too (one undoable edit
    each) and is refused while one of the files it touches has unsaved changes there."""

    openAt = Signal(str, int)

    def __init__(self, files: list[str], store: Any, bot: str,
                 parent: QWidget | None = None, editors: Editors | None = None) -> None:
        super().__init__(parent)
        self.files, self.store, self.bot = files, store, bot
        self.editors: Editors = editors or {}
        self.setWindowTitle("Memory key references")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(("Key / use", "Where"))
        # Keys and "file:line" are short: columns fit their text, the last one takes the rest.
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemDoubleClicked.connect(self._open)
        self.rename_button = QPushButton("Rename key…")
        self.rename_button.clicked.connect(self.rename_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.rename_button)
        self.resize(620, 480)
        self.reload()

    def reload(self) -> None:
        # Imported when the dialog opens: the cross-reference scan needs the BASIC parser,
        # which the memory panel (built for the IDE's first window) does not.
        from app.memory.key_xref import scan_files

        self.report = scan_files(self.files)
        self.tree.clear()
        never_set = set(self.report.read_never_set())
        never_read = set(self.report.set_never_read())
        for key in self.report.keys():  # noqa: SIM118 - a list, not a dict
            flag = " (read, never set)" if key in never_set else (
                " (set, never read)" if key in never_read else "")
            top = QTreeWidgetItem([key + flag, ""])
            top.setData(0, 256, key)
            for use in self.report.sets(key) + self.report.gets(key):
                child = QTreeWidgetItem([use.kind, f"{Path(use.file).name}:{use.line}"])
                child.setData(1, 256, (use.file, use.line))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        dynamic = self.report.dynamic()
        if dynamic:
            top = QTreeWidgetItem(["(dynamic keys)", ""])
            for use in dynamic:
                child = QTreeWidgetItem([f"{use.kind} {use.expr}",
                                         f"{Path(use.file).name}:{use.line}"])
                child.setData(1, 256, (use.file, use.line))
                top.addChild(child)
            self.tree.addTopLevelItem(top)

    def _open(self, item: QTreeWidgetItem, _col: int) -> None:
        where = item.data(1, 256)
        if where:
            self.openAt.emit(where[0], where[1])

    def rename_selected(self) -> None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        key = item.data(0, 256) if item is not None else None
        if not key:
            return
        new, ok = QInputDialog.getText(self, "Rename key", f"New name for {key!r}:", text=key)
        if not ok or not new or new == key:
            return
        from app.memory.key_xref import apply_rename, plan_rename  # see reload

        edits = plan_rename(self.report, key, new)
        blocking = unsaved(edits, self.editors)
        if blocking:
            QMessageBox.warning(
                self, "Rename key",
                f"{', '.join(blocking)} has unsaved changes in the editor. Save or undo them "
                f"first: the rename rewrites the file on disk, and saving the editor "
                f"afterwards would write {key!r} back.")
            return
        preview = "\n".join(f"{Path(e.file).name}:{e.line}: {e.old}  →  {e.new}" for e in edits)
        answer = QMessageBox.question(
            self, "Rename key",
            f"Rename {key!r} to {new!r} in {len(edits)} line(s) and in the stored memory?\n\n"
            + preview,
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                apply_rename(edits, self.store, self.bot, key, new)
            except (ValueError, KeyError) as exc:
                QMessageBox.warning(self, "Rename key", str(exc))
            else:
                follow_rename(edits, self.editors)
            self.reload()
