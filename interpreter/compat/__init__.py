"""Compatibility with General Bots: what its converter does to a dialog, and values likely
not meant. The checks never change what Talkbench runs; they only report.

``check_engine`` gives the findings as diagnostics for ``talkbench check``, the IDE's live
diagnostics and the debug adapter (all through :func:`interpreter.check_source`).
"""

from __future__ import annotations

from .. import nodes as n
from ..errors import Diagnostic
from .build_notes import build_notes
from .builds import NEWEST_BUILD, EngineBuild, EngineOptions
from .converter_rules import ConverterModel
from .findings import Concern, Finding
from .source_lines import source_lines

DEFAULT_OPTIONS = EngineOptions()

__all__ = ["NEWEST_BUILD", "Concern", "EngineBuild", "EngineOptions", "Finding",
           "check_engine", "engine_findings"]


def engine_findings(source: str, program: n.Program,
                    options: EngineOptions = DEFAULT_OPTIONS) -> list[Finding]:
    """Every compatibility finding for a dialog that parsed, in source order."""
    found = list(ConverterModel(options.build).findings(source_lines(source)))
    found += build_notes(program, options.build)
    return sorted(found, key=lambda f: (f.line, f.col))


def check_engine(source: str, program: n.Program,
                 options: EngineOptions = DEFAULT_OPTIONS) -> list[Diagnostic]:
    """The findings as diagnostics; translation defects are errors when ``options.errors``."""
    return [f.diagnostic(program.file, options)
            for f in engine_findings(source, program, options)]
