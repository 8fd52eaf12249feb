"""Hover help for keywords and built-in functions.

The texts live in ``keyword_help.json`` beside this module and in ``help/*.json`` (one file
per keyword family; one object per entry: phrase, aliases, syntax forms, summary, example). Lookups are case-insensitive and treat ``_`` as a
space, like the language itself (``set_bot_memory`` ≡ ``SET BOT MEMORY``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from pygments.token import Keyword, Name, Operator

from interpreter.tooling.highlight_lexer import STATE_NORMAL, highlight_line_tokens

_MAX_PHRASE_WORDS = 4  # the longest phrase or alias ("BEGIN SYSTEM PROMPT", "END SYSTEM PROMPT")


@dataclass(frozen=True)
class KeywordHelp:
    """Help for one keyword or function: its phrase, syntax forms, summary and an example."""

    phrase: str
    syntax: tuple[str, ...]
    summary: str
    example: str


def normalize_phrase(text: str) -> str:
    """Upper-case words joined by single spaces; ``_`` and punctuation count as spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", text).split()).upper()


@cache
def _index() -> dict[str, KeywordHelp]:
    root = resources.files("interpreter.tooling")
    files = [root.joinpath("keyword_help.json")]
    files += sorted((f for f in root.joinpath("help").iterdir() if f.name.endswith(".json")),
                    key=lambda f: f.name)
    items = [item for f in files for item in json.loads(f.read_text("utf-8"))]
    index: dict[str, KeywordHelp] = {}
    for item in items:
        entry = KeywordHelp(item["phrase"], tuple(item["syntax"]), item["summary"],
                            item["example"])
        for name in (item["phrase"], *item.get("aliases", ())):
            index.setdefault(normalize_phrase(name), entry)
    return index


def all_help() -> tuple[KeywordHelp, ...]:
    """Every help entry once, in file order."""
    return tuple(dict.fromkeys(_index().values()))


def help_for(word_or_phrase: str) -> KeywordHelp | None:
    """Help for a keyword, block word or function name (any case, spaces or underscores)."""
    return _index().get(normalize_phrase(word_or_phrase))


# ---------------------------------------------------------------------------------------------
# Finding the phrase under the cursor
# ---------------------------------------------------------------------------------------------


class _Atom(NamedTuple):
    word: str  # upper-case part of an identifier between underscores
    start: int
    end: int
    starts_word: bool
    ends_word: bool


def _atoms(line: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in re.finditer(r"\w+", line):
        parts = list(re.finditer(r"[^\W_]+", m.group()))
        for k, part in enumerate(parts):
            atoms.append(_Atom(part.group().upper(), m.start() + part.start(),
                               m.start() + part.end(), k == 0, k == len(parts) - 1))
    return atoms


def _joined(line: str, left: _Atom, right: _Atom) -> bool:
    if not left.ends_word:  # two parts of one identifier: only underscores between them
        return True
    gap = line[left.end:right.start]  # separate words join only through blanks
    return gap != "" and gap.strip(" \t") == ""


def _phrases_at(line: str, atoms: list[_Atom], col: int) -> Iterator[tuple[int, KeywordHelp]]:
    """Yield (word count, help) for every known phrase made of whole words covering ``col``."""
    for i, first in enumerate(atoms):
        if not first.starts_word or first.start > col:
            continue
        for j in range(i, min(i + _MAX_PHRASE_WORDS, len(atoms))):
            if j > i and not _joined(line, atoms[j - 1], atoms[j]):
                break
            last = atoms[j]
            if not last.ends_word or last.end < col:
                continue
            entry = help_for(" ".join(a.word for a in atoms[i:j + 1]))
            if entry is not None:
                yield j - i + 1, entry


def _is_code_word(line: str, col: int) -> bool:
    # Strings, comments, assigned variables and member names get no keyword help. A cursor
    # just after a word (on a blank or a bracket) still belongs to that word.
    at = col if col < len(line) and (line[col].isalnum() or line[col] == "_") else col - 1
    spans, _ = highlight_line_tokens(line, STATE_NORMAL)
    token = next((t for start, n, t in spans if start <= at < start + n), None)
    return (token is None or token in Keyword or token in Operator.Word or token is Name
            or token in Name.Builtin)


def help_at(line: str, col: int) -> KeywordHelp | None:
    """Help for the longest keyword phrase under 0-based column ``col`` of ``line``, if any."""
    if not 0 <= col <= len(line) or not _is_code_word(line, col):
        return None
    best = max(_phrases_at(line, _atoms(line), col), key=lambda found: found[0], default=None)
    return best[1] if best else None
