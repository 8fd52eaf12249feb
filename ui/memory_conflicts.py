"""Edits of the memory panel that clash with another writer: ask before overwriting.

An edit is based on the value the panel showed. When the store holds something else by the
time it is applied (another process, a running dialog), the user chooses: Overwrite, Keep the
outside value, or Cancel. The question is asked after the table's editor has closed (a modal
box inside the view's commit would nest in its focus handling).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtWidgets import QMessageBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.database import DatabaseError
from app.memory_store import ChangeState, MemoryChange
from interpreter.ports import WriteSource

from .memory_history_dialogs import Conflict, ConflictChoice, ask_conflict

if TYPE_CHECKING:
    from .memory_panel import MemoryPanel


class SeenDelegate(QStyledItemDelegate):
    """Remembers the row's key and value when an editor opens: the row may update under an
    open editor (an outside write), yet the edit is based on what the user saw then.

    The open editor keeps what the user types: the view would refill it from the model at
    each change of its row, so an outside write would silently replace the typing (and Enter
    then write the outside value back without a question)."""

    _FILLED = "talkbenchFilled"  # editor property: it got the row's value once

    def __init__(self, panel: MemoryPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.seen: tuple[str, str] | None = None
        self.closeEditor.connect(self._closed)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        entry = self.panel.model.entry(self.panel.proxy.mapToSource(index).row())
        self.seen = (entry.key, entry.value)
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        if editor.property(self._FILLED):
            return
        editor.setProperty(self._FILLED, True)
        super().setEditorData(editor, index)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().setModelData(editor, model, index)
        self.seen = None  # only this edit was based on it

    def _closed(self, *_args: object) -> None:
        self.seen = None

    def seen_value(self, key: str) -> str | None:
        """The value shown when the open edit of ``key`` began, None when none is open."""
        return self.seen[1] if self.seen is not None and self.seen[0] == key else None


class ConflictGuard:
    """Applies the bot-memory panel's hand edits, asking first when they clash."""

    def __init__(self, panel: MemoryPanel, delegate: SeenDelegate) -> None:
        self.panel = panel
        self.delegate = delegate

    def shown(self, key: str) -> str | None:
        """The value the user saw for ``key``: at the start of the open edit, else the row."""
        seen = self.delegate.seen_value(key)
        if seen is not None:
            return seen
        model = self.panel.model
        row = model.row_of(key)
        return None if row is None else model.entry(row).value

    def conflicts(self, seen: dict[str, str | None], new: dict[str, str | None], label: str
                  ) -> list[Conflict]:
        """Keys whose stored value is no longer the one the user saw, unless it already is
        what the edit would make it (DatabaseError)."""
        store, bot = self.panel.store, self.panel.bot
        out = []
        for key, was in seen.items():
            outside = store.value(bot, key)  # one read: what changed_since() would compare
            if outside != was and (outside != new[key] or label):
                out.append(Conflict(key, outside, was, new[key], label))
        return out

    def show_stored(self, keys: list[str]) -> None:
        """Keep outside value: the rows show the stored values now, without waiting for the
        outside watcher."""
        store, bot = self.panel.store, self.panel.bot
        changes = []
        for key in keys:
            value = store.value(bot, key)
            state = ChangeState.DELETED if value is None else ChangeState.LANDED
            changes.append(MemoryChange(bot, key, None, value, WriteSource(kind="outside"),
                                        state))
        self.panel.model.apply_changes(changes)

    def guarded(self, action: str, seen: dict[str, str | None], new: dict[str, str | None],
                apply: Callable[[list[str]], None], label: str = "") -> bool:
        """``apply(keys)`` now when nothing conflicts (True); else ask first, soon (False).
        Overwrite applies all keys; Keep outside value applies the keys without a conflict.
        ``label`` describes the edit when it is not a new value (a rename)."""
        panel = self.panel
        try:
            conflicts = self.conflicts(seen, new, label)
        except DatabaseError as exc:
            QMessageBox.warning(panel, action, str(exc))
            return False
        if not conflicts:
            apply(list(seen))
            return True
        bot = panel.bot

        def ask() -> None:
            if panel.bot != bot:
                return  # another bot is shown now: the edit no longer applies
            choice = ask_conflict(panel, action, conflicts)
            panel.conflict_answered.emit(choice.value)
            clashing = {c.key for c in conflicts}
            try:
                if choice is ConflictChoice.OVERWRITE:
                    apply(list(seen))
                elif choice is ConflictChoice.KEEP:
                    rest = [k for k in seen if k not in clashing]
                    if rest:
                        apply(rest)
                    self.show_stored(sorted(clashing))
            except (ValueError, KeyError, DatabaseError) as exc:
                QMessageBox.warning(panel, action, str(exc))

        QTimer.singleShot(0, ask)
        return False
