"""A dialog Talkbench cannot parse still gets the converter's line-by-line findings next to
the parse error: the engine's converter (generalbots f59afde5,
``botserver/crates/botbasic_compiler/src/lib.rs`` ``preprocess_basic`` and
``syntax_transforms.rs``) works one physical line at a time and never parses the dialog.

The engine-oracle's ``--ast`` for the first dialog below drops ``REMAINING = 3`` and turns the
last line into ``TALK "if you say true";``; the dialog fails to compile at ``ON CHANGE``.
"""

from __future__ import annotations

from interpreter import Severity, check_source
from interpreter.compat import EngineOptions

LABEL = "General Bots 2026-05"
ON_CHANGE = ('REMAINING = 3\nON CHANGE "k"\n  TALK "changed"\nEND ON\n'
             'TALK "IF you say TRUE"\n')


def positions(source: str, engine: EngineOptions | None = None
              ) -> list[tuple[int, int, Severity, str]]:
    return [(d.line, d.col, d.severity, d.message) for d in check_source(source, "t.bas", engine)]


def test_converter_findings_stand_next_to_the_parse_error() -> None:
    found = positions(ON_CHANGE)
    errors = [(line, col) for line, col, severity, message in found
              if severity is Severity.ERROR and LABEL not in message]
    assert errors == [(4, 1)]  # END ON without its opening statement
    engine = {(line, col): message for line, col, _, message in found if LABEL in message}
    assert "drops this line" in engine[(1, 1)]  # preprocess_basic: starts_with("REM")
    assert "ON syntax registered" in engine[(2, 1)]  # Rhai keeps the last ON syntax
    assert '"if you say true"' in engine[(5, 6)]  # convert_keywords_to_lowercase


def test_a_trailing_comment_before_an_unclosed_block_is_reported() -> None:
    found = positions("x = 1 ' note\nIF x = 1 THEN\n  TALK x\n")
    assert any(severity is Severity.ERROR and "not closed" in message
               for _, _, severity, message in found)
    assert [(line, col) for line, col, _, message in found
            if "' comment" in message] == [(1, 7)]


def test_engine_errors_apply_to_them_too() -> None:
    found = positions(ON_CHANGE, EngineOptions(errors=True))
    assert {severity for _, _, severity, message in found if LABEL in message} == {
        Severity.ERROR}



def test_nothing_from_the_first_string_spread_over_lines_on() -> None:
    # An unclosed quote pairs with the next line's in Talkbench's lexer, so its tokens stop
    # matching the converter's lines; the line before it is still read alike.
    found = positions('x = 1 \' note\nTALK "open\nTALK "IF a"\nTALK "IF b"\n')
    assert [(line, col) for line, col, _, message in found if LABEL in message] == [(1, 7)]
