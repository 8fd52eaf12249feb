"""One client connection: bytes in, DAP frames decoded, the session's answers framed out.

Transport-agnostic (``read_chunk``/``write``): the stdio and TCP servers both run it. For TCP
it also applies the access gate, the idle timeout before an authorised launch, the HTTP
screen and back-pressure (see ``access`` and ``tcp``).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from .access import Gate
from .framing import FrameDecoder, FramingError, HeaderScreen, encode
from .session import DapSession, Flow

READ_CHUNK = 65536


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
                note(f"no authorised launch within {waiting:g} s; closing the connection")
                break
            except ConnectionError:
                break  # the client vanished
            if not chunk:
                break
            try:
                messages = decoder.feed(chunk)
            except FramingError as e:
                note(f"{e}; closing the connection")
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
                note(refusal.message.split(":")[0] + "; closing the connection")
                return False
            continue
        await session.handle(message)
        if session.done:
            return False
    return True


def note(text: str) -> None:
    print(f"talkbench dap: {text}", file=sys.stderr, flush=True)
