"""Once-per-file notes: constructs a build cannot compile however they are written.

Nearly every dialog uses HEAR or a FOR loop, so a warning at every such line would bury
the rest; one note at the first use says what the build does with all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..syntax import nodes as n
from .builds import EngineBuild
from .findings import Concern, Finding


def _hears(node: n.Node) -> bool:
    """``HEAR x`` and the answer taken as a value, ``x = HEAR "prompt"``: both start with the
    word HEAR, which only the HEAR x AS form can follow."""
    return isinstance(node, n.Hear) or (isinstance(node, n.KeywordExpr)
                                        and node.phrase == "HEAR")


def _opens_do(node: n.Node) -> bool:
    return isinstance(node, n.DoLoop) and node.kind == "DO"  # not WHILE … WEND


@dataclass(frozen=True)
class BuildNote:
    uses: Callable[[n.Node], bool]
    what: str
    why: str
    engine: str  # where the engine does it


NOTES = (
    BuildNote(_hears, "any dialog that uses HEAR",
              "Rhai keeps one custom syntax per first word, so only the last of HEAR's three "
              "forms, HEAR x AS <expr>, survives, and the converter lowercases AS",
              "botbasic_core/src/keywords/hearing + syntax_transforms.rs "
              "convert_keywords_to_lowercase"),
    BuildNote(lambda node: isinstance(node, n.ForEach), "FOR EACH",
              "the converter writes FOR_EACH and lowercases IN, which no registered syntax "
              "matches",
              "lib.rs preprocess_basic (replace(\"FOR EACH\", \"FOR_EACH\"))"),
    BuildNote(_opens_do, "DO … LOOP",
              "the converter lowercases DO into Rhai's own do, which needs { }, so the DO "
              "WHILE/UNTIL … LOOP syntaxes botbasic_core registers never match",
              "procedures.rs registers [\"DO\", …]; convert_keywords_to_lowercase"),
    BuildNote(lambda node: isinstance(node, n.ForTo), "FOR … TO",
              "the converter lowercases FOR into Rhai's own for, which has no TO, and puts "
              "let before it outside IF/WHILE blocks",
              "syntax_transforms.rs convert_keywords_to_lowercase, convert_if_then_syntax"),
    BuildNote(lambda node: isinstance(node, (n.Goto, n.Label)), "GOTO or labels",
              "goto_transform.rs turns the dialog into a state machine whose 'while … {' "
              "line convert_while_wend_syntax opens a second time, so a '}' is always "
              "missing: \"Expecting '}' to terminate this block\"",
              "goto_transform.rs generate_state_machine; syntax_transforms.rs "
              "convert_while_wend_syntax"),
    BuildNote(lambda node: isinstance(node, n.SubDef), "SUB or FUNCTION definitions",
              "no pass of the converter turns them into Rhai functions (botbasic_core's "
              "preprocess_procedures is never called), so 'SUB name(…)' stays a line of code",
              "procedures.rs preprocess_procedures; lib.rs preprocess_basic"),
)


def _keyword(node: n.Node, note: BuildNote) -> str:
    """The word the note underlines: HEAR, FOR, DO, SUB or FUNCTION."""
    if isinstance(node, n.SubDef):
        return "FUNCTION" if node.is_function else "SUB"
    if isinstance(node, n.Label):
        return node.name + ":"
    return note.what.split()[-1] if note.uses is _hears else note.what.split()[0]


def build_notes(nodes: list[n.Node], build: EngineBuild) -> Iterator[Finding]:
    """One note per construct in :data:`NOTES`, at its first use among the dialog's nodes."""
    for note in NOTES:
        uses = [node for node in nodes if note.uses(node)]
        if not uses:
            continue
        first = min(uses, key=lambda node: (node.line, node.col))
        keyword_end = first.col + len(_keyword(first, note))
        yield Finding(Concern.TRANSLATION, first.line, first.col, keyword_end,
                      f"{build.label} cannot compile {note.what} ({note.why}); noted once "
                      f"for the {len(uses)} use(s) in this file")
