"""Built-in calls spelled in mixed case (``Len(s)``, ``UCase(s)``).

Talkbench reads function names in any case; General Bots registers each function under
exact spellings (botbasic_core ``register_fn("LEN", …)`` and ``("len", …)``) and Rhai looks
names up as written, so ``Len("abc")`` stops with "Function not found: Len". Names wholly in
capitals or in lower case are left alone: the engine registers most in capitals, many also in
lower case, and Rhai's own library is lower case.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..library.builtins.core import lookup_builtin
from ..syntax import nodes as n
from .findings import Concern, Finding

# The engine's only mixed-case registrations (validation/isempty.rs, isnull.rs); a test keeps
# this in step with docs/engine-registry.tsv.
ENGINE_MIXED_CASE = frozenset({"IsEmpty", "IsNull"})


def function_name_findings(nodes: list[n.Node]) -> Iterator[Finding]:
    """A finding at each call of a built-in written in mixed case."""
    for node in nodes:
        if not isinstance(node, n.Call):
            continue
        name = node.name
        if name in (name.upper(), name.lower()) or name in ENGINE_MIXED_CASE:
            continue
        if lookup_builtin(name) is None:
            continue  # a user FUNCTION, or no function at all (reported elsewhere)
        yield Finding(Concern.VALUE, node.line, node.col, node.col + len(name),
                      f"General Bots's function names are case-sensitive, and it registers "
                      f"no '{name}' (\"Function not found: {name}\"); write "
                      f"{name.upper()}")
