"""Edits of the memory panel that clash with another writer: ask before overwriting.

An edit is based on the value the panel showed. When the store holds something else by the
time it is applied (another process, a running dialog), the user chooses: Overwrite, Keep the
outside value, or Cancel. The question is asked after the table's editor has closed (a modal
box inside the view's commit would nest in its focus handling).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    SignalInstance,
)
from PySide6.QtWidgets import QMessageBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.db.database import error_message
from app.memory.store import ChangeState, MemoryChange, MemoryEntry, MemoryStore
from interpreter.ports.host import WriteSource

from .history_dialogs import Conflict, ConflictChoice, ask_conflict

if TYPE_CHECKING:
    from .model import MemoryTableModel
    from .store_worker import StoreWorker


class EditedPanel(Protocol):
    """What the conflict handling uses of the memory panel (which imports this module)."""

    model: MemoryTableModel
    worker: StoreWorker
    conflict_answered: SignalInstance

    # read-only here: the panel sets them itself (another bot, another database), and a
    # read-only member also takes the panel's more specific proxy type
    @property
    def bot(self) -> str: ...

    @property
    def store(self) -> MemoryStore: ...

    @property
    def proxy(self) -> QAbstractProxyModel: ...

    @property
    def widget(self) -> QWidget:
        """The panel as a Qt widget: the parent of the conflict question and errors."""

Values = Mapping[str, "str | None"]  # key -> value, None = absent


class SeenDelegate(QStyledItemDelegate):
    """Remembers the row's key and value when an editor opens: the row may update under an
    open editor (an outside write), yet the edit is based on what the user saw then.

    The open editor keeps what the user types: the view would refill it from the model at
    each change of its row, so an outside write would silently replace the typing (and Enter
    then write the outside value back without a question)."""

    _FILLED = "talkbenchFilled"  # editor property: it got the row's value once

    def __init__(self, panel: EditedPanel, parent: QWidget) -> None:
        super().__init__(parent)
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

    def __init__(self, panel: EditedPanel, delegate: SeenDelegate) -> None:
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

    @staticmethod
    def conflicts(seen: Values, stored: Values, new: Values, label: str) -> list[Conflict]:
        """Keys whose stored value is no longer the one the user saw, unless it already is
        what the edit would make it."""
        return [Conflict(key, stored[key], was, new[key], label) for key, was in seen.items()
                if stored[key] != was and (stored[key] != new[key] or label)]

    def show_stored(self, keys: list[str], stored: Values) -> None:
        """Keep outside value: the rows show the stored values now, without waiting for the
        outside watcher."""
        bot = self.panel.bot
        changes = [MemoryChange(bot, key, None, stored[key], WriteSource(kind="outside"),
                                ChangeState.DELETED if stored[key] is None
                                else ChangeState.LANDED)
                   for key in keys]
        self.panel.model.apply_changes(changes)

    def guarded(self, action: str, seen: Values, new: Values,
                apply: Callable[[list[str], Mapping[str, MemoryEntry | None]], None],
                label: str = "",
                check: Callable[[MemoryStore, str], None] | None = None) -> bool:
        """Read the stored values (after ``check(store, bot)``, which raises to refuse the
        edit) on the panel's worker; then ``apply(keys, stored)`` when nothing conflicts, else
        ask first: Overwrite applies all keys, Keep outside value the keys without a conflict.
        ``apply`` gets the stored rows read then (None: absent). ``label`` describes the edit
        when it is not a new value (a rename). Returns at once
        (True: the edit is under way); a failure is shown."""
        panel = self.panel
        store, bot = panel.store, panel.bot

        def read() -> dict[str, MemoryEntry | None]:  # on the worker thread
            if check is not None:
                check(store, bot)
            return {key: store.get_entry(bot, key) for key in seen}

        def decide(rows: dict[str, MemoryEntry | None]) -> None:  # back on the GUI thread
            if panel.bot != bot:
                return  # another bot is shown now: the edit no longer applies
            stored = {k: None if row is None else row.value for k, row in rows.items()}
            conflicts = self.conflicts(seen, stored, new, label)
            if not conflicts:
                apply(list(seen), rows)
                return
            choice = ask_conflict(panel.widget, action, conflicts)
            panel.conflict_answered.emit(choice.value)
            clashing = {c.key for c in conflicts}
            if choice is ConflictChoice.OVERWRITE:
                apply(list(seen), rows)
            elif choice is ConflictChoice.KEEP:
                rest = [k for k in seen if k not in clashing]
                if rest:
                    apply(rest, rows)
                self.show_stored(sorted(clashing), stored)

        panel.worker(read, decide,
                     lambda exc: QMessageBox.warning(panel.widget, action, error_message(exc)))
        return True
