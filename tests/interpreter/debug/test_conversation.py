"""Conversation breakpoints in the engine: HEAR lines, pattern matching, flag costs."""

from __future__ import annotations

from interpreter import load_source
from interpreter.debug.conversation import (
    ConversationBreakpoints,
    ConversationDebugger,
    ConversationWatch,
    hear_lines,
    text_matches,
)

SOURCE = """\
TALK "hi"
HEAR a
CALL Ask()

SUB Ask()
  IF 1 = 1 THEN
    HEAR b AS INTEGER
  END IF
END SUB
"""


def test_hear_lines_include_those_inside_subs_and_blocks():
    program = load_source(SOURCE, "t.bas", debug=True).program
    assert hear_lines(program) == {2, 7}


def test_text_matches_regex_case_insensitively_else_plain_text():
    assert text_matches(r"order \d+", "Your ORDER 12 ships")
    assert not text_matches(r"order \d+", "no order here")
    assert text_matches("price (", "the price (net)")  # not a valid regex: plain text
    assert not text_matches("", "anything")


def test_without_coverage_only_hear_lines_are_flagged_for_next_hear():
    program = load_source(SOURCE, "t.bas", debug=True).program
    watch = ConversationWatch()
    debugger = ConversationDebugger(program, watch, coverage=False)
    assert not any(debugger.line_flags)  # nothing to do: no per-statement hook
    watch.set_breakpoints(ConversationBreakpoints(next_hear=True))
    assert [i for i, f in enumerate(debugger.line_flags) if f] == [2, 7]
    watch.set_breakpoints(ConversationBreakpoints())
    assert not any(debugger.line_flags)
    with_coverage = ConversationDebugger(program, ConversationWatch())
    assert all(with_coverage.line_flags)


def test_turn_counter_and_talk_pattern_request_a_pause_once_attached():
    program = load_source(SOURCE, "t.bas", debug=True).program
    watch = ConversationWatch()
    watch.set_breakpoints(ConversationBreakpoints(turn=2, talk_pattern="^bye"))
    watch.after_input("x")  # no debugger attached yet: nothing to pause
    debugger = ConversationDebugger(program, watch, coverage=False)
    watch.run_started()
    watch.after_talk("hello")
    assert debugger.pause_reason == ""
    watch.after_talk("Bye now")
    assert debugger.pause_reason == "TALK matched '^bye'" and all(debugger.line_flags)
    debugger.resume()
    assert debugger.pause_reason == "" and not any(debugger.line_flags)
    watch.after_input("1")
    assert debugger.pause_reason == ""
    watch.after_input("2")
    assert watch.turn == 2 and debugger.pause_reason == "turn 2"
