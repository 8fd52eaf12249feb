"""A stop after a runtime error (the ``runtime`` exception filter): the run is over, but its
call stack is rebuilt from the error's traceback so the client can still inspect and
evaluate in each frame before the session ends.

Evaluation uses the engine's own expression compiler (``interpreter.debug.evaluate``), exactly
as a live pause does; only assignments are refused, as nothing would run afterwards.
"""

from __future__ import annotations

import asyncio
from typing import Any

from interpreter import BasicRuntimeError, CompiledProgram, Runtime
from interpreter.codegen.compiler import QUIET_PREFIX
from interpreter.debug.evaluate import compile_expression, run_expression
from interpreter.debug.model import FrameSnapshot, session_snapshot, snapshot_value
from interpreter.values import BasicValueError

DIALOG = "(dialog)"


class PostMortem:
    """Frames and evaluation at the statement that failed; :meth:`release` ends the stop."""

    def __init__(self, error: BasicRuntimeError, runtime: Runtime) -> None:
        self.error = error
        self.runtime = runtime
        compiled = runtime.compiled
        self._scopes = _failed_frames(error, compiled) or [(DIALOG, error.line, runtime.globals)]
        self.frames = tuple(FrameSnapshot(name, line, _snapshot(compiled, variables))
                            for name, line, variables in self._scopes)
        self.session = session_snapshot(runtime.session)
        self._released = asyncio.Event()

    @property
    def line(self) -> int:
        return self.error.line

    def evaluate(self, expression: str, frame_index: int = 0) -> Any:
        if not 0 <= frame_index < len(self._scopes):
            raise BasicValueError(f"there is no frame {frame_index}")
        compiled = compile_expression(self.runtime.compiled.program, expression)
        local = self._scopes[frame_index][2]
        return run_expression(compiled, self.runtime, local, self.runtime.globals)

    def variables(self, frame_index: int = 0) -> list[tuple[str, Any]]:
        """The live (name, value) pairs of a frame (the run is over: they cannot change)."""
        names = self.runtime.compiled.program.names
        return [(names.get(k, k), v) for k, v in self._scopes[frame_index][2].items()]

    def set_variable(self, name: str, value_text: str, frame_index: int = 0) -> FrameSnapshot:
        raise BasicValueError("the run ended with an error; variables can no longer change")

    def release(self) -> None:
        self._released.set()

    async def wait(self) -> None:
        await self._released.wait()


def _failed_frames(error: BasicRuntimeError,
                   compiled: CompiledProgram) -> list[tuple[str, int, dict[str, Any]]]:
    """(name, line, variables) of each generated-code frame, innermost first."""
    subs = {"_sub_" + key.lower(): sub.name for key, sub in compiled.program.subs.items()}
    cause = error.__cause__ or error
    found = []
    tb = cause.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        variables = tb.tb_frame.f_locals.get("L")
        if code.co_filename == compiled.filename and isinstance(variables, dict):
            # A debug SUB's hook-free copy (QUIET_PREFIX) keeps its L: the same frame.
            function = code.co_name.removeprefix(QUIET_PREFIX)
            name = DIALOG if function == "__main__" else subs.get(function, function)
            index = tb.tb_lineno - 1
            line = compiled.line_map[index][0] if 0 <= index < len(compiled.line_map) else 0
            found.append((name, line, variables))
        tb = tb.tb_next
    found.reverse()
    if found:
        found[0] = (found[0][0], error.line, found[0][2])  # the runtime's exact blame line
    return found


def _snapshot(compiled: CompiledProgram, variables: dict[str, Any]) -> tuple:
    names = compiled.program.names
    return tuple(snapshot_value(names.get(k, k), v) for k, v in variables.items())
