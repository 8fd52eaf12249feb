"""Diagnostics that point at the mistake: one error per mistake, at the line where it is."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, Severity, check_source

from .helpers import run


def errors(source: str) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in check_source(source, "d.bas")
            if d.severity is Severity.ERROR]


@pytest.mark.parametrize("source, line", [
    ("IF x = THEN\n  TALK 1\nEND IF", 1),
    ("x = 1\nIF x = 1\n  TALK 2\nELSE\n  TALK 3\nEND IF", 2),
    ("FOR EACH IN list\n  TALK 1\nNEXT", 1),
    ("FOR i = TO 3\n  TALK i\nNEXT i", 1),
    ("DO WHILE\n  TALK 1\nLOOP", 1),
    ("WHILE\nWEND", 1),
    ("SELECT CASE\nCASE 1\n  TALK 1\nEND SELECT", 1),
])
def test_a_broken_block_header_is_one_error_and_still_opens_its_block(source: str,
                                                                     line: int) -> None:
    found = errors(source)
    assert len(found) == 1 and found[0][0] == line, found
    assert "without a matching opening statement" not in found[0][1]


def test_a_broken_single_line_if_does_not_open_a_block() -> None:
    assert errors('IF x = THEN TALK 1\nTALK 2') == [(1, "expected a value, got THEN")]


@pytest.mark.parametrize("source, line", [
    ('TALK "hello\nx = 1\nTALK "a"\ny = 2\nTALK "b"\n', 1),
    ('x = 1\nIF x = 1 THEN\n  TALK "Hello, how are you?\nEND IF\nTALK "bye"\nTALK "x"\n', 3),
    ('x = 1\nTALK "unterminated\n', 2),
])
def test_a_missing_closing_quote_is_reported_where_the_string_opens(source: str,
                                                                   line: int) -> None:
    assert errors(source) == [(line, 'string is never closed on its line (missing ")')]


def test_a_string_that_really_spans_lines_is_not_blamed() -> None:
    source = 'TALK "first line\nsecond line"\nTALK 1 +\n'
    assert errors(source) == [(3, "expected a value, got end of line")]


def test_an_unknown_statement_with_arguments_is_an_error_with_a_suggestion() -> None:
    # General Bots (Rhai) cannot parse ``NAME "a", 2`` for a NAME it does not register.
    assert errors('FROBNICATE "a", 2') == [(1, "unknown SUB or keyword 'FROBNICATE'")]
    assert errors('TALKK "hi"') == [(1, "unknown SUB or keyword 'TALKK' (did you mean TALK?)")]
    assert errors('GET FOO BAR BAZ "a"') == [(1, "unknown keyword 'GET FOO BAR BAZ'")]
    assert errors('x = ""\nGET BOT MEMRY "k" INTO x') == [
        (2, "unknown keyword 'GET BOT MEMRY' (did you mean GET BOT MEMORY?)")]


def test_a_lone_unknown_word_stays_a_warning() -> None:
    found = check_source("mystery", "d.bas")
    assert [(d.severity, d.message) for d in found] == [
        (Severity.WARNING, "unknown SUB or keyword 'mystery'")]


def test_known_values_after_a_keyword_are_not_mistaken_for_a_phrase() -> None:
    assert errors('TOTAL = 2\nTALK TOTAL\nTALK LEN("abc")\nTALK UCASE("a") + "b"') == []


@pytest.mark.parametrize("source, member, kind", [
    ('x = "abc"\nTALK x.foo', "foo", "string"),
    ('TALK "abc".__class__', "__class__", "string"),
    ("n = 5\nTALK n.value", "value", "i64"),
    ("a = [1]\nTALK a.first", "first", "array"),
])
def test_member_access_on_text_numbers_and_arrays_fails_at_its_line(source: str, member: str,
                                                                   kind: str) -> None:
    # Rhai: "Unknown property 'foo' - a getter is not registered for type 'string'"
    with pytest.raises(BasicRuntimeError) as err:
        run(source)
    assert err.value.line == source.count("\n") + 1
    assert err.value.message == (f"Unknown property '{member}' - a getter is not registered "
                                 f"for type '{kind}'")


def test_maps_missing_keys_len_and_safe_navigation_still_read() -> None:
    out = run('m = #{a: 1}\nTALK m.b IS NULL\ns = "abc"\nTALK s.len\nTALK s?.foo IS NULL\n'
              'TALK [1, 2].length')
    assert out.talks == ["true", "3", "true", "2"]
