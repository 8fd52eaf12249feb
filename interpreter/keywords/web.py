"""HTTP keywords: GET, POST, PUT, PATCH, DELETE HTTP, SET HEADER, CLEAR HEADERS.

Requests go through the host's ``http`` provider (:class:`~interpreter.ports.services.HttpClient`);
headers set with SET HEADER belong to the session and are sent with every request until
CLEAR HEADERS. JSON bodies come back as BASIC maps and lists, other bodies as text.
``GET`` of something that is not a URL reads ``session.x`` variables or a file of the bot.
"""

from __future__ import annotations

import json
from typing import Any

from ..ports.services import HttpResponse
from ..values import BasicValueError, engine_json, to_display
from .context import Clauses, KeywordContext
from .files import read_value
from .registry import Handler, keyword
from .urls import is_url

_BODY_SNIPPET = 200  # characters of an error response quoted in the message


def parse_body(response: HttpResponse) -> Any:
    """A JSON body (by content type, or by its first character) as values, else the text."""
    text = response.text()
    ctype = response.header("content-type").lower()
    stripped = text.lstrip()
    if "json" in ctype or stripped[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            if "json" in ctype:
                raise BasicValueError(f"the response claims to be JSON but is not: "
                                      f"{snippet(text)}") from None
    return text


def encode_data(data: Any) -> tuple[bytes | None, str]:
    """The request body and its content type: maps and lists as JSON, text as it is."""
    if data is None:
        return None, ""
    if isinstance(data, str):
        try:
            json.loads(data)
            return data.encode("utf-8"), "application/json"
        except ValueError:
            return data.encode("utf-8"), "text/plain; charset=utf-8"
    # reqwest's .json() of the engine's dynamic_to_json: serde_json, compact
    return engine_json(data).encode("utf-8"), "application/json"


def require_url(value: Any, phrase: str) -> str:
    url = to_display(value).strip()
    if not is_url(url):
        raise BasicValueError(f"{phrase} needs an http:// or https:// URL, got {url!r}")
    return url


async def send(rt: KeywordContext, phrase: str, method: str, url: str, body: bytes | None,
               headers: dict[str, str], timeout: float | None = None) -> HttpResponse:
    """Through the ``http`` provider with the session's SET HEADER headers, ``headers`` on
    top; the response whatever its status."""
    all_headers = dict(rt.session.http_headers)
    all_headers.update(headers)
    return await rt.service("http", phrase).request(method, url, all_headers, body, timeout)


async def http_request(rt: KeywordContext, phrase: str, method: str, url: Any, data: Any = None,
                       timeout: float | None = None) -> HttpResponse:
    """Send with the session's headers; a non-2xx status is an error naming the URL."""
    target = require_url(url, phrase)
    body, ctype = encode_data(data)
    # The dialog's own SET HEADER Content-Type wins over the one guessed from the data.
    if ctype and any(k.lower() == "content-type" for k in rt.session.http_headers):
        ctype = ""
    response = await send(rt, phrase, method, target, body,
                          {"Content-Type": ctype} if ctype else {}, timeout)
    if not 200 <= response.status < 300:
        detail = snippet(response.text())
        raise BasicValueError(f"{method} {target} failed: HTTP {response.status} "
                              f"{response.reason}".rstrip() + (f": {detail}" if detail else ""))
    return response


def snippet(text: str) -> str:
    """An error response quoted in a message: whitespace folded, at most 200 characters."""
    text = " ".join(text.split())
    return text if len(text) <= _BODY_SNIPPET else text[:_BODY_SNIPPET] + "…"


@keyword("GET", args=1)
async def get(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    source = to_display(args[0]).strip()
    if is_url(source):
        return parse_body(await http_request(rt, "GET", "GET", source))
    if source.lower().startswith("session."):
        return rt.session.variables.get(source[len("session."):])
    return await read_value(rt, "GET", source)


def _sender(method: str) -> Handler:
    async def send(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
        data = args[1] if len(args) == 2 else None
        return parse_body(await http_request(rt, method, method, args[0], data))

    return send


for _method in ("POST", "PUT", "PATCH"):
    keyword(_method, args=(1, 2), usage="a URL and the data to send")(_sender(_method))


@keyword("DELETE HTTP", args=1)
async def delete_http(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    return parse_body(await http_request(rt, "DELETE HTTP", "DELETE", args[0]))


@keyword("SET HEADER", args=2, usage='a name and a value: SET HEADER "name", value')
async def set_header(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    name = to_display(args[0]).strip()
    if not name or any(c in name for c in ":\r\n") or name != name.split()[0]:
        raise BasicValueError(f"SET HEADER: {name!r} is not a valid header name")
    value = to_display(args[1])
    if "\r" in value or "\n" in value:
        raise BasicValueError(f"SET HEADER {name}: a header value cannot contain line breaks")
    headers = rt.session.http_headers
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]  # header names are case-insensitive: the last SET wins
    headers[name] = value


@keyword("CLEAR HEADERS")
async def clear_headers(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.http_headers.clear()
