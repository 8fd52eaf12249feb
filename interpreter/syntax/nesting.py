"""Limits on how deeply a script may nest, so hostile input gets a diagnostic, not a crash.

Why: the parser and compiler recurse once per level, and the generated Python has limits of
its own (200 nested brackets, 100 indentation levels). A script nesting past these would
otherwise end in RecursionError or a SyntaxError inside Talkbench instead of a message
pointing at the line. Real dialogs stay far below every limit here.
"""

from __future__ import annotations

from ..errors import Diagnostic, Severity
from . import nodes as n

MAX_NESTING = 32  # parentheses/NOT/-/^ recursion in the parser (a dozen frames per level)
MAX_BLOCK_DEPTH = 40  # IF/FOR/DO/... inside each other (≤ 2 Python indents per level)
MAX_EXPR_DEPTH = 60  # levels of one expression tree (≤ 3 brackets per level when compiled)
MAX_LOOP_DEPTH = 18  # loops inside each other: Python allows 20 nested loop/try blocks
MAX_DEPTH = 1000  # nested SUB/FUNCTION calls at run time before "stack overflow"

_LOOPS = (n.ForEach, n.ForTo, n.DoLoop)
_EXPRESSIONS = (n.Literal, n.Interp, n.Name, n.Member, n.Index, n.Call, n.MethodCall,
                n.Unary, n.Binary, n.IsNull, n.ArrayLit, n.MapLit, n.KeywordExpr)


def too_deep(program: n.Program) -> list[Diagnostic]:
    """One error per statement whose expression tree is deeper than MAX_EXPR_DEPTH, and one
    per loop nested deeper than MAX_LOOP_DEPTH.

    Long operator chains (``a + b + c + …``) are parsed by loops, so only this walk (which
    uses an explicit stack, never recursion) sees how deep the tree became.
    """
    found: list[Diagnostic] = []
    reported: set[int] = set()
    roots: list[n.Node] = list(program.body)
    for sub in program.subs.values():
        roots.extend(sub.body)
    # (node, expression depth, index of the statement it belongs to, enclosing loops)
    stack: list[tuple[n.Node, int, int, int]] = [(s, 0, i, 0) for i, s in enumerate(roots)]
    owners: list[n.Node] = list(roots)
    while stack:
        node, depth, owner, loops = stack.pop()
        is_expr = isinstance(node, _EXPRESSIONS)
        if isinstance(node, _LOOPS):
            loops += 1
            if loops > MAX_LOOP_DEPTH:
                found.append(Diagnostic(
                    program.file, node.line, node.col, Severity.ERROR,
                    f"loops are nested too deeply (more than {MAX_LOOP_DEPTH} levels)"))
                continue
        if is_expr and depth > MAX_EXPR_DEPTH:
            if owner not in reported:
                reported.add(owner)
                at = owners[owner]  # the statement's start: the deepest node may be far right
                found.append(Diagnostic(
                    program.file, at.line, at.col, Severity.ERROR,
                    f"expression is nested too deeply (more than {MAX_EXPR_DEPTH} levels); "
                    f"split it into several statements"))
            continue
        for child in n.children(node):
            if isinstance(child, _EXPRESSIONS):
                stack.append((child, depth + 1 if is_expr else 1, owner, loops))
            else:  # a statement inside a block starts a new owner
                owners.append(child)
                stack.append((child, 0, len(owners) - 1, loops))
    # In source order, whatever order the walk found them in: a parse by pieces
    # (``parser.pieces``) reports each piece's errors and must give the same list.
    return sorted(found, key=lambda d: (d.line, d.col, d.message))
