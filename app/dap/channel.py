"""The conversation of a debugged dialog: TALK goes to the client as output (through the
runtime's Talked event), HEAR takes the next queued ``inputs`` reply, else waits for the
user to type one in the client's debug console (an ``evaluate`` in the ``repl`` context)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

from interpreter.ports.host import BotMessage, HearRequest

WaitingObserver = Callable[[HearRequest], None]
Flow = Callable[[], Awaitable[None]]  # waits while the client is behind in reading


class DapChannel:
    """A Channel whose replies come from a queue, then from :meth:`reply`."""

    def __init__(self, inputs: Iterable[str] = (),
                 on_waiting: WaitingObserver | None = None, flow: Flow | None = None) -> None:
        self.inputs: deque[str] = deque(str(i) for i in inputs)
        self.flow = flow
        self.on_waiting = on_waiting or (lambda request: None)
        self.waiting: HearRequest | None = None
        self._reply: asyncio.Future[str] | None = None

    async def talk(self, message: BotMessage) -> None:
        """The session reports TALK from the runtime's Talked event; here the dialog only
        waits while the client is behind in reading what was sent (back-pressure)."""
        if self.flow is not None:
            await self.flow()

    async def hear(self, request: HearRequest) -> str:
        if self.inputs:
            return self.inputs.popleft()
        self._reply = asyncio.get_running_loop().create_future()
        self.waiting = request
        self.on_waiting(request)
        try:
            return await self._reply
        finally:
            self.waiting, self._reply = None, None

    def reply(self, text: str) -> bool:
        """Answer the HEAR that is waiting; False when none is."""
        if self._reply is None or self._reply.done():
            return False
        self._reply.set_result(text)
        return True
