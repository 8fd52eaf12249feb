"""The lexer's rules compiled on demand (interpreter.tooling.highlight_lexer): the keyword
tries compiled per first letter match exactly what their whole regex matches, and no rule
matches at the end of the text (where rules are then skipped uncompiled)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interpreter.syntax import vocabulary as vocab
from interpreter.tooling import highlight_lexer as hl

ROOT = Path(__file__).resolve().parents[3]
LEXER = hl.GBasicLexer()
FLAGS = hl.GBasicLexer.flags


def trie_rules() -> list[hl._TrieMatch]:
    return [m for rules in LEXER._tokens.values() for m, _a, _s in rules
            if isinstance(m, hl._TrieMatch)]


def sample_lines() -> list[str]:
    return [line for path in sorted((ROOT / "resources" / "samples").glob("*.bas"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def spellings() -> list[str]:
    """Every keyword phrase and builtin, in three cases and both separators, followed by
    what decides whether it is a keyword (an assignment, an index, a call, an argument)."""
    names = [*vocab.STATEMENT_PHRASES, *vocab.EXPRESSION_PHRASES, *vocab.BLOCK_WORDS,
             *hl._builtin_names()]
    lines = []
    for name in names:
        for spelled in (name, name.lower(), name.title(), name.replace(" ", "_").lower()):
            for after in ("", " x", "(1)", " (a, b)", " = 1", "[0]", ".a", "_x", "1"):
                lines.append(spelled + after)
    return lines


ODD = ["ſet bot memory x", "\u212aeys(1)", "İF x THEN", "éTALK", "_TALK", "9TALK", "  TALK x",
       "x = LEN(a) + talk", ""]


def test_there_are_two_trie_rules():
    assert len(trie_rules()) == 2  # the builtins and the keyword phrases


@pytest.mark.parametrize("rule", range(2), ids=["builtins", "keywords"])
def test_a_trie_compiled_per_letter_matches_what_its_whole_regex_matches(rule):
    match = trie_rules()[rule]
    whole = re.compile(match._trie.get(), FLAGS)
    for line in [*sample_lines(), *spellings(), *ODD]:
        text = line + "\n"
        for pos in range(len(text) + 1):
            got, want = match(text, pos, len(text)), whole.match(text, pos, len(text))
            assert (got and got.span()) == (want and want.span()), (line, pos)


def test_no_rule_matches_at_the_end_of_the_text():
    """Pygments tries every rule once more where the text ends; the rules return None there
    without compiling, which is only right if none of them could match."""
    for state, rules in LEXER._tokens.items():
        for match, _action, _state in rules:
            if isinstance(match, hl._RuleMatch):
                regex = re.compile(match.compiled().__self__.pattern, FLAGS)
            elif isinstance(match, hl._TrieMatch):
                regex = re.compile(match._trie.get(), FLAGS)
            else:
                continue  # Pygments' own `default` rules, which are meant to match there
            for text in ("", "x\n", "TALK x\n"):
                assert regex.match(text, len(text)) is None, (state, regex.pattern[:60])
