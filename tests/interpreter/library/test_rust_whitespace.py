"""Whitespace as Rust counts it, in TRIM/LTRIM/RTRIM, FIRST/LAST, VAL, IS_NUMERIC and CDBL.

General Bots' string_functions.rs uses ``str::trim``/``trim_start``/``trim_end``, first.rs
and last.rs ``split_whitespace``, validation/str_val.rs ``trim().parse::<f64>()``: all
Rust's ``char::is_whitespace`` (Unicode White_Space). Python's ``str.isspace`` also counts
the separators U+001C..U+001F, so ``strip()`` and ``split()`` removed them where the engine
keeps them (found by fuzzing against the engine-oracle: TRIM("\\x1cz\\x1f") is unchanged there).
"""

from __future__ import annotations

import pytest

from interpreter.library.formatting import rust_trim, rust_words
from tests.interpreter.helpers import talks

SEPARATORS = "\x1c\x1d\x1e\x1f"


@pytest.mark.parametrize(("call", "printed"), [
    ('TRIM("\\x1cz\\x1f")', "[\x1cz\x1f]"),
    ('LTRIM("\\x1e z")', "[\x1e z]"),
    ('RTRIM("z \\x1d")', "[z \x1d]"),
    ('TRIM("\\u00a0\\u3000 z\\u2003\\u0085")', "[z]"),  # White_Space in both
    ('FIRST("\\x1cz\\x1f w")', "[\x1cz\x1f]"),
    ('LAST("w \\x1cz\\x1f")', "[\x1cz\x1f]"),
    ('LAST("a\\u2028b")', "[b]"),
    ('STR(VAL("\\x1c5"))', "[0]"),
    ('STR(CDBL("5\\x1f"))', "[0]"),
    ('STR(VAL("\\u00a05 "))', "[5]"),
])
def test_unit_separators_are_not_whitespace(call: str, printed: str) -> None:
    assert talks(f'v = {call}\nTALK "[" + v + "]"\n') == [printed]


def test_is_numeric_keeps_separators_too() -> None:
    assert talks('TALK IS_NUMERIC("\\x1c5")\nTALK IS_NUMERIC(" 5\\t")\n') == ["false", "true"]


def test_helpers_match_rust() -> None:
    assert rust_trim(SEPARATORS + " x " + SEPARATORS) == SEPARATORS + " x " + SEPARATORS
    assert rust_trim("\u205f\u202fx\u1680") == "x"
    assert rust_words(f"a{SEPARATORS}b c\u2009d") == [f"a{SEPARATORS}b", "c", "d"]
