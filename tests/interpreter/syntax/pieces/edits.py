"""Random edits of a dialog for the tests that compare a check by pieces, reusing what the check
before the edit computed, with a check from scratch.

The dialog has unindented code inside its SUBs and blocks, so pieces are cut inside blocks too,
and lines whose parse depends on what came before them in another piece: a variable named like
a keyword (``find = …`` then ``find[0]``, ``get_session`` then ``IF get_session OR …``), SUBs
defined twice, labels, and upper-case words that are a keyword's name until assigned."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

SAMPLES = Path(__file__).resolve().parents[4] / "resources" / "samples"

SNIPPETS = [
    # names and definitions the parser carries from one piece to the next
    "find = [1, 2]", "y = find[0]", "get_session = FALSE", "IF get_session OR x THEN TALK 1",
    "FOO = 1", 'TALK FOO BAR "a"', "DIM shared_x", "shared_x = 2", "SUB S1(a)", "SUB S2(b)",
    "FUNCTION S3(v)", "FUNCTION Twice(v)", "SUB Helper(a)", "CALL Helper(1, 2)",
    "start:", "GOTO start", "again:", "GOTO nowhere",
    # block nesting across the cuts
    "IF x > 1 THEN", "END IF", "END SUB", "END FUNCTION", "FOR i = 1 TO 3", "NEXT i",
    "WHILE x < 3", "WEND", "DO WHILE x < 2", "LOOP", "SELECT CASE x", "CASE 1", "END SELECT",
    "WITH obj", "END WITH", "ELSE", "END",
    # what the lexer carries across lines
    'TALK "open', "items = [1,", "2]", "x = (1 +", "BEGIN TALK", "END TALK",
    "BEGIN SYSTEM PROMPT", "END SYSTEM PROMPT", "TABLE people", "END TABLE",
    "x = 1 ' a comment after code", "rem a remark", "\u201ccurly\u201d = 1", "",
    'TALK "hello ${name}"', "total = VAL(age) + 1", "HEAR answer AS INTEGER",
    "x = " + "(" * 40 + "1" + ")" * 40,
]


def base_dialog() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.bas"))]
    subs = "".join(
        f"SUB S{i}(a)\nIF a > {i} THEN\nTALK \"big ${{a}}\"\nEND IF\ny{i} = find[0]\n"
        f"IF get_session OR a THEN TALK \"s\"\nEND SUB\nlabel{i}:\nvalue{i} = {i}\n"
        f"TALK FOO BAR \"a\"\n" for i in range(12))
    return "\n".join(texts) + "\nfind = [1, 2]\nget_session = FALSE\n" + subs


BASE = base_dialog()
BASE_LINES = BASE.split("\n")

# Where each SUB of the dialog starts: lines inserted or deleted before, inside and after the
# pieces a check cached, across a SUB's first and last lines too, move every piece after them.
SUB_STARTS = [k for k, line in enumerate(BASE_LINES) if line.startswith("SUB S")]


@st.composite
def moving_edits(draw: st.DrawFn) -> tuple[str, int, str]:
    """A line inserted or deleted near a SUB (from the line before it to past its END SUB)."""
    at = draw(st.sampled_from(SUB_STARTS)) + draw(st.integers(-1, 8))
    if draw(st.booleans()):
        return ("insert", at, draw(st.sampled_from(SNIPPETS)))
    return ("delete", at, "")


edits = st.one_of(
    moving_edits(),
    st.tuples(st.just("replace"), st.integers(0, len(BASE_LINES) - 1),
              st.sampled_from(SNIPPETS)),
    st.tuples(st.just("insert"), st.integers(0, len(BASE_LINES)), st.sampled_from(SNIPPETS)),
    st.tuples(st.just("delete"), st.integers(0, len(BASE_LINES) - 1), st.just("")),
    st.tuples(st.just("type"), st.integers(0, len(BASE)),
              st.sampled_from(list("x\"'( )\n:[\r\u201c"))),
)


def apply(text: str, edit: tuple[str, int, str]) -> str:
    """``text`` after one edit: (kind, line or offset, what); also used by checking's tests."""
    kind, at, what = edit
    if kind == "type":
        return text[:at] + what + text[at:]
    lines = text.split("\n")
    at = min(at, len(lines) - (kind != "insert"))
    if kind == "replace":
        lines[at] = what
    elif kind == "insert":
        lines.insert(at, what)
    else:
        del lines[at]
    return "\n".join(lines)
