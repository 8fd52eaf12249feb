"""``variablesReference`` numbers and the conversion of engine snapshots to DAP variables.

A reference names a container: a scope (Locals, Globals, Bot memory) of a frame, or the
children of an expandable list/object. References are valid only while the run is stopped
(the DAP object-lifetime rule), so the session clears them on every resume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from interpreter.debug_model import VariableSnapshot, snapshot_value
from interpreter.values import repr_value, type_name


class ScopeKind(Enum):
    LOCALS = "Locals"
    GLOBALS = "Globals"
    MEMORY = "Bot memory"
    SESSION = "Session"


@dataclass(frozen=True)
class ScopeRef:
    kind: ScopeKind
    frame_index: int


@dataclass(frozen=True)
class ChildrenRef:
    """The children of an expanded list/object; ``parent`` is its evaluateName, if any."""

    children: tuple[VariableSnapshot, ...]
    parent: str = ""


Container = ScopeRef | ChildrenRef


class Handles:
    """Numbers for containers, from 1; ``clear`` invalidates all of them."""

    def __init__(self) -> None:
        self._items: dict[int, Container] = {}
        self._ids: dict[Container, int] = {}

    def add(self, container: Container) -> int:
        if container in self._ids:  # the same scope asked twice gets the same number
            return self._ids[container]
        ref = len(self._items) + 1
        self._items[ref] = container
        self._ids[container] = ref
        return ref

    def get(self, ref: int) -> Container | None:
        return self._items.get(ref)

    def clear(self) -> None:
        self._items.clear()
        self._ids.clear()


def to_variable(snapshot: VariableSnapshot, handles: Handles,
                evaluate_name: str = "") -> dict[str, Any]:
    """One DAP ``Variable``; lists/objects get a reference to their children."""
    ref = handles.add(ChildrenRef(snapshot.children, evaluate_name)) if snapshot.expandable \
        else 0
    variable: dict[str, Any] = {"name": snapshot.name, "value": snapshot.value,
                                "type": snapshot.type, "variablesReference": ref}
    if evaluate_name:
        variable["evaluateName"] = evaluate_name
    if ref:
        variable["indexedVariables" if snapshot.type == "array" else "namedVariables"] = \
            len(snapshot.children)
    return variable


def children_of(container: ChildrenRef, handles: Handles) -> list[dict[str, Any]]:
    return [to_variable(c, handles, _child_expression(container.parent, c.name))
            for c in container.children]


def memory_snapshot(key: str, text: str) -> VariableSnapshot:
    """A memory value as the engine would show it: JSON lists/objects expand, the rest is
    the stored text (quoted, as strings are everywhere in the debugger)."""
    if text[:1] in "[{":
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, (list, dict)):
            return snapshot_value(key, parsed)
    return VariableSnapshot(key, repr_value(text), type_name(text))


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
