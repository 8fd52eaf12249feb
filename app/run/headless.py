"""Running one dialog without a GUI: the engine behind ``talkbench run``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from interpreter import CompiledProgram, load_source
from interpreter.events import Printed
from interpreter.ports.host import BotMemory

from ..memory.session import Origin
from .setup import RunSetup, RunSpec
from .stdio_channel import StdioChannel

FLUSH_TIMEOUT = 30.0  # seconds to wait for queued memory writes at exit


@dataclass
class HeadlessRun:
    compiled: CompiledProgram
    memory: BotMemory
    store: Any  # the MemoryStore to flush and close
    channel: StdioChannel
    timeout: float | None
    skip_waits: bool
    input_file: TextIO | None = None
    setup: RunSetup | None = None  # the run's providers, closed by :meth:`close`
    variables: dict[str, Any] | None = None  # param-* values of a bot package
    memory_session: Any = None  # the app.memory.session.MemorySession that owns ``store``

    @classmethod
    def prepare(cls, source: str, file: str, *, db: str | None, bot: str,
                input_path: Path | None = None, timeout: float | None = None,
                skip_waits: bool = False,
                variables: dict[str, Any] | None = None,
                skip_unsupported: bool = False) -> HeadlessRun:
        """Compile first (a syntax error must not touch the database), then open the memory
        (the bot resolved, writes recorded with their provenance: :mod:`app.memory.session`)."""
        from ..memory.session import MemorySession

        compiled = load_source(source, file)
        memory_session = MemorySession.open(db, bot)
        store, bot = memory_session.store, memory_session.bot
        store.subscribe(_report_failed_writes)
        # Open for the whole run and closed by close(): a context manager cannot span both.
        inp = open(input_path, encoding="utf-8") if input_path else None  # noqa: SIM115
        options = {"unsupported_keywords": "skip"} if skip_unsupported else {}
        setup = RunSetup.for_dialog(store, bot, str(Path(file).parent), options)
        return cls(compiled, store.bot(bot), store, StdioChannel(inp=inp), timeout,
                   skip_waits, inp, setup, variables, memory_session)

    async def execute(self) -> int:
        assert self.setup is not None, "HeadlessRun.prepare builds the set-up"
        spec = RunSpec(self.compiled, self.channel, memory=self.memory, origin=Origin.RUN,
                       on_event=_print_event, variables=self.variables or {},
                       skip_waits=self.skip_waits, timeout=self.timeout)
        await self.setup.runtime(spec).run()
        return 0

    def close(self) -> bool:
        """Flush queued memory writes; False when some could not be written."""
        if self.input_file:
            self.input_file.close()
        if self.setup is not None:
            self.setup.close()
        ok = self.store.flush(FLUSH_TIMEOUT)
        if self.memory_session is not None:
            self.memory_session.close(FLUSH_TIMEOUT)
        else:
            self.store.close()
        if not ok:
            print("talkbench: error: some memory writes could not be saved", file=sys.stderr)
        return ok


def _print_event(event: object) -> None:
    if isinstance(event, Printed):
        prefix = "" if event.level == "info" else f"{event.level}: "
        print(prefix + event.text, file=sys.stderr, flush=True)


def _report_failed_writes(change: Any) -> None:
    if getattr(change, "state", None) is not None and change.state.name == "FAILED":
        message = getattr(change, "error", "") or "write failed"
        print(f"talkbench: memory write of '{change.key}' failed: {message} (will retry)",
              file=sys.stderr, flush=True)
