"""Checking a dialog without running it: every error and warning ``talkbench check``, the IDE's
live diagnostics, the language server and the debug adapter show, in one pass.

A check after an edit reuses what the previous check computed where that gives exactly the same
findings (the tokens and parse of the pieces of the dialog the edit left alone, see
``syntax.pieces``; the physical lines; the generated functions that compiled);
:func:`clear_caches` forgets it all, so tests can compare with a check from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..codegen.loading import compile_diagnostics, with_own_line_findings
from ..compat import (
    EngineOptions,
    SavedText,
    check_engine,
    check_file,
    check_unparsed,
    explain_unsupported,
)
from ..errors import Diagnostic, Severity
from ..keywords.service_needs import unsupported_uses
from ..syntax.lint import lint
from ..syntax.nodes import program_nodes
from ..syntax.parser.pieces import parse_reusing


def check_source(source: str, file: str = "<script>",
                 engine: EngineOptions | None = None,
                 provided: Iterable[str] = (),
                 saved: SavedText | None = None) -> list[Diagnostic]:
    """Every error and warning for ``source``, sorted by position; never raises.

    ``engine`` picks the General Bots build whose converter the dialog is checked against
    (the newest by default) and whether its translation defects count as errors.
    ``provided``: variables the run gets from outside the file (a package's ``param-*``).
    ``saved``: the encoding and BOM of the file the text was read from (None: UTF-8, no BOM).
    """
    engine = engine or EngineOptions()
    program, diagnostics = parse_reusing(source, file)
    diagnostics = explain_unsupported(source, file, diagnostics)
    whole_file = check_file(source, file, saved, engine)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return _in_order(with_own_line_findings(program, diagnostics) + whole_file
                         + check_unparsed(source, file, diagnostics, engine))
    compiled = compile_diagnostics(program)
    if isinstance(compiled, Diagnostic):
        return _in_order(diagnostics + [compiled] + whole_file)
    nodes = list(program_nodes(program))  # walked once for the three passes below
    found = (diagnostics + compiled + lint(program, provided, nodes)
             + unsupported_uses(program, nodes)
             + check_engine(source, program, engine, nodes) + whole_file)
    unique = {(d.line, d.col, d.message): d for d in found}
    return _in_order(_compile_failure_alone(list(unique.values())))


def _fails_to_compile(message: str) -> bool:
    return "fails to compile" in message or "cannot compile" in message


def _stops_at_run_time(message: str) -> bool:
    return "stops here" in message or "Function not found" in message


def _compile_failure_alone(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Without what a run would do on a line production cannot compile: no run reaches it
    (nor any other line), so "stops here with Function not found" is not true there."""
    failing = {d.line for d in diagnostics if _fails_to_compile(d.message)}
    return [d for d in diagnostics if d.line not in failing
            or _fails_to_compile(d.message) or not _stops_at_run_time(d.message)]


def _in_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.line, d.col))


def clear_caches() -> None:
    """Forget every reused result, so the next check starts from scratch (tests compare)."""
    from ..codegen.analysis import forget_facts
    from ..codegen.compile_cache import forget as forget_compiled
    from ..compat.converter_rules import forget as forget_converter
    from ..compat.source_lines import forget as forget_lines
    from ..syntax.parser.pieces import forget_parsed
    from ..syntax.pieces.lexing import forget_lexed

    forget_lexed()
    forget_parsed()
    forget_lines()
    forget_converter()
    forget_compiled()
    forget_facts()
