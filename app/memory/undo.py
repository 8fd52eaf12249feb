"""Undo from the memory history: revert one recorded event, or every write of a run.

A revert writes back the value the key had before (or deletes the key when it had none)
through the store, with a ``WriteSource(kind="undo")``, so the revert is itself recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from interpreter.ports.host import WriteSource

from ..db.database import DatabaseError
from .history import MemoryEvent, MemoryHistory
from .sql import ChangedMeanwhile


@dataclass(frozen=True)
class RevertStep:
    """What a revert does to one key: ``restored`` None means the key is deleted."""

    bot: str
    key: str
    current: str | None
    restored: str | None
    # The Created time (seconds since the epoch) of the row a revert adds back, when the
    # history recorded it: the row comes back as it was, not as a new one.
    created_at: float | None = None

    @property
    def changes(self) -> bool:
        return self.current != self.restored


class CannotRevert(ValueError):
    """The event's previous value is unknown (it was written before history was kept)."""


class AlreadyReverted(CannotRevert):
    """The event or run was reverted before: reverting again would be a silent no-op (or
    undo whatever was written since)."""


def undo_run_id(target: str | int) -> str:
    """The run id of the writes that revert ``target`` (a run id or an event id)."""
    return f"undo-{target}"


def reverted_at(history: MemoryHistory, target: str | int) -> float | None:
    """When ``target`` (a run id or an event id) was last reverted, None if never."""
    events = history.run_events(undo_run_id(target))
    return events[-1].at if events else None


def reverted_events(history: MemoryHistory, events: list[MemoryEvent]) -> set[int]:
    """Ids of ``events`` already reverted, by themselves or with their run (one query)."""
    targets = {undo_run_id(e.id): e.id for e in events}
    runs = {undo_run_id(e.run_id): e.run_id for e in events if e.run_id}
    done = history.runs_present([*targets, *runs])
    reverted_runs = {runs[r] for r in done if r in runs}
    return {e.id for e in events
            if undo_run_id(e.id) in done or (e.run_id and e.run_id in reverted_runs)}


def _refuse_second_revert(history: MemoryHistory, target: str | int, what: str) -> None:
    at = reverted_at(history, target)
    if at is not None:
        when = dt.datetime.fromtimestamp(at).strftime("%H:%M:%S")
        raise AlreadyReverted(f"{what} was already reverted at {when}")


def preview_event(history: MemoryHistory, event: MemoryEvent) -> RevertStep:
    _refuse_second_revert(history, event.id, f"this change of {event.key!r}")
    if not event.old_known:
        raise CannotRevert(f"the value of {event.key!r} before this write is unknown")
    return RevertStep(event.bot, event.key, history.store.value(event.bot, event.key), event.old,
                      event.old_created)


def preview_run(history: MemoryHistory, run_id: str) -> list[RevertStep]:
    """Per key written by the run (first write order): its value now and before the run;
    raises AlreadyReverted for a run reverted before."""
    _refuse_second_revert(history, run_id, f"run {run_id}")
    firsts: dict[tuple[str, str], MemoryEvent] = {}
    for event in history.run_events(run_id):
        firsts.setdefault((event.bot, event.key), event)
    steps = []
    for (bot, key), event in firsts.items():
        if not event.old_known:
            raise CannotRevert(f"the value of {key!r} before run {run_id} is unknown")
        steps.append(RevertStep(bot, key, history.store.value(bot, key), event.old,
                                event.old_created))
    return steps


def apply_steps(
    history: MemoryHistory, steps: list[RevertStep], source: WriteSource, timeout: float = 30.0
) -> int:
    """Write the steps through the store in one transaction; returns how many changed.

    One transaction: a revert killed or failing half-way would leave a mix of both states,
    and its recorded half would make a second revert refused as "already reverted"."""
    changed = [s for s in steps if s.changes]
    writes = [(s.bot, s.key, s.restored, _created(s) if _readds(s) else None)
              for s in changed if s.restored is not None]
    deletes = [(s.bot, s.key) for s in changed if s.restored is None]
    # Checked in the same transaction: a key changed since the steps were read (a confirm
    # dialog was open meanwhile) is not overwritten blindly.
    expected = {(s.bot, s.key): s.current for s in changed}
    try:
        history.store.apply(writes, deletes, source, expected)
    except DatabaseError as exc:
        raise DatabaseError(f"revert not written: {exc}") from None
    except ChangedMeanwhile as exc:
        raise CannotRevert(f"nothing reverted: {exc}") from None
    history.flush(timeout)
    return len(changed)


def _readds(step: RevertStep) -> bool:
    """The step adds back a deleted row whose Created time is known."""
    return step.current is None and step.restored is not None and step.created_at is not None


def _created(step: RevertStep) -> dt.datetime:
    assert step.created_at is not None
    return dt.datetime.fromtimestamp(step.created_at, dt.UTC)


def revert_event(history: MemoryHistory, event_id: int,
                 confirmed: RevertStep | None = None) -> RevertStep:
    """Put the key back as it was before event ``event_id``; returns what was done.
    ``confirmed``: the preview the user agreed to; CannotRevert if the key changed since."""
    event = history.event(event_id)
    if event is None:
        raise KeyError(event_id)
    step = confirmed if confirmed is not None else preview_event(history, event)
    apply_steps(history, [step], WriteSource(run_id=undo_run_id(event_id), kind="undo"))
    return step


def revert_run(history: MemoryHistory, run_id: str,
               confirmed: list[RevertStep] | None = None) -> list[RevertStep]:
    """Put every key the run wrote back to its value before the run. ``confirmed``: the
    preview the user agreed to; CannotRevert if one of its keys changed since."""
    steps = confirmed if confirmed is not None else preview_run(history, run_id)
    apply_steps(history, steps, WriteSource(run_id=undo_run_id(run_id), kind="undo"))
    return steps
