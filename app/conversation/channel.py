"""A channel wrapper for conversation debugging: queued answers and conversation breakpoints.

The IDE's chat panel stays the real channel; :class:`ConversationChannel` sits in front of it.
A HEAR takes the next queued answer when there is one (echoed into the chat as if typed), else
waits for the chat as usual. SEND FILE reaches the chat's attachment view when it has one. Every TALK text and user input is reported to the run's
:class:`~interpreter.debug.conversation.ConversationWatch`, which decides about conversation
breakpoints.

No Qt here.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from interpreter.debug.conversation import ConversationWatch
from interpreter.ports.host import BotMessage, Channel, HearRequest

from .chat_format import StepKind
from .chat_parser import load_chat


class AnswerQueue:
    """Answers typed ahead for the coming HEARs, oldest first; ``on_change`` after each change."""

    def __init__(self) -> None:
        self._answers: deque[str] = deque()
        self.on_change: Callable[[], None] = lambda: None

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def answers(self) -> list[str]:
        return list(self._answers)

    def set(self, answers: Iterable[str]) -> None:
        self._answers = deque(answers)
        self.on_change()

    def extend(self, answers: Iterable[str]) -> None:
        self._answers.extend(answers)
        self.on_change()

    def pop(self) -> str | None:
        if not self._answers:
            return None
        answer = self._answers.popleft()
        self.on_change()
        return answer


def parse_answers(text: str) -> list[str]:
    """One answer per line; blank lines are skipped (an empty answer is not typed ahead)."""
    return [line for line in text.splitlines() if line.strip()]


def answers_from_chat(path: str | Path) -> list[str]:
    """The ``user:`` lines of a conversation test, in order (raises ChatFormatError, also
    for an unreadable file)."""
    test = load_chat(Path(path))
    return [s.text for s in test.steps if s.kind is StepKind.USER]


class ConversationChannel:
    """Implements ``interpreter.ports.host.Channel`` in front of ``inner``."""

    def __init__(self, inner: Channel, watch: ConversationWatch, queue: AnswerQueue,
                 echo: Callable[[str], None]) -> None:
        self.inner = inner
        self.watch = watch
        self.queue = queue
        self.echo = echo  # shows a queued answer in the chat as if the user typed it
        # SEND FILE looks for ``channel.send_file`` and otherwise sends a "[file: …]" message,
        # so the wrapper offers it exactly when the chat behind it shows attachments.
        if callable(getattr(inner, "send_file", None)):
            self.send_file = self._send_file

    async def _send_file(self, path: str, caption: str = "") -> None:
        await self.inner.send_file(path, caption)  # type: ignore[attr-defined]

    async def talk(self, message: BotMessage) -> None:
        await self.inner.talk(message)
        self.watch.after_talk(message.text)

    async def hear(self, request: HearRequest) -> str:
        answer = self.queue.pop()
        if answer is None:
            text = await self.inner.hear(request)
        else:
            self.echo(answer)
            await asyncio.sleep(0)  # a long queue must not starve the UI
            text = answer
        self.watch.after_input(text)
        return text
