"""Review of the interpreter speed work: semantics the differential tests did not pin down
(debug-build locals synced with G, plain-function SUBs, chunked loops, fused arithmetic)."""

from __future__ import annotations

import asyncio

import pytest

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import BreakpointSpec
from interpreter.ports.host import DictMemory
from interpreter.runtime import engine as runtime
from interpreter.runtime.channels import QueuedChannel

from ..debug.driver import Run
from ..helpers import both


def test_an_edit_made_in_a_sub_that_then_fails_under_resume_next_reaches_the_dialog() -> None:
    # Paused inside S, the user sets the dialog's y; S then fails and RESUME NEXT skips the
    # CALL: the dialog must go on with the edited y (and its later writes must reach G).
    source = """\
        ON ERROR RESUME NEXT
        y = 1
        CALL s
        y = y + 10
        z = 7
        RETURN y
        SUB s
          w = 1
          w = 1 / 0
        END SUB
        """
    run = Run(source, [BreakpointSpec(8)], [lambda d: d.set_variable("y", "100", 1)]).run()
    assert run.value == 110
    assert run.runtime.globals["y"] == 110 and run.runtime.globals["z"] == 7


def test_a_parameter_named_twice_compiles_and_the_last_argument_wins() -> None:
    # The release build's SUB takes its parameters as Python parameters, which must not be
    # named twice. Names are case-sensitive (as in the engine): a and A are two parameters.
    source = "FUNCTION f(a, a)\n  RETURN a\nEND FUNCTION\nRETURN f(1, 2)\n"
    assert both(source, {}) == ("ok", 2)
    source = "FUNCTION f(a, A)\n  RETURN a\nEND FUNCTION\nRETURN f(1, 2)\n"
    assert both(source, {}) == ("ok", 1)


EARLY_EXIT = """\
lst = []
FOR i = 0 TO 299
  lst = lst + [i]
NEXT
n = 0
DO
  n = n + 1
  FOR EACH b IN lst
    IF b = 200 THEN EXIT FOR
  NEXT
LOOP
"""


def test_iterations_before_an_exit_for_count_against_the_step_budget() -> None:
    # Each DO pass runs 200 FOR EACH iterations then EXIT FOR: those count as steps, as they
    # did before loops were chunked (20 ticks of 256 steps: about 26 passes, not 5000).
    for debug in (False, True):
        compiled = load_source(EARLY_EXIT, "budget.bas", debug=debug)
        rt = Runtime(compiled, QueuedChannel(), DictMemory(), max_ticks=20,
                     debugger=Debugger(compiled.program) if debug else None)
        with pytest.raises(BasicRuntimeError, match="step budget"):
            asyncio.run(rt.run())
        assert 20 <= rt.globals["n"] <= 30, (debug, rt.globals["n"])


FIB = """\
FUNCTION Fib(n)
    IF n < 2 THEN
        RETURN n
    END IF
    RETURN Fib(n - 1) + Fib(n - 2)
END FUNCTION
SUB Ping(n)
    IF n > 0 THEN
        Pong n - 1
    END IF
END SUB
SUB Pong(n)
    Ping n
END SUB
Ping 3000 MOD 900
RETURN Fib(depth)
"""


@pytest.mark.parametrize("debug", [False, True])
def test_a_recursion_without_loops_counts_its_calls_against_the_step_budget(debug) -> None:
    # Fib(25) makes ~250k calls: at 256 calls per tick that is ~950 ticks.
    compiled = load_source(FIB, "fib.bas", debug=debug)
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), max_ticks=50,
                 initial_vars={"depth": 25},
                 debugger=Debugger(compiled.program) if debug else None)
    with pytest.raises(BasicRuntimeError, match="step budget"):
        asyncio.run(rt.run())
    assert both(FIB, {"depth": 15}) == ("ok", 610)


def test_a_deep_recursion_lets_the_event_loop_run(monkeypatch) -> None:
    monkeypatch.setattr(runtime, "YIELD_EVERY", 0.0)  # every tick yields: no timing involved
    compiled = load_source(FIB, "fib.bas")
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars={"depth": 22})
    ticks = 0

    async def other_work() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def scenario() -> object:
        other = asyncio.ensure_future(other_work())
        try:
            return await rt.run()
        finally:
            other.cancel()

    assert asyncio.run(scenario()) == 17711
    assert ticks >= 17711 // 256 // 2  # ~57k calls, a tick every 256 of them
