"""A channel with pre-typed answers: used by tests, conversation replays and queued input."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..ports.host import BotMessage, HearRequest
from ..values import BasicValueError


@dataclass
class QueuedChannel:
    """Answers HEARs from a queue and records every bot message; an empty queue is an error."""

    answers: deque[str] = field(default_factory=deque)
    messages: list[BotMessage] = field(default_factory=list)
    requests: list[HearRequest] = field(default_factory=list)

    @classmethod
    def with_answers(cls, answers: Iterable[str]) -> QueuedChannel:
        return cls(deque(answers))

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    async def talk(self, message: BotMessage) -> None:
        self.messages.append(message)

    async def hear(self, request: HearRequest) -> str:
        self.requests.append(request)
        if not self.answers:
            raise BasicValueError(f"HEAR {request.variable}: no more queued answers")
        return self.answers.popleft()
