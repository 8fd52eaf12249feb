"""Hover help for keywords and built-in functions."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from interpreter.syntax import vocabulary as vocab
from interpreter.tooling.keyword_help import (
    KeywordHelp,
    all_help,
    help_at,
    help_for,
    normalize_phrase,
)

# Every core keyword and control statement of gbasic-language.md.
KEYWORDS = [
    "TALK", "HEAR", "SET BOT MEMORY", "GET BOT MEMORY", "PRINT", "WAIT", "FORMAT", "FIRST", "LAST",
    "IF", "FOR EACH", "FOR", "DO", "WHILE", "SELECT CASE", "SWITCH", "SUB", "FUNCTION", "CALL",
    "RETURN", "EXIT", "WITH", "BEGIN TALK", "BEGIN SYSTEM PROMPT", "TABLE", "PARAM",
    "DESCRIPTION", "ON", "SET CONTEXT", "SET USER", "SET SCHEDULE", "SET USER MEMORY",
    "GET USER MEMORY", "ADD SUGGESTION", "CLEAR SUGGESTIONS", "FIND", "SAVE", "GET", "POST",
    "LLM", "USE KB", "USE TOOL", "SEND MAIL",
]
FUNCTIONS = [
    "LEN", "LEFT", "RIGHT", "MID", "UCASE", "LCASE", "TRIM", "INSTR", "REPLACE", "SPLIT", "JOIN",
    "VAL", "STR", "CHR", "ASC", "INT", "ROUND", "ABS", "NOW", "TODAY", "UBOUND", "IS_NUMERIC",
    "ISEMPTY", "CONTAINS", "FORMAT", "FIRST", "LAST",
]


@pytest.mark.parametrize("phrase", KEYWORDS + FUNCTIONS)
def test_core_words_have_help(phrase: str) -> None:
    entry = help_for(phrase)
    assert isinstance(entry, KeywordHelp)
    assert normalize_phrase(entry.phrase) == normalize_phrase(phrase)
    assert entry.syntax and all(form.strip() for form in entry.syntax)
    assert entry.summary.strip() and entry.example.strip()


def test_entries_are_short_and_immutable() -> None:
    for entry in all_help():
        assert len(entry.summary) <= 500, entry.phrase
        assert isinstance(entry.syntax, tuple)
        with pytest.raises(AttributeError):
            entry.summary = "x"  # type: ignore[misc]


def test_names_and_aliases_never_collide() -> None:
    raw = json.loads(
        resources.files("interpreter.tooling").joinpath("keyword_help.json").read_text())
    names = [normalize_phrase(n) for item in raw for n in (item["phrase"], *item["aliases"])]
    assert len(names) == len(set(names))


def test_keyword_entries_use_vocabulary_words() -> None:
    known = vocab.all_keyword_words() | {"SYSTEM", "PROMPT"}  # only BEGIN/END SYSTEM PROMPT
    functions = {normalize_phrase(f) for f in FUNCTIONS} | {"CHR", "ASC", "LET", "PUT", "PATCH"}
    for entry in all_help():
        phrase = normalize_phrase(entry.phrase)
        if phrase not in functions:
            assert set(phrase.split()) <= known, entry.phrase


@pytest.mark.parametrize("query, phrase", [
    ("set_bot_memory", "SET BOT MEMORY"),
    ("  Set   Bot Memory ", "SET BOT MEMORY"),
    ("GET_BOT_MEMORY(", "GET BOT MEMORY"),
    ("len()", "LEN"),
    ("length", "LEN"),
    ("upper", "UCASE"),
    ("IsNumeric", "IS_NUMERIC"),
    ("is numeric", "IS_NUMERIC"),
    ("END IF", "IF"),
    ("endif", "IF"),
    ("wend", "WHILE"),
    ("CASE ELSE", "SELECT CASE"),
    ("end talk", "BEGIN TALK"),
    ("ADD_TOOL", "USE TOOL"),
    ("MEMORY", None),
    ("", None),
])
def test_help_for_normalises_case_and_underscores(query: str, phrase: str | None) -> None:
    entry = help_for(query)
    assert (entry.phrase if entry else None) == phrase


def test_hear_help_lists_the_types() -> None:
    summary = help_for("HEAR").summary
    for hear_type in ("INTEGER", "EMAIL", "DATE", "BOOLEAN", "MONEY", "NAME", "MOBILE"):
        assert hear_type in summary


def test_ubound_help_says_item_count() -> None:
    assert "number of items" in help_for("UBOUND").summary


@pytest.mark.parametrize("line, word, phrase", [
    ('SET BOT MEMORY "k", v', "MEMORY", "SET BOT MEMORY"),
    ('SET BOT MEMORY "k", v', "BOT", "SET BOT MEMORY"),
    ('set_bot_memory "k", v', "memory", "SET BOT MEMORY"),
    ('x = GET BOT MEMORY("k")', "GET", "GET BOT MEMORY"),
    ("SET USER MEMORY k, v", "USER", "SET USER MEMORY"),
    ('SET USER "id"', "USER", "SET USER"),
    ("FOR EACH row IN rows", "FOR", "FOR EACH"),
    ("FOR i = 1 TO 3", "FOR", "FOR"),
    ("END IF", "END", "IF"),
    ("    SELECT CASE x", "CASE", "SELECT CASE"),
    ("n = LEN(name)", "LEN", "LEN"),
    ("BEGIN SYSTEM PROMPT", "PROMPT", "BEGIN SYSTEM PROMPT"),
    ("HEAR age AS INTEGER", "HEAR", "HEAR"),
])
def test_help_at_finds_the_longest_phrase_under_the_cursor(line: str, word: str,
                                                           phrase: str) -> None:
    col = line.index(word) + 1
    entry = help_at(line, col)
    assert entry is not None and entry.phrase == phrase


def test_help_at_cursor_just_after_a_word() -> None:
    assert help_at("TALK x", 4).phrase == "TALK"
    assert help_at("n = LEN(x)", 7).phrase == "LEN"


@pytest.mark.parametrize("line, col", [
    ('TALK "SET BOT MEMORY"', 10),  # inside a string
    ("' TALK to the user", 3),  # inside a comment
    ("case = 1", 1),  # a variable being assigned
    ("x = lead.score", 10),  # a member name
    ("user_id = 3", 1),  # part of an identifier is not a keyword
    ("SET BOT MEMORY k, v", 99),  # out of range
    ("SET BOT MEMORY k, v", -1),
    ("x = y + z", 2),
])
def test_help_at_returns_none_off_keywords(line: str, col: int) -> None:
    assert help_at(line, col) is None


def test_every_registered_keyword_has_help() -> None:
    from interpreter.keywords.registry import KEYWORDS

    assert [p for p in KEYWORDS if help_for(p) is None] == []
