"""Conversation turns recorded from runtime events: what each user message caused.

Each user message starts a turn (turn 0 is the bot's opening, before any input). Per turn the
recorder keeps the bot's messages with the line that produced each (files sent with SEND FILE
among them, as "path — caption"), the user's message with its HEAR line, the lines executed
(from a debug run's coverage hook, else the lines events name) and the memory changes as
key -> (old, new), where old is the value when the turn started. A turn keeps its user message
and its newest :data:`MAX_TURN_MESSAGES` messages, counting the earlier ones it let go.

Old values come from :class:`RecordingMemory`, a bot-memory wrapper that reads a key before
writing it (one extra read per SET BOT MEMORY, nothing per statement). The same log lets
:meth:`TurnRecorder.restore_plan` say which values bring the memory back to its state before
the conversation, for "Rewind to here".

No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter.events import (
    FileSent,
    Heard,
    HearStarted,
    InvalidAnswer,
    Printed,
    RunStarted,
    Talked,
)
from interpreter.ports.host import BotMemory, WriteSource

# Messages a turn keeps at most, like the chat: a TALK loop without HEAR is one turn for ever.
# Past the cap the oldest TRIM_TURN_MESSAGES after the turn's user message leave together (one
# list move per block, not one per message); the turn counts them for the Turn dock.
MAX_TURN_MESSAGES = 100_000
TRIM_TURN_MESSAGES = 10_000

WriteObserver = Callable[[str, str, str], None]  # key, old, new


@dataclass(frozen=True)
class TurnMessage:
    """One chat bubble of a turn: who said it, the text, and the line that produced it."""

    who: str  # "bot" or "user"
    text: str
    line: int
    file: str = ""  # SEND FILE: the file's absolute path (``text`` describes it)


def file_label(path: str, caption: str, dialog_dir: str | Path = "") -> str:
    """How a sent file reads in a turn: ``docs/invoice.txt — caption`` (the view adds a
    file icon: an emoji would need a colour font many desktops lack).

    The path is the one inside the bot package, as SEND FILE takes it and a .chat test's
    ``file:`` line records it; the bare name when the file is not under the package.
    """
    try:
        # Imported here: the providers package pulls in httpx, ~0.15 s of the IDE's start-up.
        from ..services.providers.storage import package_root

        name = Path(path).resolve().relative_to(package_root(dialog_dir or ".")).as_posix()
    except (OSError, ValueError):
        name = Path(path).name
    return name + (f" \N{EM DASH} {caption}" if caption else "")


@dataclass
class Turn:
    """One turn while it is recorded (mutable: it grows as the run goes on)."""

    index: int
    messages: list[TurnMessage] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)
    memory: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (old, new)
    dropped: int = 0  # earlier messages no longer kept (they came after the user's)

    def add(self, message: TurnMessage) -> None:
        messages = self.messages
        messages.append(message)
        if len(messages) > MAX_TURN_MESSAGES:
            start = self.dropped_at
            cut = min(TRIM_TURN_MESSAGES, len(messages) - start - 1)  # the newest stays
            del messages[start:start + cut]
            self.dropped += cut

    @property
    def dropped_at(self) -> int:
        """Where the dropped messages were: after the user message that opened the turn."""
        return 1 if self.messages and self.messages[0].who == "user" else 0

    @property
    def user_text(self) -> str | None:
        """The user message that started this turn (None for turn 0)."""
        return next((m.text for m in self.messages if m.who == "user"), None)

    def memory_rows(self) -> list[tuple[str, str, str]]:
        """(key, old, new) sorted by key, for display; "" means missing."""
        return [(k, old, new) for k, (old, new) in sorted(self.memory.items())]


class RecordingMemory:
    """Wraps a bot memory and reports each write with the value it replaces."""

    def __init__(self, inner: BotMemory, on_write: WriteObserver) -> None:
        self.inner = inner
        self.on_write = on_write
        # What this run last wrote per key: the old value of the next write without a
        # database read (one read per SET held the GIL off the GUI thread in write loops).
        # A hand edit of the same key during the run is seen at its next GET, not here.
        self._written: dict[str, str] = {}

    def get(self, key: str) -> str:
        return self.inner.get(key)

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
        old = self._written.get(key)
        if old is None:
            old = self.inner.get(key)
        self.inner.set(key, value, source)
        self._written[key] = value
        self.on_write(key, old, value)

    def __getattr__(self, name: str) -> Any:  # bot, store… of the wrapped handle
        return getattr(self.inner, name)


class TurnRecorder:
    """Builds :class:`Turn` objects from runtime events, coverage lines and memory writes."""

    def __init__(self) -> None:
        self.turns: list[Turn] = [Turn(0)]
        # key -> value before the conversation (first write wins), for rewinding.
        self.original: dict[str, str] = {}
        self.hear_line = 0
        self._invalid = False  # the last user message was rejected (InvalidAnswer)
        self.dialog_dir = ""  # the running dialog's folder, for the package paths of files

    @property
    def current(self) -> Turn:
        return self.turns[-1]

    def reset(self) -> None:
        self.turns = [Turn(0)]
        self.original = {}
        self.hear_line = 0
        self._invalid = False

    def wrap_memory(self, memory: BotMemory) -> BotMemory:
        """For ``DialogRunner.memory_wrapper``: record writes of the runs."""
        return RecordingMemory(memory, self.on_memory_write)

    # -- inputs ---------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        if isinstance(event, RunStarted):
            self.reset()
            self.dialog_dir = str(Path(event.file).parent) if event.file else ""
        elif isinstance(event, Talked):
            self.current.add(TurnMessage("bot", event.message.text, event.line))
            self.current.lines.add(event.line)
        elif isinstance(event, FileSent):
            text = file_label(event.path, event.caption, self.dialog_dir)
            self.current.add(TurnMessage("bot", text, event.line, event.path))
            self.current.lines.add(event.line)
        elif isinstance(event, HearStarted):
            self.hear_line = event.line
            self._invalid = False
            self.current.lines.add(event.line)
        elif isinstance(event, InvalidAnswer):
            self._invalid = True  # a retry follows, or Heard for this same message
            self.start_turn(event.text, event.line)
        elif isinstance(event, Heard):
            if not self._invalid:
                self.start_turn(event.text, event.line)
            self._invalid = False
        elif isinstance(event, Printed) and event.line:
            self.current.lines.add(event.line)

    def start_turn(self, text: str, line: int) -> Turn:
        """A user message arrived: it opens a new turn."""
        turn = Turn(len(self.turns), [TurnMessage("user", text, line)])
        self.turns.append(turn)
        return turn

    def on_line(self, line: int) -> None:
        """A statement is about to run (coverage, debug runs only)."""
        self.current.lines.add(line)

    def on_memory_write(self, key: str, old: str, new: str) -> None:
        self.original.setdefault(key, old)
        changes = self.current.memory
        changes[key] = (changes[key][0] if key in changes else old, new)

    # -- queries ----------------------------------------------------------------------------

    def turn(self, index: int) -> Turn | None:
        return self.turns[index] if 0 <= index < len(self.turns) else None

    def user_messages(self) -> list[str]:
        """Every user message of the conversation, in order (turn i+1 began with item i)."""
        return [t.user_text for t in self.turns[1:] if t.user_text is not None]

    def rewind_plan(self, index: int) -> RewindPlan:
        """How to get back to the state right after turn ``index`` (the clicked bubble stays
        in the chat): restore the memory to its state before the conversation, replay the
        user messages up to and including that turn's, and offer the later ones."""
        messages = self.user_messages()
        upto = max(index, 0)
        return RewindPlan(index, dict(self.original), tuple(messages[:upto]),
                          tuple(messages[upto:]))


@dataclass(frozen=True)
class RewindPlan:
    turn: int
    memory: dict[str, str]  # key -> value to restore ("" = delete the key)
    replay: tuple[str, ...]  # user messages re-sent automatically
    offered: tuple[str, ...]  # the later messages, offered for replay


RESTORE_SOURCE = WriteSource(file="rewind", kind="restore")


def restore_memory(store: Any, bot: str, values: dict[str, str],
                   timeout: float = 10.0) -> None:
    """Write ``values`` back into ``store`` (an ``app.memory.store.MemoryStore``); an empty
    value deletes the key, since a key that did not exist reads as ""."""
    for key, value in values.items():
        if value != "":
            store.set(bot, key, value, RESTORE_SOURCE)
    store.flush(timeout)
    missing = [k for k, v in values.items() if v == ""]
    if missing:
        store.delete(bot, missing)
