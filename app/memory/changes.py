"""The change events a :class:`~app.memory.store.MemoryStore` sends to its subscribers.

Which thread sends which state, and in what order callbacks see them, is told in
:mod:`app.memory.store`; the subscriber list itself is :class:`app.memory.observers.Subscribers`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from interpreter.ports.host import WriteSource


class ChangeState(enum.Enum):
    PENDING = "pending"  # queued in this process, not yet in the database
    LANDED = "landed"  # committed to the database
    FAILED = "failed"  # a write attempt failed; the write stays queued and is retried
    REFUSED = "refused"  # the database refuses this write for good (constraint, trigger,
    # too long): it is dropped, alone; ``error`` says why
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True)
class MemoryChange:
    """One change of one key.

    ``old`` is the previous value when the store knows it without a database read: the
    replaced queued value for PENDING, the deleted value for DELETED, the overwritten value of
    ``key`` for RENAMED; otherwise ``None``. ``new`` is ``None`` for DELETED. For RENAMED,
    ``key`` is the new name and ``old_key`` the former one. ``error`` is set for FAILED and REFUSED.
    ``created_at`` is the Created time of the row a DELETED change removed (for RENAMED: of
    the moved row), so whoever puts the row back can keep it. ``sent`` is set when the
    database holds another value than this process wrote (a trigger changed it as it was
    written): ``new`` is the value held, ``sent`` the one written (what its PENDING said).
    """

    bot: str
    key: str
    old: str | None
    new: str | None
    source: WriteSource | None
    state: ChangeState
    error: str | None = None
    old_key: str | None = None
    created_at: dt.datetime | None = None
    sent: str | None = None


Subscriber = Callable[[MemoryChange], None]
HAND = WriteSource(kind="hand")  # edits no script made: MemoryStore.set, rename, delete

_new_change = object.__new__


def fast_change(
    bot: str,
    key: str,
    old: str | None,
    new: str | None,
    source: WriteSource | None,
    state: ChangeState,
) -> MemoryChange:
    """``MemoryChange(...)`` at a third of the cost, for the per-write events: a frozen
    dataclass ``__init__`` goes through ``object.__setattr__`` once per field."""
    change = _new_change(MemoryChange)
    d = change.__dict__
    d["bot"] = bot
    d["key"] = key
    d["old"] = old
    d["new"] = new
    d["source"] = source
    d["state"] = state
    d["error"] = None
    d["old_key"] = None
    d["created_at"] = None
    d["sent"] = None
    return change


def held_change(change: MemoryChange, held: str) -> MemoryChange:
    """``change`` (LANDED or RENAMED) with the value the database holds, when it is not the
    one written (see ``MemoryChange.sent``)."""
    if held == change.new:
        return change
    return dataclasses.replace(change, new=held, sent=change.new)
