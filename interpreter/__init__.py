"""General Bots BASIC: lexer, parser, compiler and runtime. Imports no Qt."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .checking.compile_cache import compiles
from .compat import EngineOptions, check_engine, explain_unsupported
from .compiler import GENERATED_PREFIX, CodeGen, CompiledProgram, compile_program
from .errors import BasicRuntimeError, BasicSyntaxError, Diagnostic, Severity
from .lint import lint
from .parser import parse
from .runtime import Runtime, Session
from .service_needs import unsupported_uses

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
    compiled = _compile_diagnostics(program)
    if isinstance(compiled, Diagnostic):
        return diagnostics + [compiled]
    found = (diagnostics + compiled + lint(program, provided)
             + unsupported_uses(program)
             + check_engine(source, program, engine or EngineOptions()))
    unique = {(d.line, d.col, d.message): d for d in found}
    return sorted(unique.values(), key=lambda d: (d.line, d.col))


def load_source(source: str, file: str = "<script>", debug: bool = False,
                engine: EngineOptions | None = None) -> CompiledProgram:
    """Parse and compile; raises BasicSyntaxError listing every syntax error.

    With ``engine`` set to treat translation defects as errors, the lines the General Bots
    converter breaks are errors too (the CI setting, as ``talkbench check`` applies it).
    """
    program, diagnostics = parse(source, file)
    errors = [d for d in explain_unsupported(source, file, diagnostics)
              if d.severity is Severity.ERROR]
    if errors:
        raise BasicSyntaxError(errors)
    compiled = _compile(program, debug)
    if isinstance(compiled, Diagnostic):
        raise BasicSyntaxError([compiled])
    errors = [d for d in compiled.diagnostics if d.severity is Severity.ERROR]
    if engine is not None and engine.errors:
        errors += [d for d in check_engine(source, program, engine)
                   if d.severity is Severity.ERROR]
    if errors:
        raise BasicSyntaxError(errors)
    return compiled


def _compile_diagnostics(program: Any) -> list[Diagnostic] | Diagnostic:
    """What checking needs of compiling: the generator's warnings, or the error ``_compile``
    gives. Functions of the generated code that compiled before are not compiled again."""
    try:
        gen = CodeGen(program, False)
        source = gen.generate()
    except (RecursionError, SyntaxError, MemoryError):
        source = None
    if source is not None and compiles(source, GENERATED_PREFIX + program.file + ">"):
        return gen.diagnostics
    compiled = _compile(program)
    return compiled if isinstance(compiled, Diagnostic) else compiled.diagnostics


def _compile(program: Any, debug: bool = False) -> CompiledProgram | Diagnostic:
    """Compile, turning the generated code's own limits into a diagnostic.

    The parser bounds nesting (``interpreter.nesting``); this is the backstop should a
    script still reach Python's limits (recursion, 200 brackets, 100 indents).
    """
    try:
        return compile_program(program, debug=debug)
    except (RecursionError, SyntaxError, MemoryError) as exc:
        line, col = 1, 1
        if isinstance(exc, SyntaxError) and exc.lineno:  # blame the BASIC line it came from
            gen = CodeGen(program, debug)
            gen.generate()
            if 0 < exc.lineno <= len(gen.line_map):
                line, col = gen.line_map[exc.lineno - 1]
        reason = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        return Diagnostic(program.file, max(line, 1), max(col, 1), Severity.ERROR,
                          f"the script is too deeply nested to compile ({reason})")


async def run_source(source: str, channel: Any, memory: Any, file: str = "<script>",
                     **options: Any) -> Any:
    """Compile and run ``source``; options are those of :class:`Runtime`."""
    compiled = load_source(source, file, debug=options.get("debugger") is not None)
    return await Runtime(compiled, channel, memory, **options).run()
