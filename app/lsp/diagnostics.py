"""Diagnostics: exactly what ``talkbench check`` reports, as LSP diagnostics."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from interpreter import Diagnostic, Severity, check_source

from ..files.atomic_file import stored_format
from ..files.bot_package import package_variable_names
from ..services.settings import engine_options
from .analysis import MAX_ANALYSED_CHARS
from .positions import lines_of, span

SOURCE = "talkbench"
MAX_CHECKED_CHARS = MAX_ANALYSED_CHARS  # a bigger document gets one clear diagnostic instead

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def check_document(source: str, path: Path | None) -> list[types.Diagnostic]:
    """The checker's findings for ``source`` (``path`` gives the folder's settings)."""
    if len(source) > MAX_CHECKED_CHARS:
        return [types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0),
                              end=types.Position(line=0, character=0)),
            message=f"not checked: the dialog has {len(source):,} characters, more than "
                    f"{MAX_CHECKED_CHARS:,}",
            severity=types.DiagnosticSeverity.Information, source=SOURCE)]
    file = str(path) if path is not None else "<untitled>"
    found: list[types.Diagnostic] = []
    try:
        options = engine_options(path) if path is not None else None
    except ValueError as e:  # a bad engine build in the folder's settings
        found.append(types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0),
                              end=types.Position(line=0, character=0)),
            message=f"settings: {e}", severity=types.DiagnosticSeverity.Error, source=SOURCE))
        options = None
    provided = package_variable_names(path) if path is not None else []
    lines = lines_of(source)
    saved = stored_format(path) if path is not None else None  # what the client saves back
    for d in check_source(source, file, options, provided=provided, saved=saved):
        found.append(to_lsp_diagnostic(lines, d))
    return found


def to_lsp_diagnostic(lines: list[str], d: Diagnostic) -> types.Diagnostic:
    if d.end_col > d.col:
        where = span(lines, d.line, d.col, d.end_col)
    else:  # no known end: the word starting at the column
        where = span(lines, d.line, d.col, d.col + _word_length(lines, d.line, d.col))
    return types.Diagnostic(range=where, message=d.message,
                            severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
                            source=SOURCE)


def _word_length(lines: list[str], line: int, col: int) -> int:
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    start = max(col - 1, 0)
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return max(end - start, 1)
