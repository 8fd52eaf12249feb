"""FORMAT as the engine computes it, and the date patterns of FORMAT_DATE / FORMAT_TIME."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interpreter.library.formatting import (
    engine_format,
    format_date,
    parse_iso_datetime,
    tokenize_date_pattern,
)
from interpreter.values import BasicValueError

STAMP = "2024-03-15 14:30:25"


# ---------------------------------------------------------------- locales
# botbasic_core/src/keywords/format.rs: get_locale, get_currency_symbol and the decimal
# separator match the tag between [ and ] exactly ("pt", "fr", "de", "it", "es"); any other
# tag, a region-qualified one included, formats as "en".


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        (1234.5, "C2[pt]", "R$ 1.234,50"),
        (1234.5, "C2[pt-PT]", "$1,234.50"),
        (1234.5, "C2[pt-BR]", "$1,234.50"),
        (1234.5, "N2[pt_BR]", "1,234.50"),
        (1234.5, "N2[de]", "1.234,50"),
        (1234.5, "C2[de-DE]", "$1,234.50"),
        (1234.5, "C2[fr]", "€1\u202f234,50"),
        (1234.5, "N2[PT]", "1,234.50"),  # the tag is case-sensitive too
        (1234.5, "C0[es]", "€1.234"),
        (1234.5, "N2[xx]", "1,234.50"),  # unknown tags are "en", not an error
    ],
)
def test_locale_tags_are_matched_exactly_as_the_engine_does(
    value: float, pattern: str, expected: str
) -> None:
    assert engine_format(value, pattern) == expected


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
    assert format_date(parse_iso_datetime(STAMP), pattern) == expected


def test_date_values_and_strings() -> None:
    assert format_date(dt.date(2024, 1, 2), "dd/MM/yyyy HH:mm") == "02/01/2024 00:00"
    assert format_date(dt.datetime(2024, 1, 2, 9, 5), "H:mm") == "9:05"
    assert format_date(parse_iso_datetime("2024-01-02"), "yyyy") == "2024"
    assert format_date(parse_iso_datetime("2024-01-02T08:09:10"), "HH-mm-ss") == "08-09-10"
    assert format_date(parse_iso_datetime("2024-01-02 08:09"), "HH:mm") == "08:09"


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



# ---------------------------------------------------------------- properties

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["2024-03-15", STAMP, "1234.5", "-0", "1e308"]),
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
        result = engine_format(value, pattern)
    except BasicValueError:
        return
    assert isinstance(result, str)


def test_self_containing_value_is_a_basic_error() -> None:
    loop: list = []
    loop.append(loop)
    with pytest.raises(BasicValueError):
        engine_format(loop, "@")
