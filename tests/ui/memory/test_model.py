"""The memory table model applies a batch of store changes with one repaint."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.memory.store import ChangeState, MemoryChange, MemoryStore
from ui.memory.model import MemoryTableModel

BOT = "modelbot"


@pytest.fixture
def model(qapp, tmp_path: Path):
    store = MemoryStore(str(tmp_path / "m.sqlite3"))
    for i in range(10):
        store.set(BOT, f"k{i}", f"v{i}")
    assert store.flush(10)
    yield MemoryTableModel(store, BOT)
    store.close(timeout=5.0)


def change(key: str, value: str | None, state: ChangeState, old_key: str | None = None,
           bot: str = BOT) -> MemoryChange:
    return MemoryChange(bot, key, None, value, None, state, None, old_key)


def row(model: MemoryTableModel, key: str) -> tuple[str, bool]:
    entry = model.entry(model.row_of(key))
    return entry.value, entry.pending


def test_a_batch_updates_rows_with_one_repaint_of_the_touched_range(model) -> None:
    repaints: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: repaints.append((a.row(), b.row())))
    model.apply_changes([
        change("k2", "new2", ChangeState.PENDING),
        change("k7", "new7", ChangeState.PENDING),
        change("k2", "new2", ChangeState.LANDED),
        change("k4", "elsewhere", ChangeState.PENDING, bot="otherbot"),  # not this bot
    ])
    assert row(model, "k2") == ("new2", False)  # landed: no longer pending
    assert row(model, "k7") == ("new7", True)  # still pending
    assert row(model, "k4") == ("v4", False)
    assert repaints == [(model.row_of("k2"), model.row_of("k7"))]
    entry = model.entry(model.row_of("k7"))
    assert entry.updated_at is not None and entry.created_at is not None
    assert model.data(model.index(model.row_of("k7"), 1)) == "new7"


def test_a_batch_mixing_updates_inserts_and_removals_keeps_rows_consistent(model) -> None:
    model.apply_changes([
        change("k1", "one", ChangeState.PENDING),
        change("k10", "ten", ChangeState.PENDING),  # new key: inserted in key order
        change("k3", None, ChangeState.DELETED),
        change("k5b", "five", ChangeState.RENAMED, old_key="k5"),
        change("k9", "nine", ChangeState.LANDED),
    ])
    keys = [model.entry(r).key for r in range(model.rowCount())]
    assert keys == sorted(keys)
    assert "k3" not in keys and "k5" not in keys and {"k10", "k5b"} <= set(keys)
    assert all(model.row_of(k) == i for i, k in enumerate(keys))  # the index is rebuilt
    assert row(model, "k1") == ("one", True)
    assert row(model, "k9") == ("nine", False)
    assert model.total == 10


def test_writes_to_a_key_beyond_the_loaded_page_count_it_once(qapp, tmp_path: Path) -> None:
    from ui.memory.model import PAGE_SIZE

    store = MemoryStore(str(tmp_path / "big.sqlite3"))
    try:
        for i in range(PAGE_SIZE + 20):
            store.set(BOT, f"k{i:05d}", "v")
        assert store.flush(10)
        model = MemoryTableModel(store, BOT)
        assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
        for n in range(50):  # a write loop on one new key that sorts after the loaded page
            model.apply_changes([change("zz-new", f"v{n}", ChangeState.PENDING)])
        assert model.total == PAGE_SIZE + 21
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == PAGE_SIZE + 20  # the new key was never stored
        assert not model.canFetchMore()
    finally:
        store.close(timeout=5.0)


def test_new_keys_of_a_batch_are_inserted_in_runs_not_one_by_one(model) -> None:
    """A loop's first pass writes a thousand new keys in one delivery: one insertion per run
    of adjacent new rows, not one per key (each renumbered every row below it)."""
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    batch = [change(f"n{i:04d}", f"v{i}", ChangeState.PENDING) for i in range(1000)]
    batch += [change("k35", "between k3 and k4", ChangeState.PENDING),
              change("n0007", "newest", ChangeState.PENDING),
              change("n0007", "newest", ChangeState.LANDED)]
    model.apply_changes(batch)
    keys = [model.entry(r).key for r in range(model.rowCount())]
    assert keys == sorted(keys) and len(keys) == 1011
    assert all(model.row_of(k) == i for i, k in enumerate(keys))
    assert row(model, "n0007") == ("newest", False)
    assert row(model, "n0999") == ("v999", True)
    assert model.total == 1011
    assert len(inserted) == 2  # the run of n0000…n0999 and k35 (was: 1,001 insertions)
    assert sum(last - first + 1 for first, last in inserted) == 1001


def test_a_key_written_then_deleted_in_one_batch_is_gone(model) -> None:
    model.apply_changes([change("fresh", "v", ChangeState.PENDING),
                         change("fresh", None, ChangeState.DELETED),
                         change("k2", None, ChangeState.DELETED),
                         change("k2", "back", ChangeState.PENDING)])
    keys = [model.entry(r).key for r in range(model.rowCount())]
    assert "fresh" not in keys and row(model, "k2") == ("back", True)
    assert all(model.row_of(k) == i for i, k in enumerate(keys))


def test_cells_show_pending_flashing_and_editable_states(model) -> None:
    """What a repaint asks of each cell: a pending row is grey italic, a row just written
    flashes, key and value are editable, the stamps are not; roles the table does not style
    are left to the view."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QBrush, QFont

    from ui.memory.model import FLASH_COLOR

    role = Qt.ItemDataRole
    model.apply_changes([change("k3", "new3", ChangeState.PENDING)])
    pending = model.index(model.row_of("k3"), 1)
    still = model.index(model.row_of("k5"), 1)
    font = model.data(pending, role.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert isinstance(model.data(pending, role.ForegroundRole), QBrush)
    assert model.data(pending, role.BackgroundRole).color() == FLASH_COLOR
    assert model.data(pending, role.ToolTipRole) == "new3 (not yet saved)"
    for quiet in (role.FontRole, role.ForegroundRole, role.BackgroundRole):
        assert model.data(still, quiet) is None
    assert model.data(still, role.TextAlignmentRole) is None
    assert model.data(still, role.DisplayRole) == model.data(still, role.EditRole) == "v5"
    editable = Qt.ItemFlag.ItemIsEditable
    assert [bool(model.flags(model.index(0, c)) & editable) for c in range(4)] == [
        True, True, False, False]
    assert all(model.flags(model.index(0, c)) & Qt.ItemFlag.ItemIsEnabled for c in range(4))
    assert not model.flags(model.index(-1, 0)) & editable
