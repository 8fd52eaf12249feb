"""Debug builds call a hook-free copy of a SUB that never suspends while the debugger has
nothing to stop at (``Debugger.quiet``); these pin that stops, edits, memory breakpoints
and error lines behave as if every call ran the debug SUB."""

from __future__ import annotations

import asyncio
from textwrap import dedent
from typing import Any

import pytest

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import BreakpointSpec, MemoryBreakpointSpec, PausedState
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

from .driver import Run

# Bump never suspends (no loop, no keyword that waits): it gets a hook-free copy.
COUNTER = dedent("""\
    total = 0
    FOR i = 1 TO 5
      total = total + Bump(i)
    NEXT i
    RETURN total

    FUNCTION Bump(n)
      k = n * 10
      RETURN k + 1
    END FUNCTION
    """)


def test_the_quiet_flag_follows_breakpoints_steps_and_memory_breakpoints() -> None:
    dbg = Debugger(load_source(COUNTER, "quiet.bas", debug=True).program)
    assert dbg.quiet == [True]
    dbg.set_breakpoints([BreakpointSpec(8)])
    assert dbg.quiet == [False]
    dbg.set_breakpoints([])
    assert dbg.quiet == [True]
    dbg.set_memory_breakpoints([MemoryBreakpointSpec("k")])
    assert dbg.quiet == [False]
    dbg.set_memory_breakpoints([])
    dbg.pause()  # a pending step flags every line
    assert dbg.quiet == [False]
    assert Debugger(dbg.program, stop_on_entry=True).quiet == [False]


def test_a_debug_build_without_stops_returns_the_release_value() -> None:
    assert Run(COUNTER).run().value == 155


def test_a_breakpoint_set_while_paused_stops_inside_the_next_call() -> None:
    # Paused in the loop (quiet off), the breakpoint in Bump is set, then the one in the
    # loop removed: the calls after the resume must reach it.
    def move(dbg: Debugger) -> None:
        dbg.set_breakpoints([BreakpointSpec(9)])

    run = Run(COUNTER, breakpoints=[BreakpointSpec(3, condition="i = 2")],
              commands=[move]).run()
    assert [(s.line, s.frames[0].name) for s in run.states] == [
        (3, "(dialog)"), (9, "Bump"), (9, "Bump"), (9, "Bump"), (9, "Bump")]
    assert run.value == 155


def test_after_a_step_ends_the_calls_run_without_stopping() -> None:
    run = Run(COUNTER, breakpoints=[BreakpointSpec(8)]).run()
    assert [s.line for s in run.states] == [8] * 5
    cleared = Run(COUNTER, breakpoints=[BreakpointSpec(8)],
                  commands=[lambda dbg: dbg.set_breakpoints([])]).run()
    assert [s.line for s in cleared.states] == [8]
    assert cleared.value == 155


def test_an_edit_inside_the_sub_is_seen_by_the_dialog() -> None:
    run = Run(COUNTER, breakpoints=[BreakpointSpec(9, condition="n = 5")],
              commands=[lambda dbg: dbg.set_variable("k", "1000")]).run()
    assert run.value == 104 + 1001  # 11 + 21 + 31 + 41, then 1000 + 1 for n = 5


def test_a_memory_breakpoint_stops_a_write_made_in_a_sub() -> None:
    source = dedent("""\
        FOR i = 1 TO 3
          CALL Save(i)
        NEXT i

        SUB Save(n)
          SET BOT MEMORY "last", "v" + n
        END SUB
        """)
    run = Run(source, memory_breakpoints=[MemoryBreakpointSpec("last")]).run()
    assert [(s.line, s.memory_key) for s in run.states] == [(6, "last")] * 3
    assert run.memory.get("last") == "v3"


@pytest.mark.parametrize("debug", [False, True])
def test_an_error_in_a_quiet_call_names_the_line_in_the_sub(debug: bool) -> None:
    source = dedent("""\
        x = Half(4)
        y = Half(0)

        FUNCTION Half(n)
          RETURN 10 / n
        END FUNCTION
        """)
    compiled = load_source(source, "quiet.bas", debug=debug)
    dbg = Debugger(compiled.program) if debug else None
    runtime = Runtime(compiled, QueuedChannel(), DictMemory(), debugger=dbg)
    with pytest.raises(BasicRuntimeError) as raised:
        asyncio.run(runtime.run())
    assert (raised.value.line, raised.value.message) == (5, "Division by zero: 10 / 0")


def test_a_pause_while_a_quiet_loop_runs_stops_in_its_body_and_an_edit_holds() -> None:
    # The loop body runs without hooks while nothing is flagged; the pause flags every
    # line during the loop's next yield, so the next pass runs the hooked body.
    source = dedent("""\
        done = 0
        i = 0
        DO WHILE done = 0
          i = i + 1
          last = Bump(i)
        LOOP
        RETURN last

        FUNCTION Bump(n)
          RETURN n * 10 + 1
        END FUNCTION
        """)

    async def scenario() -> tuple[list[PausedState], Any]:
        run = Run(source)
        task = asyncio.create_task(run.runtime.run())
        await asyncio.sleep(0.05)
        assert not task.done()
        run.commands = [lambda dbg: dbg.set_variable("done", "1")]
        run.dbg.pause()
        return run.states, await asyncio.wait_for(task, 10)

    states, value = asyncio.run(scenario())
    assert [s.frames[0].name for s in states] == ["(dialog)"]
    assert states[0].line in (3, 4, 5)
    assert isinstance(value, int) and value % 10 == 1 and value > 11


def test_stepping_through_a_loop_visits_every_line_of_every_pass() -> None:
    steps = [lambda dbg: dbg.step_into()] * 40
    run = Run(COUNTER, breakpoints=[BreakpointSpec(1)], commands=steps).run()
    assert [s.line for s in run.states] == [1, 2] + [3, 8, 9, 2] * 5 + [5]
    assert run.value == 155


def test_a_sub_calling_one_with_a_loop_runs_and_stops_inside_the_callee() -> None:
    # Inner loops (its loop yields), so Outer, which calls it, has no quiet copy either.
    source = dedent("""\
        total = 0
        FOR i = 1 TO 3
          total = total + Outer(i)
        NEXT i
        RETURN total

        FUNCTION Outer(n)
          RETURN Inner(n) + 1
        END FUNCTION

        FUNCTION Inner(n)
          s = 0
          FOR k = 1 TO n
            s = s + k
          NEXT k
          RETURN s
        END FUNCTION
        """)
    assert Run(source).run().value == 13
    run = Run(source, breakpoints=[BreakpointSpec(14, condition="n = 3")]).run()
    assert [(s.line, [f.name for f in s.frames]) for s in run.states] == [
        (14, ["Inner", "Outer", "(dialog)"])] * 3
    assert run.value == 13
