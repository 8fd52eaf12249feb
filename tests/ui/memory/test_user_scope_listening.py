"""Review of ui/memory/user_scope.py: a closed memory panel stops listening to user memory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTableView, QWidget

from app.db.database import sqlite_url
from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories
from ui.memory.user_scope import UserScope


def test_a_destroyed_scope_unsubscribes_from_user_memory(qtbot, tmp_path: Path) -> None:
    with MemoryStore(sqlite_url(tmp_path / "m.db")) as store:
        memories = user_memories(store)
        before = len(memories._subscribers.callbacks)
        parent = QWidget()
        UserScope(memories, "bot", lambda: "ann", lambda model: QTableView(parent), parent)
        assert len(memories._subscribers.callbacks) == before + 1
        with qtbot.waitSignal(parent.destroyed):
            parent.deleteLater()
        # Otherwise every later write is recorded for a scope that no longer exists, and
        # every SET reads the old value first for it.
        assert len(memories._subscribers.callbacks) == before
