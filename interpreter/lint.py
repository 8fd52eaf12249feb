"""Static warnings that are not syntax errors (``talkbench check`` and live diagnostics)."""

from __future__ import annotations

from . import nodes as n
from .errors import Diagnostic, Severity

# Variables General Bots channels provide without an assignment in the dialog.
IMPLICIT_VARIABLES = frozenset(
    "username mobile from channel today now user fields body admin userid".split())


def _walk(node: object):
    """Every node below ``node`` (statements, expressions, nested blocks)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, n.Node):
            yield cur
            # Each class in the MRO lists only its own slots: visiting them per class once
            # (and not also ``type(cur).__slots__``) keeps the walk linear, not 2^depth.
            for klass in type(cur).__mro__:
                for slot in getattr(klass, "__slots__", ()):
                    if slot not in ("line", "col"):
                        stack.append(getattr(cur, slot, None))
        elif isinstance(cur, (list, tuple)):
            stack.extend(cur)
        elif isinstance(cur, dict):
            stack.extend(cur.values())


def _assigned_names(program: n.Program) -> set[str]:
    names: set[str] = set(IMPLICIT_VARIABLES)
    for sub in program.subs.values():
        names.update(p.lower() for p in sub.params)
        names.add(sub.name.lower())
    roots: list[object] = [program.body, list(program.subs.values())]
    for node in _walk(roots):
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


def lint(program: n.Program) -> list[Diagnostic]:
    """Warnings: variables read but never assigned anywhere in the file."""
    assigned = _assigned_names(program)
    seen: set[str] = set()
    out: list[Diagnostic] = []
    reads: list[n.Name] = []
    for node in _walk([program.body, list(program.subs.values())]):
        if isinstance(node, n.Name):
            reads.append(node)
    for name in sorted(reads, key=lambda x: (x.line, x.col)):
        key = name.name.lower()
        if key not in assigned and key not in seen:
            seen.add(key)
            out.append(Diagnostic(program.file, name.line, name.col, Severity.WARNING,
                                  f"variable '{name.name}' is read but never assigned "
                                  f"(it reads as empty)", name.col + len(name.name)))
    return out
