"""A dialog run under the debugger, driven pause by pause (shared by the debug-build tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from textwrap import dedent
from typing import Any

from interpreter import Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import BreakpointSpec, PausedState
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

Command = Callable[[Debugger], Any]


class Run:
    """Runs a dialog under the debugger; each pause runs the next command, then resumes."""

    def __init__(self, source: str, breakpoints: list[BreakpointSpec] = (),
                 commands: list[Command] = (), memory_breakpoints=(), **runtime: Any):
        self.compiled = load_source(dedent(source), "locals.bas", debug=True)
        self.commands = list(commands)
        self.states: list[PausedState] = []
        self.results: list[Any] = []
        self.messages: list[Any] = []
        self.dbg = Debugger(self.compiled.program, on_paused=self.paused,
                            on_message=self.messages.append)
        self.dbg.set_breakpoints(list(breakpoints))
        self.dbg.set_memory_breakpoints(list(memory_breakpoints))
        self.channel = QueuedChannel()
        self.memory = DictMemory()
        self.runtime = Runtime(self.compiled, self.channel, self.memory, debugger=self.dbg,
                               **runtime)
        self.value: Any = None

    def paused(self, state: PausedState) -> None:
        self.states.append(state)
        command = self.commands.pop(0) if self.commands else None
        asyncio.get_running_loop().call_soon(self.apply, command)

    def apply(self, command: Command | None) -> None:
        try:
            if command is not None:
                self.results.append(command(self.dbg))
        except Exception as e:  # noqa: BLE001 - recorded, and the run must not hang
            self.results.append(e)
        finally:
            if self.dbg.paused:
                self.dbg.resume()

    def run(self) -> Run:
        self.value = asyncio.run(self.runtime.run())
        return self

    @property
    def texts(self) -> list[str]:
        return self.channel.texts
