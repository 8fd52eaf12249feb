"""A memory can make a run wait at its yields (``interpreter.ports.host.Paced``): the IDE's
history recorder does when a dialog's writes get too far ahead of it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field

from interpreter import Runtime, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

STEP = 10_000
LOOP = 'FOR i = 1 TO 30000\nSET_BOT_MEMORY "k" + (i MOD 7), STR(i)\nNEXT\nTALK "done"\n'


@dataclass
class BehindMemory(DictMemory):
    """Falls "behind" every 10,000 writes; each wait lets it catch up."""

    caught_up_at: list[int] = field(default_factory=list)  # writes made when each wait ended
    asked: int = 0

    def pace(self) -> Awaitable[None] | None:
        self.asked += 1
        if len(self.writes) < STEP * (len(self.caught_up_at) + 1):
            return None
        return self._catch_up()

    async def _catch_up(self) -> None:
        await asyncio.sleep(0.01)
        self.caught_up_at.append(len(self.writes))


def test_a_run_waits_at_its_yields_while_its_memory_is_behind() -> None:
    memory = BehindMemory()
    channel = QueuedChannel()
    seen_by_the_loop: list[int] = []

    async def main() -> None:
        task = asyncio.ensure_future(Runtime(load_source(LOOP, "loop.bas"), channel,
                                             memory).run())
        while not task.done():  # the event loop runs while the dialog waits
            seen_by_the_loop.append(len(memory.writes))
            await asyncio.sleep(0)
        await task

    asyncio.run(main())
    assert channel.texts == ["done"] and len(memory.writes) == 30000
    # Past 10,000 and 20,000 writes (the loop ends on the 30,000th: no yield after it).
    assert len(memory.caught_up_at) == 2
    assert memory.caught_up_at == sorted(memory.caught_up_at)
    # Each wait came at the first yield past its step: one slice of the loop (5 ms) later.
    assert all(STEP * n <= at < STEP * n + STEP // 2
               for n, at in enumerate(memory.caught_up_at, start=1))
    # The loop did not run on while the memory was behind.
    assert all(at in seen_by_the_loop for at in memory.caught_up_at)
    assert memory.asked > 2


def test_a_memory_without_pace_is_not_asked() -> None:
    memory = DictMemory()
    asyncio.run(Runtime(load_source(LOOP, "loop.bas"), QueuedChannel(), memory).run())
    assert len(memory.writes) == 30000
