"""Host and Origin checks for a server bound to loopback.

DNS rebinding: a web page from ``evil.example`` makes its own name resolve to 127.0.0.1 and
then talks to the local server as a same-origin site. Its requests still say
``Host: evil.example`` (and ``Origin: http://evil.example``), so a loopback server accepts only
loopback host names; a browser page of another origin is refused by its Origin.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_host(host: str, bound: str = "127.0.0.1") -> bool:
    """``host`` (a ``Host`` header's name, without port) names this machine's loopback or
    the address the server is bound to."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if not name:
        return False
    if name in LOOPBACK_NAMES or name == bound.strip("[]").lower():
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def split_host(header: str) -> tuple[str, int | None]:
    """``Host`` header -> (name, port); port None when absent or not a number."""
    parts = urlsplit("//" + header.strip())
    try:
        port = parts.port
    except ValueError:
        return "", None
    return parts.hostname or "", port


def host_allowed(header: str | None, port: int, bound: str = "127.0.0.1") -> bool:
    """The ``Host`` header names a loopback host (and, when it has one, our port)."""
    if not header:
        return False
    name, given_port = split_host(header)
    return is_loopback_host(name, bound) and given_port in (None, port)


def origin_allowed(header: str | None, port: int, bound: str = "127.0.0.1") -> bool:
    """No ``Origin`` (not a browser page), or a page served from this same loopback server."""
    if header is None:
        return True
    parts = urlsplit(header.strip())
    try:
        given_port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and is_loopback_host(parts.hostname or "", bound) \
        and given_port == port
