"""Who may use ``talkbench dap --port``: the access token, and the screen against web pages.

The port is on 127.0.0.1, but every local process and every web page the user opens can
reach it. A page can only speak HTTP to it (and, through DNS rebinding, even read the
answers), so a stream that starts with an HTTP request line or carries ``Host``/``Origin``
headers is refused before any message is read. A local process can speak DAP, so the
``launch`` request must carry the random token printed when the server starts; until then
only ``initialize`` and ``disconnect`` are answered, and a connection that stays silent is
closed after an idle timeout so it cannot hold the only client slot.

These helpers are transport-agnostic on purpose: an HTTP server (the webhook server) can
reuse :func:`make_token` and :func:`tokens_match`.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from .framing import FramingError

TOKEN_BYTES = 18  # 24 URL-safe characters, 144 random bits
_REQUEST_LINE = re.compile(rb"^[A-Za-z]+ \S+ HTTP/\d", re.ASCII)
_BROWSER_HEADERS = frozenset({b"host", b"origin"})


def make_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def tokens_match(expected: str, given: Any) -> bool:
    """Constant-time comparison; anything but a string never matches."""
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def screen_http(header: bytes, complete: bool) -> None:
    """Raise FramingError when a header block (``complete``, or the part read so far) is an
    HTTP request: a request line first, or a Host/Origin field, which DAP never sends."""
    lines = header.split(b"\r\n")
    if not complete:
        lines.pop()  # the line still being received
    if lines and _REQUEST_LINE.match(lines[0]):
        raise FramingError("an HTTP request was refused (a web page cannot use this port)")
    for line in lines:
        name = line.partition(b":")[0].strip().lower()
        if name in _BROWSER_HEADERS:
            raise FramingError(f"a {name.decode()} header was refused (a web page cannot use "
                               "this port)")


@dataclass(frozen=True)
class Refusal:
    """An error response to send instead of handling the request; ``close`` drops the
    connection afterwards."""

    message: str
    close: bool = False


class Gate:
    """Admits a connection once its ``launch`` carries the token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.admitted = False

    def check(self, message: dict[str, Any]) -> Refusal | None:
        if self.admitted or message.get("type") != "request":
            return None
        command = message.get("command")
        if command in ("initialize", "disconnect"):
            return None
        args = message.get("arguments")
        given = args.get("token") if isinstance(args, dict) else None
        if command == "launch":
            if tokens_match(self.token, given):
                self.admitted = True
                return None
            why = "a wrong" if given else "no"
            return Refusal(f"launch has {why} access token: add \"token\" to the launch "
                           "configuration, as printed by `talkbench dap --port`", close=True)
        return Refusal(f"'{command}' needs an authorised launch first (with the \"token\" "
                       "printed by `talkbench dap --port`)")
