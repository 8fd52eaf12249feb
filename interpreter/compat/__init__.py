"""Compatibility with General Bots: what its converter does to a dialog, and values likely
not meant. The checks never change what Talkbench runs; they only report.

``check_engine`` gives the findings as diagnostics for ``talkbench check``, the IDE's live
diagnostics and the debug adapter (all through :func:`interpreter.checking.check_source`);
``check_file`` those on the file's encoding, ``check_unparsed`` the line-by-line ones for a
dialog Talkbench cannot parse.
"""

from __future__ import annotations

from ..errors import Diagnostic, Severity
from ..syntax import nodes as n
from ..syntax.pieces.lexing import lex_dialog
from .build_notes import build_notes
from .builds import NEWEST_BUILD, EngineBuild, EngineOptions
from .conditions import literal_conditions
from .converter_rules import converter_findings
from .date_maps import date_map_findings
from .file_encoding import SavedText, encoding_findings
from .findings import Concern, Finding
from .loop_jumps import end_statements, loop_jumps_outside_loops
from .print_values import print_value_lists
from .reserved_names import reserved_names
from .source_lines import line_pieces, source_lines
from .string_literals import curly_quote_findings
from .unsupported import unsupported_constructs
from .value_pitfalls import value_pitfalls

DEFAULT_OPTIONS = EngineOptions()

__all__ = ["NEWEST_BUILD", "Concern", "EngineBuild", "EngineOptions", "Finding", "SavedText",
           "check_engine", "check_file", "check_unparsed", "engine_findings",
           "explain_unsupported"]


def engine_findings(source: str, program: n.Program,
                    options: EngineOptions = DEFAULT_OPTIONS,
                    nodes: list[n.Node] | None = None) -> list[Finding]:
    """Every compatibility finding for a dialog that parsed, in source order. ``nodes``: the
    program's nodes as ``program_nodes`` lists them, when the caller walked it already."""
    if nodes is None:
        nodes = list(n.program_nodes(program))  # walked once, read by both AST checks
    found = text_findings(source, options)
    found += build_notes(nodes, options.build)
    found += literal_conditions(nodes, options.build)
    found += loop_jumps_outside_loops(nodes, options.build)
    found += end_statements(source, nodes, options.build)
    found += print_value_lists(nodes, options.build)
    found += value_pitfalls(nodes)
    found += date_map_findings(nodes)
    found += reserved_names(nodes, options.build)
    return sorted(found, key=lambda f: (f.line, f.col))


def text_findings(source: str, options: EngineOptions = DEFAULT_OPTIONS) -> list[Finding]:
    """The findings that read the dialog's physical lines only, as the engine's line-by-line
    converter does: they hold whether Talkbench's parser accepts the dialog or not."""
    return (converter_findings(options.build, line_pieces(source))
            + curly_quote_findings(options.build.label, source))


def check_engine(source: str, program: n.Program,
                 options: EngineOptions = DEFAULT_OPTIONS,
                 nodes: list[n.Node] | None = None) -> list[Diagnostic]:
    """The findings as diagnostics; translation defects are errors when ``options.errors``."""
    return [f.diagnostic(program.file, options)
            for f in engine_findings(source, program, options, nodes)]


def check_file(source: str, file: str, saved: SavedText | None,
               options: EngineOptions = DEFAULT_OPTIONS) -> list[Diagnostic]:
    """What production does with the file as a whole (its encoding), whether it parses or not."""
    return [f.diagnostic(file, options)
            for f in encoding_findings(options.build.label, source, saved)]


def check_unparsed(source: str, file: str, errors: list[Diagnostic],
                   options: EngineOptions = DEFAULT_OPTIONS) -> list[Diagnostic]:
    """For a dialog Talkbench cannot parse (``errors``): what the engine's converter does to
    its lines, where Talkbench reads them as the converter does. Not on a line Talkbench
    refuses, nor from its first lexical error or string spread over lines on: there an
    unclosed quote may pair with the next line's, and Talkbench's tokens no longer match the
    converter's lines (``THEN ' note`` is a comment there, an unclosed string here). The
    rules that need the parsed program are left out."""
    lines = source_lines(source)
    cut = min([d.line for d in lex_dialog(source).diagnostics]
              + [line.number for line in lines if line.open_string() is not None],
              default=len(lines) + 1)
    refused = {d.line for d in errors if d.severity is Severity.ERROR}
    return [f.diagnostic(file, options) for f in text_findings(source, options)
            if f.line < cut and f.line not in refused]


def explain_unsupported(source: str, file: str,
                        diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The parser's diagnostics, with each line that uses a construct no General Bots build
    has reported as that (an error), instead of the parser's generic complaint."""
    found = unsupported_constructs(source)
    if not found:
        return diagnostics
    lines = {f.line for f in found}
    kept = [d for d in diagnostics if d.line not in lines]
    explained = kept + [f.diagnostic(file, DEFAULT_OPTIONS) for f in found]
    return sorted(explained, key=lambda d: (d.line, d.col))
