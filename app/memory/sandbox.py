"""A copy-on-write view of one bot's memory for "Run in sandbox".

:class:`SandboxMemory` implements ``interpreter.ports.host.BotMemory``: reads see the sandbox's own
writes first, then the real memory; writes stay in the sandbox. Afterwards :meth:`diff` tells
what the run would change, :meth:`commit` writes it through the store (queued together, so the
writer lands them as one batch, each with its script source so the history records where it
came from) and :meth:`discard` forgets it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from interpreter.ports.host import BotMemory, DictMemory, WriteSource

from ..db.database import DatabaseError


@dataclass(frozen=True)
class SandboxChange:
    key: str
    current: str | None  # the real value now (None: the key does not exist)
    new: str
    source: WriteSource | None


class SandboxMemory:
    """Overlay on ``base`` (a ``MemoryStore.bot(...)`` handle or any BotMemory)."""

    def __init__(self, base: BotMemory) -> None:
        self.base = base
        self._lock = threading.Lock()
        self._overlay: dict[str, tuple[str, WriteSource | None]] = {}
        self._closed = False

    # -- BotMemory ---------------------------------------------------------------------------

    def get(self, key: str) -> str:
        with self._lock:
            hit = self._overlay.get(key)
        return hit[0] if hit is not None else self.base.get(key)

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
        if type(key) is not str or type(value) is not str:
            raise TypeError("memory keys and values must be str (callers convert)")
        if "\x00" in key or "\x00" in value:
            raise ValueError("memory keys and values cannot contain NUL characters")
        with self._lock:
            if self._closed:
                raise RuntimeError("the sandbox was committed or discarded")
            self._overlay[key] = (value, source)

    # -- outcome -----------------------------------------------------------------------------

    @property
    def written(self) -> dict[str, str]:
        with self._lock:
            return {k: v for k, (v, _) in self._overlay.items()}

    def diff(self) -> list[SandboxChange]:
        """The sandboxed writes that differ from the real memory now, sorted by key."""
        with self._lock:
            items = sorted(self._overlay.items())
        out = []
        for key, (value, source) in items:
            current = self._current(key)
            if current != value:
                out.append(SandboxChange(key, current, value, source))
        return out

    def _current(self, key: str) -> str | None:
        store = getattr(self.base, "store", None)
        bot = getattr(self.base, "bot", None)
        if store is not None and isinstance(bot, str):
            return store.value(bot, key)
        value = self.base.get(key)
        return value if value != "" else None

    def commit(self, timeout: float = 30.0) -> list[SandboxChange]:
        """Write the changes to the real memory and close the sandbox; returns them."""
        changes = self.diff()
        for change in changes:
            self.base.set(change.key, change.new, change.source)
        store = getattr(self.base, "store", None)
        if store is not None and not store.flush(timeout):
            raise DatabaseError(f"sandbox commit not written: {store.last_error or 'timeout'}")
        self.discard()
        return changes

    def discard(self) -> None:
        with self._lock:
            self._overlay.clear()
            self._closed = True


def seeded_memory(entries: dict[str, str]) -> SandboxMemory:
    """A memory that starts as ``entries`` (a snapshot) and keeps every write to itself: a run
    seeded from a snapshot never touches the stored memory."""
    return SandboxMemory(DictMemory(dict(entries)))


class SandboxProvider:
    """A ``MemoryProvider`` (``bot(name)``) handing out one sandbox per bot over ``store``,
    for :class:`app.run.dialog_session.DialogRunner`."""

    def __init__(self, store: object) -> None:
        self.store = store
        self.sandboxes: dict[str, SandboxMemory] = {}

    def bot(self, name: str) -> SandboxMemory:
        box = self.sandboxes.get(name)
        if box is None:
            box = self.sandboxes[name] = SandboxMemory(self.store.bot(name))  # type: ignore[attr-defined]
        return box

    def __getattr__(self, name: str) -> object:
        # Services (user memory, tables) reach through to the real store.
        return getattr(self.store, name)


class SeededProvider(SandboxProvider):
    """Like :class:`SandboxProvider`, but each bot's memory starts as ``entries`` (a snapshot)
    instead of the stored memory: "Run from snapshot"."""

    def __init__(self, store: object, entries: dict[str, str]) -> None:
        super().__init__(store)
        self.entries = dict(entries)

    def bot(self, name: str) -> SandboxMemory:
        box = self.sandboxes.get(name)
        if box is None:
            box = self.sandboxes[name] = seeded_memory(self.entries)
        return box


# -- talkbench run --snapshot ----------------------------------------------------------------


def seed_run(run: Any, spec: str, bot: str, *, restore: bool = False) -> SandboxMemory | None:
    """Start the headless ``run`` (an ``app.run.headless.HeadlessRun``) from snapshot ``spec`` (a
    file or a saved name). By default the run gets an overlay seeded from the snapshot and the
    stored memory is left alone (returned, to report what the run wrote); with ``restore`` the
    bot's stored memory is made equal to the snapshot first (None returned).
    ValueError or DatabaseError for the user."""
    from .snapshots import Snapshots, resolve_snapshot

    snap = resolve_snapshot(spec, bot=bot, snapshots=lambda: Snapshots(run.store))
    if restore:
        Snapshots(run.store).restore_entries(bot, snap.entries, snap.name, created=snap.created)
        return None
    run.memory = seeded_memory(snap.entries)
    return run.memory


def overlay_report(box: SandboxMemory) -> str:
    """One line for stderr after a run against a seeded overlay."""
    written = box.written
    keys = ", ".join(sorted(written)[:10]) + (" …" if len(written) > 10 else "")
    return (f"talkbench: ran from a snapshot; {len(written)} memory key(s) written to the "
            f"overlay only, the stored memory is unchanged" + (f" ({keys})" if written else ""))
