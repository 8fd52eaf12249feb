"""Static warnings that are not syntax errors (``talkbench check`` and live diagnostics)."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Diagnostic, Severity
from . import nodes as n
from .vocabulary import ERROR_STATE_NAMES


def _assigned_names(program: n.Program, nodes: list[n.Node]) -> set[str]:
    # The 2026-05 engine puts nothing in a dialog's scope but the bot's param-* settings
    # (botserver/src/basic/mod.rs, inject_config_variables): no username, mobile, ...
    names: set[str] = set()
    for sub in program.subs.values():
        names.update(p.lower() for p in sub.params)
        names.add(sub.name.lower())
    for node in nodes:
        target = None
        if isinstance(node, (n.Assign, n.Hear)):
            target = node.target
        elif isinstance(node, (n.ForEach, n.ForTo)):
            names.add(node.var.lower())
        elif isinstance(node, n.Param):
            names.add(node.name.lower())
        elif isinstance(node, n.With):
            target = node.target
        elif isinstance(node, n.KeywordStmt) and "INTO" in node.clauses:
            target = node.clauses["INTO"][0]
        while isinstance(target, (n.Member, n.Index)):
            target = target.obj
        if isinstance(target, n.Name):
            names.add(target.name.lower())
    return names


def lint(program: n.Program, provided: Iterable[str] = (),
         nodes: list[n.Node] | None = None) -> list[Diagnostic]:
    """Warnings: variables read but never assigned anywhere in the file, nor ``provided`` from
    outside it (a bot package's ``param-*`` values). ``nodes``: the program's nodes as
    ``program_nodes`` lists them, when the caller walked it already."""
    if nodes is None:
        nodes = list(n.program_nodes(program))  # walked once for both passes
    assigned = _assigned_names(program, nodes) | {name.lower() for name in provided}
    seen: set[str] = set()
    out: list[Diagnostic] = []
    reads = [node for node in nodes if isinstance(node, n.Name)]
    for name in sorted(reads, key=lambda x: (x.line, x.col)):
        key = name.name.lower()
        if key not in assigned and key not in seen and key not in ERROR_STATE_NAMES:
            seen.add(key)
            out.append(Diagnostic(program.file, name.line, name.col, Severity.WARNING,
                                  f"variable '{name.name}' is read but never assigned: "
                                  f"the dialog stops here with \"Variable not found: "
                                  f"{name.name}\" unless the bot's config.csv sets "
                                  f"param-{key}", name.col + len(name.name)))
    return out
