"""BREAK and CONTINUE outside a loop: General Bots cannot compile them; END never ends it.

The converter lowercases both into Rhai's ``break`` and ``continue`` (botbasic_compiler
``syntax_transforms.rs`` ``convert_keywords_to_lowercase``), which Rhai 1.24's parser refuses
outside a loop ("Break statement should only be used inside a loop", ``src/parser.rs``). A
SELECT CASE is no loop there: it becomes an if/else chain, so a C-style BREAK at the end of a
CASE fails to compile, or, inside a WHILE, ends that loop. Talkbench does nothing there.

No pass converts END either: Rhai reads it as a variable, a statement it skips, or, as the
last statement of the dialog or of an IF, ELSE or CASE block (whose value Rhai keeps), one
that stops the run with "Variable not found: END" (the engine-oracle). Talkbench ends the
dialog there, as BASIC does.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax import nodes as n
from .builds import EngineBuild
from .findings import Concern, Finding

_LOOPS = (n.DoLoop, n.ForEach, n.ForTo)


def loop_jumps_outside_loops(nodes: list[n.Node], build: EngineBuild) -> Iterator[Finding]:
    """A finding at each BREAK or CONTINUE that no loop holds."""
    in_loops = {id(x) for node in nodes if isinstance(node, _LOOPS) for x in n.walk(node.body)}
    for node in nodes:
        if isinstance(node, n.Exit) and node.kind in ("BREAK", "CONTINUE") \
                and id(node) not in in_loops:
            word = node.kind.capitalize()
            yield Finding(Concern.TRANSLATION, node.line, node.col, node.col + len(word),
                          f"{build.label} fails to compile this: Rhai allows {node.kind} only "
                          f"inside a loop (\"{word} statement should only be used inside a "
                          f"loop\"); a SELECT CASE is none: remove it (Talkbench goes on)")


def end_statements(source: str, nodes: list[n.Node], build: EngineBuild
                   ) -> Iterator[Finding]:
    """A finding at each END that ends the dialog in Talkbench (not at EXIT alone, which
    fails to compile: syntax_words.py)."""
    lines = source.splitlines()
    for node in nodes:
        if isinstance(node, n.Exit) and node.kind == "" \
                and lines[node.line - 1][node.col - 1:node.col + 2].upper() == "END":
            yield Finding(Concern.TRANSLATION, node.line, node.col, node.col + 3,
                          f"{build.label} does not end the dialog at END: Rhai reads it as a "
                          f"variable, skips it, and goes on (as the last statement of the "
                          f"dialog or of an IF, ELSE or CASE block it stops with \"Variable "
                          f"not found: END\"); end with RETURN, or put the rest in an IF")
