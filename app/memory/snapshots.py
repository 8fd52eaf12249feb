"""Named snapshots of a bot's memory: save, list, restore, diff, export/import as JSON, seed.

Stored in Talkbench's own tables ``memory_snapshots`` / ``memory_snapshot_entries`` next to
General Bots' tables. A restore goes through the store with ``WriteSource(kind="restore")``,
so the memory history records it like any other write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from interpreter.ports.host import DictMemory, WriteSource

from ..db.database import DatabaseError, read_reconnecting, tuple_rows
from ..files.atomic_file import write_bytes_atomic
from ..files.db_files import check_not_database
from .history import MemoryHistory, ensure_columns, ensure_tables
from .store import MemoryStore

SNAPSHOT_FORMAT = "talkbench-memory-snapshot"


class SnapshotRow(peewee.Model):
    id = peewee.AutoField()
    bot = peewee.TextField()
    name = peewee.TextField()
    created_at = peewee.DoubleField()
    note = peewee.TextField(default="")

    class Meta:
        table_name = "memory_snapshots"
        database = None
        indexes = ((("bot", "name"), True),)


class SnapshotEntryRow(peewee.Model):
    id = peewee.AutoField()
    snapshot = peewee.IntegerField(index=True)  # no FK: keeps the tables independent of engine
    key = peewee.TextField()
    value = peewee.TextField()
    # The row's Created time (seconds since the epoch), so a restore that adds the row back
    # keeps it; NULL in snapshots saved before it was recorded.
    created_at = peewee.DoubleField(null=True)

    class Meta:
        table_name = "memory_snapshot_entries"
        database = None


@dataclass(frozen=True)
class Snapshot:
    id: int
    bot: str
    name: str
    created_at: float
    note: str = ""
    entries: dict[str, str] = field(default_factory=dict, compare=False)
    created: dict[str, float] = field(default_factory=dict, compare=False)  # key -> Created


@dataclass(frozen=True)
class MemoryDiff:
    """From ``a`` to ``b``: keys only in b (added), only in a (removed), in both but different
    (changed: key -> (a value, b value))."""

    added: dict[str, str]
    removed: dict[str, str]
    changed: dict[str, tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def rows(self) -> list[tuple[str, str | None, str | None]]:
        """(key, a value, b value) sorted by key, for a side-by-side view."""
        out: list[tuple[str, str | None, str | None]] = [
            (k, None, v) for k, v in self.added.items()
        ]
        out += [(k, v, None) for k, v in self.removed.items()]
        out += [(k, a, b) for k, (a, b) in self.changed.items()]
        return sorted(out, key=lambda r: r[0])


def diff_entries(a: dict[str, str], b: dict[str, str]) -> MemoryDiff:
    return MemoryDiff(
        added={k: v for k, v in sorted(b.items()) if k not in a},
        removed={k: v for k, v in sorted(a.items()) if k not in b},
        changed={k: (a[k], b[k]) for k in sorted(a.keys() & b.keys()) if a[k] != b[k]},
    )


class Snapshots:
    """Snapshot operations on one store (optionally recording restores in a history)."""

    def __init__(self, store: MemoryStore, history: MemoryHistory | None = None) -> None:
        self.store = store
        self.history = history
        self.db = store.database
        ensure_tables(self.db, SnapshotRow, SnapshotEntryRow)
        ensure_columns(self.db, SnapshotEntryRow._meta.table_name,
                       {"created_at": "DOUBLE PRECISION"})

    def current(self, bot: str) -> dict[str, str]:
        self.store.flush()
        return {e.key: e.value for e in self.store.list(bot)}

    def save(self, bot: str, name: str, *, note: str = "", overwrite: bool = False) -> Snapshot:
        """Save ``bot``'s memory now as ``name``; ValueError if it exists and not overwrite."""
        if not name.strip():
            raise ValueError("a snapshot needs a name")
        self.store.flush()
        rows = self.store.list(bot)
        created = {e.key: e.created_at.timestamp() for e in rows if e.created_at is not None}
        return self._store_entries(bot, name, {e.key: e.value for e in rows}, note, overwrite,
                                   created)

    def _store_entries(
        self, bot: str, name: str, entries: dict[str, str], note: str, overwrite: bool,
        created: dict[str, float] | None = None,
    ) -> Snapshot:
        created = created or {}
        now = time.time()
        with self.store.file_checked(), self.db.atomic():
            old = self._find(bot, name)
            if old is not None:
                if not overwrite:
                    raise ValueError(f"snapshot {name!r} already exists")
                self._delete_id(old)
            sid = SnapshotRow.insert(bot=bot, name=name, created_at=now, note=note).execute(
                self.db
            )
            rows = [{"snapshot": sid, "key": k, "value": v, "created_at": created.get(k)}
                    for k, v in entries.items()]
            for start in range(0, len(rows), 500):
                self.db.execute(SnapshotEntryRow.insert_many(rows[start : start + 500]))
        return Snapshot(sid, bot, name, now, note, dict(entries),
                        {k: t for k, t in created.items() if k in entries})

    def _find(self, bot: str, name: str) -> int | None:
        q = SnapshotRow.select(SnapshotRow.id).bind(self.db)
        rows = self._rows(q.where((SnapshotRow.bot == bot) & (SnapshotRow.name == name)))
        return rows[0][0] if rows else None

    def _delete_id(self, sid: int) -> None:
        self.db.execute(SnapshotEntryRow.delete().where(SnapshotEntryRow.snapshot == sid))
        self.db.execute(SnapshotRow.delete().where(SnapshotRow.id == sid))

    def _rows(self, query: peewee.BaseQuery) -> list[tuple[Any, ...]]:
        return read_reconnecting(self.db, lambda: tuple_rows(query))

    def _select(self) -> peewee.ModelSelect[SnapshotRow]:
        """Snapshot rows in :class:`Snapshot` field order (entries aside)."""
        return SnapshotRow.select(
            SnapshotRow.id, SnapshotRow.bot, SnapshotRow.name, SnapshotRow.created_at,
            SnapshotRow.note,
        ).bind(self.db)

    def list(self, bot: str) -> list[Snapshot]:
        """Snapshots of ``bot``, newest first (entries not loaded)."""
        q = self._select().where(SnapshotRow.bot == bot).order_by(SnapshotRow.created_at.desc())
        return [Snapshot(*r) for r in self._rows(q)]

    def load(self, bot: str, name: str) -> Snapshot:
        q = self._select().where((SnapshotRow.bot == bot) & (SnapshotRow.name == name))
        rows = self._rows(q)
        if not rows:
            raise KeyError(name)
        eq = SnapshotEntryRow.select(
            SnapshotEntryRow.key, SnapshotEntryRow.value, SnapshotEntryRow.created_at
        ).bind(self.db)
        found = self._rows(eq.where(SnapshotEntryRow.snapshot == rows[0][0]))
        sid, bot_name, name_, created_at, note = rows[0]
        return Snapshot(sid, bot_name, name_, created_at, note,
                        entries={k: v for k, v, _ in found},
                        created={k: c for k, _, c in found if c is not None})

    def delete(self, bot: str, name: str) -> bool:
        with self.store.file_checked(), self.db.atomic():
            sid = self._find(bot, name)
            if sid is None:
                return False
            self._delete_id(sid)
        return True

    def diff(self, bot: str, a: str, b: str | None = None) -> MemoryDiff:
        """From snapshot ``a`` to snapshot ``b`` (or to the memory now when ``b`` is None)."""
        left = self.load(bot, a).entries
        right = self.current(bot) if b is None else self.load(bot, b).entries
        return diff_entries(left, right)

    def find(self, name: str, bot: str | None = None) -> Snapshot:
        """The snapshot ``name`` of ``bot``, else the only bot's snapshot of that name;
        KeyError when there is none, ValueError when several bots have one."""
        if bot is not None:
            try:
                return self.load(bot, name)
            except KeyError:
                pass
        q = SnapshotRow.select(SnapshotRow.bot).bind(self.db).where(SnapshotRow.name == name)
        bots = sorted(b for (b,) in self._rows(q))
        if not bots:
            raise KeyError(name)
        if len(bots) > 1:
            raise ValueError(f"snapshot {name!r} exists for several bots ({', '.join(bots)}); "
                             "choose one with --bot, or export it to a file")
        return self.load(bots[0], name)

    def restore(self, bot: str, name: str, timeout: float = 30.0) -> MemoryDiff:
        """Make ``bot``'s memory equal to the snapshot; returns what changed (now -> snap)."""
        snap = self.load(bot, name)
        return self.restore_entries(bot, snap.entries, name, timeout, snap.created)

    def restore_entries(
        self, bot: str, entries: dict[str, str], label: str, timeout: float = 30.0,
        created: dict[str, float] | None = None,
    ) -> MemoryDiff:
        """Make ``bot``'s memory equal to ``entries`` (a snapshot called ``label``); a key
        added back gets its Created time from ``created`` (key -> seconds) when known."""
        created = created or {}
        change = diff_entries(self.current(bot), entries)
        source = WriteSource(file=f"snapshot:{label}", kind="restore")
        # One transaction: a restore killed or failing half-way must not leave a memory that
        # is neither the snapshot nor what was there before.
        writes = [(bot, k, v, dt.datetime.fromtimestamp(created[k], dt.UTC) if k in created
                   else None) for k, v in change.added.items()]
        writes += [(bot, k, v, None) for k, (_, v) in change.changed.items()]
        try:
            self.store.apply(writes, [(bot, k) for k in change.removed], source)
        except DatabaseError as exc:
            raise DatabaseError(f"restore not written: {exc}") from None
        if self.history is not None:
            self.history.flush(timeout)
        return change

    # -- files -------------------------------------------------------------------------------

    def export_file(self, bot: str, name: str, path: str | os.PathLike[str]) -> int:
        snap = self.load(bot, name)
        write_snapshot_file(path, snap)
        return len(snap.entries)

    def import_file(
        self, path: str | os.PathLike[str], *, bot: str | None = None, name: str | None = None,
        overwrite: bool = False,
    ) -> Snapshot:
        data = read_snapshot_file(path)
        return self._store_entries(
            bot or data["bot"], name or data["name"], data["entries"], data.get("note", ""),
            overwrite, data["created"],
        )


def write_snapshot_file(path: str | os.PathLike[str], snap: Snapshot) -> None:
    doc = {
        "format": SNAPSHOT_FORMAT,
        "version": 1,
        "bot": snap.bot,
        "name": snap.name,
        "created_at": snap.created_at,
        "note": snap.note,
        "entries": dict(sorted(snap.entries.items())),
        "created": dict(sorted(snap.created.items())),  # key -> Created (epoch seconds)
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))  # never over the open database either


def read_snapshot_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The snapshot document; ValueError for anything that is not one."""
    try:
        check_not_database(path)
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"{path}: not a Talkbench memory snapshot")
    entries = doc.get("entries")
    if not isinstance(entries, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
    ):
        raise ValueError(f"{path}: entries must be an object of strings")
    if not isinstance(doc.get("bot"), str) or not isinstance(doc.get("name"), str):
        raise ValueError(f"{path}: bot and name must be strings")  # noqa: TRY004 - bad file
    doc["created"] = _created_times(doc.get("created"), entries)
    return doc


def _created_times(raw: Any, entries: dict[str, str]) -> dict[str, float]:
    """The file's optional key -> Created map (absent in older files; odd values skipped)."""
    if not isinstance(raw, dict):
        return {}
    return {k: float(t) for k, t in raw.items()
            if k in entries and isinstance(t, (int, float)) and not isinstance(t, bool)}


def resolve_snapshot(
    spec: str, *, base_dir: str | os.PathLike[str] = ".", bot: str | None = None,
    snapshots: Snapshots | Callable[[], Snapshots] | None = None,
) -> Snapshot:
    """What ``--snapshot``/``snapshot:`` names: a snapshot file (``spec`` is a path, relative
    to ``base_dir``) or a snapshot saved in the database (by name, ``bot``'s first;
    ``snapshots`` may be a function opening them only when needed).
    ValueError with a message for the user when neither is found."""
    path = Path(spec).expanduser()
    if not path.is_absolute():
        path = Path(base_dir) / path
    if path.is_file():
        doc = read_snapshot_file(path)
        return Snapshot(0, doc["bot"], doc["name"], float(doc.get("created_at") or 0),
                        doc.get("note", ""), dict(doc["entries"]), doc["created"])
    if snapshots is None or spec.lower().endswith(".json") or os.sep in spec:
        raise ValueError(f"snapshot file {path} not found")
    if not isinstance(snapshots, Snapshots):
        snapshots = snapshots()
    try:
        return snapshots.find(spec, bot)
    except KeyError:
        raise ValueError(f"no snapshot file {path} and no saved snapshot named {spec!r}"
                         ) from None


def seed_dict_memory(entries: dict[str, str] | Snapshot) -> DictMemory:
    """A fresh in-process memory holding the snapshot (for conversation tests)."""
    data = entries.entries if isinstance(entries, Snapshot) else entries
    return DictMemory(dict(data))


def seed_store(store: MemoryStore, bot: str, entries: dict[str, str] | Snapshot) -> None:
    """Write the snapshot's entries into ``store`` (e.g. a temporary one) and wait."""
    data = entries.entries if isinstance(entries, Snapshot) else entries
    source = WriteSource(kind="restore")
    for key, value in data.items():
        store.set(bot, key, value, source)
    if not store.flush(30.0):
        raise DatabaseError(f"seeding not written: {store.last_error or 'timeout'}")
