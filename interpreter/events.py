"""Typed events a run reports to its observer (CLI, IDE bridge, recorder, debugger UI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import BasicRuntimeError
from .ports.host import BotMessage, HearRequest


@dataclass(frozen=True)
class RunStarted:
    file: str
    run_id: str


@dataclass(frozen=True)
class Talked:
    message: BotMessage
    line: int


@dataclass(frozen=True)
class HearStarted:
    request: HearRequest
    line: int


@dataclass(frozen=True)
class Heard:
    variable: str
    text: str  # what the user typed
    value: Any  # after validation / normalisation
    line: int


@dataclass(frozen=True)
class InvalidAnswer:
    variable: str
    text: str
    hint: str
    line: int


@dataclass(frozen=True)
class Printed:
    text: str
    line: int
    level: str = "info"  # "info", "warning", "error"


@dataclass(frozen=True)
class FileSent:
    """SEND FILE: a file of the bot package shown in the chat as an attachment."""

    path: str  # absolute, so a UI can open it
    name: str
    caption: str
    line: int


@dataclass(frozen=True)
class MemoryWritten:
    """SET BOT MEMORY executed (queued); the store reports when it lands."""

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class Finished:
    result: Any  # a top-level RETURN value, else None


@dataclass(frozen=True)
class Failed:
    error: BasicRuntimeError


@dataclass(frozen=True)
class Stopped:
    """The run was cancelled (user Stop, timeout)."""

    line: int
    reason: str = "stopped"


Event = Any
EventSink = Callable[[Event], None]


def ignore_event(_event: Event) -> None:
    """Default sink: a run with no observer."""
