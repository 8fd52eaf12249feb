"""General Bots BASIC: lexer, parser, compiler and runtime. Imports no Qt."""

from __future__ import annotations

from typing import Any

from .checking import check_source
from .codegen.compiler import CompiledProgram
from .codegen.loading import load_source
from .compat import EngineOptions
from .errors import BasicRuntimeError, BasicSyntaxError, Diagnostic, Severity
from .runtime.engine import Runtime, Session

__all__ = [
    "BasicRuntimeError", "BasicSyntaxError", "CompiledProgram", "Diagnostic", "EngineOptions",
    "Runtime",
    "Session", "Severity", "check_source", "load_source", "run_source",
]


async def run_source(source: str, channel: Any, memory: Any, file: str = "<script>",
                     **options: Any) -> Any:
    """Compile and run ``source``; options are those of :class:`Runtime`."""
    compiled = load_source(source, file, debug=options.get("debugger") is not None)
    return await Runtime(compiled, channel, memory, **options).run()
