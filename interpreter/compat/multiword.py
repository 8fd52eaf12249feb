"""convert_multiword_keywords (botbasic_compiler/src/syntax_transforms.rs): the keyword lines
it turns into function calls, and which of those functions no engine crate registers.

For each trimmed line it tries its patterns in order, ``(?i)^\\s*<words>\\s*(.*?)\\s*$``; the
first that matches and whose arguments, split by parse_parameters, number within its range
rewrites the line into ``WORDS_JOINED(args);``. A line that no pattern converts reaches Rhai
as written. (Its ADD_SUGGESTION pattern uses a look-ahead, which Rust's regex crate refuses,
so that pattern never applies; lines starting with ADD_SUGGESTION_, ADD_MEMBER and the like
are passed through before the patterns are tried.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Multiword:
    words: str  # the pattern's words, spaces for ``\s+``
    min_args: int
    max_args: int
    registered: bool  # does a crate register the function the line becomes?

    @property
    def function(self) -> str:
        return self.words.replace(" ", "_")


# In the converter's order. ``registered``: docs/engine-registry.tsv lists the function (or a
# custom syntax of that name, whose call form this module does not judge: True).
TABLE = (
    Multiword("USE WEBSITE", 1, 2, True), Multiword("USE MODEL", 1, 1, False),
    Multiword("USE KB", 1, 1, True), Multiword("USE TOOL", 1, 1, True),
    Multiword("SET BOT MEMORY", 2, 2, True), Multiword("SET CONTEXT", 2, 2, False),
    Multiword("SET USER", 1, 1, False), Multiword("GET BOT MEMORY", 1, 1, True),
    Multiword("CLEAR KB", 0, 0, True), Multiword("CLEAR SUGGESTIONS", 0, 0, False),
    Multiword("CLEAR SWITCHERS", 0, 0, False), Multiword("CLEAR TOOLS", 0, 0, False),
    Multiword("CLEAR WEBSITES", 0, 0, False),
    Multiword("ADD_SUGGESTION_TOOL", 2, 2, True), Multiword("ADD_SUGGESTION_TEXT", 2, 2, True),
    Multiword("ADD_SWITCHER", 2, 2, True), Multiword("ADD_MEMBER", 2, 2, True),
    Multiword("ADD MEMBER", 2, 2, True), Multiword("CREATE TASK", 1, 1, True),
    Multiword("CREATE DRAFT", 4, 4, True), Multiword("CREATE SITE", 1, 1, False),
    # ON … lines open blocks whose END ON no pass converts; not judged here.
    Multiword("ON FORM SUBMIT", 1, 1, True), Multiword("ON EMAIL", 1, 1, True),
    Multiword("ON EVENT", 1, 1, True), Multiword("SEND MAIL", 4, 4, False),
    Multiword("BOOK", 1, 1, True),
)
_PATTERNS = tuple((re.compile(r"\s*" + r"\s+".join(m.words.split()) + r"\s*(.*?)\s*$",
                              re.IGNORECASE), m) for m in TABLE)
_PASSED_THROUGH = re.compile(r"ADD_SUGGESTION_|ADD_MEMBER", re.IGNORECASE)


def pieces(words: str, trimmed: str) -> list[str] | None:
    """The arguments the pattern of ``words`` (one of TABLE's) finds in this line, split as
    parse_parameters splits them; None when the line does not start with those words."""
    for pattern, multiword in _PATTERNS:
        if multiword.words == words:
            m = pattern.match(trimmed)
            return None if m is None else converter_parameters(m.group(1))
    raise KeyError(words)


def conversion(trimmed: str) -> Multiword | None:
    """The pattern that converts this (trimmed) line into a call, or None."""
    if _PASSED_THROUGH.match(trimmed) or (re.match(r"(CLEAR_SWITCHERS|USE_)", trimmed.upper())
                                          and "(" in trimmed):
        return None
    for pattern, multiword in _PATTERNS:
        m = pattern.match(trimmed)
        if m and multiword.min_args <= len(converter_parameters(m.group(1))) \
                <= multiword.max_args:
            return multiword
    return None


def converter_parameters(text: str) -> list[str]:
    """The pieces parse_parameters splits a keyword's arguments into: at spaces, tabs and
    commas outside '…' or "…" (no escapes, no brackets)."""
    pieces: list[str] = []
    current: list[str] = []
    closing = ""
    for c in text:
        if closing:
            current.append(c)
            closing = "" if c == closing else closing
        elif c in "\"'":
            current.append(c)
            closing = c
        elif c in " \t,":
            if current:
                pieces.append("".join(current).strip())
                current = []
        else:
            current.append(c)
    if current:
        pieces.append("".join(current).strip())
    return pieces
