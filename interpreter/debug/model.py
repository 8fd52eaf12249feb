"""The debugger's data: requests, verified breakpoints, stop reasons and paused snapshots.

Everything that crosses from the engine to a front end is a frozen dataclass, so a view can
keep a :class:`PausedState` after the run moved on without seeing live, mutating values.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..values import BasicValueError, repr_value, type_name

MAX_CHILD_DEPTH = 4  # nested list/map levels copied into a snapshot
MAX_CHILDREN = 200  # items per list/map copied into a snapshot


# ---------------------------------------------------------------- stop policy inputs


class StepMode(Enum):
    """What the run was asked to do until the next pause."""

    NONE = "none"  # run; only breakpoints stop
    ENTRY = "entry"  # stop on the first statement
    PAUSE = "pause"  # stop on the next statement, whatever it is
    INTO = "into"
    OVER = "over"
    OUT = "out"
    TO_LINE = "to_line"


class PauseReason(Enum):
    ENTRY = "entry"
    PAUSE = "pause"
    STEP = "step"
    BREAKPOINT = "breakpoint"
    RUN_TO_LINE = "run_to_line"
    MEMORY = "memory"


@dataclass(frozen=True)
class StepState:
    """A step command as recorded when it was given; ``depth`` is len(runtime.frames) then."""

    mode: StepMode = StepMode.NONE
    depth: int = 0
    target_line: int = 0


# ---------------------------------------------------------------- breakpoints


@dataclass(frozen=True)
class BreakpointSpec:
    """A breakpoint as the editor asks for it."""

    line: int
    condition: str | None = None  # BASIC expression; stop when truthy
    hit_condition: str | None = None  # "3" (the 3rd hit), ">= 3", "% 2", ...
    log_message: str | None = None  # a logpoint: "{expr}" parts are evaluated, no stop
    enabled: bool = True


@dataclass(frozen=True)
class HitCondition:
    """``count <op> number``; a bare number means ``== number``."""

    op: str
    number: int

    def matches(self, count: int) -> bool:
        if self.op == "%":
            return self.number > 0 and count % self.number == 0
        return _COMPARATORS[self.op](count, self.number)


_COMPARATORS: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq, ">": operator.gt, ">=": operator.ge, "<": operator.lt,
    "<=": operator.le,
}


def parse_hit_condition(text: str | None) -> HitCondition | None:
    """Parse "3", "= 3", "== 3", "> 3", ">= 3", "< 3", "<= 3" or "% 3"; raises on anything else."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    for op in (">=", "<=", "==", "=", ">", "<", "%"):
        if s.startswith(op):
            return _hit(op if op != "=" else "==", s[len(op):], text)
    return _hit("==", s, text)


def _hit(op: str, number: str, text: str) -> HitCondition:
    try:
        return HitCondition(op, int(number.strip()))
    except ValueError:
        raise BasicValueError(f"hit condition '{text}' should look like 3, >= 3 or % 3") \
            from None


@dataclass(frozen=True)
class Breakpoint:
    """A breakpoint after verification: ``line`` is where it really stops."""

    id: int
    spec: BreakpointSpec
    line: int  # the statement line it moved to (== spec.line when it had a statement)
    verified: bool
    message: str = ""  # why it is unverified, or why it moved
    hit: HitCondition | None = None

    @property
    def enabled(self) -> bool:
        return self.spec.enabled

    @property
    def is_logpoint(self) -> bool:
        return self.spec.log_message is not None


@dataclass(frozen=True)
class MemoryBreakpointSpec:
    """Pause when SET BOT MEMORY writes ``key`` (and ``condition`` holds, with ``key`` and
    ``value`` bound to the write)."""

    key: str
    condition: str | None = None


class MessageKind(Enum):
    LOG = "log"  # a logpoint's text
    WARNING = "warning"  # a failing condition, reported once per breakpoint


@dataclass(frozen=True)
class DebugMessage:
    kind: MessageKind
    line: int
    text: str


# ---------------------------------------------------------------- paused snapshots


@dataclass(frozen=True)
class VariableSnapshot:
    name: str
    value: str  # values.repr_value: as the engine holds it ("text", 3.0, (), [1, "a"])
    type: str  # values.type_name
    children: tuple[VariableSnapshot, ...] = ()
    truncated: bool = False  # children were cut by MAX_CHILDREN / MAX_CHILD_DEPTH

    @property
    def expandable(self) -> bool:
        return bool(self.children) or self.truncated


@dataclass(frozen=True)
class FrameSnapshot:
    name: str
    line: int
    variables: tuple[VariableSnapshot, ...]


@dataclass(frozen=True)
class PausedState:
    """Where and why the run stopped; ``frames[0]`` is the current (innermost) frame."""

    reason: PauseReason
    line: int
    col: int
    frames: tuple[FrameSnapshot, ...]
    breakpoint_ids: tuple[int, ...] = ()
    memory_key: str = ""  # for PauseReason.MEMORY
    session: tuple[VariableSnapshot, ...] = ()  # user, contexts, KBs, tools… (read-only)


@dataclass(frozen=True)
class WatchResult:
    expression: str
    value: str = ""
    type: str = ""
    error: str = ""


def snapshot_value(name: str, value: Any, depth: int = 0) -> VariableSnapshot:
    """Copy a value into an immutable tree, bounded so a huge list cannot stall a pause."""
    if not isinstance(value, (list, dict)):
        return VariableSnapshot(name, repr_value(value), type_name(value))
    items = list(enumerate(value)) if isinstance(value, list) else list(value.items())
    if depth >= MAX_CHILD_DEPTH:
        return VariableSnapshot(name, _short_repr(value), type_name(value), (), bool(items))
    children = tuple(snapshot_value(_child_name(value, k), v, depth + 1)
                     for k, v in items[:MAX_CHILDREN])
    return VariableSnapshot(name, _short_repr(value), type_name(value), children,
                            len(items) > MAX_CHILDREN)


def session_snapshot(session: Any) -> tuple[VariableSnapshot, ...]:
    """The conversation state a dialog changed through keywords (SET USER, USE KB, …)."""
    fields = (("user", "user_id"), ("session id", "id"), ("system prompt", "system_prompt"),
              ("contexts", "contexts"), ("session variables", "variables"),
              ("suggestions", "suggestions"), ("knowledge bases", "knowledge_bases"),
              ("websites", "websites"), ("tools", "tools"), ("http headers", "http_headers"),
              ("model", "model"), ("model routing", "model_routing"), ("webhooks", "webhooks"),
              ("conversations", "conversations"))
    result = []
    for label, attr in fields:
        if not hasattr(session, attr):
            continue
        value = getattr(session, attr)
        if attr == "suggestions":
            value = [s.text for s in value]
        result.append(snapshot_value(label, value))
    return tuple(result)


def _child_name(container: Any, key: Any) -> str:
    return f"[{key}]" if isinstance(container, list) else str(key)


def _short_repr(value: Any, limit: int = 200) -> str:
    text = repr_value(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
