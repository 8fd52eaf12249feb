"""FORMAT patterns: numbers, dates and text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interpreter.library.formatting import format_value, parse_iso_datetime, tokenize_date_pattern
from interpreter.values import BasicValueError

STAMP = "2024-03-15 14:30:25"


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        # Appendix B
        (1234.567, "n", "1234.57"),
        (1234.5, "F", "1234.50"),
        (1234.567, "f", "1234.567"),
        (0.85, "0%", "85%"),
        (1234.56, "N[en]", "1,234.56"),
        (1234.56, "N[pt]", "1.234,56"),
        (1234.56, "C[en]", "$1,234.56"),
        (1234.56, "C[pt]", "R$ 1.234,56"),
        (STAMP, "dd/MM/yyyy", "15/03/2024"),
        (STAMP, "MM/dd/yy", "03/15/24"),
        ("hello", "Prefix: @", "Prefix: hello"),
        ("hello", "RESULT: >", "RESULT: HELLO"),
        # the normative summary
        (1234.5, "C2[en]", "$1,234.50"),
        (1234.5, "C2[pt]", "R$ 1.234,50"),
        (1234.56, "N[fr]", "1 234,56"),
        ("John", "Hello @!", "Hello John!"),
    ],
)
def test_reference_vectors(value, pattern: str, expected: str) -> None:
    assert format_value(value, pattern) == expected


def test_one_argument_format_is_the_display_string() -> None:
    assert format_value(4.0, None) == "4.0"  # a float prints as Rhai prints it
    assert format_value([1, "a"], None) == '[1, "a"]'
    assert format_value(None, None) == ""
    assert format_value(True, "") == "true"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("1234.567", "n", "1234.57"),  # numeric strings format as numbers
        (2.675, "F", "2.68"),  # half away from zero on the decimal form
        (-0.001, "F", "0.00"),
        (-1234.5, "N", "-1,234.50"),
        (-1234.5, "C[en]", "-$1,234.50"),
        (1234567.891, "N0", "1,234,568"),
        (1234.5, "N3[de]", "1.234,500"),
        (1234.5, "C[de]", "1.234,50 €"),
        (1234.5, "C[es]", "1.234,50 €"),
        (1234.5, "N[pt-BR]", "1.234,50"),
        (3.14159, "F3", "3.142"),
        (3.5, "f1[pt]", "3,5"),
        (42, "D5", "00042"),
        (-42, "D5", "-00042"),
        (0.1234, "P1", "12.3%"),
        (5, "#,##0.00", "5.00"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (7, "000", "007"),
        (0.5, "#.##", ".5"),
        (1.5, "0.##", "1.5"),
        (1.0, "0.##", "1"),
        (-5, "$#,##0.00", "-$5.00"),
        (0.256, "0.0%", "25.6%"),
        (1234.5, "#,##0.00[pt]", "1.234,50"),
        (12, "Total: @", "Total: 12"),
        (5, "whatever", "5"),
        (float("inf"), "N", "inf"),
        (10**30, "N0", "1,000,000,000,000,000,000,000,000,000,000"),
    ],
)
def test_numeric_patterns(value, pattern: str, expected: str) -> None:
    assert format_value(value, pattern) == expected


def test_numeric_pattern_errors_are_basic_errors() -> None:
    with pytest.raises(BasicValueError, match="unknown locale"):
        format_value(1, "N[xx]")
    with pytest.raises(BasicValueError, match="decimals"):
        format_value(1, "N999")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("YYYYMMDD", "20240315"),
        ("YYYY-MM-DD HH:mm:ss", "2024-03-15 14:30:25"),
        ("yyyy-MM-ddTHH:mm:ss", "2024-03-15T14:30:25"),
        ("d/M/yy", "15/3/24"),
        ("hh:mm tt", "02:30 PM"),
        ("h:mm", "2:30"),
        ("dddd, MMMM d", "Friday, March 15"),
        ("ddd MMM", "Fri Mar"),
        ("Date: dd/MM", "Date: 15/03"),
        ("Updated at HH'h'mm", "Updated at 14h30"),
        ("dd de MMMM", "15 de March"),
        ("dd/mm/yyyy", "15/03/2024"),  # mm means month when no time appears
        ("mm:ss", "30:25"),
        ("\\d dd", "d 15"),
        ("fff", "000"),
    ],
)
def test_date_patterns_are_tokenised(pattern: str, expected: str) -> None:
    assert format_value(STAMP, pattern) == expected


def test_date_values_and_strings() -> None:
    assert format_value(dt.date(2024, 1, 2), "dd/MM/yyyy HH:mm") == "02/01/2024 00:00"
    assert format_value(dt.datetime(2024, 1, 2, 9, 5), "H:mm") == "9:05"
    assert format_value("2024-01-02", "yyyy") == "2024"
    assert format_value("2024-01-02T08:09:10", "HH-mm-ss") == "08-09-10"
    assert format_value("2024-01-02 08:09", "HH:mm") == "08:09"
    assert format_value("2024-13-02", "yyyy") == "yyyy"  # not a date: text rules apply


def test_parse_iso_datetime() -> None:
    assert parse_iso_datetime("2024-01-02") == dt.date(2024, 1, 2)
    assert parse_iso_datetime(" 2024-01-02 03:04:05 ") == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert parse_iso_datetime("2024-01-02 03:04:05.123") == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert parse_iso_datetime("2024-02-30") is None
    assert parse_iso_datetime("02/01/2024") is None
    assert isinstance(parse_iso_datetime("2024-01-02T03:04:05Z"), dt.datetime)


def test_tokeniser_keeps_words_literal() -> None:
    assert tokenize_date_pattern("Today") == [(False, "Today")]
    assert tokenize_date_pattern("yyyyMM") == [(True, "yyyy"), (True, "MM")]


# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("Hello", "<", "hello"),
        ("Hello", "[@] [>] [<]", "[Hello] [HELLO] [hello]"),
        ("Hello", "!", "HELLO"),  # the original's spelling, when no @ > < appears
        ("Hello", "&", "hello"),
        ("Hello", "no placeholders", "no placeholders"),
        (None, "x@y", "xy"),
        (True, "@", "true"),
        ([1, 2], "list: @", "list: [1, 2]"),
        ("abc", "yyyy", "yyyy"),  # text is never date-formatted
    ],
)
def test_text_placeholders(value, pattern: str, expected: str) -> None:
    assert format_value(value, pattern) == expected


def test_text_pattern_cannot_build_a_huge_string() -> None:
    with pytest.raises(BasicValueError, match="exceed"):
        format_value("x" * 1_000_000, "@" * 20)


def test_self_containing_value_is_a_basic_error() -> None:
    loop: list = []
    loop.append(loop)
    with pytest.raises(BasicValueError):
        format_value(loop, "@")


# ---------------------------------------------------------------- properties

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["2024-03-15", STAMP, "1234.5", "-0", "1e308"]),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
)
_patterns = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="#0,.%@<>!&NCFDPnfdp[]ptendyMHhmstT-/: '\\", max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(value=_values, pattern=_patterns)
def test_format_raises_only_basic_errors(value, pattern: str) -> None:
    try:
        result = format_value(value, pattern)
    except BasicValueError:
        return
    assert isinstance(result, str)


@settings(max_examples=200, deadline=None)
@given(n=st.floats(min_value=-1e12, max_value=1e12), loc=st.sampled_from(["en", "pt"]))
def test_n_pattern_round_trips_to_two_decimals(n: float, loc: str) -> None:
    text = format_value(n, f"N[{loc}]")
    thousands, point = (",", ".") if loc == "en" else (".", ",")
    plain = text.replace(thousands, "").replace(point, ".")
    assert abs(float(plain) - n) <= 0.005 + 1e-6 * abs(n)
