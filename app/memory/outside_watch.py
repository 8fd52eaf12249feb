"""Notice memory changes made by another process (a second Talkbench, General Bots, the CLI).

:class:`OutsideWatcher` polls on its own thread and database connection (peewee keeps one
connection per thread): on SQLite ``PRAGMA data_version``, which changes whenever another
connection commits; on PostgreSQL the count and newest ``updated_at`` of each watched bot's
rows. When the probe changes, the watched bots' rows are compared with their last known values.

Telling our own writes from outside ones: the watcher subscribes to the store; a value this
process queued (PENDING, reported before it is written) is ours. Deletes and renames are
reported just after their commit, so a difference nothing explains is confirmed once more a
moment later before it is called "outside".
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..db.bots import BotDirectory
from ..db.database import DatabaseError, error_message, is_sqlite, reset_connection
from ..db.models import MEMORIES_TABLE
from .background import background_thread
from .history import MemoryHistory
from .observers import Subscribers
from .store import ChangeState, MemoryChange, MemoryStore

log = logging.getLogger(__name__)

_MISSING = object()
_FAILED = ChangeState.FAILED
_REFUSED = ChangeState.REFUSED
_PENDING = ChangeState.PENDING.value
_LANDED = ChangeState.LANDED.value
_DELETED = ChangeState.DELETED.value
_RENAMED = ChangeState.RENAMED.value
_NOT_SUSPECT = object()


@dataclass(frozen=True)
class OutsideChange:
    """``key`` of ``bot`` changed from ``old`` to ``new`` (None: missing) in another process."""

    bot: str
    key: str
    old: str | None
    new: str | None


OutsideSubscriber = Callable[[OutsideChange], None]


@dataclass(frozen=True)
class WatchHealth:
    """Whether outside changes are being noticed: ``error`` says why not (None: they are)."""

    error: str | None


HealthSubscriber = Callable[[WatchHealth], None]


class OutsideWatcher:
    def __init__(
        self,
        store: MemoryStore,
        history: MemoryHistory | None = None,
        *,
        interval: float = 0.25,
        confirm_delay: float = 0.05,
        busy_interval: float = 1.0,
    ) -> None:
        self.store = store
        self.history = history
        self.db = store.database
        self.interval = interval
        self.confirm_delay = confirm_delay
        self.busy_interval = busy_interval
        self._local_landed = False  # our own writes landed since the last full comparison
        self._last_compare = 0.0
        self._sqlite = is_sqlite(self.db)
        self._lock = threading.Lock()
        # (state value, bot, key, new, old_key, sent) per store change: plain strings, so
        # the garbage collector stops tracking them (see _on_change).
        self._events: collections.deque[
            tuple[str, str, str, str | None, str | None, str | None]] = collections.deque()
        self._bots: set[str] = set()
        self._new_bots: set[str] = set()
        self._known: dict[str, dict[str, str]] = {}
        self._expected: dict[tuple[str, str], list[str]] = {}
        self._probe: Any = None
        # Bots are found as everywhere else (app.db.bots: id, slug or name) on this thread's
        # connection; an id, once found, does not change.
        self._directory = BotDirectory(self.db, self._fetch)
        self._bot_ids: dict[str, Any] = {}
        self._subscribers: Subscribers[OutsideChange] = Subscribers(
            self._lock, log, "outside change"
        )
        self._health: Subscribers[WatchHealth] = Subscribers(self._lock, log, "watch health")
        self.failing: str | None = None  # why the last poll failed; None after one worked
        self.rounds = 0  # polls tried by the watcher thread (lets tests wait for some)
        # Polls that found nothing new since the last comparison: two more than a moment
        # ago means every commit before that moment has been looked at (tests wait on it).
        self.settled = 0
        self._stop = threading.Event()
        self._unsubscribe = store.subscribe(self._on_change, self._on_changes)
        self._thread = background_thread(self._run, "talkbench-outside-watch")
        self._thread.start()

    # -- public ------------------------------------------------------------------------------

    def watch(self, bot: str) -> None:
        """Start watching ``bot`` (its current rows become the known state)."""
        with self._lock:
            self._bots.add(bot)
            self._new_bots.add(bot)

    def unwatch(self, bot: str) -> None:
        with self._lock:
            self._bots.discard(bot)

    def subscribe(self, callback: OutsideSubscriber) -> Callable[[], None]:
        """``callback(change)`` on the watcher thread for each outside change."""
        return self._subscribers.subscribe(callback)

    def subscribe_health(self, callback: HealthSubscriber) -> Callable[[], None]:
        """``callback(health)`` on the watcher thread when polls start failing (each new
        reason) and when they work again."""
        return self._health.subscribe(callback)

    def close(self) -> None:
        self._stop.set()
        self._unsubscribe()
        self._thread.join(timeout=5)

    # -- store events (from the store's delivery: queue only) -------------------------------

    def _on_change(self, change: MemoryChange) -> None:
        # Queued as a tuple of strings, not the change itself: events wait here up to a poll
        # interval, long enough for the garbage collector to move tens of thousands of
        # MemoryChange objects (a dialog writing in a loop) into its oldest generation,
        # which it then walks in full, pausing whichever thread triggered it (often the
        # GUI). A tuple of strings is untracked at its first collection.
        if change.state is not _FAILED and change.state is not _REFUSED:
            self._events.append((change.state.value, change.bot, change.key, change.new,
                                 change.old_key, change.sent))

    def _on_changes(self, changes: list[MemoryChange]) -> None:
        """The batch form of :meth:`_on_change` (a landed batch: one call, one extend)."""
        self._events.extend(
            (c.state.value, c.bot, c.key, c.new, c.old_key, c.sent) for c in changes
            if c.state is not _FAILED and c.state is not _REFUSED)

    def _drain_events(self) -> None:
        while self._events:
            state, bot, key, new, old_key, sent = self._events.popleft()
            k = (bot, key)
            known = self._known.get(bot)
            if state == _PENDING and new is not None:
                self._expected.setdefault(k, []).append(new)
            elif state == _LANDED and new is not None:
                self._local_landed = True
                queue = self._expected.get(k, [])
                written = new if sent is None else sent  # what its PENDING said
                if written in queue:
                    last = len(queue) - 1 - queue[::-1].index(written)
                    del queue[: last + 1]
                if known is not None:
                    known[key] = new
            elif state == _DELETED and known is not None:
                known.pop(key, None)
            elif state == _RENAMED and known is not None and new is not None:
                known.pop(old_key or "", None)
                known[key] = new

    # -- polling -----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.poll()
                except Exception as exc:  # noqa: BLE001 - keep watching after a hiccup
                    reset_connection(self.db)
                    self._probe = None
                    self._set_failing(error_message(exc))
                else:
                    self._set_failing(None)
                self.rounds += 1
        finally:
            reset_connection(self.db)

    def _set_failing(self, error: str | None) -> None:
        """Log and report a change of health once, not every poll of a long outage."""
        if error == self.failing:
            return
        if error is None:
            log.info("outside changes are watched again")
        else:
            log.warning("outside changes are not being watched: %s", error)
        self.failing = error
        self._health.emit(WatchHealth(error))

    def poll(self) -> list[OutsideChange]:
        """One round (called by the watcher thread; tests may call it directly)."""
        # A file copied over ours is no outside change to report key by key (its pages mix
        # with our log's): the poll fails and the health says why, even while nothing is
        # written.
        self.store.check_file()
        with self._lock:
            bots = set(self._bots)
            new = self._new_bots & bots
            self._new_bots.clear()
        self._drain_events()
        for bot in new:
            self._known[bot] = self._rows(bot)
        probe = self._read_probe(bots)
        if probe == self._probe and not new:
            self.settled += 1
            return []
        # While a dialog of ours writes in a loop the probe changes on every poll; reading
        # every row four times a second would compete with the dialog and the GUI, so
        # compare at a slower pace then (an outside change still shows within ~1 s).
        now = time.monotonic()
        if self._local_landed and not new and now - self._last_compare < self.busy_interval:
            return []
        self._local_landed = False
        self._last_compare = now
        self._probe = probe
        suspects: dict[tuple[str, str], object] = {}
        for bot in bots:
            suspects.update(self._compare(bot, self._rows(bot)))
        if not suspects:
            return []
        # Our own delete/rename is reported right after its commit: look again shortly.
        self._stop.wait(self.confirm_delay)
        self._drain_events()
        found: list[OutsideChange] = []
        for bot in {b for b, _ in suspects}:
            rows = self._rows(bot)
            for (b, key), seen in self._compare(bot, rows).items():
                before = suspects.get((b, key), _NOT_SUSPECT)
                if before is seen or before == seen:
                    known = self._known[bot]
                    old = known.get(key)
                    new_value = None if seen is _MISSING else seen
                    if new_value is None:
                        known.pop(key, None)
                    else:
                        known[key] = new_value  # type: ignore[assignment]
                    found.append(OutsideChange(bot, key, old, new_value))  # type: ignore[arg-type]
        self._probe = self._read_probe(bots)
        for change in found:
            if self.history is not None:
                self.history.record_outside(change.bot, change.key, change.old, change.new)
            self._subscribers.emit(change)
        return found

    def _compare(self, bot: str, rows: dict[str, str]) -> dict[tuple[str, str], object]:
        """Keys whose database value nothing of ours explains: key -> seen value."""
        known = self._known.setdefault(bot, {})
        out: dict[tuple[str, str], object] = {}
        for key in rows.keys() | known.keys():
            seen = rows.get(key, _MISSING)
            if seen == known.get(key, _MISSING):
                continue
            if seen is not _MISSING and seen in self._expected.get((bot, key), ()):
                known[key] = seen  # type: ignore[assignment]  # our write, event still coming
                continue
            out[(bot, key)] = seen
        return out

    def _read_probe(self, bots: set[str]) -> Any:
        if self._sqlite:
            return self._fetch("PRAGMA data_version", ())[0][0]
        sql = (f"SELECT count(*), max(updated_at) FROM {MEMORIES_TABLE} "
               f"WHERE bot_id = {self.db.param}")
        return tuple(tuple(self._fetch(sql, (self._bot_id(bot),))[0]) for bot in sorted(bots))

    def _rows(self, bot: str) -> dict[str, str]:
        bot_id = self._bot_id(bot)
        if bot_id is None:
            return {}
        sql = f"SELECT key, value FROM {MEMORIES_TABLE} WHERE bot_id = {self.db.param}"
        return dict(self._fetch(sql, (bot_id,)))

    def _bot_id(self, bot: str) -> Any:
        """The bot's id, None while it has no row (or its name is shared: nothing to watch)."""
        if bot not in self._bot_ids:
            try:
                row = self._directory.find(bot)
            except DatabaseError as exc:
                log.warning("not watching bot %r: %s", bot, exc)
                return None
            if row is None:
                return None
            self._bot_ids[bot] = row.id
        return self._bot_ids[bot]

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cursor = self.db.execute_sql(sql, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()


def changed_since(store: MemoryStore, bot: str, key: str, started_from: str | None) -> bool:
    """Whether ``key`` differs from ``started_from`` (the value an edit began with; None when
    the key did not exist), e.g. because another process changed it meanwhile."""
    return store.value(bot, key) != started_from
