"""From source text to a compiled program: parse, refuse what the engine cannot run, compile.

Below the runtime and the keywords (a tool dialog the LLM calls is loaded here), above the
parser, the compatibility checks and the code generator.
"""

from __future__ import annotations

from typing import Any

from ..compat import EngineOptions, check_engine, explain_unsupported
from ..errors import BasicSyntaxError, Diagnostic, Severity
from ..syntax.nesting import too_deep
from ..syntax.parser.core import parse
from .after_errors import own_line_findings
from .compile_cache import compiles
from .compiler import GENERATED_PREFIX, CodeGen, CompiledProgram, compile_program


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
        raise BasicSyntaxError([d for d in with_own_line_findings(program, errors)
                                if d.severity is Severity.ERROR])
    compiled = compile_or_diagnostic(program, debug)
    if isinstance(compiled, Diagnostic):
        raise BasicSyntaxError([compiled])
    errors = [d for d in compiled.diagnostics if d.severity is Severity.ERROR]
    if engine is not None and engine.errors:
        errors += [d for d in check_engine(source, program, engine)
                   if d.severity is Severity.ERROR]
    if errors:
        raise BasicSyntaxError(errors)
    return compiled


def compile_or_diagnostic(program: Any, debug: bool = False) -> CompiledProgram | Diagnostic:
    """Compile, turning the generated code's own limits into a diagnostic.

    The parser bounds nesting (``interpreter.syntax.nesting``); this is the backstop should a
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


def compile_diagnostics(program: Any) -> list[Diagnostic] | Diagnostic:
    """What checking needs of compiling: the generator's warnings, or the error
    :func:`compile_or_diagnostic` gives. Functions of the generated code that compiled before
    are not compiled again (:mod:`.compile_cache`). The code compiled is the one-pass
    ``all_async`` version (see ``CodeGen.generate``); when it does not compile, the release
    code itself is compiled, which gives the exact answer."""
    try:
        gen = CodeGen(program, False)
        source = gen.generate(all_async=True)  # compiles only if the release code does
    except (RecursionError, SyntaxError, MemoryError):
        source = None
    if source is not None and compiles(source, GENERATED_PREFIX + program.file + ">"):
        return gen.diagnostics
    compiled = compile_or_diagnostic(program)
    return compiled if isinstance(compiled, Diagnostic) else compiled.diagnostics


def with_own_line_findings(program: Any, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` of a dialog that does not parse, with what compiling the lines that
    did parse finds on them alone (``after_errors``), sorted by position."""
    if too_deep(program):  # the parser keeps those statements, compiling them is not safe
        return diagnostics
    compiled = compile_diagnostics(program)
    found = [] if isinstance(compiled, Diagnostic) else \
        own_line_findings(program, diagnostics, compiled)
    return sorted(diagnostics + found, key=lambda d: (d.line, d.col))
