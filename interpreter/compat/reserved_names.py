"""Variables named with a word Rhai keeps for itself (``case``, ``new``, ``default`` …).

The converter passes names through, so a dialog whose variable is called ``case`` reaches
Rhai 1.24 as ``let case = …``, and Rhai's tokenizer refuses the word: "'case' is a reserved
keyword" or "Expecting name of a variable". BASIC reserves none of these, so Talkbench runs the
dialog and reports the name once, where it first appears. Rhai's words are case-sensitive:
``Case`` or ``NEW`` are plain names there.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax import nodes as n
from .builds import EngineBuild
from .findings import Concern, Finding

# rhai src/tokenizer.rs: RESERVED_LIST (the words flagged reserved) and KEYWORDS_LIST (the
# language's own words), v1.24.0.
RESERVED = frozenset({
    "use", "case", "async", "public", "package", "super", "var", "protected", "spawn", "shared",
    "is", "sync", "curry", "static", "default", "print", "this", "is_def_var", "thread", "yield",
    "new", "call", "match", "eval", "await", "null", "debug", "type_of", "with", "void", "nil",
    "module", "Fn",
})
KEYWORDS = frozenset({
    "const", "continue", "catch", "for", "loop", "false", "let", "while", "throw", "else",
    "until", "switch", "private", "try", "true", "break", "return", "fn", "import", "export",
    "in", "if", "do", "as",
})


def reserved_names(nodes: list[n.Node], build: EngineBuild) -> Iterator[Finding]:
    """One finding per reserved word the dialog uses as a variable, at its first use."""
    seen: set[str] = set()
    for node in sorted((x for x in nodes if isinstance(x, n.Name)),
                       key=lambda x: (x.line, x.col)):
        word = node.name
        if word in seen or (word not in RESERVED and word not in KEYWORDS):
            continue
        seen.add(word)
        yield Finding(Concern.TRANSLATION, node.line, node.col, node.col + len(word),
                      f"{build.label} fails to compile this: '{word}' is a word Rhai reserves, "
                      f"so it cannot name a variable there; rename it")
