"""``variablesReference`` numbers and the conversion of values to DAP variables.

A reference names a container: a scope (Locals, Globals, Bot memory, Session) of a frame, or
the children of an expandable list/object. References are valid only while the run is
stopped (the DAP object-lifetime rule), so the session clears them on every resume.

Lists and objects are shown from the live values of the stopped run (nothing can change them
before the next resume), one page at a time: a client learns their size from
``indexedVariables``/``namedVariables`` and asks for ``start``/``count`` slices, at any
nesting depth. Only the Session scope, which the engine hands over as snapshots, is shown
from those.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from interpreter.debug.model import VariableSnapshot
from interpreter.values import repr_value, type_name

PREVIEW_CHARS = 200  # the one-line value of a list/object
PREVIEW_ITEMS = 20  # items per level copied for that line (a huge list is never printed whole)
PREVIEW_DEPTH = 3


class ScopeKind(Enum):
    LOCALS = "Locals"
    GLOBALS = "Globals"
    MEMORY = "Bot memory"
    SESSION = "Session"


class Filter(Enum):
    """The ``filter`` argument of ``variables``."""

    ALL = ""
    NAMED = "named"
    INDEXED = "indexed"


@dataclass(frozen=True)
class Page:
    """Which children a ``variables`` request wants."""

    start: int = 0
    count: int = 0  # 0: all from start
    filter: Filter = Filter.ALL

    def cut(self, items: Sequence[Any]) -> Sequence[Any]:
        return items[self.start:self.start + self.count] if self.count else items[self.start:]


@dataclass(frozen=True)
class ScopeRef:
    kind: ScopeKind
    frame_index: int


@dataclass(frozen=True, eq=False)
class ValueRef:
    """The children of a live list/object; ``parent`` is its evaluateName, if any."""

    value: list[Any] | dict[str, Any]
    parent: str = ""

    @property
    def indexed(self) -> bool:
        return isinstance(self.value, list)


@dataclass(frozen=True)
class ChildrenRef:
    """The children of an expanded snapshot (the Session scope)."""

    children: tuple[VariableSnapshot, ...]


Container = ScopeRef | ValueRef | ChildrenRef


class Handles:
    """Numbers for containers, from 1; ``clear`` invalidates all of them."""

    def __init__(self) -> None:
        self._items: dict[int, Container] = {}
        self._ids: dict[Any, int] = {}

    def add(self, container: Container) -> int:
        key = _identity(container)
        if key in self._ids:  # the same scope or value asked twice gets the same number
            return self._ids[key]
        ref = len(self._items) + 1
        self._items[ref] = container  # holds the value: its id() stays unique meanwhile
        self._ids[key] = ref
        return ref

    def get(self, ref: int) -> Container | None:
        return self._items.get(ref)

    def clear(self) -> None:
        self._items.clear()
        self._ids.clear()


def _identity(container: Container) -> Any:
    if isinstance(container, ValueRef):
        return ("value", id(container.value), container.parent)
    if isinstance(container, ChildrenRef):
        return ("snapshot", id(container.children))
    return container


# ---------------------------------------------------------------- live values


def value_variable(name: str, value: Any, handles: Handles,
                   evaluate_name: str = "") -> dict[str, Any]:
    """One DAP ``Variable`` for a live value; a non-empty list/object gets a reference and
    its size (an empty one shows no expand arrow)."""
    variable: dict[str, Any] = {"name": name, "value": preview(value),
                                "type": type_name(value), "variablesReference": 0}
    if evaluate_name:
        variable["evaluateName"] = evaluate_name
    if isinstance(value, (list, dict)) and value:
        variable["variablesReference"] = handles.add(ValueRef(value, evaluate_name))
        variable["indexedVariables" if isinstance(value, list) else "namedVariables"] = \
            len(value)
    return variable


def value_children(container: ValueRef, handles: Handles, page: Page) -> list[dict[str, Any]]:
    """A page of a list's items or an object's entries."""
    value = container.value
    if isinstance(value, list):
        if page.filter is Filter.NAMED:
            return []
        stop = len(value) if not page.count else min(len(value), page.start + page.count)
        return [value_variable(f"[{i}]", value[i], handles,
                               _child_expression(container.parent, f"[{i}]"))
                for i in range(max(page.start, 0), stop)]
    if page.filter is Filter.INDEXED:
        return []
    entries = page.cut(list(value.items()))
    return [value_variable(str(k), v, handles, _child_expression(container.parent, str(k)))
            for k, v in entries]


def preview(value: Any) -> str:
    """The one-line text of a value: lists/objects are cut after a few items and characters,
    so showing a variable never serialises a huge list."""
    if not isinstance(value, (list, dict)):
        return repr_value(value)
    text = repr_value(_trimmed(value, PREVIEW_DEPTH))
    if len(text) > PREVIEW_CHARS:
        return text[: PREVIEW_CHARS - 1] + "…"
    return text


def _trimmed(value: Any, depth: int) -> Any:
    if isinstance(value, list):
        if depth <= 0:
            return ["…"] if value else []
        items = [_trimmed(v, depth - 1) for v in value[:PREVIEW_ITEMS]]
        return items + ["…"] if len(value) > PREVIEW_ITEMS else items
    if isinstance(value, dict):
        if depth <= 0:
            return {"…": "…"} if value else {}
        entries = {}
        for i, (k, v) in enumerate(value.items()):
            if i == PREVIEW_ITEMS:
                entries["…"] = "…"
                break
            entries[k] = _trimmed(v, depth - 1)
        return entries
    return value


# ---------------------------------------------------------------- snapshots (Session)


def snapshot_variable(snapshot: VariableSnapshot, handles: Handles) -> dict[str, Any]:
    """One DAP ``Variable`` for an engine snapshot."""
    ref = handles.add(ChildrenRef(snapshot.children)) if snapshot.children else 0
    variable: dict[str, Any] = {"name": snapshot.name, "value": snapshot.value,
                                "type": snapshot.type, "variablesReference": ref}
    if ref:
        variable["indexedVariables" if snapshot.type == "array" else "namedVariables"] = \
            len(snapshot.children)
    return variable


def snapshot_children(container: ChildrenRef, handles: Handles,
                      page: Page) -> list[dict[str, Any]]:
    children = container.children
    indexed = bool(children) and children[0].name.startswith("[")
    if (page.filter is Filter.NAMED and indexed) or (page.filter is Filter.INDEXED
                                                     and not indexed):
        return []
    return [snapshot_variable(c, handles) for c in page.cut(children)]


# ---------------------------------------------------------------- bot memory


def memory_value(text: str) -> Any:
    """A memory value as the engine would show it: JSON lists/objects expand, the rest is
    the stored text."""
    if text[:1] in "[{":
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        if isinstance(parsed, (list, dict)):
            return parsed
    return text


def memory_text(value: str) -> str:
    """What a hand edit of a memory entry stores: a JSON string literal typed with quotes
    ("a \\"b\\"") is unquoted, anything else is stored as typed."""
    stripped = value.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        try:
            decoded = json.loads(stripped)
        except ValueError:
            return stripped[1:-1]
        if isinstance(decoded, str):
            return decoded
    return value


def _child_expression(parent: str, name: str) -> str:
    """A BASIC expression for a child, so watches and hovers can reuse it."""
    if not parent:
        return ""
    if name.startswith("["):
        return f"{parent}{name}"
    return f"{parent}.{name}" if name.isidentifier() else f"{parent}[{json.dumps(name)}]"
