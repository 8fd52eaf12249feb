"""BEGIN TALK blocks as the converter builds them, where that differs from their text.

``lib.rs`` ``preprocess_basic`` runs first over every line, block text included: it drops
blank lines and lines starting with ``'``, ``//``, ``REM`` (and the settings lines). Then
``blocks/mod.rs`` ``convert_begin_blocks`` trims each remaining line and ``blocks/talk.rs``
puts its text, with only ``"`` escaped, into a Rhai string literal, so Rhai's tokenizer reads
the backslash escapes in it (``\\t`` is a tab, ``\\d`` does not compile). Talkbench prints the
block as written (its common indentation removed) and reports each difference once per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..syntax.lexer import CODE_ESCAPES, TextBlock, code_escape
from .findings import Concern, Finding
from .line_rules import clip

# Lines preprocess_basic skips (case-sensitive, on the trimmed line).
_SKIPPED = ("'", "//", "REM", "SET SCHEDULE", "WEBHOOK", "PARAM ", "DESCRIPTION ")
# What Rhai makes of the escapes it reads, as the warning names them.
_READ = {"n": "a line break", "t": "a tab", "r": "a carriage return", "\\": "one backslash"}
_SUBSTITUTION = re.compile(r"\$\{[^}]*\}")


def talk_block_findings(label: str, block: TextBlock) -> Iterator[Finding]:
    """The block's lines the engine drops, trims or reads escapes in."""
    filled = [text for _, text in block.lines if text.strip()]
    indent = min((len(t) - len(t.lstrip()) for t in filled), default=0)
    blank_seen = indent_seen = False
    for number, text in block.lines:
        trimmed = text.strip()
        col = len(text) - len(text.lstrip()) + 1
        if not trimmed:
            if not blank_seen and len(block.lines) > 1:  # one blank line alone is "" anyway
                blank_seen = True
                yield Finding(Concern.TRANSLATION, number, 1, 2,
                              f"{label} drops the blank lines of a BEGIN TALK block (it "
                              f"skips every empty line of the dialog): the lines around "
                              f"them run together")
            continue
        end = col + len(trimmed)
        prefix = next((p for p in _SKIPPED if trimmed.startswith(p)), None)
        if prefix is not None:
            yield Finding(Concern.TRANSLATION, number, col, end,
                          f"{label} drops this line of the BEGIN TALK block: it skips every "
                          f"line of the dialog that starts with {prefix.strip()} (comments "
                          f"and settings); reword the line")
            continue
        if col - 1 > indent and not indent_seen:
            indent_seen = True
            yield Finding(Concern.TRANSLATION, number, 1, col,
                          f"{label} trims each line of a BEGIN TALK block: this "
                          f"indentation is not printed")
        yield from _escape(label, number, col, trimmed)
        yield from _substitution(label, number, col, trimmed)


def _escape(label: str, number: int, col: int, trimmed: str) -> Iterator[Finding]:
    """The first escape of the line's text (outside ``${…}``) that Rhai rejects, else the
    first it reads."""
    text = _SUBSTITUTION.sub(lambda m: " " * len(m.group(0)), trimmed)
    first: tuple[int, str, str] | None = None
    at = text.find("\\")
    while at >= 0:
        escape, read = _read_escape(text, at)
        where = col + at
        if read is None:
            yield Finding(Concern.TRANSLATION, number, where, where + len(escape),
                          f"{label} fails to compile this: the block becomes a Rhai string, "
                          f"and Rhai rejects the escape {escape} (a \\ at the end escapes "
                          f"its closing quote); write \\\\ for a backslash")
            return
        first = first or (where, escape, read)
        at = text.find("\\", at + len(escape))
    if first is not None:
        where, escape, read = first
        yield Finding(Concern.TRANSLATION, number, where, where + len(escape),
                      f"{label} prints {read} for {escape} here: the block becomes a Rhai "
                      f"string, which reads backslash escapes")


def _read_escape(text: str, at: int) -> tuple[str, str | None]:
    """The escape at ``text[at]`` as written, and what Rhai prints for it (None: rejected)."""
    nxt = text[at + 1 : at + 2]
    if nxt in CODE_ESCAPES and nxt:
        char = code_escape(text, at)
        escape = text[at : at + 2 + CODE_ESCAPES[nxt]]
        return escape, None if char is None else f"the character {char!r}"
    return text[at : at + 2], _READ.get(nxt)


def engine_substitution(expr: str) -> tuple[str, int | None]:
    """What ``convert_talk_line_with_substitution`` (blocks/talk.rs) keeps of ``${expr}``:
    the code, and None when the closing ``}`` ends it, else where in ``expr`` a space, ``:``
    or ``=`` outside parentheses ended it (from there on, ``}`` included, it is text)."""
    code: list[str] = []
    depth = 0
    text = expr + "}"
    i = 0
    while i < len(text):
        c = text[i]
        if c == "}" and depth == 0:
            return "".join(code), None
        if c == "}" or (c == ")" and depth > 0):
            depth -= 1
            code.append(c)
        elif c == "(":
            depth += 1
            code.append(c)
        elif c.isalnum() or c in '_.[],"' or (c == " " and depth > 0):
            code.append(c)
        elif c in ": =" and depth == 0:
            return "".join(code), i
        elif c == "\\" and i + 1 < len(text):
            i += 1
            code.append(text[i])
        i += 1  # any other sign is dropped
    return "".join(code), None


def _substitution(label: str, number: int, col: int, trimmed: str) -> Iterator[Finding]:
    """The first ``${…}`` of the line that the converter turns into other code."""
    for m in _SUBSTITUTION.finditer(trimmed):
        expr = m.group(0)[2:-1]
        code, stop = engine_substitution(expr)
        if stop is None and code and code == expr:
            continue
        became = f"${{{code}}}" if code else "nothing"
        if stop is not None:
            became += f" followed by the text \"{expr[stop:]}}}\""
        where = col + m.start()
        yield Finding(Concern.TRANSLATION, number, where, where + len(m.group(0)),
                      f"{label} turns {clip(m.group(0), 40)} into {became}: a BEGIN "
                      f"TALK substitution keeps names, calls and indexes only (a space, ':' "
                      f"or '=' ends it, other signs are dropped); compute the value into a "
                      f"variable first")
        return
