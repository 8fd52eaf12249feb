"""The ``http`` service: real HTTP with the standard library, off the event loop.

``urllib`` blocks, so each request runs in a worker thread (``asyncio.to_thread``); the
dialog awaits it and the GUI thread never waits on the network. Connection failures and
timeouts become :class:`ServiceError` messages that name the URL; a non-2xx response is
returned as it is (the keyword reports status and body).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any

from interpreter.service_ports import HttpResponse, ServiceError

from ..services import ServiceContext, service_factory
from ..settings import load_settings

USER_AGENT = "Talkbench (General Bots BASIC IDE)"
MAX_BODY = 50 * 1024 * 1024  # bytes; a larger response is an error, not a frozen dialog


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

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
              timeout: float) -> HttpResponse:
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/*, */*"}
        all_headers.update(headers)
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                data = response.read(MAX_BODY + 1)
                if len(data) > MAX_BODY:
                    raise ServiceError(f"{method} {url}: the response is larger than "
                                       f"{MAX_BODY // (1024 * 1024)} MB")
                return HttpResponse(response.status, response.reason or "",
                                    tuple(response.headers.items()), data)
        except ServiceError:
            raise
        except TimeoutError:
            raise ServiceError(f"{method} {url} timed out after {timeout:g} s") from None
        except urllib.error.URLError as e:
            raise ServiceError(f"{method} {url} failed: {_reason(e.reason)}") from None
        except (ConnectionError, OSError, ValueError) as e:
            raise ServiceError(f"{method} {url} failed: {_reason(e)}") from None


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
