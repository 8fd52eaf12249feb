"""PRINT with more than one value: General Bots cannot compile it.

botbasic_core ``print.rs`` registers the one syntax ``PRINT $expr$``, so after its value Rhai
expects the statement to end: ``PRINT "a", "b"`` fails with "Expecting ';' to terminate this
statement" (the engine-oracle). Talkbench prints the values joined by spaces.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax import nodes as n
from .builds import EngineBuild
from .findings import Concern, Finding


def print_value_lists(nodes: list[n.Node], build: EngineBuild) -> Iterator[Finding]:
    """A finding at the second value of each PRINT that has several."""
    for node in nodes:
        if isinstance(node, n.KeywordStmt) and node.phrase == "PRINT" and len(node.args) > 1:
            second = node.args[1]
            yield Finding(Concern.TRANSLATION, second.line, second.col, second.col + 1,
                          f"{build.label} fails to compile this: its PRINT takes one value "
                          f"(print.rs: PRINT $expr$); join the values with +")
