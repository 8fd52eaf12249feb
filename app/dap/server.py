"""Transports for :class:`DapSession`: stdin/stdout, or a TCP port on 127.0.0.1.

In stdio mode the protocol owns file descriptor 1: the real stdout is kept for frames and
fd 1 is pointed at stderr, so a stray ``print`` anywhere cannot corrupt the stream.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .access import Gate, make_token, screen_http
from .framing import FrameDecoder, FramingError, HeaderScreen, encode
from .session import DapSession, Flow

READ_CHUNK = 65536
HOST = "127.0.0.1"


async def serve_session(read_chunk: Callable[[], Awaitable[bytes]],
                        write: Callable[[bytes], None], *, gate: Gate | None = None,
                        idle_timeout: float | None = None, flow: Flow | None = None,
                        screen: HeaderScreen | None = None,
                        on_gone: Callable[[], None] = lambda: None) -> None:
    """Run one session until the client disconnects or its stream ends.

    ``gate`` admits requests (the access token); until it has, a connection silent for
    ``idle_timeout`` seconds is closed. ``on_gone`` is called as soon as the client is gone,
    before the run is stopped and the store flushed."""
    session = DapSession(lambda message: write(encode(message)), flow)
    decoder = FrameDecoder(screen=screen)
    try:
        while not session.done:
            waiting = idle_timeout if gate is not None and not gate.admitted else None
            try:
                chunk = await asyncio.wait_for(read_chunk(), waiting)
            except TimeoutError:
                _note(f"no authorised launch within {waiting:g} s; closing the connection")
                break
            except ConnectionError:
                break  # the client vanished
            if not chunk:
                break
            try:
                messages = decoder.feed(chunk)
            except FramingError as e:
                _note(f"{e}; closing the connection")
                break
            if not await _handle_all(session, messages, gate):
                break
    finally:
        on_gone()
        await session.close()


async def _handle_all(session: DapSession, messages: list[dict[str, Any]],
                      gate: Gate | None) -> bool:
    """Handle a chunk's messages; False when the connection must end."""
    for message in messages:
        refusal = gate.check(message) if gate is not None else None
        if refusal is not None:
            session.refuse(message, refusal.message)
            if refusal.close:
                _note(refusal.message.split(":")[0] + "; closing the connection")
                return False
            continue
        await session.handle(message)
        if session.done:
            return False
    return True


def _note(text: str) -> None:
    print(f"talkbench dap: {text}", file=sys.stderr, flush=True)


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

IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent before its authorised launch
BUSY_TIMEOUT = 5.0  # seconds a turned-away client gets to send the request we answer
MAX_UNREAD = 8 * 1024 * 1024  # bytes sent but not yet read by the client: beyond, drop it
SHUTDOWN_TIMEOUT = 40.0  # seconds to end the sessions on SIGTERM (a flush may take 30)
# A client that reconnects right after its connection dropped may arrive before the loop has
# seen the drop (the reset is queued behind the new accept): it gets this long to notice.
DROP_GRACE = 1.0


@dataclass(frozen=True)
class TcpOptions:
    port: int
    token: str = field(default_factory=make_token)
    idle_timeout: float = IDLE_TIMEOUT
    max_unread: int = MAX_UNREAD


class TcpServer:
    """Listens on 127.0.0.1; one client at a time. A second one is answered "busy"; a new
    one arriving while a vanished client's run is still being stopped waits for that."""

    def __init__(self, options: TcpOptions,
                 announce: Callable[[int], None] | None = None) -> None:
        self.options = options
        self.port = options.port
        self.announce = announce or (lambda port: None)
        self._connected = False  # a client holds the slot (its socket is open)
        self._freed = asyncio.Event()  # set when the connected client goes
        self._slot = asyncio.Lock()  # held from connect until its session is cleaned up
        self._clients: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """End serving (SIGINT/SIGTERM): connected sessions end as if their client left."""
        self._stop.set()

    async def serve_forever(self) -> None:
        server = await asyncio.start_server(self._client, HOST, self.port)
        self.port = server.sockets[0].getsockname()[1]
        self.announce(self.port)
        try:
            await self._stop.wait()
        finally:
            server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            if self._clients:
                await asyncio.wait(list(self._clients), timeout=SHUTDOWN_TIMEOUT)
            await server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)
        self._writers.add(writer)
        try:
            if self._connected:
                try:
                    await asyncio.wait_for(self._freed.wait(), DROP_GRACE)
                except TimeoutError:
                    pass
            if self._connected:
                await _turn_away(reader, writer)
            else:
                self._connected = True
                self._freed.clear()
                async with self._slot:
                    await self._serve(reader, writer)
        finally:
            self._clients.discard(task)
            self._writers.discard(writer)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport = writer.transport
        limit = self.options.max_unread

        def write(frame: bytes) -> None:
            if transport.is_closing():
                return  # the client is gone: nothing to tell it, and nothing to log
            if transport.get_write_buffer_size() > limit:
                _note(f"the client has not read {limit} bytes of output; dropping it")
                transport.abort()
                return
            writer.write(frame)

        async def flow() -> None:
            if not transport.is_closing():
                try:
                    await writer.drain()
                except ConnectionError:
                    pass  # the read loop sees the same loss and ends the session

        def gone() -> None:
            self._connected = False
            self._freed.set()

        await serve_session(lambda: reader.read(READ_CHUNK), write,
                            gate=Gate(self.options.token),
                            idle_timeout=self.options.idle_timeout, flow=flow,
                            screen=screen_http, on_gone=gone)


async def _turn_away(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer the busy port's visitor's first request (its ``initialize``) with an error,
    so the editor shows why instead of a silently closed connection."""
    _note("another client is connected; refusing this one")
    decoder = FrameDecoder(screen=screen_http)
    try:
        async with asyncio.timeout(BUSY_TIMEOUT):
            while True:
                chunk = await reader.read(READ_CHUNK)
                if not chunk:
                    return
                requests = [m for m in decoder.feed(chunk) if m.get("type") == "request"]
                if requests:
                    break
    except (TimeoutError, FramingError, ConnectionError):
        return
    first = requests[0]
    writer.write(encode({"seq": 1, "type": "response", "request_seq": first.get("seq", 0),
                         "command": str(first.get("command", "")), "success": False,
                         "message": "talkbench dap is busy: another client is debugging on "
                                    "this port; try again when it has disconnected"}))
    try:
        await writer.drain()
    except ConnectionError:
        pass


async def serve_tcp(options: TcpOptions, stop: asyncio.Event | None = None) -> int:
    def announce(actual: int) -> None:
        _note(f"listening on {HOST}:{actual}")
        _note(f'access token: {options.token} (add "token": "{options.token}" to the '
              "launch configuration)")

    server = TcpServer(options, announce)
    if stop is not None:
        asyncio.get_running_loop().create_task(_relay(stop, server))
    await server.serve_forever()
    return 0


async def _relay(stop: asyncio.Event, server: TcpServer) -> None:
    await stop.wait()
    server.stop()


def run(port: int | None = None, token: str | None = None,
        idle_timeout: float = IDLE_TIMEOUT) -> int:
    """Entry point of ``talkbench dap [--port N]``; Ctrl-C or SIGTERM ends it cleanly: a
    connected session ends as if its client had left (its run stopped, memory flushed)."""
    import signal

    async def main() -> int:
        stop = asyncio.Event()
        if port is None:
            task = asyncio.ensure_future(serve_stdio())
        else:
            options = TcpOptions(port, token or make_token(), idle_timeout)
            task = asyncio.ensure_future(serve_tcp(options, stop))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel if port is None else stop.set)
        try:
            return await task
        except asyncio.CancelledError:
            return 0

    return asyncio.run(main())
