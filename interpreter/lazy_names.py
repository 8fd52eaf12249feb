"""A package's public names loaded on first use (PEP 562).

Importing any module of a package runs the package's ``__init__`` first; one that imported
its public names there made whoever needed one small module pay for the whole package (the
IDE's start-up paid for the keyword catalogue, its idle build for the whole flow view in one
event-loop turn).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, str], public: Iterable[str]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: a name of ``where`` is imported
    from its module (relative to the package) when first read, then kept as a plain
    attribute of the package."""
    public = frozenset(public)

    def getattr_(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def dir_() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | public)

    return getattr_, dir_
