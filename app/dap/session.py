"""One DAP client session: requests in, responses and events out, over a DebugTarget.

Requests are handled one at a time in arrival order on the asyncio loop; the dialog runs as
a task on the same loop, so a paused run, a HEAR waiting for the debug console and the
request loop never block each other. ``send`` must not block (it writes one frame).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from interpreter import BasicSyntaxError
from interpreter.debug.model import (
    BreakpointSpec,
    DebugMessage,
    MemoryBreakpointSpec,
    MessageKind,
    PausedState,
    PauseReason,
)
from interpreter.events import Failed, InvalidAnswer, Printed, Talked
from interpreter.ports.host import HearRequest

from . import arguments as a
from .channel import Flow
from .inspection import (
    MEMORY_DATA_ID,
    WRITE_ACCESS,
    Coordinates,
    Inspector,
    LivePause,
    RequestError,
    StopView,
    data_breakpoint_info,
)
from .postmortem import PostMortem
from .target import EXIT_SYNTAX, DebugTarget, LaunchConfig, LaunchError, engine_notes
from .variables import Handles

Send = Callable[[dict[str, Any]], None]
THREAD_ID = 1  # a dialog is one coroutine: one thread for the client
ERROR_FILTER = "runtime"

CAPABILITIES: dict[str, Any] = {
    "supportsConfigurationDoneRequest": True,
    "supportsConditionalBreakpoints": True,
    "supportsHitConditionalBreakpoints": True,
    "supportsLogPoints": True,
    "supportsSetVariable": True,
    "supportsEvaluateForHovers": True,
    "supportsRestartRequest": True,
    "supportsTerminateRequest": True,
    "supportsDataBreakpoints": True,
    "supportsExceptionInfoRequest": True,
    "supportsExceptionFilterOptions": True,
    "exceptionBreakpointFilters": [{
        "filter": ERROR_FILTER, "label": "Runtime errors", "default": True,
        "description": "Stop where the dialog fails, with its variables still inspectable"}],
}

STOP_REASONS = {
    PauseReason.ENTRY: "entry", PauseReason.PAUSE: "pause", PauseReason.STEP: "step",
    PauseReason.BREAKPOINT: "breakpoint", PauseReason.RUN_TO_LINE: "step",
    PauseReason.MEMORY: "data breakpoint",
}


class DapSession:
    """Handles one client's requests; ``done`` turns True after ``disconnect``."""

    def __init__(self, send: Send, flow: Flow | None = None) -> None:
        self._send = send
        self.flow = flow
        self._seq = 0
        self.done = False
        self.target: DebugTarget | None = None
        self.view: StopView | None = None
        self.handles = Handles()
        self._configured = False
        self.at = Coordinates()
        self._ended = False  # ``terminated`` was sent: it is sent once per session
        self._breakpoints: list[BreakpointSpec] = []  # requested before launch
        self._break_on_errors = True
        self._data_ids: dict[str, int] = {}
        self._after: list[tuple[str, dict[str, Any]]] = []  # events sent after the response
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "initialize": self.initialize, "launch": self.launch,
            "setBreakpoints": self.set_breakpoints,
            "setExceptionBreakpoints": self.set_exception_breakpoints,
            "configurationDone": self.configuration_done, "threads": self.threads,
            "stackTrace": self.stack_trace, "scopes": self.scopes,
            "variables": self.variables, "setVariable": self.set_variable,
            "evaluate": self.evaluate, "continue": self.continue_, "next": self.next,
            "stepIn": self.step_in, "stepOut": self.step_out, "pause": self.pause,
            "restart": self.restart, "disconnect": self.disconnect,
            "terminate": self.terminate, "dataBreakpointInfo": self.data_breakpoint_info,
            "setDataBreakpoints": self.set_data_breakpoints,
            "exceptionInfo": self.exception_info,
        }

    # ------------------------------------------------------------ transport side

    async def handle(self, message: dict[str, Any]) -> None:
        if message.get("type") != "request":
            return  # responses to reverse requests: none are sent
        command = str(message.get("command", ""))
        handler = self._handlers.get(command)
        response: dict[str, Any] = {"type": "response", "request_seq": message.get("seq", 0),
                                    "command": command, "success": True}
        try:
            if handler is None:
                raise RequestError(f"'{command}' is not supported by Talkbench")
            args = message.get("arguments")
            if args is None:
                args = {}
            if not isinstance(args, dict):
                raise RequestError(f"the arguments of '{command}' must be an object")
            body = await handler(args)
            if body is not None:
                response["body"] = body
        except (RequestError, LaunchError) as e:
            response.update(success=False, message=str(e))
        except Exception as e:  # noqa: BLE001 - a Talkbench bug must not kill the session
            traceback.print_exc(file=sys.stderr)
            response.update(success=False, message=f"internal error: {type(e).__name__}: {e}")
        self._post(response)
        after, self._after = self._after, []
        for event, body in after:
            self.send_event(event, body)

    def refuse(self, message: dict[str, Any], text: str) -> None:
        """Answer a request with an error without handling it (access control, busy)."""
        self._post({"type": "response", "request_seq": message.get("seq", 0),
                    "command": str(message.get("command", "")), "success": False,
                    "message": text})

    async def close(self) -> None:
        """The client went away: end the run quietly and close the store."""
        if self.target is not None:
            target, self.target = self.target, None
            await target.close()

    def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        self._post({"type": "event", "event": event, **({"body": body} if body else {})})

    def _post(self, message: dict[str, Any]) -> None:
        self._seq += 1
        self._send({"seq": self._seq, **message})

    def _output(self, category: str, text: str, line: int = 0) -> None:
        body: dict[str, Any] = {"category": category, "output": text}
        if line and self.target is not None:
            body.update(source=self._source(), line=self.at.line(line))
        self.send_event("output", body)

    # ------------------------------------------------------------ setup

    async def initialize(self, args: dict[str, Any]) -> dict[str, Any]:
        self.at = Coordinates(0 if a.boolean(args, "linesStartAt1", True) else 1,
                              0 if a.boolean(args, "columnsStartAt1", True) else 1)
        return CAPABILITIES

    async def launch(self, args: dict[str, Any]) -> None:
        if self.target is not None:
            raise RequestError("this session has already launched a dialog")
        config = LaunchConfig.from_arguments(args)
        try:
            self.target = DebugTarget.launch(config, self, self.flow)
        except BasicSyntaxError as e:
            self._report_syntax(e)
            raise RequestError(f"{config.program.name} has syntax errors") from None
        self.target.break_on_errors = self._break_on_errors
        if self._breakpoints:
            self.target.set_breakpoints(self._breakpoints)
        self._report_engine_notes()
        self._after.append(("initialized", {}))
        if self._configured:
            self.target.start()

    async def set_breakpoints(self, args: dict[str, Any]) -> dict[str, Any]:
        path = a.text(a.obj(args, "source", required=True), "path")
        specs = [_breakpoint_spec(b, self.at) for b in a.objects(args, "breakpoints")]
        if self.target is None:
            self._breakpoints = specs
            return {"breakpoints": [{"verified": False, "line": self.at.line(s.line),
                                     "message": "waiting for launch"} for s in specs]}
        if path and not _same_file(path, self.target.config.program):
            return {"breakpoints": [{"verified": False, "line": self.at.line(s.line),
                                     "message": "not the launched dialog"} for s in specs]}
        return {"breakpoints": [
            {"id": bp.id, "verified": bp.verified, "line": self.at.line(bp.line),
             "source": self._source(), **({"message": bp.message} if bp.message else {})}
            for bp in self.target.set_breakpoints(specs)]}

    async def set_exception_breakpoints(self, args: dict[str, Any]) -> dict[str, Any]:
        """One answer per entry of ``filters``, then per entry of ``filterOptions``, in the
        order sent (the DAP rule); only ``runtime`` exists, without conditions."""
        answers, enabled = [], False
        for i, name in enumerate(a.array(args, "filters")):
            if not isinstance(name, str):
                raise RequestError(f"'filters[{i}]' must be a string, got {name!r}")
            answers.append(_filter_answer(name, ""))
            enabled |= name == ERROR_FILTER
        for option in a.objects(args, "filterOptions"):
            name = a.text(option, "filterId", required=True)
            condition = a.text(option, "condition", "")
            answers.append(_filter_answer(name, condition))
            enabled |= name == ERROR_FILTER and not condition
        self._break_on_errors = enabled
        if self.target is not None:
            self.target.break_on_errors = enabled
        return {"breakpoints": answers}

    async def configuration_done(self, args: dict[str, Any]) -> None:
        self._configured = True
        if self.target is not None and self.target.runtime is None:
            self.target.start()

    async def threads(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"threads": [{"id": THREAD_ID, "name": "dialog"}]}

    # ------------------------------------------------------------ inspection

    def _inspector(self) -> Inspector:
        if self.view is None or self.target is None:
            raise RequestError("the dialog is not stopped")
        return Inspector(self.view, self.handles, self._source(), self.target.store,
                         self.target.bot, self.at)

    async def stack_trace(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._inspector().stack_trace(args)

    async def scopes(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._inspector().scopes(args)

    async def variables(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._inspector().variables(args)

    async def set_variable(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._inspector().set_variable(args)

    async def evaluate(self, args: dict[str, Any]) -> dict[str, Any]:
        expression = a.text(args, "expression", required=True)
        channel = self.target.channel if self.target is not None else None
        if a.text(args, "context") == "repl" and channel is not None and channel.waiting:
            variable = channel.waiting.variable
            channel.reply(expression)
            return {"result": f"(sent as the reply to HEAR {variable})",
                    "variablesReference": 0}
        if self.view is None:
            raise RequestError("evaluate needs a stopped dialog (or a HEAR waiting for a "
                               "reply in the debug console)")
        return self._inspector().evaluate(args)

    async def exception_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(self.view, PostMortem):
            raise RequestError("the dialog is not stopped on an error")
        error = self.view.error
        return {"exceptionId": "RuntimeError", "description": error.message,
                "breakMode": "always", "details": {"message": error.format()}}

    async def data_breakpoint_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return data_breakpoint_info(self.handles, args)

    async def set_data_breakpoints(self, args: dict[str, Any]) -> dict[str, Any]:
        specs, result, self._data_ids = [], [], {}
        for number, bp in enumerate(a.objects(args, "breakpoints"), start=1):
            data_id = a.text(bp, "dataId", required=True)
            access = a.text(bp, "accessType", WRITE_ACCESS)
            if not data_id.startswith(MEMORY_DATA_ID) or len(data_id) == len(MEMORY_DATA_ID):
                result.append({"verified": False, "message": f"unknown dataId {data_id!r}"})
                continue
            if access != WRITE_ACCESS:
                result.append({"verified": False, "message": f"accessType {access!r} is not "
                               "supported: bot memory can be watched for writes only"})
                continue
            key = data_id[len(MEMORY_DATA_ID):]
            specs.append(MemoryBreakpointSpec(key, a.text(bp, "condition") or None))
            self._data_ids.setdefault(key, number)
            message = "hit conditions are not used on memory watchpoints" \
                if a.text(bp, "hitCondition") else ""
            result.append({"id": number, "verified": True,
                           **({"message": message} if message else {})})
        if self.target is None:
            raise RequestError("launch first: data breakpoints need a dialog")
        self.target.set_memory_breakpoints(specs)
        return {"breakpoints": result}

    # ------------------------------------------------------------ execution control

    def _resume(self, command: Callable[[], None]) -> dict[str, Any]:
        view, self.view = self.view, None
        if view is None:
            raise RequestError("the dialog is not stopped")
        self.handles.clear()
        if isinstance(view, PostMortem):
            view.release()  # after an error every command ends the run
        else:
            command()
        return {"allThreadsContinued": True}

    async def continue_(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._resume(lambda: self._debugger().resume())

    async def next(self, args: dict[str, Any]) -> None:
        self._resume(lambda: self._debugger().step_over())

    async def step_in(self, args: dict[str, Any]) -> None:
        self._resume(lambda: self._debugger().step_into())

    async def step_out(self, args: dict[str, Any]) -> None:
        self._resume(lambda: self._debugger().step_out())

    async def pause(self, args: dict[str, Any]) -> None:
        if self.target is None or not self.target.running:
            raise RequestError("the dialog is not running")
        if self.view is not None:
            return
        self.target.debugger.pause()
        channel = self.target.channel
        if channel is not None and channel.waiting:
            self._output("console", f"HEAR {channel.waiting.variable} is waiting for a reply; "
                                    "the dialog pauses right after it gets one\n")

    async def restart(self, args: dict[str, Any]) -> None:
        if self.target is None:
            raise RequestError("launch first")
        if self._ended:
            raise RequestError("the run has ended (terminated was sent); start a new session")
        new = a.obj(args, "arguments")
        config = LaunchConfig.from_arguments(new) if new else self.target.config
        self.view = None
        self.handles.clear()
        try:
            await self.target.restart(config)
        except BasicSyntaxError as e:
            self._report_syntax(e)
            raise RequestError(f"{config.program.name} has syntax errors") from None
        self._report_engine_notes()

    async def terminate(self, args: dict[str, Any]) -> None:
        if self.target is not None and self.target.running:
            self.view = None
            await self.target.stop()  # reports exited + terminated through ended()
        else:
            self._terminated()

    async def disconnect(self, args: dict[str, Any]) -> None:
        self.view = None
        await self.close()
        self.done = True

    def _debugger(self) -> Any:
        assert self.target is not None
        return self.target.debugger

    # ------------------------------------------------------------ TargetListener

    def paused(self, state: PausedState) -> None:
        assert self.target is not None
        self.handles.clear()
        self.view = LivePause(self.target.debugger)
        body: dict[str, Any] = {"reason": STOP_REASONS[state.reason], "threadId": THREAD_ID,
                                "allThreadsStopped": True}
        if state.reason is PauseReason.MEMORY:
            body["description"] = f"bot memory '{state.memory_key}' written"
            bp_id = self._data_ids.get(state.memory_key)
            body["hitBreakpointIds"] = [bp_id] if bp_id else []
        elif state.breakpoint_ids:
            body["hitBreakpointIds"] = list(state.breakpoint_ids)
            body["description"] = f"breakpoint at line {state.line}"
        else:
            body["description"] = f"{body['reason']} at line {state.line}"
        self.send_event("stopped", body)

    def message(self, message: DebugMessage) -> None:
        prefix = "" if message.kind is MessageKind.LOG else "warning: "
        self._output("console", prefix + message.text + "\n", message.line)

    def event(self, event: Any) -> None:
        """The runtime's events that the client shows: the conversation and errors."""
        if isinstance(event, Talked):
            who = f"[to {event.message.recipient}] " if event.message.recipient else ""
            self._output("stdout", who + event.message.text + "\n")
        elif isinstance(event, Printed):
            category = "stderr" if event.level == "error" else "console"
            prefix = "" if event.level == "info" else f"{event.level}: "
            self._output(category, prefix + event.text + "\n", event.line)
        elif isinstance(event, InvalidAnswer):
            # What the user would read in the chat before HEAR asks again.
            self._output("stdout", event.hint + "\n", event.line)
        elif isinstance(event, Failed):
            self._output("stderr", event.error.format() + "\n", event.error.line)

    def waiting(self, request: HearRequest) -> None:
        self._output("console", f"HEAR {request.variable}: waiting for the user's reply; "
                                "type it in the debug console\n")

    def failed_stop(self, stop: PostMortem) -> None:
        self.handles.clear()
        self.view = stop
        self.send_event("stopped", {
            "reason": "exception", "threadId": THREAD_ID, "allThreadsStopped": True,
            "description": "runtime error", "text": stop.error.format()})  # file:line:col

    def ended(self, exit_code: int) -> None:
        self.view = None
        self.handles.clear()
        self.send_event("exited", {"exitCode": exit_code})
        self._terminated()

    def _terminated(self) -> None:
        if not self._ended:
            self._ended = True
            self.send_event("terminated")

    # ------------------------------------------------------------ helpers

    def _source(self) -> dict[str, Any]:
        assert self.target is not None
        path = self.target.config.program
        return {"name": path.name, "path": str(path)}

    def _report_engine_notes(self) -> None:
        """The General Bots warnings (the file's encoding, the converter's translation), as
        ``talkbench check`` and the IDE show them, to the client's console when the run
        starts (after the response)."""
        assert self.target is not None
        for d in engine_notes(self.target.compiled, self.target.saved):
            self._after.append(("output", {
                "category": "console", "output": d.format() + "\n",
                "source": {"name": Path(d.file).name, "path": d.file},
                "line": self.at.line(d.line), "column": self.at.column(d.col)}))

    def _report_syntax(self, error: BasicSyntaxError) -> None:
        """As ``talkbench run``: every syntax error, then exit code 2 (after the response)."""
        for d in error.diagnostics:
            body = {"category": "stderr", "output": d.format() + "\n",
                    "source": {"name": Path(d.file).name, "path": d.file},
                    "line": self.at.line(d.line), "column": self.at.column(d.col)}
            self._after.append(("output", body))
        self._after.append(("exited", {"exitCode": EXIT_SYNTAX}))
        if not self._ended:
            self._ended = True
            self._after.append(("terminated", {}))


def _breakpoint_spec(bp: dict[str, Any], at: Coordinates) -> BreakpointSpec:
    line = a.integer(bp, "line", required=True)
    return BreakpointSpec(at.engine_line(line), a.text(bp, "condition") or None,
                          a.text(bp, "hitCondition") or None, a.text(bp, "logMessage"))


def _filter_answer(name: str, condition: str) -> dict[str, Any]:
    if name != ERROR_FILTER:
        return {"verified": False, "message": f"unknown exception filter {name!r} "
                                              f"(Talkbench has {ERROR_FILTER!r})"}
    if condition:
        return {"verified": False, "message": "conditions on runtime errors are not supported"}
    return {"verified": True}


def _same_file(client_path: str, program: Path) -> bool:
    """The client may name the dialog through another path (a symlinked folder)."""
    path = os.path.abspath(os.path.expanduser(client_path))
    if path == str(program):
        return True
    try:
        return os.path.samefile(path, program)
    except OSError:
        return False
