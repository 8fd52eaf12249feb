"""The memory of one headless entry point: its bot resolved first, every write recorded.

``talkbench run``, ``talkbench memory``, DAP sessions, ``talkbench schedule run`` and
``talkbench webhook serve`` all open the memory database here, so they share two guarantees:

* the bot is resolved once, at start, through :mod:`app.db.bots`: a bot that does not exist and
  cannot be created, or a name two bots share, stops the command with a clear error before
  anything runs (instead of writes that are retried and lost);
* every write lands with its provenance in ``memory_events`` (:class:`~app.memory.history.
  MemoryHistory`): a script write with its file, line and run id (the run id says which entry
  point ran it: ``run-…``, ``dap-…``, ``schedule-…``, ``webhook-…``), a command-line edit as
  kind ``cli``, an import with its file. The IDE's History panel then explains a value that a
  scheduled run wrote at night.
"""

from __future__ import annotations

import enum
import uuid
from typing import Self

from interpreter.ports.host import WriteSource

from .history import MemoryHistory
from .store import MemoryStore

FLUSH_TIMEOUT = 30.0  # seconds to wait for queued writes and their history at close


class Origin(enum.Enum):
    """Which entry point made a run: the prefix of its run id in the history."""

    RUN = "run"
    DAP = "dap"
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"


CLI_SOURCE = WriteSource(file="cli", kind="cli")  # talkbench memory set / delete
DAP_EDIT_SOURCE = WriteSource(file="dap", kind="hand")  # a Bot memory entry edited in an editor


def new_run_id(origin: Origin) -> str:
    """A fresh run id that names its entry point (``schedule-3f2a9c1b``)."""
    return f"{origin.value}-{uuid.uuid4().hex[:8]}"


class MemorySession:
    """A memory store with its history recorder, for one bot; close it once.

    ``bot`` is the bot as bot lists name it (:meth:`MemoryStore.bot_reference`): ``--bot``
    given as an id or slug records the same history as the name the IDE shows."""

    def __init__(self, store: MemoryStore, bot: str, *, record: bool = True) -> None:
        self.store = store
        self.bot = bot
        self.history = MemoryHistory(store) if record else None
        self._closed = False

    @classmethod
    def open(cls, db: str | None, bot: str, *, record: bool = True) -> MemorySession:
        """Open ``db`` and resolve ``bot``; DatabaseError (one line for humans) when either
        cannot be used. Nothing is written by opening."""
        store = MemoryStore(db)
        try:
            store.check_bot(bot)
            return cls(store, store.bot_reference(bot), record=record)
        except BaseException:
            store.close(timeout=1.0)
            raise

    def flush(self, timeout: float | None = FLUSH_TIMEOUT) -> bool:
        """Wait until queued writes landed and are recorded; False when some did not land."""
        landed = self.store.flush(timeout)
        if self.history is not None:
            self.history.flush(timeout)
        return landed

    def close(self, timeout: float | None = FLUSH_TIMEOUT) -> bool:
        """Flush, stop the recorder and close the store; False when writes were lost."""
        if self._closed:
            return True
        self._closed = True
        landed = self.store.flush(timeout)
        if self.history is not None:
            self.history.close()
        return self.store.close(timeout) and landed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
