"""Requests that look at a stopped run: stackTrace, scopes, variables, setVariable,
evaluate, dataBreakpointInfo.

A stop is either a live pause of the engine's Debugger (:class:`LivePause`) or the
post-mortem stop on a runtime error (``postmortem.PostMortem``); both offer ``frames``,
``evaluate`` and ``set_variable`` with frame 0 the innermost.
"""

from __future__ import annotations

from typing import Any, Protocol

from interpreter import BasicSyntaxError
from interpreter.debug_model import FrameSnapshot, VariableSnapshot, snapshot_value
from interpreter.debugger import Debugger
from interpreter.values import BasicValueError, repr_value, type_name

from ..memory_session import DAP_EDIT_SOURCE
from .variables import (
    ChildrenRef,
    Handles,
    ScopeKind,
    ScopeRef,
    children_of,
    memory_snapshot,
    memory_text,
    to_variable,
)

MEMORY_DATA_ID = "memory:"  # dataId prefix of a bot-memory key watchpoint
MAX_MEMORY_ROWS = 1000  # bot-memory entries shown when the client does not page


class RequestError(Exception):
    """A request cannot be done; the text is the error response's message."""


class StopView(Protocol):
    @property
    def frames(self) -> tuple[FrameSnapshot, ...]: ...

    @property
    def line(self) -> int: ...

    @property
    def session(self) -> tuple[VariableSnapshot, ...]: ...

    def evaluate(self, expression: str, frame_index: int = 0) -> Any: ...

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

    def set_variable(self, name: str, value_text: str, frame_index: int = 0) -> FrameSnapshot:
        return self.debugger.set_variable(name, value_text, frame_index)


def error_text(e: Exception) -> str:
    if isinstance(e, BasicSyntaxError):
        return "; ".join(f"col {d.col}: {d.message}" for d in e.diagnostics)
    return str(e)


class Inspector:
    """Answers the inspection requests for one stop; ``memory`` is the bot's store handle."""

    def __init__(self, view: StopView, handles: Handles, source: dict[str, Any], store: Any,
                 bot: str, line_delta: int = 0) -> None:
        self.view, self.handles, self.source = view, handles, source
        self.store, self.bot, self.line_delta = store, bot, line_delta

    def frame_index(self, frame_id: Any) -> int:
        """DAP frame ids are index + 1; no id means the innermost frame."""
        if frame_id is None:
            return 0
        index = int(frame_id) - 1
        if not 0 <= index < len(self.view.frames):
            raise RequestError(f"there is no frame {frame_id}")
        return index

    def stack_trace(self, args: dict[str, Any]) -> dict[str, Any]:
        frames = self.view.frames
        start = int(args.get("startFrame") or 0)
        levels = int(args.get("levels") or 0) or len(frames)
        lines = [self.view.line] + [f.line for f in frames[1:]]
        shown = [{"id": i + 1, "name": f.name, "source": self.source,
                  "line": line - self.line_delta, "column": 1}
                 for i, (f, line) in enumerate(zip(frames, lines))][start:start + levels]
        return {"stackFrames": shown, "totalFrames": len(frames)}

    def scopes(self, args: dict[str, Any]) -> dict[str, Any]:
        index = self.frame_index(args.get("frameId"))
        frames = self.view.frames
        dialog = len(frames) - 1
        scopes = []
        if index != dialog:  # the dialog's own variables are the globals
            scopes.append(self._scope(ScopeKind.LOCALS, index, len(frames[index].variables),
                                      "locals"))
        scopes.append(self._scope(ScopeKind.GLOBALS, dialog, len(frames[dialog].variables),
                                  "globals" if index != dialog else "locals"))
        scopes.append(self._scope(ScopeKind.MEMORY, index, None, None))
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
        container = self._container(args.get("variablesReference"))
        start = int(args.get("start") or 0)
        count = int(args.get("count") or 0)
        if isinstance(container, ScopeRef) and container.kind is ScopeKind.MEMORY:
            # A real bot can hold many thousands of keys: let the database page them.
            entries = self.store.list(self.bot, offset=start, limit=count or MAX_MEMORY_ROWS)
            return {"variables": [to_variable(memory_snapshot(e.key, e.value), self.handles)
                                  for e in entries]}
        if isinstance(container, ChildrenRef):
            found = children_of(container, self.handles)
        elif container.kind is ScopeKind.SESSION:
            found = [to_variable(v, self.handles) for v in self.view.session]
        else:
            found = [to_variable(v, self.handles, v.name)
                     for v in self.view.frames[container.frame_index].variables]
        return {"variables": found[start:start + (count or len(found))]}

    def set_variable(self, args: dict[str, Any]) -> dict[str, Any]:
        container = self._container(args.get("variablesReference"))
        name, value = str(args.get("name", "")), str(args.get("value", ""))
        if isinstance(container, ChildrenRef):
            raise RequestError("only whole variables and memory entries can be set; "
                               "assign the changed list or object to the variable instead")
        if container.kind is ScopeKind.SESSION:
            raise RequestError("the session changes through keywords (SET USER, USE KB, …), "
                               "not by assignment")
        if container.kind is ScopeKind.MEMORY:
            text = memory_text(value)
            self.store.set(self.bot, name, text, DAP_EDIT_SOURCE)  # a hand edit, from DAP
            return _variable_body(to_variable(memory_snapshot(name, text), self.handles))
        try:
            frame = self.view.set_variable(name, value, container.frame_index)
        except (BasicValueError, BasicSyntaxError) as e:
            raise RequestError(error_text(e)) from None
        snapshot = next((v for v in frame.variables if v.name.lower() == name.lower()), None)
        if snapshot is None:
            raise RequestError(f"'{name}' is not a variable of this frame")
        return _variable_body(to_variable(snapshot, self.handles, snapshot.name))

    def evaluate(self, expression: str, frame_id: Any) -> dict[str, Any]:
        index = self.frame_index(frame_id)
        try:
            value = self.view.evaluate(expression, index)
        except (BasicValueError, BasicSyntaxError) as e:
            raise RequestError(error_text(e)) from None
        if isinstance(value, (list, dict)):
            variable = to_variable(snapshot_value(expression, value), self.handles,
                                   expression.strip())
            return {"result": variable["value"], "type": variable["type"],
                    "variablesReference": variable["variablesReference"]}
        return {"result": repr_value(value), "type": type_name(value), "variablesReference": 0}

    def _container(self, ref: Any) -> ScopeRef | ChildrenRef:
        container = self.handles.get(int(ref or 0))
        if container is None:
            raise RequestError(f"variablesReference {ref} is not valid (any more)")
        return container


def data_breakpoint_info(handles: Handles, args: dict[str, Any]) -> dict[str, Any]:
    """Bot-memory keys can be watched (for writes); program variables cannot."""
    name = str(args.get("name", ""))
    ref = args.get("variablesReference")
    container = handles.get(int(ref)) if ref else None
    is_memory = (isinstance(container, ScopeRef) and container.kind is ScopeKind.MEMORY) or \
        (not ref and name.startswith(MEMORY_DATA_ID))
    if not is_memory or not name:
        return {"dataId": None,
                "description": "only bot memory entries can be watched (Bot memory scope)"}
    key = name[len(MEMORY_DATA_ID):] if not ref else name
    return {"dataId": MEMORY_DATA_ID + key, "description": f"bot memory '{key}' written",
            "accessTypes": ["write"], "canPersist": True}


def _variable_body(variable: dict[str, Any]) -> dict[str, Any]:
    return {k: variable[k] for k in ("value", "type", "variablesReference") if k in variable}
