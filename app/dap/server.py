"""Transports for :class:`DapSession`: stdin/stdout, or a TCP port on 127.0.0.1.

In stdio mode the protocol owns file descriptor 1: the real stdout is kept for frames and
fd 1 is pointed at stderr, so a stray ``print`` anywhere cannot corrupt the stream.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from .framing import FrameDecoder, FramingError, encode
from .session import DapSession

READ_CHUNK = 65536
HOST = "127.0.0.1"



async def serve_session(read_chunk: Callable[[], Any], write: Callable[[bytes], None]) -> None:
    """Run one session until the client disconnects or its stream ends."""
    session = DapSession(lambda message: write(encode(message)))
    decoder = FrameDecoder()
    try:
        while not session.done:
            chunk = await read_chunk()
            if not chunk:
                break
            try:
                messages = decoder.feed(chunk)
            except FramingError as e:
                print(f"talkbench dap: {e}; closing the connection", file=sys.stderr)
                break
            for message in messages:
                await session.handle(message)
                if session.done:
                    break
    finally:
        await session.close()


# ---------------------------------------------------------------- stdio


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


# ---------------------------------------------------------------- TCP


class TcpServer:
    """Listens on 127.0.0.1; one client at a time, a second one is turned away."""

    def __init__(self, port: int, announce: Callable[[int], None] | None = None) -> None:
        self.port = port
        self.announce = announce or (lambda port: None)
        self._busy = False

    async def serve_forever(self) -> None:
        server = await asyncio.start_server(self._client, HOST, self.port)
        self.port = server.sockets[0].getsockname()[1]
        self.announce(self.port)
        async with server:
            await server.serve_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._busy:
            print("talkbench dap: another client is connected; refusing this one",
                  file=sys.stderr, flush=True)
            writer.close()
            return
        self._busy = True
        try:
            await serve_session(lambda: reader.read(READ_CHUNK), writer.write)
            await writer.drain()
        except ConnectionError:
            pass  # the client vanished; the session already cleaned up
        finally:
            self._busy = False
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass


async def serve_tcp(port: int) -> int:
    def announce(actual: int) -> None:
        print(f"talkbench dap: listening on {HOST}:{actual}", file=sys.stderr, flush=True)

    await TcpServer(port, announce).serve_forever()
    return 0


def run(port: int | None = None) -> int:
    """Entry point of ``talkbench dap [--port N]``; Ctrl-C, SIGTERM, SIGHUP … end it cleanly."""
    from ..exit_signals import on_ending_signals

    async def main() -> int:
        task = asyncio.ensure_future(serve_stdio() if port is None else serve_tcp(port))
        on_ending_signals(asyncio.get_running_loop(), lambda _signum: task.cancel())
        try:
            return await task
        except asyncio.CancelledError:
            return 0

    return asyncio.run(main())
