"""Access tokens for a local server: random by default, compared in constant time."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any

TOKEN_HEADER = "x-talkbench-token"


def new_token() -> str:
    """A fresh random token (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


def token_matches(expected: str, given: Any) -> bool:
    """``given`` is the expected token (constant time: no timing oracle). Anything but a
    string (a JSON number in a launch configuration, a missing header) never matches, and
    neither does anything when no token is expected."""
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def request_token(headers: Mapping[str, str]) -> str | None:
    """The token a request carries: ``X-Talkbench-Token: T`` or ``Authorization: Bearer T``
    (``headers`` keyed in lower case)."""
    given = headers.get(TOKEN_HEADER)
    if given is not None:
        return given.strip()
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
