"""A cache that keeps what the last two uses asked for: the pieces of the dialog before an
edit and after it, not every version ever typed."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class TwoGenerations(Generic[_K, _V]):
    def __init__(self) -> None:
        self._older: dict[_K, _V] = {}
        self._newer: dict[_K, _V] = {}
        self.lock = threading.Lock()  # the language server checks off its event loop

    def get(self, key: _K) -> _V | None:
        found = self._newer.get(key)
        if found is None:
            found = self._older.get(key)
            if found is not None:
                self._newer[key] = found
        return found

    def put(self, key: _K, value: _V) -> None:
        self._newer[key] = value

    def next_generation(self) -> None:
        """Called after each use: what this use did not touch is dropped at the next call."""
        self._older, self._newer = self._newer, {}

    def clear(self) -> None:
        self._older.clear()
        self._newer.clear()
