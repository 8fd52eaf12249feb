"""The ``http`` service: real HTTP with the standard library, off the event loop.

``urllib`` blocks, so each request runs in a worker thread (``asyncio.to_thread``); the
dialog awaits it and the GUI thread never waits on the network. Connection failures and
timeouts become :class:`ServiceError` messages that name the URL; a non-2xx response is
returned as it is (the keyword reports status and body).

:meth:`UrllibHttpClient.stream` hands back the body chunk by chunk instead (DOWNLOAD writes
each chunk to disk), each read in a worker thread with the same per-read timeout; a body cut
short (fewer bytes than its Content-Length, a broken chunked encoding) is a ServiceError.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

from interpreter.service_ports import HttpResponse, ServiceError

from ..services import ServiceContext, service_factory
from ..settings import load_settings

USER_AGENT = "Talkbench (General Bots BASIC IDE)"
MAX_BODY = 50 * 1024 * 1024  # bytes; a larger response is an error, not a frozen dialog
CHUNK = 64 * 1024  # bytes per read of a streamed body
# What a request or a read raises when the network fails (URLError and timeouts are OSErrors).
_NETWORK_ERRORS = (OSError, ValueError, http.client.HTTPException)


class _NoRedirectErrors(urllib.request.HTTPErrorProcessor):
    """Hand every status back as a response instead of raising HTTPError."""

    def http_response(self, request: Any, response: Any) -> Any:
        return response

    https_response = http_response


class UrllibHttpClient:
    """:class:`~interpreter.service_ports.HttpClient` over ``urllib`` in worker threads."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirectErrors())

    async def request(self, method: str, url: str, headers: dict[str, str],
                      body: bytes | None = None, timeout: float | None = None) -> HttpResponse:
        limit = timeout or self.timeout
        return await asyncio.to_thread(self._send, method, url, headers, body, limit)

    @contextlib.asynccontextmanager
    async def stream(self, method: str, url: str, headers: dict[str, str],
                     body: bytes | None = None, timeout: float | None = None
                     ) -> AsyncIterator[HttpStream]:
        """The response with its body still unread: ``async with client.stream(…) as r``,
        then ``async for chunk in r.chunks()``. The connection is closed on leaving."""
        limit = timeout or self.timeout
        response = await asyncio.to_thread(self._open, method, url, headers, body, limit)
        try:
            yield HttpStream(response, method, url, limit)
        finally:
            response.close()

    def _open(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
              timeout: float) -> Any:
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/*, */*"}
        all_headers.update(headers)
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        try:
            return self._opener.open(request, timeout=timeout)
        except _NETWORK_ERRORS as e:
            raise _failure(method, url, timeout, e) from None

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
              timeout: float) -> HttpResponse:
        with self._open(method, url, headers, body, timeout) as response:
            try:
                data = response.read(MAX_BODY + 1)
            except _NETWORK_ERRORS as e:
                raise _failure(method, url, timeout, e) from None
            if len(data) > MAX_BODY:
                raise ServiceError(f"{method} {url}: the response is larger than "
                                   f"{MAX_BODY // (1024 * 1024)} MB")
            return HttpResponse(response.status, response.reason or "",
                                tuple(response.headers.items()), data)


class HttpStream:
    """An open response whose body is read chunk by chunk, each read in a worker thread."""

    def __init__(self, response: Any, method: str, url: str, timeout: float) -> None:
        self._response = response
        self.method, self.url, self.timeout = method, url, timeout
        self.status: int = response.status
        self.reason: str = response.reason or ""
        self.headers: tuple[tuple[str, str], ...] = tuple(response.headers.items())
        self.received = 0

    @property
    def length(self) -> int | None:
        """The Content-Length the server announced, if any."""
        value = self._response.headers.get("Content-Length", "")
        return int(value) if value.strip().isdigit() else None

    async def chunks(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        """The body in pieces of at most ``size`` bytes; raises ServiceError when the
        connection breaks, a read times out, or the body is shorter than announced."""
        while data := await asyncio.to_thread(self._read, size):
            self.received += len(data)
            yield data
        expected = self.length
        if expected is not None and self.received < expected:
            raise ServiceError(f"{self.method} {self.url} failed: the connection closed after "
                               f"{self.received} of {expected} bytes")

    async def read(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the body (for an error message)."""
        return await asyncio.to_thread(self._read, limit)

    def _read(self, size: int) -> bytes:
        try:
            # read1: whatever has arrived (up to size), so progress is written as it comes
            return self._response.read1(size)
        except http.client.IncompleteRead as e:
            raise ServiceError(f"{self.method} {self.url} failed: the connection closed "
                               f"mid-body after {self.received + len(e.partial)} bytes") from None
        except _NETWORK_ERRORS as e:
            raise _failure(self.method, self.url, self.timeout, e,
                           f" after {self.received} bytes") from None


def _failure(method: str, url: str, timeout: float, error: BaseException,
             where: str = "") -> ServiceError:
    """The user-facing message of a failed request or read."""
    if isinstance(error, TimeoutError):
        return ServiceError(f"{method} {url} timed out{where} (no data for {timeout:g} s)"
                            if where else f"{method} {url} timed out after {timeout:g} s")
    if isinstance(error, urllib.error.URLError):
        return ServiceError(f"{method} {url} failed{where}: {_reason(error.reason)}")
    return ServiceError(f"{method} {url} failed{where}: {_reason(error)}")


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


@service_factory("http")
def make_http(context: ServiceContext) -> UrllibHttpClient:
    settings = load_settings(context.dialog_dir, context.settings)
    return UrllibHttpClient(settings.http_timeout)
