"""Channels of headless runs: the CLI's (TALK to stdout, HEAR from stdin or an input file), and
the one of runs nobody answers (schedules, webhooks)."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import IO

from interpreter.ports.host import BotMessage, HearRequest
from interpreter.values import BasicValueError


class StdioChannel:
    """Each TALK is one line on stdout; each HEAR reads one line."""

    def __init__(self, out: IO[str] | None = None, inp: IO[str] | None = None):
        self.out = out or sys.stdout
        self.inp = inp or sys.stdin

    async def talk(self, message: BotMessage) -> None:
        prefix = f"[to {message.recipient}] " if message.recipient else ""
        self.out.write(prefix + message.text + "\n")
        self.out.flush()

    async def hear(self, request: HearRequest) -> str:
        line = await self._readline()
        if line == "":
            raise BasicValueError(f"HEAR {request.variable}: no more input")
        return line.rstrip("\r\n")

    def _readline(self) -> asyncio.Future[str]:
        # A daemon thread, not the default executor: a blocked read must not keep the
        # process alive after Ctrl-C or SIGTERM stops the run.
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[str] = loop.create_future()

        def read() -> None:
            try:
                line = self.inp.readline()
            except (OSError, ValueError) as e:  # closed or unreadable stdin
                loop.call_soon_threadsafe(_set_result, fut, "", e)
                return
            loop.call_soon_threadsafe(_set_result, fut, line, None)

        threading.Thread(target=read, name="talkbench-stdin", daemon=True).start()
        return fut


def _set_result(fut: asyncio.Future[str], line: str, error: BaseException | None) -> None:
    if not fut.done():
        fut.set_result(line if error is None else "")


class NoUserChannel:
    """Where a run without a user talks: each TALK is a line of ``out`` prefixed with the
    dialog's name; HEAR fails, naming the kind of run (``a scheduled run``)."""

    def __init__(self, name: str, out: Callable[[str], None], run: str) -> None:
        self._name = name
        self._out = out
        self._run = run

    async def talk(self, message: BotMessage) -> None:
        self._out(f"[{self._name}] {message.text}")

    async def hear(self, request: HearRequest) -> str:
        raise BasicValueError(f"HEAR {request.variable}: {self._run} has no user to answer")
