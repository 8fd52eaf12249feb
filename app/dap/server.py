"""``talkbench dap``: DAP over stdin/stdout, or (``--port``) over TCP (see ``tcp``).

In stdio mode the protocol owns file descriptor 1: the real stdout is kept for frames and
fd 1 is pointed at stderr, so a stray ``print`` anywhere cannot corrupt the stream.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from typing import BinaryIO

from ..security.tokens import new_token
from .connection import READ_CHUNK, serve_session
from .tcp import IDLE_TIMEOUT, TcpOptions, serve_tcp


async def serve_stdio() -> int:
    """Speak DAP on this process's stdin/stdout until ``disconnect`` or EOF."""
    sys.stdout.flush()
    out: BinaryIO = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything else written to stdout now lands on stderr
    sys.stdout = sys.stderr
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    fd = sys.stdin.fileno()

    def reader() -> None:
        # A daemon thread: a blocked read must not keep the process alive at exit.
        while True:
            try:
                data = os.read(fd, READ_CHUNK)
            except OSError:
                data = b""
            loop.call_soon_threadsafe(chunks.put_nowait, data)
            if not data:
                return

    threading.Thread(target=reader, name="talkbench-dap-stdin", daemon=True).start()

    def write(frame: bytes) -> None:
        out.write(frame)

    try:
        await serve_session(chunks.get, write)
    finally:
        out.close()
    return 0


def run(port: int | None = None, token: str | None = None,
        idle_timeout: float = IDLE_TIMEOUT) -> int:
    """Entry point of ``talkbench dap [--port N]``; Ctrl-C, SIGTERM, SIGHUP … end it cleanly:
    a connected session ends as if its client had left (its run stopped, memory flushed)."""
    from ..run.exit_signals import on_ending_signals

    async def main() -> int:
        stop = asyncio.Event()
        if port is None:
            task = asyncio.ensure_future(serve_stdio())
        else:
            options = TcpOptions(port, token or new_token(), idle_timeout)
            task = asyncio.ensure_future(serve_tcp(options, stop))
        def on_signal(_signum: int) -> None:
            if port is None:
                task.cancel()
            else:
                stop.set()

        on_ending_signals(asyncio.get_running_loop(), on_signal)
        try:
            return await task
        except asyncio.CancelledError:
            return 0

    return asyncio.run(main())
