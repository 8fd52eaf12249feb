"""``talkbench check`` says what ``run`` will say: a keyword that needs a service Talkbench
does not provide (``interpreter.keywords.unsupported.NEEDS``) is a warning at its line, so a
dialog never passes check silently only to stop at run time."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Diagnostic, Severity
from ..syntax import nodes as n


def unsupported_uses(program: n.Program,
                     nodes: Iterable[n.Node] | None = None) -> list[Diagnostic]:
    """``nodes``: the program's nodes as ``program_nodes`` lists them, if walked already."""
    # the registry imports the runtime's keyword families
    from .unsupported import _MESSAGE_NEED, NEEDS

    out: list[Diagnostic] = []
    for node in n.program_nodes(program) if nodes is None else nodes:
        if not isinstance(node, (n.KeywordStmt, n.KeywordExpr)):
            continue
        need = NEEDS.get(node.phrase)
        written = node.phrase
        if node.phrase == "SEND MESSAGE" and len(node.args) == 1 and not node.clauses:
            need, written = _MESSAGE_NEED, "SEND MESSAGE text"
        if need is not None:
            out.append(Diagnostic(
                program.file, node.line, node.col, Severity.WARNING,
                f"{written} needs {need}, which Talkbench does not "
                f"provide: running it stops the run (--skip-unsupported skips such "
                f"statements)"))
    return out
