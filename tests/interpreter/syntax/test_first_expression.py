"""FIRST takes the whole expression after it, as in General Bots.

botbasic_core/src/keywords/first.rs registers the Rhai custom syntax ``FIRST $expr$``, and
Rhai parses ``$expr$`` as a complete expression: ``FIRST(name) + "!"`` is
``FIRST(name + "!")``, the first word of "Ann Lee!", so "Ann" (checked with the
engine-oracle). LAST is registered as ``LAST ( $expr$ )``: it stops at its parenthesis, and
without one it does not compile.
``talkbench check`` warns where the parentheses do not hold all of FIRST's argument.
"""

from __future__ import annotations

import pytest

from interpreter import check_source
from tests.interpreter.helpers import talks

NAME = 'name = "Ann Lee"\n'


@pytest.mark.parametrize(("line", "printed"), [
    ('TALK FIRST(name) + "!"', "Ann"),
    ('TALK "Hi " + FIRST(name) + "!"', "Hi Ann"),
    ('TALK LEN(FIRST(name) + "xyz")', "3"),
    ('TALK FIRST name + "?"', "Ann"),
    ("TALK FIRST(name) + 1", "Ann"),
    ('TALK FIRST(name) = "Ann"', "false"),  # FIRST of the comparison's result
    ('TALK LAST(name) + "!"', "Lee!"),
    ("TALK FIRST(name)", "Ann"),
])
def test_first_reads_everything_after_it(line: str, printed: str) -> None:
    assert talks(NAME + line + "\n") == [printed]


def first_warnings(source: str) -> list[int]:
    return [d.line for d in check_source(source, "t.bas") if "FIRST takes" in d.message]


def test_check_warns_where_parentheses_do_not_hold_the_argument() -> None:
    source = NAME + 'TALK FIRST(name) + "!"\nx = FIRST(name)\nTALK x + "!"\n' \
        'TALK FIRST(name + "!")\nTALK FIRST name\nTALK LAST(name) + "!"\n'
    assert first_warnings(source) == [2]


def test_a_first_compared_in_an_if_stops_as_in_general_bots() -> None:
    source = NAME + 'IF FIRST(name) = "Ann" THEN\n  TALK "y"\nEND IF\n'
    assert first_warnings(source) == [2]
    with pytest.raises(Exception, match="condition must be true or false"):
        talks(source)


def test_a_variable_called_first_is_still_a_variable() -> None:
    assert talks("first = 2\nTALK first + 1\n") == ["3"]


def test_last_without_parentheses_runs_but_is_reported() -> None:
    # last.rs: LAST ( $expr$ ); the engine-oracle stops with "Expecting '(' for 'LAST'".
    source = NAME + "x = LAST name\nTALK x\nTALK LAST(name)\n"
    found = [d.line for d in check_source(source, "t.bas") if "LAST without" in d.message]
    assert found == [2]
    assert talks(source) == ["Lee", "Lee"]
