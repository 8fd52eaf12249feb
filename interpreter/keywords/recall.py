"""REMEMBER key, value[, duration] and RECALL key: per-user memory that expires (§4.17).

Entries live in the same ``user_memory`` service as SET/GET USER MEMORY (so GET USER MEMORY
reads a REMEMBERed key and RECALL reads a SET one); the service keeps the expiry. The user is
the one SET USER chose, else the session's default user, exactly as for SET USER MEMORY.
"""

from __future__ import annotations

import re
from typing import Any

from ..values import BasicValueError, as_number, to_display
from .context import Clauses, KeywordContext
from .data import memory_user, provider_call  # one rule for "which user" and provider errors
from .registry import keyword

_DAY = 86_400.0
_UNITS: dict[str, float] = {
    "second": 1.0, "sec": 1.0, "s": 1.0,
    "minute": 60.0, "min": 60.0,
    "hour": 3_600.0, "hr": 3_600.0, "h": 3_600.0,
    "day": _DAY, "d": _DAY,
    "week": 7 * _DAY, "w": 7 * _DAY,
    "month": 30 * _DAY,  # the reference's fixed month and year
    "year": 365 * _DAY, "y": 365 * _DAY,
}
_FOREVER = {"forever", "permanent", "permanently", "never"}
_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z]+)\s*$", re.IGNORECASE)
_LONGEST = 1000 * 365 * _DAY  # past this an expiry date overflows; say "forever" instead
_HINT = 'write e.g. "30 days", "2 hours", "1 week", a number of days or "forever"'


def parse_duration(value: Any) -> float | None:
    """Seconds a REMEMBERed entry lives; None for forever. Bare numbers are days."""
    number = as_number(value)
    if number is not None:
        seconds = number * _DAY
    else:
        text = to_display(value).strip()
        if text.lower() in _FOREVER:
            return None
        m = _DURATION.match(text)
        unit = m["unit"].lower() if m else ""
        if m and unit not in _UNITS and unit.endswith("s"):
            unit = unit[:-1]  # "days", "mins", "hrs"
        if not m or unit not in _UNITS:
            raise BasicValueError(f"REMEMBER cannot read the duration {text!r}; {_HINT}")
        seconds = float(m["n"]) * _UNITS[unit]
    if seconds <= 0:
        raise BasicValueError(f"REMEMBER needs a positive duration, got {to_display(value)!r}")
    if seconds > _LONGEST:
        raise BasicValueError(f"REMEMBER duration {to_display(value)!r} is too long; "
                              "use \"forever\"")
    return seconds


def _key(value: Any, phrase: str) -> str:
    key = to_display(value)
    if not key:
        raise BasicValueError(f"{phrase} needs a non-empty key")
    return key


@keyword("REMEMBER", args=(2, 3), usage='REMEMBER key, value[, "30 days"]')
async def remember(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    key = _key(args[0], "REMEMBER")
    seconds = parse_duration(args[2]) if len(args) == 3 else None
    memory = rt.service("user_memory", "REMEMBER")
    if not hasattr(memory, "remember"):
        raise BasicValueError("REMEMBER: this host's user memory cannot keep entries "
                              "that expire")
    provider_call(memory.remember, memory_user(rt), key, to_display(args[1]), seconds)


@keyword("RECALL", args=1)
async def recall(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    key = _key(args[0], "RECALL")
    return provider_call(rt.service("user_memory", "RECALL").get, memory_user(rt), key)
