"""Curly quotes: delimiters when they open a string, text inside a straight-quoted one.

General Bots passes strings to Rhai, whose tokenizer knows only straight quotes: inside
``"…"`` the characters “ ” ‘ ’ are text (the engine-oracle prints ``He said “hi” ok`` and
``It’s fine``), and a string written with them (``TALK “Hi”``) does not compile ("Unexpected
'“'"). Talkbench used to straighten every curly quote, which broke the first kind of string
("TALK expects 1 argument, got 3") and changed ’ into '; now it keeps them as text there, and
still reads “Hi” as a string, with a warning (tests/interpreter/compat/test_string_literals.py).
"""

from __future__ import annotations

from interpreter.syntax.lexer import normalized, straight_quotes
from tests.interpreter.helpers import talks


def test_curly_quotes_inside_a_straight_string_are_text() -> None:
    source = 'TALK "He said “hi” ok"\nx = "It’s ‘fine’"\nTALK x\nTALK "a ""“b”"" c"\n'
    assert talks(source) == ["He said “hi” ok", "It’s ‘fine’", 'a "“b”" c']


def test_a_string_written_with_curly_quotes_still_reads_as_one() -> None:
    assert talks("TALK “Hello”\nTALK “a” + ‘b’\n") == ["Hello", "ab"]


def test_block_text_and_comment_lines_keep_them() -> None:
    source = "' “note”\nBEGIN TALK\nDigite “sim”\nEND TALK\n"
    assert talks(source) == ["Digite “sim”"]
    assert normalized(source) == source


def test_each_line_starts_outside_a_string() -> None:
    assert straight_quotes('x = 1 \' say "hi\nTALK “a”') == 'x = 1 \' say "hi\nTALK "a"'
