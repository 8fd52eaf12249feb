"""HTTP keywords: GET, POST, PUT, PATCH, DELETE HTTP, SET HEADER, CLEAR HEADERS.

Requests go through the host's ``http`` provider (:class:`~interpreter.ports.services.HttpClient`);
headers set with SET HEADER belong to the session and are sent with every request until
CLEAR HEADERS. POST, PUT and PATCH send their data as JSON, as the engine does; JSON bodies
come back as BASIC maps and lists, other bodies as text.
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


def request_body(data: Any) -> bytes:
    """The body General Bots sends for POST/PUT/PATCH data (http_operations.rs): reqwest's
    .json() of dynamic_to_json, so text is a JSON string too (``"just text"``, quotes
    included), () is ``null``, maps and lists compact with their keys sorted."""
    return engine_json(data).encode("utf-8")


def json_document(data: Any) -> bool:
    """Is ``data`` text holding a JSON object or array: the botbook's "JSON string" body
    (keyword-put.md, keyword-patch.md: ``json_body = '{"name": …}'``)?"""
    if not isinstance(data, str) or data.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


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


async def http_request(rt: KeywordContext, phrase: str, method: str, url: Any,
                       body: bytes | None = None,
                       timeout: float | None = None) -> HttpResponse:
    """Send with the session's headers; a non-2xx status is an error naming the URL. A body
    goes as JSON unless the dialog's own SET HEADER names another Content-Type."""
    target = require_url(url, phrase)
    json_type = body is not None and not any(
        k.lower() == "content-type" for k in rt.session.http_headers)
    response = await send(rt, phrase, method, target, body,
                          {"Content-Type": "application/json"} if json_type else {}, timeout)
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
        body = None
        if len(args) == 2:
            data = args[1]
            body = request_body(data)
            if json_document(data):
                # The engine breaks the documented construct: run what the botbook means.
                rt.warn(f"{method} sends this text as the JSON it holds, as the botbook's "
                        f"\"JSON string\" body means; General Bots sends it as one JSON "
                        f"string instead: {snippet(body.decode())} (pass a map, e.g. "
                        f"parse_json(text), to send the same JSON in both)", line)
                body = data.encode("utf-8")
        return parse_body(await http_request(rt, method, method, args[0], body))

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
