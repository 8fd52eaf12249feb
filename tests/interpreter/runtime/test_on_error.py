"""ON ERROR RESUME NEXT: failing statements are skipped and recorded, until ON ERROR GOTO 0."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, check_source
from interpreter.debug.debugger import Debugger
from interpreter.events import Printed

from ..helpers import run

SOURCE = """\
ON ERROR RESUME NEXT
x = 1 / 0
a = ERR_NUMBER
b = ERR_DESCRIPTION
FOR i = 1 TO 3
    THROW "bad " + i
    n = i
NEXT
c = ERROR_MESSAGE()
CLEAR ERROR
d = ERR_NUMBER
ON ERROR GOTO 0
RETURN [a, b, n, c, d]
"""


@pytest.mark.parametrize("debug", [False, True])
def test_errors_are_skipped_recorded_and_cleared(debug: bool) -> None:
    from interpreter import load_source

    options = {"debugger": Debugger(load_source(SOURCE, "test.bas", debug=True).program)} \
        if debug else {}
    out = run(SOURCE, **options)
    assert out.result == [1, "Division by zero: 1 / 0", 3, "bad 3", 0]
    warnings = [e.text for e in out.events if isinstance(e, Printed) and e.level == "warning"]
    assert len(warnings) == 4 and "Division by zero" in warnings[0]


@pytest.mark.parametrize("statement", ['THROW ""', 'RAISE("")', "THROW(LEFT(\"x\", 0))"])
def test_an_error_thrown_with_an_empty_text_still_says_what_stopped_the_run(
        statement: str) -> None:
    """Found by the fuzz test: the run stopped with "fuzz.bas:1:1: error: " and nothing
    after it. It says what Rhai says of General Bots' ErrorRuntime("") (rhai
    src/types/error.rs); ERR_DESCRIPTION keeps the empty text."""
    with pytest.raises(BasicRuntimeError) as e:
        run(f'TALK "a"\n{statement}\n')
    assert (e.value.line, e.value.message) == (2, "Runtime error")
    out = run(f"ON ERROR RESUME NEXT\n{statement}\nRETURN [ERR_NUMBER, ERR_DESCRIPTION]\n")
    assert out.result == [1, ""]


def test_on_error_goto_0_stops_resuming() -> None:
    with pytest.raises(BasicRuntimeError) as e:
        run("ON ERROR RESUME NEXT\nx = 1 / 0\nON ERROR GOTO 0\ny = 1 / 0")
    assert e.value.line == 4


def test_resume_next_is_local_to_the_sub_that_says_it() -> None:
    src = ("SUB Risky()\n  ON ERROR RESUME NEXT\n  z = 1 / 0\n  done = 1\nEND SUB\n"
           "CALL Risky()\nq = 1 / 0")
    with pytest.raises(BasicRuntimeError) as e:
        run(src)
    assert e.value.line == 7


def test_exit_and_return_still_leave_under_resume_next() -> None:
    out = run("ON ERROR RESUME NEXT\nFOR i = 1 TO 10\n  IF i = 2 THEN EXIT FOR\nNEXT\n"
              "RETURN i")
    assert out.result == 2


def test_goto_label_is_reported_by_check() -> None:
    diags = check_source("ON ERROR GOTO handler\n", "t.bas")
    assert any("ON ERROR GOTO label is not supported" in d.message for d in diags)


def test_error_state_names_are_not_unassigned_variables_and_have_help() -> None:
    from interpreter.tooling.keyword_help import help_for

    # Only the linter's own warnings: the FOR … TO build note (interpreter.compat) is not one.
    lint_only = [d for d in check_source(SOURCE, "t.bas")
                 if not d.message.startswith("General Bots")]
    assert lint_only == []
    for name in ("ON ERROR RESUME NEXT", "ON ERROR GOTO", "CLEAR ERROR", "err_number",
                 "ERR_DESCRIPTION", "error_message"):
        assert help_for(name) is not None, name
