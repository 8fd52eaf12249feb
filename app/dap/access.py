"""Who may use ``talkbench dap --port``: the access token, and the screen against web pages.

The port is on 127.0.0.1, but every local process and every web page the user opens can
reach it. A page can only speak HTTP to it (and, through DNS rebinding, even read the
answers), so a stream that starts with an HTTP request line or carries ``Host``/``Origin``
headers is refused before any message is read. A local process can speak DAP, so the
``launch`` request must carry the random token printed when the server starts; until then
only ``initialize`` and ``disconnect`` are answered, and a connection that stays silent is
closed after an idle timeout so it cannot hold the only client slot.

Tokens themselves come from :mod:`app.security.tokens`, shared with the webhook server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..security.tokens import token_matches
from .framing import FramingError

_REQUEST_LINE = re.compile(rb"^[A-Za-z]+ \S+ HTTP/\d", re.ASCII)
_BROWSER_HEADERS = frozenset({b"host", b"origin"})


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
            if token_matches(self.token, given):
                self.admitted = True
                return None
            why = "a wrong" if given else "no"
            return Refusal(f"launch has {why} access token: add \"token\" to the launch "
                           "configuration, as printed by `talkbench dap --port`", close=True)
        return Refusal(f"'{command}' needs an authorised launch first (with the \"token\" "
                       "printed by `talkbench dap --port`)")
