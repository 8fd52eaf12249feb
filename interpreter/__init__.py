"""General Bots BASIC: lexer, parser, compiler and runtime. Imports no Qt."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .codegen.compiler import CompiledProgram
from .codegen.loading import compile_or_diagnostic, load_source
from .compat import EngineOptions, check_engine, explain_unsupported
from .errors import BasicRuntimeError, BasicSyntaxError, Diagnostic, Severity
from .keywords.service_needs import unsupported_uses
from .runtime.engine import Runtime, Session
from .syntax.lint import lint
from .syntax.parser.core import parse

__all__ = [
    "BasicRuntimeError", "BasicSyntaxError", "CompiledProgram", "Diagnostic", "EngineOptions",
    "Runtime",
    "Session", "Severity", "check_source", "load_source", "run_source",
]


def check_source(source: str, file: str = "<script>",
                 engine: EngineOptions | None = None,
                 provided: Iterable[str] = ()) -> list[Diagnostic]:
    """Every error and warning for ``source``, sorted by position; never raises.

    ``engine`` picks the General Bots build whose converter the dialog is checked against
    (the newest by default) and whether its translation defects count as errors.
    ``provided``: variables the run gets from outside the file (a package's ``param-*``).
    """
    program, diagnostics = parse(source, file)
    diagnostics = explain_unsupported(source, file, diagnostics)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return diagnostics
    compiled = compile_or_diagnostic(program)
    if isinstance(compiled, Diagnostic):
        return diagnostics + [compiled]
    found = (diagnostics + compiled.diagnostics + lint(program, provided)
             + unsupported_uses(program)
             + check_engine(source, program, engine or EngineOptions()))
    unique = {(d.line, d.col, d.message): d for d in found}
    return sorted(unique.values(), key=lambda d: (d.line, d.col))


async def run_source(source: str, channel: Any, memory: Any, file: str = "<script>",
                     **options: Any) -> Any:
    """Compile and run ``source``; options are those of :class:`Runtime`."""
    compiled = load_source(source, file, debug=options.get("debugger") is not None)
    return await Runtime(compiled, channel, memory, **options).run()
