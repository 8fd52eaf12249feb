"""The ``http`` service: real HTTP on the event loop with httpx (pooled connections).

Each request is a coroutine of the dialog's own task, so Stop (task cancellation) ends a
request in flight at once and closes its connection; nothing waits in a worker thread.
Connections are pooled per event loop and reused by later requests of the dialog (HTTP
keywords, LLM, search, media, SMS providers all share this client type). Connection failures
and timeouts become :class:`ServiceError` messages that name the URL; a non-2xx response is
returned as it is (the keyword reports status and body).

:meth:`HttpxClient.stream` hands back the body chunk by chunk instead (DOWNLOAD writes each
chunk to disk), with the same per-read timeout; a body cut short (fewer bytes than its
Content-Length, a broken chunked encoding) is a ServiceError.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import weakref
from collections.abc import AsyncIterator

import httpx

from interpreter.ports.services import HttpClient, HttpResponse, ServiceError

from ..registry import ServiceContext, service_factory
from ..settings import load_settings

USER_AGENT = "Talkbench (General Bots BASIC IDE)"
MAX_BODY = 50 * 1024 * 1024  # bytes; a larger response is an error, not a frozen dialog
CHUNK = 64 * 1024  # bytes per read of a streamed body
_DEFAULT_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json, text/*, */*"}
_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=15)
# aclose() tasks of clients closed while their loop runs: kept until done (a bare task may be
# garbage-collected before it finishes).
_CLOSING: set[asyncio.Task[None]] = set()


class HttpxClient:
    """:class:`~interpreter.ports.services.HttpClient` over an ``httpx.AsyncClient`` per event
    loop (a pool is bound to the loop it was made on; tests run several loops)."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                 httpx.AsyncClient] = weakref.WeakKeyDictionary()

    async def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            # Made in a worker thread: loading the certificate store takes 30-250 ms, which
            # on the GUI thread's loop would freeze the IDE at a dialog's first request.
            made = await asyncio.to_thread(
                httpx.AsyncClient, follow_redirects=True, limits=_LIMITS,
                headers=_DEFAULT_HEADERS)
            client = self._clients.get(loop)
            if client is None or client.is_closed:
                client = self._clients[loop] = made
            else:  # another request of this loop made one meanwhile
                await made.aclose()
        return client

    async def request(self, method: str, url: str, headers: dict[str, str],
                      body: bytes | None = None, timeout: float | None = None) -> HttpResponse:
        limit = timeout or self.timeout
        try:
            async with (await self._client()).stream(method, url, headers=headers, content=body,
                                             timeout=limit) as response:
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_BODY:
                        raise ServiceError(f"{method} {url}: the response is larger than "
                                           f"{MAX_BODY // (1024 * 1024)} MB")
                return HttpResponse(response.status_code, response.reason_phrase,
                                    _raw_headers(response), bytes(data))
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as e:
            raise _failure(method, url, limit, e) from None

    @contextlib.asynccontextmanager
    async def stream(self, method: str, url: str, headers: dict[str, str],
                     body: bytes | None = None, timeout: float | None = None
                     ) -> AsyncIterator[HttpStream]:
        """The response with its body still unread: ``async with client.stream(…) as r``,
        then ``async for chunk in r.chunks()``. The connection is closed on leaving."""
        limit = timeout or self.timeout
        # The bytes as sent: a file is saved as the server has it, and its Content-Length
        # counts the bytes that arrive.
        wanted = {"Accept-Encoding": "identity", **headers}
        try:
            opened = (await self._client()).stream(method, url, headers=wanted, content=body,
                                           timeout=limit)
            response = await opened.__aenter__()
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as e:
            raise _failure(method, url, limit, e) from None
        try:
            yield HttpStream(response, method, url, limit)
        finally:
            await opened.__aexit__(None, None, None)

    def close(self) -> None:
        """Close the pools: at once on a loop that is not running, else in a task of it."""
        for loop, client in list(self._clients.items()):
            if client.is_closed or loop.is_closed():
                continue
            if loop.is_running():
                task = loop.create_task(client.aclose())
                _CLOSING.add(task)
                task.add_done_callback(_CLOSING.discard)
            else:
                loop.run_until_complete(client.aclose())
        self._clients.clear()


class HttpStream:
    """An open response whose body is read chunk by chunk as it arrives."""

    def __init__(self, response: httpx.Response, method: str, url: str,
                 timeout: float) -> None:
        self._response = response
        self._raw = response.aiter_raw()
        self._pending = b""
        self.method, self.url, self.timeout = method, url, timeout
        self.status: int = response.status_code
        self.reason: str = response.reason_phrase
        self.headers: tuple[tuple[str, str], ...] = _raw_headers(response)
        self.received = 0

    @property
    def length(self) -> int | None:
        """The Content-Length the server announced, if any."""
        value = self._response.headers.get("Content-Length", "")
        return int(value) if value.strip().isdigit() else None

    async def chunks(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        """The body in pieces of at most ``size`` bytes; raises ServiceError when the
        connection breaks, a read times out, or the body is shorter than announced."""
        while data := await self._read(size):
            self.received += len(data)
            yield data
        expected = self.length
        if expected is not None and self.received < expected:
            raise ServiceError(f"{self.method} {self.url} failed: the connection closed after "
                               f"{self.received} of {expected} bytes")

    async def read(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the body (for an error message)."""
        return await self._read(limit)

    async def _read(self, size: int) -> bytes:
        if not self._pending:
            try:
                self._pending = await anext(self._raw, b"")
            except httpx.RemoteProtocolError as e:
                if self.length is not None:  # the check in chunks() says how much arrived
                    return b""
                raise ServiceError(f"{self.method} {self.url} failed: the connection closed "
                                   f"mid-body after {self.received} bytes ({e})") from None
            except (httpx.HTTPError, OSError) as e:
                raise _failure(self.method, self.url, self.timeout, e,
                               f" after {self.received} bytes") from None
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def _raw_headers(response: httpx.Response) -> tuple[tuple[str, str], ...]:
    """The headers with their names as the server spelled them."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)


def _failure(method: str, url: str, timeout: float, error: BaseException,
             where: str = "") -> ServiceError:
    """The user-facing message of a failed request or read."""
    if isinstance(error, ServiceError):
        return error
    if isinstance(error, (httpx.TimeoutException, TimeoutError)):
        return ServiceError(f"{method} {url} timed out{where} (no data for {timeout:g} s)"
                            if where else f"{method} {url} timed out after {timeout:g} s")
    return ServiceError(f"{method} {url} failed{where}: {_reason(error)}")


def _reason(error: BaseException) -> str:
    causes = list(_causes(error))
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (is the server running?)"
        if isinstance(cause, socket.gaierror):
            return f"unknown host ({cause.strerror})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({cause.reason or cause})"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "only http:// and https:// URLs are supported"
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    return str(error) or type(error).__name__


def _causes(error: BaseException) -> list[BaseException]:
    """``error``, what caused it, and the members of exception groups among them (the
    connection attempts of anyio's happy eyeballs), breadth first."""
    found: list[BaseException] = []
    todo = [error]
    while todo:
        current = todo.pop(0)
        if current in found:
            continue
        found.append(current)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
    return found


@service_factory("http")
def make_http(context: ServiceContext) -> HttpClient:
    settings = load_settings(context.dialog_dir, context.settings)
    return HttpxClient(settings.http_timeout)
