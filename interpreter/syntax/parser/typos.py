"""A line that fails to parse because its first words are a misspelled keyword: the error
belongs at the typo, not where the misread line happens to choke. ``TALKK TALK "hi"`` reads
as a call of a SUB TALKK with the argument TALK and fails at ``"hi"``; ``SET BOT MEMROY "k",
"v"`` fails at MEMROY. Both are reported at their first word, with the keyword meant.
"""

from __future__ import annotations

from collections.abc import Callable

from ..lexer import Kind, Token
from ..suggestions import KNOWN_WORDS, closest, did_you_mean
from ..vocabulary import STATEMENT_PHRASES

_MAX_WORDS = 3  # the longest phrases a typo is looked for in (SET BOT MEMORY)
_STATEMENT_FIRST_WORDS = frozenset(p.split()[0] for p in STATEMENT_PHRASES)


def leading_words(toks: list[Token], start: int) -> list[Token]:
    """The words a line starts with, up to the longest phrase a typo is looked for in."""
    words: list[Token] = []
    j = start
    while len(words) < _MAX_WORDS and toks[j].kind is Kind.IDENT and \
            (not words or toks[j].line == words[0].line):
        words.append(toks[j])
        j += 1
    return words


def misspelled_keyword(words: list[Token],
                       known: Callable[[str], bool]) -> tuple[str, int] | None:
    """(message, how many of ``words`` are the typo) when the line's first words are a
    misspelled keyword, else None. ``known``: whether a lower-case word is a variable or SUB
    of the dialog (those are not typos). Only keywords are suggested: a parse by pieces
    (``parser.pieces``) does not see the SUBs of earlier pieces, and must say the same."""
    written = [" ".join(w.text.upper().split("_")) for w in words]  # SET_BOT_MEMORY too
    if not written or known(words[0].text.lower()):
        return None
    for k in range(len(words), 0, -1):
        phrase = " ".join(written[:k])
        if phrase in KNOWN_WORDS:
            return None  # a real keyword starts the line: the mistake is further on
        if k > 1 and " ".join(written[:k - 1]) in KNOWN_WORDS:
            continue  # TALK FOO: a keyword and its first argument
        if k > 1:
            found = closest(phrase, [p for p in STATEMENT_PHRASES if p.count(" ") == k - 1])
            if found:
                shown = " ".join(w.text for w in words[:k])
                return f"unknown keyword '{shown}' (did you mean {found}?)", k
            continue
        hint = did_you_mean(words[0].text)
        if hint or (len(written) > 1 and written[1] in _STATEMENT_FIRST_WORDS):
            return f"unknown SUB or keyword '{words[0].text}'{hint}", 1
    return None
