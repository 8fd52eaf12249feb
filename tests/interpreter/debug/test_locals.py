"""A debug build keeps the dialog's own variables in Python locals, synced with G exactly
where the debugger looks or edits: every test here fails if one sync point is missing
(the pause in a SUB, a conditional breakpoint, a logpoint, a memory breakpoint, a watch, an
evaluation, Set Variable then continue, after a SUB call, the final store).
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter import BasicRuntimeError, load_source
from interpreter.debug.model import BreakpointSpec, MemoryBreakpointSpec, PausedState

from .driver import Command, Run


def scope(state: PausedState, index: int = -1) -> dict[str, str]:
    """A frame's variables as the panels show them (default: the dialog, the Globals)."""
    return {v.name: v.value for v in state.frames[index].variables}


def test_the_debug_build_keeps_the_dialogs_variables_in_locals() -> None:
    source = load_source("total = 1\nSUB S\n  x = 1\nEND SUB\nRETURN total\n", "l.bas",
                         debug=True).source
    assert "v_total = 1" in source and "G['total'] =" not in source
    assert "L = {" in source  # a SUB's variables stay in its dict, shown as its Locals


def test_a_pause_inside_a_sub_shows_the_dialog_values_assigned_before_the_call() -> None:
    run = Run("""\
        SUB Show(n)
          TALK n
        END SUB
        total = 41
        name = "Ann"
        CALL Show(total)
        RETURN total
        """, [BreakpointSpec(2)]).run()
    assert run.states[0].line == 2
    assert scope(run.states[0]) == {"total": "41", "name": '"Ann"'}
    assert scope(run.states[0], 0) == {"n": "41"}


def test_a_pause_in_the_dialog_shows_current_values_and_hides_unassigned_ones() -> None:
    run = Run("""\
        a = 1
        b = NULL
        c = a + 1
        d = 5
        RETURN c
        """, [BreakpointSpec(4)]).run()
    # d is not assigned yet: no variable; b was assigned NULL: a variable that is NULL.
    assert scope(run.states[0]) == {"a": "1", "b": "()", "c": "2"}
    assert run.runtime.globals == {"a": 1, "b": None, "c": 2, "d": 5}


def test_set_variable_while_paused_is_used_by_the_next_statement() -> None:
    run = Run("""\
        x = 1
        y = x + 1
        TALK y
        RETURN x
        """, [BreakpointSpec(2)], [lambda d: d.set_variable("x", "41")]).run()
    assert run.texts == ["42"] and run.value == 41
    assert run.runtime.globals["x"] == 41 and run.runtime.globals["y"] == 42


def test_set_variable_in_a_loop_changes_the_loop() -> None:
    run = Run("""\
        total = 0
        FOR i = 1 TO 10
          total = total + i
        NEXT
        RETURN total
        """, [BreakpointSpec(3, hit_condition="1")], [lambda d: d.set_variable("i", "9")]).run()
    assert run.value == 9 + 10  # the edit steered the loop: i ran 9, 10


def test_a_dialog_variable_set_while_paused_inside_a_sub_is_seen_after_the_call() -> None:
    run = Run("""\
        SUB Bump(n)
          TALK n
        END SUB
        x = 1
        CALL Bump(x)
        TALK x
        RETURN x
        """, [BreakpointSpec(2)], [lambda d: d.set_variable("x", "7", 1)]).run()
    assert run.texts == ["1", "7"] and run.value == 7


def test_an_edit_inside_a_function_is_seen_by_the_rest_of_the_expression() -> None:
    run = Run("""\
        FUNCTION F(n)
          RETURN n * 10
        END FUNCTION
        x = 1
        y = F(2) + x
        RETURN y + "," + x
        """, [BreakpointSpec(2)], [lambda d: d.set_variable("x", "5", 1)]).run()
    assert run.value == "25,5"


def test_an_edit_survives_a_second_pause_before_the_dialog_continues() -> None:
    run = Run("""\
        SUB Two
          TALK "a"
          TALK "b"
        END SUB
        x = 1
        CALL Two
        RETURN x
        """, [BreakpointSpec(2), BreakpointSpec(3)],
        [lambda d: d.set_variable("x", "3", 1), lambda d: d.evaluate("x", 1)]).run()
    assert scope(run.states[1]) == {"x": "3"}
    assert run.results[1] == 3 and run.value == 3


def test_an_edit_in_a_sub_that_then_fails_stays_in_the_globals() -> None:
    run = Run("""\
        SUB Boom
          TALK "x"
          y = 1 / 0
        END SUB
        x = 1
        CALL Boom
        """, [BreakpointSpec(2)], [lambda d: d.set_variable("x", "9", 1)])
    with pytest.raises(BasicRuntimeError) as e:
        run.run()
    assert (e.value.line, e.value.col) == (3, 9)  # the division
    assert run.runtime.globals["x"] == 9


def test_a_conditional_breakpoint_reads_the_dialogs_locals() -> None:
    run = Run("""\
        total = 0
        FOR i = 1 TO 6
          total = total + i
        NEXT
        RETURN total
        """, [BreakpointSpec(3, condition="total > 5")]).run()
    # total before line 3 runs: 0, 1, 3, 6, 10, 15 -> stops at i = 4, 5, 6
    assert [scope(s)["i"] for s in run.states] == ["4", "5", "6"]


def test_a_conditional_breakpoint_in_a_sub_reads_the_dialogs_locals() -> None:
    run = Run("""\
        SUB Tick
          TALK "t"
        END SUB
        FOR i = 1 TO 4
          CALL Tick
        NEXT
        """, [BreakpointSpec(2, condition="i MOD 2 = 0")]).run()
    assert [scope(s)["i"] for s in run.states] == ["2", "4"]


def test_a_logpoint_prints_the_current_value_of_a_local() -> None:
    run = Run("""\
        total = 0
        FOR i = 1 TO 3
          total = total + i
        NEXT
        """, [BreakpointSpec(3, log_message="i={i} total={total}")]).run()
    assert [m.text for m in run.messages] == ["i=1 total=0", "i=2 total=1", "i=3 total=3"]
    assert run.states == []


def test_watches_and_evaluate_see_the_locals_in_every_frame() -> None:
    run = Run("""\
        FUNCTION Half(n)
          RETURN n / 2
        END FUNCTION
        price = 10
        qty = 3
        r = Half(price * qty)
        """, [BreakpointSpec(2)],
        [lambda d: (d.watch(["price * qty", "n"]), d.evaluate("qty", 1), d.evaluate("n + qty"))]
    ).run()
    watches, in_dialog, in_sub = run.results[0]
    assert [(w.value, w.error) for w in watches] == [("30", ""), ("30", "")]
    assert in_dialog == 3 and in_sub == 33


def test_a_memory_breakpoint_condition_and_edit_see_the_locals() -> None:
    run = Run("""\
        limit = 2
        FOR i = 1 TO 3
          SET BOT MEMORY "count", STR(i)
          TALK i
        NEXT
        """, memory_breakpoints=[MemoryBreakpointSpec("count", "VAL(value) >= limit")],
        commands=[lambda d: d.set_variable("i", "10")]).run()
    assert len(run.states) == 1 and run.texts == ["1", "10"]


def test_stop_while_paused_after_an_edit_keeps_the_edit() -> None:
    run = Run("""\
        x = 1
        TALK "a"
        x = 2
        """, [BreakpointSpec(2)], [lambda d: (d.set_variable("x", "5"), d.stop())])
    with pytest.raises(asyncio.CancelledError):
        run.run()
    assert run.runtime.globals["x"] == 5


def test_a_runtime_error_in_the_dialog_maps_to_its_line_and_column() -> None:
    run = Run("""\
        a = 1
        b = 0
        c = a /  b
        """)
    with pytest.raises(BasicRuntimeError) as e:
        run.run()
    assert (e.value.line, e.value.col) == (3, 7)  # the division
    assert run.runtime.globals == {"a": 1, "b": 0}


def test_param_reads_the_value_assigned_before_it() -> None:
    run = Run("""\
        city = "Lisbon"
        PARAM city AS STRING
        RETURN city
        """).run()
    assert run.value == "Lisbon"


def test_for_each_over_nulls_shows_the_loop_variable() -> None:
    run = Run("""\
        FOR EACH item IN [NULL]
          TALK "x"
        NEXT
        """, [BreakpointSpec(2)]).run()
    assert scope(run.states[0]) == {"item": "()"}


def test_values_given_to_the_run_are_shown_and_editable() -> None:
    run = Run("""\
        TALK greeting
        TALK greeting
        """, [BreakpointSpec(1)], [lambda d: d.set_variable("greeting", '"bye"')],
        initial_vars={"greeting": "hi"}).run()
    assert scope(run.states[0]) == {"greeting": '"hi"'} and run.texts == ["bye", "bye"]


# ---------------------------------------------------------------- the call stack, rebuilt when looked at


def test_each_recursive_call_is_its_own_frame_with_its_own_variables() -> None:
    run = Run("""\
        FUNCTION Fact(n)
          IF n <= 1 THEN
            RETURN 1
          END IF
          RETURN Fact(n - 1) * n
        END FUNCTION
        r = Fact(3)
        RETURN r
        """, [BreakpointSpec(3)],
        [lambda d: (d.evaluate("n", 1), d.set_variable("n", "10", 1), d.evaluate("n", 2))]).run()
    state = run.states[0]
    assert [(f.name, f.line) for f in state.frames] == [
        ("Fact", 3), ("Fact", 5), ("Fact", 5), ("(dialog)", 7)]
    assert [scope(state, i)["n"] for i in range(3)] == ["1", "2", "3"]
    assert run.results[0][0] == 2 and run.results[0][2] == 3
    assert run.value == (1 * 10) * 3  # the edited n of the middle call was used


def test_too_deep_recursion_fails_at_the_calling_line_with_the_debugger_attached() -> None:
    run = Run("""\
        FUNCTION Down(n)
          RETURN Down(n + 1)
        END FUNCTION
        x = Down(1)
        """)
    with pytest.raises(BasicRuntimeError) as e:
        run.run()
    assert "stack overflow" in e.value.message and e.value.line == 2


def test_step_over_a_call_and_out_of_a_sub_use_the_call_depth() -> None:
    run = Run("""\
        SUB Inner
          TALK "in"
          TALK "in2"
        END SUB
        CALL Inner
        TALK "after"
        """, [BreakpointSpec(2)],
        [lambda d: d.step_out(), lambda d: d.step_over()])

    def apply(command: Command | None) -> None:  # a step replaces the resume
        if command is not None:
            try:
                command(run.dbg)
            finally:
                if run.dbg.paused:
                    run.dbg.resume()
        elif run.dbg.paused:
            run.dbg.resume()

    run.apply = apply
    run.run()
    assert [(s.line, len(s.frames)) for s in run.states] == [(2, 2), (6, 1)]
