"""Requests that look at a stopped run: stackTrace, scopes, variables, setVariable,
evaluate, dataBreakpointInfo.

A stop is either a live pause of the engine's Debugger (:class:`LivePause`) or the
post-mortem stop on a runtime error (``postmortem.PostMortem``); both offer ``frames``,
``evaluate`` and ``set_variable`` with frame 0 the innermost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from interpreter import BasicSyntaxError
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import FrameSnapshot, VariableSnapshot
from interpreter.values import BasicValueError, repr_value, type_name

from ..memory.session import DAP_EDIT_SOURCE
from . import arguments as a
from .arguments import RequestError
from .variables import (
    ChildrenRef,
    Filter,
    Handles,
    Page,
    ScopeKind,
    ScopeRef,
    ValueRef,
    memory_text,
    memory_value,
    snapshot_children,
    snapshot_variable,
    value_children,
    value_variable,
)

MEMORY_DATA_ID = "memory:"  # dataId prefix of a bot-memory key watchpoint
# Up to this many bot-memory keys the scope is a plain named list; beyond it the scope says
# it is indexed, so clients page through it (VS Code: chunks of 100) instead of loading all.
MAX_MEMORY_ROWS = 1000

__all__ = ["MEMORY_DATA_ID", "Coordinates", "Inspector", "LivePause", "RequestError",
           "StopView", "data_breakpoint_info"]


@dataclass(frozen=True)
class Coordinates:
    """The client's numbering (``linesStartAt1``/``columnsStartAt1``); the engine counts
    both from 1."""

    line_delta: int = 0  # 1 when the client counts lines from 0
    col_delta: int = 0

    def line(self, engine_line: int) -> int:
        return engine_line - self.line_delta

    def column(self, engine_col: int) -> int:
        return engine_col - self.col_delta

    def engine_line(self, client_line: int) -> int:
        return client_line + self.line_delta


class StopView(Protocol):
    @property
    def frames(self) -> tuple[FrameSnapshot, ...]: ...

    @property
    def line(self) -> int: ...

    @property
    def session(self) -> tuple[VariableSnapshot, ...]: ...

    def evaluate(self, expression: str, frame_index: int = 0) -> Any: ...

    def variables(self, frame_index: int = 0) -> list[tuple[str, Any]]: ...

    def set_variable(self, name: str, value_text: str,
                     frame_index: int = 0) -> FrameSnapshot: ...


class LivePause:
    """The Debugger while it is paused."""

    def __init__(self, debugger: Debugger) -> None:
        self.debugger = debugger

    @property
    def frames(self) -> tuple[FrameSnapshot, ...]:
        state = self.debugger.state
        return state.frames if state is not None else ()

    @property
    def line(self) -> int:
        """Where the run stopped: exact even where ``frames[0].line`` lags behind (a memory
        write on a line whose hook is off leaves the frame at the last hooked line)."""
        state = self.debugger.state
        return state.line if state is not None else 0

    @property
    def session(self) -> tuple[VariableSnapshot, ...]:
        state = self.debugger.state
        return state.session if state is not None else ()

    def evaluate(self, expression: str, frame_index: int = 0) -> Any:
        return self.debugger.evaluate(expression, frame_index)

    def variables(self, frame_index: int = 0) -> list[tuple[str, Any]]:
        return self.debugger.variables(frame_index)

    def set_variable(self, name: str, value_text: str, frame_index: int = 0) -> FrameSnapshot:
        return self.debugger.set_variable(name, value_text, frame_index)


def error_text(e: Exception) -> str:
    if isinstance(e, BasicSyntaxError):
        return "; ".join(f"col {d.col}: {d.message}" for d in e.diagnostics)
    return str(e)


class Inspector:
    """Answers the inspection requests for one stop; ``store``/``bot`` give bot memory."""

    def __init__(self, view: StopView, handles: Handles, source: dict[str, Any], store: Any,
                 bot: str, coordinates: Coordinates = Coordinates()) -> None:
        self.view, self.handles, self.source = view, handles, source
        self.store, self.bot, self.at = store, bot, coordinates

    def frame_index(self, args: dict[str, Any]) -> int:
        """DAP frame ids are index + 1; no id means the innermost frame."""
        frame_id = a.integer(args, "frameId")
        if frame_id is None:
            return 0
        index = frame_id - 1
        if not 0 <= index < len(self.view.frames):
            raise RequestError(f"there is no frame {frame_id}")
        return index

    def stack_trace(self, args: dict[str, Any]) -> dict[str, Any]:
        frames = self.view.frames
        start = a.integer(args, "startFrame", 0, minimum=0)
        levels = a.integer(args, "levels", 0, minimum=0) or len(frames)
        lines = [self.view.line] + [f.line for f in frames[1:]]
        shown = [{"id": i + 1, "name": f.name, "source": self.source,
                  "line": self.at.line(line), "column": self.at.column(1)}
                 for i, (f, line) in enumerate(zip(frames, lines))][start:start + levels]
        return {"stackFrames": shown, "totalFrames": len(frames)}

    def scopes(self, args: dict[str, Any]) -> dict[str, Any]:
        index = self.frame_index(args)
        frames = self.view.frames
        dialog = len(frames) - 1
        scopes = []
        if index != dialog:  # the dialog's own variables are the globals
            scopes.append(self._scope(ScopeKind.LOCALS, index, len(frames[index].variables),
                                      "locals"))
        scopes.append(self._scope(ScopeKind.GLOBALS, dialog, len(frames[dialog].variables),
                                  "globals" if index != dialog else "locals"))
        memory = self._scope(ScopeKind.MEMORY, index, None, None)
        keys = self.store.count(self.bot)
        memory["indexedVariables" if keys > MAX_MEMORY_ROWS else "namedVariables"] = keys
        scopes.append(memory)
        if self.view.session:
            scopes.append(self._scope(ScopeKind.SESSION, index, len(self.view.session), None))
        return {"scopes": scopes}

    def _scope(self, kind: ScopeKind, index: int, count: int | None,
               hint: str | None) -> dict[str, Any]:
        scope: dict[str, Any] = {"name": kind.value,
                                 "variablesReference": self.handles.add(ScopeRef(kind, index)),
                                 "expensive": kind is ScopeKind.MEMORY}
        if count is not None:
            scope["namedVariables"] = count
        if hint:
            scope["presentationHint"] = hint
        return scope

    def variables(self, args: dict[str, Any]) -> dict[str, Any]:
        container = self._container(args)
        page = _page(args)
        if isinstance(container, ValueRef):
            return {"variables": value_children(container, self.handles, page)}
        if isinstance(container, ChildrenRef):
            return {"variables": snapshot_children(container, self.handles, page)}
        if container.kind is ScopeKind.MEMORY:
            return {"variables": self._memory(page)}
        if page.filter is Filter.INDEXED:
            return {"variables": []}  # scopes hold named variables only
        if container.kind is ScopeKind.SESSION:
            return {"variables": [snapshot_variable(v, self.handles)
                                  for v in page.cut(self.view.session)]}
        pairs = page.cut(self.view.variables(container.frame_index))
        return {"variables": [value_variable(name, value, self.handles, name)
                              for name, value in pairs]}

    def _memory(self, page: Page) -> list[dict[str, Any]]:
        """A page of the bot's memory, read from the database (a real bot can hold many
        thousands of keys); named or indexed as the scope announced itself."""
        indexed = self.store.count(self.bot) > MAX_MEMORY_ROWS
        if (page.filter is Filter.NAMED and indexed) or (page.filter is Filter.INDEXED
                                                         and not indexed):
            return []
        entries = self.store.list(self.bot, offset=page.start, limit=page.count or None)
        return [value_variable(e.key, memory_value(e.value), self.handles) for e in entries]

    def set_variable(self, args: dict[str, Any]) -> dict[str, Any]:
        container = self._container(args)
        name = a.text(args, "name", required=True)
        value = a.text(args, "value", required=True)
        if isinstance(container, (ValueRef, ChildrenRef)):
            raise RequestError("only whole variables and memory entries can be set; "
                               "assign the changed list or object to the variable instead")
        if container.kind is ScopeKind.SESSION:
            raise RequestError("the session changes through keywords (SET USER, USE KB, …), "
                               "not by assignment")
        if container.kind is ScopeKind.MEMORY:
            stored = memory_text(value)
            self.store.set(self.bot, name, stored, DAP_EDIT_SOURCE)  # a hand edit, from DAP
            return _variable_body(value_variable(name, memory_value(stored), self.handles))
        try:
            self.view.set_variable(name, value, container.frame_index)
        except (BasicValueError, BasicSyntaxError) as e:
            raise RequestError(error_text(e)) from None
        found = [(n, v) for n, v in self.view.variables(container.frame_index)
                 if n.lower() == name.lower()]
        if not found:
            raise RequestError(f"'{name}' is not a variable of this frame")
        shown, new = found[0]
        return _variable_body(value_variable(shown, new, self.handles, shown))

    def evaluate(self, args: dict[str, Any]) -> dict[str, Any]:
        expression = a.text(args, "expression", required=True)
        index = self.frame_index(args)
        try:
            value = self.view.evaluate(expression, index)
        except (BasicValueError, BasicSyntaxError) as e:
            raise RequestError(error_text(e)) from None
        if isinstance(value, (list, dict)):
            body = _variable_body(value_variable(expression, value, self.handles,
                                                 expression.strip()))
            return {"result": body.pop("value"), **body}
        return {"result": repr_value(value), "type": type_name(value), "variablesReference": 0}

    def _container(self, args: dict[str, Any]) -> ScopeRef | ValueRef | ChildrenRef:
        ref = a.integer(args, "variablesReference", required=True)
        container = self.handles.get(ref)
        if container is None:
            raise RequestError(f"variablesReference {ref} is not valid (any more)")
        return container


def _page(args: dict[str, Any]) -> Page:
    kind = a.text(args, "filter", "")
    try:
        chosen = Filter(kind)
    except ValueError:
        raise RequestError(f"'filter' must be \"named\" or \"indexed\", got {kind!r}") \
            from None
    return Page(a.integer(args, "start", 0, minimum=0), a.integer(args, "count", 0, minimum=0),
                chosen)


def data_breakpoint_info(handles: Handles, args: dict[str, Any]) -> dict[str, Any]:
    """Bot-memory keys can be watched, for writes only; program variables cannot."""
    name = a.text(args, "name", required=True)
    ref = a.integer(args, "variablesReference")
    container = handles.get(ref) if ref else None
    is_memory = (isinstance(container, ScopeRef) and container.kind is ScopeKind.MEMORY) or \
        (not ref and name.startswith(MEMORY_DATA_ID))
    if not is_memory or not name:
        return {"dataId": None,
                "description": "only bot memory entries can be watched (Bot memory scope)"}
    key = name[len(MEMORY_DATA_ID):] if not ref else name
    return {"dataId": MEMORY_DATA_ID + key,
            "description": f"bot memory '{key}' written (reads cannot be watched)",
            "accessTypes": [WRITE_ACCESS], "canPersist": True}


WRITE_ACCESS = "write"  # the only dataBreakpoint accessType the engine can watch


def _variable_body(variable: dict[str, Any]) -> dict[str, Any]:
    keys = ("value", "type", "variablesReference", "indexedVariables", "namedVariables")
    return {k: variable[k] for k in keys if k in variable}
