"""DAP base protocol: JSON messages framed by a ``Content-Length`` header.

Pure byte handling, no I/O: :func:`encode` makes one frame, :class:`FrameDecoder` turns a
stream of chunks (split anywhere) back into messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

HEADER_END = b"\r\n\r\n"
MAX_HEADER = 8192  # bytes before "\r\n\r\n"; a longer header means the peer is not speaking DAP
MAX_BODY = 16 * 1024 * 1024  # bytes of one message; no request comes near (a launch is ~1 KiB)

# Looks at a header block, complete or the part received so far; raises FramingError.
HeaderScreen = Callable[[bytes, bool], None]


class FramingError(ValueError):
    """The byte stream cannot be read as DAP frames (the connection must be dropped)."""


def encode(message: dict[str, Any]) -> bytes:
    """One frame: the header, a blank line, the UTF-8 JSON body."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class FrameDecoder:
    """Accumulates bytes; :meth:`feed` returns the messages completed by each chunk."""

    def __init__(self, max_body: int = MAX_BODY, screen: HeaderScreen | None = None) -> None:
        self._buffer = bytearray()
        self._length: int | None = None  # body length of the frame being read
        self.max_body = max_body
        self.screen = screen

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        self._buffer += chunk
        messages: list[dict[str, Any]] = []
        while True:
            message = self._next()
            if message is None:
                return messages
            messages.append(message)

    @property
    def pending(self) -> bool:
        """True when a partial frame is buffered (EOF now would cut a message)."""
        return bool(self._buffer)

    def _next(self) -> dict[str, Any] | None:
        if self._length is None:
            end = self._buffer.find(HEADER_END)
            if end < 0:
                if self.screen is not None:
                    self.screen(bytes(self._buffer[:MAX_HEADER]), False)
                if len(self._buffer) > MAX_HEADER:
                    raise FramingError("no end of header after 8 KiB")
                return None
            header = bytes(self._buffer[:end])
            if self.screen is not None:
                self.screen(header, True)
            self._length = _content_length(header)
            if self._length > self.max_body:
                raise FramingError(f"a message of {self._length} bytes is over the limit of "
                                   f"{self.max_body} bytes")
            del self._buffer[: end + len(HEADER_END)]
        if len(self._buffer) < self._length:
            return None
        body = bytes(self._buffer[: self._length])
        del self._buffer[: self._length]
        self._length = None
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise FramingError(f"the message body is not JSON: {e}") from None
        if not isinstance(message, dict):
            raise FramingError("a message must be a JSON object")
        return message


def _content_length(header: bytes) -> int:
    """The Content-Length of a header block; other fields (Content-Type) are ignored."""
    length = None
    for line in header.decode("ascii", errors="replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if not sep:
            raise FramingError(f"malformed header line {line!r}")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise FramingError(f"bad Content-Length {value.strip()!r}") from None
    if length is None or length < 0:
        raise FramingError("the header has no Content-Length")
    return length
