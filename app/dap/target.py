"""One debugged program: compile, memory store, the engine's Debugger, and its runs.

The session (``session.py``) speaks DAP; this module only knows the engine. It reports
through a :class:`TargetListener` and is driven by :meth:`start`, :meth:`stop` and
:meth:`restart`. A restart keeps the Debugger (and so its breakpoints) when the source did
not change, as ``Debugger.reset`` intends.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from interpreter import (
    BasicRuntimeError,
    CompiledProgram,
    Diagnostic,
    Runtime,
    Severity,
    load_source,
)
from interpreter.compat import check_engine, check_file
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import (
    BreakpointSpec,
    DebugMessage,
    MemoryBreakpointSpec,
    PausedState,
)
from interpreter.ports.host import HearRequest

from ..files.atomic_file import TextFormat, read_text_file
from ..memory.session import Origin
from ..run.setup import RunSetup, RunSpec
from . import arguments as a
from .channel import DapChannel
from .postmortem import PostMortem

EXIT_OK, EXIT_RUNTIME, EXIT_SYNTAX = 0, 1, 2  # as ``talkbench run``
EXIT_TERMINATED = 128 + 15  # as ``talkbench run`` stopped by SIGTERM
FLUSH_TIMEOUT = 30.0


class LaunchError(Exception):
    """The launch arguments cannot start a run (the message is for the user)."""


@dataclass(frozen=True)
class LaunchConfig:
    """The ``launch`` request's arguments that Talkbench understands."""

    program: Path
    db: str | None = None
    bot: str = "default"
    stop_on_entry: bool = False
    inputs: tuple[str, ...] = ()

    @classmethod
    def from_arguments(cls, args: Mapping[str, Any]) -> LaunchConfig:
        program = args.get("program")
        if not isinstance(program, str) or not program:
            raise LaunchError("launch needs 'program', the path of a .bas dialog")
        inputs = a.array(args, "inputs")
        db = a.text(args, "db") or None
        # The client's own spelling of the path, made absolute but not symlink-resolved:
        # frames and breakpoints must come back under the path the editor has open.
        path = Path(os.path.abspath(Path(program).expanduser()))
        return cls(path, db, a.text(args, "bot") or "default", a.boolean(args, "stopOnEntry"),
                   tuple(str(i) for i in inputs))


class TargetListener(Protocol):
    def paused(self, state: PausedState) -> None: ...

    def message(self, message: DebugMessage) -> None: ...

    def event(self, event: Any) -> None: ...

    def waiting(self, request: HearRequest) -> None: ...

    def failed_stop(self, stop: PostMortem) -> None: ...

    def ended(self, exit_code: int) -> None: ...


@dataclass
class DebugTarget:
    config: LaunchConfig
    listener: TargetListener
    compiled: CompiledProgram
    store: Any  # app.memory.store.MemoryStore
    debugger: Debugger
    break_on_errors: bool = False
    breakpoint_specs: list[BreakpointSpec] = field(default_factory=list)
    channel: DapChannel | None = None
    runtime: Runtime | None = None
    post_mortem: PostMortem | None = None
    _task: asyncio.Task[None] | None = None
    _setup: RunSetup | None = None
    _stopping: bool = False
    flow: Any = None  # awaited before each TALK: back-pressure from a slow client
    memory_session: Any = None  # the app.memory.session.MemorySession owning ``store``
    saved: TextFormat | None = None  # how the dialog's file stores its text, as last read

    @classmethod
    def launch(cls, config: LaunchConfig, listener: TargetListener,
               flow: Any = None) -> DebugTarget:
        """Compile (raises BasicSyntaxError before touching the database), then open the
        store (raises LaunchError)."""
        compiled, saved = _compile(config.program)
        from app.db.database import DatabaseError
        from app.memory.session import MemorySession

        try:  # the bot resolved, writes recorded with their provenance (app.memory.session)
            memory_session = MemorySession.open(config.db, config.bot)
        except DatabaseError as e:
            raise LaunchError(str(e)) from None
        target = cls(config, listener, compiled, memory_session.store,
                     _debugger(compiled, listener, config))
        target.flow = flow
        target.memory_session = memory_session
        target.saved = saved
        return target

    @property
    def bot(self) -> str:
        """The bot as bot lists name it (app.memory.session), else as launched."""
        return self.memory_session.bot if self.memory_session else self.config.bot

    @property
    def memory(self) -> Any:
        return self.store.bot(self.bot)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._stopping = False
        self.channel = DapChannel(self.config.inputs, on_waiting=self.listener.waiting,
                                  flow=self.flow)
        if self._setup is None:  # built once: restarts keep the providers' sessions
            self._setup = RunSetup.for_dialog(self.store, self.bot,
                                              str(self.config.program.parent))
        self.runtime = self._setup.runtime(RunSpec(
            self.compiled, self.channel, memory=self.memory, origin=Origin.DAP,
            on_event=self.listener.event, debugger=self.debugger))
        self._task = asyncio.get_running_loop().create_task(self._run(self.runtime))

    async def stop(self) -> None:
        """End the current run (its ``ended`` is still reported) and wait for it."""
        await self._cancel(self._task)

    async def _cancel(self, task: asyncio.Task[None] | None) -> None:
        if task is None:
            return
        self._stopping = True
        self.debugger.stop()
        if self.post_mortem is not None:
            self.post_mortem.release()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def restart(self, config: LaunchConfig) -> None:
        """Stop quietly and run again; a changed source is compiled again (syntax errors
        raise and leave nothing running)."""
        task, self._task = self._task, None
        await self._cancel(task)
        compiled, self.saved = _compile(config.program)
        if compiled.program.source != self.compiled.program.source:
            memory_specs = [s for specs in self.debugger.memory_breakpoints.values()
                            for s in specs]
            self.compiled = compiled
            self.debugger = _debugger(compiled, self.listener, config)
            self.debugger.set_breakpoints(self.breakpoint_specs)
            self.debugger.set_memory_breakpoints(memory_specs)
        else:
            self.debugger.reset(config.stop_on_entry)
        self.config = config
        self.start()

    async def close(self) -> None:
        """Stop quietly, flush and close the store."""
        task, self._task = self._task, None
        await self._cancel(task)
        if self._setup is not None:
            self._setup.close()
        closer = self.memory_session.close if self.memory_session else self.store.close
        await asyncio.get_running_loop().run_in_executor(None, closer, FLUSH_TIMEOUT)

    def set_breakpoints(self, specs: list[BreakpointSpec]) -> list[Any]:
        self.breakpoint_specs = list(specs)
        return self.debugger.set_breakpoints(self.breakpoint_specs)

    def set_memory_breakpoints(self, specs: list[MemoryBreakpointSpec]) -> None:
        self.debugger.set_memory_breakpoints(specs)

    # ------------------------------------------------------------ the run

    async def _run(self, runtime: Runtime) -> None:
        me = asyncio.current_task()
        try:
            await runtime.run()
            code = EXIT_OK
        except asyncio.CancelledError:
            code = EXIT_TERMINATED
        except BasicRuntimeError as e:
            code = EXIT_RUNTIME
            if self.break_on_errors and not self._stopping:
                await self._stop_on_error(e, runtime)
        flushed = await asyncio.get_running_loop().run_in_executor(
            None, self.store.flush, FLUSH_TIMEOUT)
        if self._task is me:  # a restart or close replaced/cleared the task: stay quiet
            self.listener.ended(code if flushed or code else EXIT_RUNTIME)

    async def _stop_on_error(self, error: BasicRuntimeError, runtime: Runtime) -> None:
        self.post_mortem = PostMortem(error, runtime)
        self.listener.failed_stop(self.post_mortem)
        try:
            await self.post_mortem.wait()
        except asyncio.CancelledError:
            pass  # stopped while stopped on the error: the run ends all the same
        finally:
            self.post_mortem = None


def _compile(path: Path) -> tuple[CompiledProgram, TextFormat]:
    """The dialog compiled for debugging, and how its file stores its text."""
    try:
        source, saved = read_text_file(path)  # any BOM/encoding, as ``talkbench run`` reads it
    except FileNotFoundError:
        raise LaunchError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LaunchError(f"{path}: cannot read it: {e}") from None
    from ..services.settings import load_settings

    try:  # the folder's engine settings, as ``talkbench check`` reads them
        engine = load_settings(path.parent).engine_options()
    except ValueError as e:
        raise LaunchError(str(e)) from None
    return load_source(source, str(path), debug=True, engine=engine), saved


def engine_notes(compiled: CompiledProgram, saved: TextFormat | None = None) -> list[Diagnostic]:
    """What ``talkbench check`` warns about the dialog with the folder's engine settings:
    first whether production can read the file as ``saved`` stores it (a BOM, Windows-1252),
    then its translation by the General Bots converter (``interpreter.compat``), whose errors
    stopped the launch already when those settings make them errors."""
    from ..services.settings import load_settings

    program = compiled.program
    try:
        engine = load_settings(Path(program.file).parent).engine_options()
    except ValueError:
        return []  # _compile read the same settings and reported them
    return check_file(program.source, program.file, saved, engine) + [
        d for d in check_engine(program.source, program, engine)
        if d.severity is not Severity.ERROR]


def _debugger(compiled: CompiledProgram, listener: TargetListener,
              config: LaunchConfig) -> Debugger:
    return Debugger(compiled.program, on_paused=listener.paused, on_message=listener.message,
                    stop_on_entry=config.stop_on_entry)
