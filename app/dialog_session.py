"""Running one dialog at a time for the IDE: compile, start as an asyncio task, stop, sessions.

No Qt here: observers are plain callables, so the run logic is testable with bare asyncio.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from collections.abc import Callable
from typing import Any, Protocol

from interpreter import BasicRuntimeError, Runtime, Session, load_source
from interpreter.ports import BotMemory, Channel

from .services import ServiceContext, Services, build_services

Observer = Callable[[Any], None]


class MemoryProvider(Protocol):
    """Anything that hands out one bot's memory (``app.memory_store.MemoryStore``)."""

    def bot(self, name: str) -> BotMemory: ...


class DialogRunner:
    """Owns the run of one dialog; the memory store keeps (and flushes) queued writes."""

    def __init__(
        self, store: MemoryProvider, bot: str, channel: Channel, *, skip_waits: bool = False
    ) -> None:
        self.store = store
        self.bot = bot
        self.channel = channel
        self.skip_waits = skip_waits
        self.session = Session()
        self._observers: list[Observer] = []
        self._task: asyncio.Task[Any] | None = None
        self.services: Services | None = None

    # -- observers ------------------------------------------------------------------------

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(event)`` for every runtime event; returns the unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def _emit(self, event: Any) -> None:
        for observer in list(self._observers):
            observer(event)

    # -- running --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def task(self) -> asyncio.Task[Any] | None:
        return self._task

    def start(self, source: str, file: str) -> asyncio.Task[Any]:
        """Compile (raises BasicSyntaxError) and run as a task on the running loop.

        A run already in progress is stopped first: the IDE runs one dialog at a time.
        """
        compiled = load_source(source, file)
        self.stop()
        if self.services is not None:
            self.services.close()
        self.services = build_services(
            ServiceContext(self.store, self.bot, str(Path(file).parent) if file else ""))
        runtime = Runtime(
            compiled,
            self.channel,
            self.store.bot(self.bot),
            on_event=self._emit,
            session=self.session,
            skip_waits=self.skip_waits,
            services=self.services,
        )
        self._task = asyncio.get_running_loop().create_task(self._run(runtime))
        return self._task

    async def _run(self, runtime: Runtime) -> Any:
        # The runtime already reported Failed/Stopped as events; swallowing here keeps the loop
        # from logging "exception was never retrieved" for an ordinary dialog error.
        try:
            return await runtime.run()
        except BasicRuntimeError:
            return None

    def stop(self) -> bool:
        """Cancel the running dialog (the runtime reports Stopped); False if none ran."""
        if not self.running:
            return False
        assert self._task is not None
        self._task.cancel()
        return True

    def new_session(self) -> Session:
        """Forget the conversation (variables, suggestions); bot memory persists."""
        self.stop()
        self.session = Session()
        return self.session
