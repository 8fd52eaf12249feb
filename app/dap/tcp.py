"""``talkbench dap --port``: one client at a time on 127.0.0.1, behind the access token.

A second client is answered "busy"; a client reconnecting right after its connection dropped
waits for the old session's cleanup instead of being turned away; writes to a vanished
client are dropped silently; a client that stops reading holds TALK back (``drain``) and is
dropped past a cap on unread output; SIGINT/SIGTERM end the connected session as if its
client had left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from ..security.tokens import new_token
from .access import Gate, screen_http
from .connection import READ_CHUNK, note, serve_session
from .framing import FrameDecoder, FramingError, encode

HOST = "127.0.0.1"

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
    token: str = field(default_factory=new_token)
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
                note(f"the client has not read {limit} bytes of output; dropping it")
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
    note("another client is connected; refusing this one")
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
        note(f"listening on {HOST}:{actual}")
        note(f'access token: {options.token} (add "token": "{options.token}" to the '
              "launch configuration)")

    server = TcpServer(options, announce)
    if stop is not None:
        asyncio.get_running_loop().create_task(_relay(stop, server))
    await server.serve_forever()
    return 0


async def _relay(stop: asyncio.Event, server: TcpServer) -> None:
    await stop.wait()
    server.stop()
