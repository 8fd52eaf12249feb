"""Typed reading of a request's ``arguments``: a wrong type is a clear DAP error response
("'line' must be an integer, got "abc"") instead of a Python message from deep inside."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class RequestError(Exception):
    """A request cannot be done; the text is the error response's message."""


_MISSING = object()


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def _get(args: Mapping[str, Any], name: str, required: bool) -> Any:
    value = args.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise RequestError(f"'{name}' is required")
        return _MISSING
    return value


def integer(args: Mapping[str, Any], name: str, default: int | None = None, *,
            required: bool = False, minimum: int | None = None) -> Any:
    value = _get(args, name, required)
    if value is _MISSING:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise RequestError(f"'{name}' must be an integer, got {_shown(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise RequestError(f"'{name}' must be at least {minimum}, got {value}")
    return value


def text(args: Mapping[str, Any], name: str, default: str | None = None, *,
         required: bool = False) -> Any:
    value = _get(args, name, required)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        raise RequestError(f"'{name}' must be a string, got {_shown(value)}")
    return value


def boolean(args: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = _get(args, name, False)
    if value is _MISSING:
        return default
    if not isinstance(value, bool):
        raise RequestError(f"'{name}' must be true or false, got {_shown(value)}")
    return value


def array(args: Mapping[str, Any], name: str) -> list[Any]:
    value = _get(args, name, False)
    if value is _MISSING:
        return []
    if not isinstance(value, list):
        raise RequestError(f"'{name}' must be an array, got {_shown(value)}")
    return value


def obj(args: Mapping[str, Any], name: str, *, required: bool = False) -> dict[str, Any]:
    value = _get(args, name, required)
    if value is _MISSING:
        return {}
    if not isinstance(value, dict):
        raise RequestError(f"'{name}' must be an object, got {_shown(value)}")
    return value


def objects(args: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    """An array whose every element is an object (breakpoints, filterOptions, …)."""
    items = array(args, name)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RequestError(f"'{name}[{i}]' must be an object, got {_shown(item)}")
    return items
