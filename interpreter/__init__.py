"""General Bots BASIC: lexer, parser, compiler and runtime. Imports no Qt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lazy_names import lazy_names

if TYPE_CHECKING:
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

# Where each public name lives. Loaded on first use (PEP 562), not when the package is:
# importing any submodule (the editor's ``interpreter.syntax.vocabulary``) runs this file,
# and importing the checker, compiler and runtime here made the IDE's start-up pay for the
# whole keyword catalogue before its first window (about a third of its import time).
_LAZY = {
    "check_source": ".checking",
    "CompiledProgram": ".codegen.compiler",
    "load_source": ".codegen.loading",
    "EngineOptions": ".compat",
    "BasicRuntimeError": ".errors",
    "BasicSyntaxError": ".errors",
    "Diagnostic": ".errors",
    "Severity": ".errors",
    "Runtime": ".runtime.engine",
    "Session": ".runtime.engine",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


async def run_source(source: str, channel: Any, memory: Any, file: str = "<script>",
                     **options: Any) -> Any:
    """Compile and run ``source``; options are those of :class:`Runtime`."""
    from .codegen.loading import load_source
    from .runtime.engine import Runtime

    compiled = load_source(source, file, debug=options.get("debugger") is not None)
    return await Runtime(compiled, channel, memory, **options).run()
