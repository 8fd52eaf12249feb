"""Snapshots of bot memory: save, list, diff, restore (recorded), files, seeding."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory.history import MemoryHistory
from app.memory.queries import MemoryEntry
from app.memory.snapshots import Snapshots, diff_entries, seed_dict_memory, seed_store
from app.memory.store import MemoryStore

BOT = "snapbot"


@pytest.fixture
def snaps(store: MemoryStore) -> Iterator[Snapshots]:
    history = MemoryHistory(store)
    yield Snapshots(store, history)
    history.close()


def fill(store: MemoryStore, **values: str) -> None:
    for k, v in values.items():
        store.set(BOT, k, v)
    store.flush()


def test_save_list_and_diff_against_now(snaps: Snapshots) -> None:
    fill(snaps.store, a="1", b="2", c="3")
    snaps.save(BOT, "before")
    fill(snaps.store, b="20", d="4")
    snaps.store.delete(BOT, ["c"])
    assert [s.name for s in snaps.list(BOT)] == ["before"]
    d = snaps.diff(BOT, "before")
    assert d.added == {"d": "4"}
    assert d.removed == {"c": "3"}
    assert d.changed == {"b": ("2", "20")}
    assert d.rows() == [("b", "2", "20"), ("c", "3", None), ("d", None, "4")]
    snaps.save(BOT, "after")
    assert snaps.diff(BOT, "before", "after") == d
    assert snaps.diff(BOT, "after").empty
    with pytest.raises(ValueError):
        snaps.save(BOT, "after")
    snaps.save(BOT, "after", overwrite=True)
    assert sorted(s.name for s in snaps.list(BOT)) == ["after", "before"]


def test_restore_makes_memory_equal_and_is_recorded(snaps: Snapshots) -> None:
    fill(snaps.store, a="1", b="2")
    snaps.save(BOT, "s1")
    fill(snaps.store, a="changed", extra="x")
    snaps.store.delete(BOT, ["b"])
    change = snaps.restore(BOT, "s1")
    assert change.removed == {"extra": "x"}
    assert {e.key: e.value for e in snaps.store.list(BOT)} == {"a": "1", "b": "2"}
    h = snaps.history
    assert h is not None
    assert (h.timeline(BOT, "a")[0].kind, h.timeline(BOT, "a")[0].new) == ("restore", "1")
    assert (h.timeline(BOT, "extra")[0].kind, h.timeline(BOT, "extra")[0].new) == ("restore", None)
    assert h.timeline(BOT, "b")[0].file == "snapshot:s1"


def test_export_import_roundtrip_and_bad_files(snaps: Snapshots, tmp_path: Path) -> None:
    fill(snaps.store, k="v", quote='say "hi"', uni="Grüße")
    snaps.save(BOT, "gold", note="baseline")
    path = tmp_path / "gold.json"
    assert snaps.export_file(BOT, "gold", path) == 3
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["entries"]["uni"] == "Grüße"
    imported = snaps.import_file(path, bot="otherbot", name="copy")
    assert imported.entries == snaps.load(BOT, "gold").entries
    assert snaps.load("otherbot", "copy").note == "baseline"
    bad = tmp_path / "bad.json"
    bad.write_text('{"k": "v"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a Talkbench memory snapshot"):
        snaps.import_file(bad)
    with pytest.raises(KeyError):
        snaps.load(BOT, "missing")
    assert snaps.delete(BOT, "gold") and not snaps.delete(BOT, "gold")


def test_seed_dict_memory_and_temporary_store(snaps: Snapshots, tmp_path: Path) -> None:
    fill(snaps.store, name="Ann", visits="3")
    snap = snaps.save(BOT, "seed")
    mem = seed_dict_memory(snaps.load(BOT, "seed"))
    assert mem.get("name") == "Ann" and mem.get("visits") == "3"
    mem.set("visits", "4")
    assert snaps.load(BOT, "seed").entries["visits"] == "3"
    with MemoryStore(sqlite_url(tmp_path / "tmp.sqlite3")) as temp:
        seed_store(temp, "t", snap)
        assert {e.key: e.value for e in temp.list("t")} == snap.entries


def test_diff_entries_pure() -> None:
    d = diff_entries({"a": "1", "b": "2"}, {"b": "3", "c": "4"})
    assert (d.added, d.removed, d.changed) == ({"c": "4"}, {"a": "1"}, {"b": ("2", "3")})


OLD_CREATED = dt.datetime(2020, 5, 17, 8, 30, tzinfo=dt.UTC)


def test_restore_brings_back_deleted_rows_with_their_created_time(
    snaps: Snapshots, store: MemoryStore, tmp_path: Path
) -> None:
    store.restore(BOT, [MemoryEntry("plan", "gold", OLD_CREATED, None)])  # an old row
    snaps.save(BOT, "before")
    snaps.export_file(BOT, "before", tmp_path / "before.json")
    store.delete(BOT, ["plan"])
    snaps.restore(BOT, "before")
    entry = store.get_entry(BOT, "plan")
    assert entry is not None and entry.value == "gold" and entry.created_at == OLD_CREATED
    # The same through a snapshot file, imported under another name.
    store.delete(BOT, ["plan"])
    snaps.import_file(tmp_path / "before.json", name="from-file")
    snaps.restore(BOT, "from-file")
    entry = store.get_entry(BOT, "plan")
    assert entry is not None and entry.created_at == OLD_CREATED
