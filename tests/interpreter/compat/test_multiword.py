"""convert_multiword_keywords as interpreter.compat.multiword models it (botbasic_compiler
src/syntax_transforms.rs at generalbots/generalbots f59afde5), and the custom syntax Rhai
keeps per first word (interpreter/compat/syntax_survivors.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interpreter.compat.multiword import conversion, converter_parameters
from interpreter.compat.syntax_survivors import SURVIVORS

REGISTRY = Path(__file__).resolve().parents[3] / "docs" / "engine-registry.tsv"


@pytest.mark.parametrize(("text", "pieces"), [
    ('"k", "v"', ['"k"', '"v"']),
    ('"a key" "a, value"', ['"a key"', '"a, value"']),  # quotes keep spaces and commas
    ('"k", STR(1 + 2)', ['"k"', "STR(1", "+", "2)"]),  # brackets are not seen
    ("'it''s', x", ["'it''s'", "x"]),
    ("  a ,, b\t", ["a", "b"]),
])
def test_parameters_split_like_the_converter(text: str, pieces: list[str]) -> None:
    assert converter_parameters(text) == pieces


@pytest.mark.parametrize(("line", "function"), [
    ('SET BOT MEMORY "k", v', "SET_BOT_MEMORY"),
    ('set bot memory "k" "v"', "SET_BOT_MEMORY"),  # (?i), and two pieces without a comma
    ('SET BOT MEMORY "k", STR(1 + 2)', None),  # four pieces: left as it is
    ('SET USER MEMORY "a", "1"', None),  # SET USER matches, but with three pieces
    ('SET USER id', "SET_USER"),
    ("CLEAR SUGGESTIONS", "CLEAR_SUGGESTIONS"),
    ('USE_KB("docs")', None),  # USE_ with a bracket is passed through
    ('ADD_SUGGESTION_TOOL "t" AS "x"', None),
    ('TALK "SET USER x"', None),
])
def test_which_lines_become_calls(line: str, function: str | None) -> None:
    found = conversion(line)
    assert (found.function if found else None) == function


def test_each_survivor_is_a_syntax_the_registry_lists() -> None:
    rows = REGISTRY.read_text(encoding="utf-8").splitlines()
    syntaxes = {r.split("\t")[1] for r in rows if r.startswith("syntax\t")}
    for first, (symbols, where, count) in SURVIVORS.items():
        words = " ".join(s for s in re.split(r"\$\w+\$", " ".join(symbols))[0].split())
        assert words in syntaxes, (first, symbols)
        assert symbols[0] == first and count >= 1 and where.startswith("botbasic_")


def test_the_survivors_the_engine_oracle_confirms() -> None:
    # Both checked by running the engine's own code: HEAR's last form and TALK's.
    assert SURVIVORS["HEAR"][0] == ("HEAR", "$ident$", "AS", "$expr$")
    assert SURVIVORS["TALK"][0] == ("TALK", "$expr$")
    assert SURVIVORS["WAIT"][0][:3] == ("WAIT", "FOR", "EVENT")
