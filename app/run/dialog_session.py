"""Running one dialog at a time for the IDE: compile, start as an asyncio task, stop, sessions.

A run starts either plain (no debug build: full speed) or under a :class:`Debugger` when
``start`` gets :class:`DebugOptions`. The runner keeps the options of the last debug start, with
breakpoints kept current by :meth:`DialogRunner.set_breakpoints`, so :meth:`restart` runs again
with the same breakpoints.

No Qt here: observers are plain callables, so the run logic is testable with bare asyncio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from interpreter import BasicRuntimeError, Runtime, Session, load_source
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import (
    Breakpoint,
    BreakpointSpec,
    DebugMessage,
    MemoryBreakpointSpec,
    PausedState,
)
from interpreter.ports.host import BotMemory, Channel

from .setup import RunSetup, RunSpec

Observer = Callable[[Any], None]


class MemoryProvider(Protocol):
    """Anything that hands out one bot's memory (``app.memory.store.MemoryStore``)."""

    def bot(self, name: str) -> BotMemory: ...


@dataclass(frozen=True)
class DebugOptions:
    """How to debug a run: its breakpoints and where pauses and debug messages go.

    The callbacks are called on the loop thread from inside the run's task; ``on_paused`` may
    answer at once with a Debugger command.
    """

    breakpoints: tuple[BreakpointSpec, ...] = ()
    memory_breakpoints: tuple[MemoryBreakpointSpec, ...] = ()
    stop_on_entry: bool = False
    on_paused: Callable[[PausedState], None] | None = None
    on_message: Callable[[DebugMessage], None] | None = None


@dataclass(frozen=True)
class _Launch:
    source: str
    file: str
    debug: DebugOptions | None


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
        self.variables: dict[str, Any] = {}  # param-* values of the open bot package
        # The host's overrides of app.services.settings (ServiceContext.settings), read at each
        # start:
        # the IDE's "Skip keywords without a local service" puts unsupported_keywords=skip
        # here, as ``talkbench run --skip-unsupported`` does in app.run.headless.
        self.service_settings: dict[str, Any] = {}
        # The dialog's folder (config.csv, .gbkb, files of the package are found from it):
        # the IDE names runs by the tab's title, so it sets the folder apart.
        self.folder = ""
        self._observers: list[Observer] = []
        self._task: asyncio.Task[Any] | None = None
        self._setup: RunSetup | None = None  # this run's providers; the next start closes them
        self.debugger: Debugger | None = None  # the current (or last) debug run's debugger
        self.verified: list[Breakpoint] = []  # its line breakpoints after verification
        self._last: _Launch | None = None
        # Conversation debugging (app.run.turns, interpreter.debug.conversation) plugs in here:
        # the Debugger class a debug start builds, and a wrapper around the bot memory.
        self.debugger_factory: Callable[..., Debugger] = Debugger
        self.memory_wrapper: Callable[[BotMemory], BotMemory] = lambda memory: memory

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

    @property
    def debugging(self) -> bool:
        """A run under the debugger is in progress (paused or not)."""
        return self.running and self.debugger is not None

    @property
    def paused(self) -> bool:
        return self.running and self.debugger is not None and self.debugger.paused

    def start(
        self, source: str, file: str, debug: DebugOptions | None = None
    ) -> asyncio.Task[Any]:
        """Compile (raises BasicSyntaxError), check the bot (DatabaseError when it names no bot
        and cannot be added, or two bots) and run as a task on the running loop.

        With ``debug`` the program is compiled as a debug build and runs under a Debugger;
        without it the run has no hooks at all. A run already in progress is stopped first:
        the IDE runs one dialog at a time.
        """
        compiled = load_source(source, file, debug=debug is not None)
        check_bot = getattr(self.store, "check_bot", None)
        if check_bot is not None:  # app.db.bots: an unusable bot is an error before anything runs
            check_bot(self.bot)
        self.stop()
        self._last = _Launch(source, file, debug)
        self.debugger, self.verified = None, []
        if debug is not None:
            self.debugger = self.debugger_factory(
                compiled.program,
                on_paused=debug.on_paused,
                on_message=debug.on_message,
                stop_on_entry=debug.stop_on_entry,
            )
            self.verified = self.debugger.set_breakpoints(list(debug.breakpoints))
            self.debugger.set_memory_breakpoints(list(debug.memory_breakpoints))
        if self._setup is not None:
            self._setup.close()
        self._setup = RunSetup.for_dialog(
            self.store, self.bot, self.folder or (str(Path(file).parent) if file else ""),
            self.service_settings)
        runtime = self._setup.runtime(RunSpec(
            compiled,
            self.channel,
            memory=self.memory_wrapper(self.store.bot(self.bot)),
            on_event=self._emit,
            session=self.session,
            variables=self.variables,
            skip_waits=self.skip_waits,
            debugger=self.debugger,
        ))
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
        """Cancel the running dialog (the runtime reports Stopped); False if none ran.

        A paused run is released by the debugger and cancelled like any other.
        """
        if not self.running:
            return False
        assert self._task is not None
        if self.debugger is not None:
            self.debugger.stop()
        self._task.cancel()
        return True

    def restart(self, source: str | None = None) -> asyncio.Task[Any]:
        """Stop and start the last launch again, in the same mode and with the current
        breakpoints; ``source`` replaces its text (the editor may have changed)."""
        if self._last is None:
            raise RuntimeError("nothing was started yet")
        last = self._last
        return self.start(last.source if source is None else source, last.file, last.debug)

    # -- breakpoints (kept for restart, applied live to a debug run) ------------------------

    def set_breakpoints(self, specs: list[BreakpointSpec]) -> list[Breakpoint]:
        """Replace the line breakpoints; returns them verified (empty when no debug run)."""
        self._update_debug(breakpoints=tuple(specs))
        if self.debugger is None:
            return []
        self.verified = self.debugger.set_breakpoints(list(specs))
        return self.verified

    def set_memory_breakpoints(self, specs: list[MemoryBreakpointSpec]) -> None:
        self._update_debug(memory_breakpoints=tuple(specs))
        if self.debugger is not None:
            self.debugger.set_memory_breakpoints(list(specs))

    def _update_debug(self, **changes: Any) -> None:
        last = self._last
        if last is not None and last.debug is not None:
            self._last = replace(last, debug=replace(last.debug, **changes))

    def new_session(self) -> Session:
        """Forget the conversation (variables, suggestions) but keep talking as the same user:
        bot and user memory persist (a fresh Session would make every later run the one
        shared "anonymous" user)."""
        self.stop()
        self.session = Session(user_id=self.session.user_id)
        return self.session
