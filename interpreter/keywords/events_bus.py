"""Workflow events: ``PUBLISH EVENT name``, ``WAIT FOR EVENT name TIMEOUT seconds`` and the
``ON EVENT name DO … END ON`` handler block.

In General Bots (botbasic_ai/src/keywords/events.rs) each checks the name against five
allowed events and fails with "Invalid event name: …" otherwise; then it hands the work to
a background task and the script goes on at once: PUBLISH stores the event for other
workflows, WAIT FOR EVENT polls for it in the background (the script does not wait), ON
EVENT registers a handler. Talkbench checks the name the same way, records published events
in the session (``Session.events``) and says in the output what the server would do.
"""

from __future__ import annotations

from typing import Any

from ..events import Printed
from ..values import BasicValueError, to_display, to_int
from .context import Clauses, KeywordContext
from .registry import keyword

ALLOWED_EVENTS = ("workflow_step_complete", "approval_received", "approval_denied",
                  "timeout_occurred", "bot_response_ready")


def event_name(args: list[Any], phrase: str) -> str:
    if len(args) != 1:
        raise BasicValueError(f"{phrase} expects an event name, got {len(args)} values")
    name = to_display(args[0])
    if name not in ALLOWED_EVENTS:
        raise BasicValueError(f"Invalid event name: {name} ({phrase} accepts "
                              f"{', '.join(ALLOWED_EVENTS)})")
    return name


@keyword("PUBLISH EVENT")
async def publish_event(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    name = event_name(args, "PUBLISH EVENT")
    rt.session.events.append(name)
    rt.emit(Printed(f"PUBLISH EVENT {name}: event recorded for the workflows that wait "
                    f"for it", line))


@keyword("WAIT FOR EVENT")
async def wait_for_event(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    name = event_name(args, "WAIT FOR EVENT")
    if len(clauses.get("TIMEOUT", [])) != 1:
        raise BasicValueError("WAIT FOR EVENT expects name TIMEOUT seconds")
    seconds = to_int(clauses["TIMEOUT"][0])
    rt.emit(Printed(f"WAIT FOR EVENT {name}: General Bots waits up to {seconds} s in the "
                    f"background; the dialog goes on at once", line))


def check_on_event(args: list[Any]) -> str:
    """The ON EVENT block's name, checked as the engine checks it."""
    return event_name(args, "ON EVENT")
