"""Headless tests of the debugger engine: stop rules, stepping sequences, breakpoints,
evaluation and edits while paused, pause/stop of a running script."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from textwrap import dedent
from typing import Any

import pytest

from interpreter import BasicSyntaxError, Runtime, load_source
from interpreter.debug.debugger import Debugger, should_pause
from interpreter.debug.model import (
    BreakpointSpec,
    MemoryBreakpointSpec,
    MessageKind,
    PausedState,
    PauseReason,
    StepMode,
    StepState,
    parse_hit_condition,
)
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import BasicValueError

Command = str | Callable[[Debugger], Any]

SUBS = dedent("""\
    x = 1
    CALL Greet("Ann")
    y = Twice(x)
    TALK "done " + y

    SUB Greet(name)
      msg = "Hi " + name
      TALK msg
    END SUB

    FUNCTION Twice(n)
      Twice = n * 2
    END FUNCTION
    """)

LOOP = dedent("""\
    total = 0
    FOR i = 1 TO 3
      IF i MOD 2 = 0 THEN
        total = total + i
      ELSE
        total = total - 1
      END IF
    NEXT i
    TALK total
    """)


class Driver:
    """Runs a script under the debugger, answering each pause with the next command."""

    def __init__(self, source: str, commands: list[Command] = (), *, answers: list[str] = (),
                 breakpoints: list[BreakpointSpec] = (), stop_on_entry: bool = True):
        self.compiled = load_source(source, "t.bas", debug=True)
        self.commands = list(commands)
        self.states: list[PausedState] = []
        self.messages: list[Any] = []
        self.results: list[Any] = []
        self.dbg = Debugger(self.compiled.program, on_paused=self.paused,
                            on_message=self.messages.append, stop_on_entry=stop_on_entry)
        self.verified = self.dbg.set_breakpoints(list(breakpoints))
        self.channel = QueuedChannel.with_answers(answers)
        self.memory = DictMemory()
        self.runtime = Runtime(self.compiled, self.channel, self.memory, debugger=self.dbg)

    @property
    def lines(self) -> list[int]:
        return [s.line for s in self.states]

    def paused(self, state: PausedState) -> None:
        self.states.append(state)
        command = self.commands.pop(0) if self.commands else "resume"
        # Answer later, from the loop, as a UI would.
        asyncio.get_running_loop().call_soon(self.apply, command)

    def apply(self, command: Command) -> None:
        if callable(command):
            self.results.append(command(self.dbg))
            self.dbg.resume() if self.dbg.paused else None
        else:
            getattr(self.dbg, command)()

    def run(self) -> Driver:
        asyncio.run(self.runtime.run())
        return self


# ---------------------------------------------------------------- pure policy


@pytest.mark.parametrize("state, line, depth, expected", [
    (StepState(), 5, 1, None),
    (StepState(StepMode.ENTRY), 1, 1, PauseReason.ENTRY),
    (StepState(StepMode.PAUSE), 9, 3, PauseReason.PAUSE),
    (StepState(StepMode.INTO, 1), 7, 2, PauseReason.STEP),
    (StepState(StepMode.OVER, 1), 7, 2, None),
    (StepState(StepMode.OVER, 2), 7, 2, PauseReason.STEP),
    (StepState(StepMode.OVER, 2), 3, 1, PauseReason.STEP),
    (StepState(StepMode.OUT, 2), 8, 2, None),
    (StepState(StepMode.OUT, 2), 3, 1, PauseReason.STEP),
    (StepState(StepMode.TO_LINE, target_line=4), 3, 1, None),
    (StepState(StepMode.TO_LINE, target_line=4), 4, 2, PauseReason.RUN_TO_LINE),
])
def test_should_pause(state, line, depth, expected):
    assert should_pause(state, line, depth) is expected


@pytest.mark.parametrize("text, hits", [
    ("3", [3]), ("= 3", [3]), (">= 3", [3, 4, 5]), ("> 3", [4, 5]), ("< 3", [1, 2]),
    ("<= 2", [1, 2]), ("% 2", [2, 4]),
])
def test_hit_conditions(text, hits):
    cond = parse_hit_condition(text)
    assert [c for c in range(1, 6) if cond.matches(c)] == hits


def test_bad_hit_condition_leaves_breakpoint_unverified():
    dbg = Debugger(load_source(LOOP, "t.bas", debug=True).program)
    (bp,) = dbg.set_breakpoints([BreakpointSpec(4, hit_condition="often")])
    assert not bp.verified and "hit condition" in bp.message


# ---------------------------------------------------------------- stepping sequences


def test_step_into_enters_subs_and_functions():
    d = Driver(SUBS, ["step_into"] * 10).run()
    assert d.lines == [1, 2, 7, 8, 3, 12, 4]
    assert d.states[0].reason is PauseReason.ENTRY
    assert all(s.reason is PauseReason.STEP for s in d.states[1:])
    assert d.channel.texts == ["Hi Ann", "done 2"]


def test_step_over_stays_in_the_dialog():
    assert Driver(SUBS, ["step_over"] * 10).run().lines == [1, 2, 3, 4]


def test_step_out_returns_to_the_caller():
    d = Driver(SUBS, ["step_over", "step_into", "step_out", "step_into", "step_out"]).run()
    assert d.lines == [1, 2, 7, 3, 12, 4]
    assert [f.name for f in d.states[2].frames] == ["Greet", "(dialog)"]


def test_step_out_of_the_dialog_runs_to_the_end():
    d = Driver(SUBS, ["step_out"]).run()
    assert d.lines == [1] and d.channel.texts == ["Hi Ann", "done 2"]


def test_step_over_a_loop_revisits_its_header():
    d = Driver(LOOP, ["step_over"] * 20).run()
    assert d.lines == [1, 2, 3, 6, 2, 3, 4, 2, 3, 6, 2, 9]
    assert d.channel.texts == ["0"]


def test_step_over_at_the_end_of_a_sub_stops_in_the_caller():
    d = Driver(SUBS, ["step_over", "step_into", "step_over", "step_over", "step_over"]).run()
    assert d.lines == [1, 2, 7, 8, 3, 4]


def test_run_to_line_on_a_blank_line_runs_to_the_next_statement():
    d = Driver(SUBS, [_run_to(10)]).run()  # 10 is blank, 11 the FUNCTION header -> 12
    assert d.lines == [1, 12]
    assert d.states[1].reason is PauseReason.RUN_TO_LINE
    assert d.results == [12]


def _run_to(line: int) -> Callable[[Debugger], Any]:
    def command(dbg: Debugger) -> Any:
        return dbg.run_to_line(line)  # releases the pause itself
    return command


def test_nested_sub_calls_step_sequence():
    src = dedent("""\
        CALL Outer
        TALK "end"
        SUB Outer
          a = 1
          CALL Inner
          a = 2
        END SUB
        SUB Inner
          b = 1
        END SUB
        """)
    d = Driver(src, ["step_into", "step_into", "step_into", "step_into", "step_out",
                     "step_over"]).run()
    assert d.lines == [1, 4, 5, 9, 6, 2]
    assert [f.name for f in d.states[3].frames] == ["Inner", "Outer", "(dialog)"]


# ---------------------------------------------------------------- breakpoints


def test_breakpoint_verification_moves_to_next_statement():
    src = "x = 1\n\n' a comment\ny = 2\n"
    dbg = Debugger(load_source(src, "t.bas", debug=True).program)
    a, b, c = dbg.set_breakpoints([BreakpointSpec(2), BreakpointSpec(1), BreakpointSpec(9)])
    assert (a.line, a.verified, b.line, c.verified) == (4, True, 1, False)
    assert "moved" in a.message
    assert dbg.line_flags[4] and dbg.line_flags[1] and not dbg.line_flags[2]


def test_no_breakpoints_means_no_hook_calls():
    dbg = Debugger(load_source(LOOP, "t.bas", debug=True).program)
    assert not any(dbg.line_flags)
    calls = []
    original = dbg.on_statement

    async def counting(runtime, line, col):
        calls.append(line)
        await original(runtime, line, col)
    dbg.on_statement = counting  # type: ignore[method-assign]
    rt = Runtime(load_source(LOOP, "t.bas", debug=True), QueuedChannel(), DictMemory(),
                 debugger=dbg)
    asyncio.run(rt.run())
    assert calls == []


def test_breakpoints_stop_in_loop_and_comment_line_moves():
    src = "' start\n" + LOOP  # every LOOP line shifts by one
    d = Driver(src, breakpoints=[BreakpointSpec(1), BreakpointSpec(5)], stop_on_entry=False)
    d.run()
    assert d.lines == [2, 5]  # line 1 is a comment -> 2; line 5 is `total = total + i`
    assert all(s.reason is PauseReason.BREAKPOINT for s in d.states)


def test_conditional_breakpoint():
    d = Driver(LOOP, breakpoints=[BreakpointSpec(3, condition="i >= 2")],
               stop_on_entry=False)
    d.commands = [lambda dbg: dbg.evaluate("i"), lambda dbg: dbg.evaluate("i")]
    d.run()
    assert d.lines == [3, 3] and d.results == [2, 3]


def test_failing_condition_stops_and_is_reported_once():
    d = Driver(LOOP, breakpoints=[BreakpointSpec(3, condition="1 / 0 = 1")],
               stop_on_entry=False).run()
    assert d.lines == [3, 3, 3]
    assert [m.kind for m in d.messages] == [MessageKind.WARNING]
    assert "Division by zero" in d.messages[0].text


def test_hit_count_breakpoints():
    d = Driver(LOOP, breakpoints=[BreakpointSpec(3, hit_condition=">= 2")],
               stop_on_entry=False)
    d.commands = [lambda dbg: dbg.evaluate("i"), lambda dbg: dbg.evaluate("i")]
    d.run()
    assert d.results == [2, 3]
    d = Driver(LOOP, breakpoints=[BreakpointSpec(3, hit_condition="2")], stop_on_entry=False)
    d.commands = [lambda dbg: dbg.evaluate("i")]
    assert d.run().results == [2]


def test_logpoint_logs_without_stopping():
    d = Driver(LOOP, breakpoints=[BreakpointSpec(3, log_message="i={i} total={total + 0}"),
                                  BreakpointSpec(9, log_message="bad {nope(}")],
               stop_on_entry=False).run()
    assert d.lines == []
    texts = [m.text for m in d.messages if m.kind is MessageKind.LOG]
    assert texts[:3] == ["i=1 total=0", "i=2 total=-1", "i=3 total=1"]
    assert texts[3].startswith("bad <error:")


def test_disabled_breakpoint_does_not_stop():
    d = Driver(LOOP, breakpoints=[BreakpointSpec(4)], stop_on_entry=False)
    (bp,) = d.verified
    d.dbg.set_breakpoint_enabled(bp.id, False)
    assert not d.dbg.line_flags[4]
    assert d.run().lines == []


# ---------------------------------------------------------------- memory breakpoints


MEMORY = dedent("""\
    SET BOT MEMORY "count", "1"
    SET BOT MEMORY "other", "5"
    SET BOT MEMORY "count", "2"
    TALK "ok"
    """)


def test_memory_breakpoint_pauses_after_the_write():
    d = Driver(MEMORY, stop_on_entry=False)
    d.dbg.set_memory_breakpoints([MemoryBreakpointSpec("count")])
    d.commands = [lambda dbg: dict(d.memory.data), lambda dbg: dict(d.memory.data)]
    d.run()
    assert d.lines == [1, 3]
    assert {s.reason for s in d.states} == {PauseReason.MEMORY}
    assert d.states[0].memory_key == "count"
    assert d.results == [{"count": "1"}, {"count": "2", "other": "5"}]


def test_memory_breakpoint_with_condition():
    d = Driver(MEMORY, stop_on_entry=False)
    d.dbg.set_memory_breakpoints([MemoryBreakpointSpec("count", "VAL(value) > 1 AND key = \"count\"")])
    assert d.run().lines == [3]


# ---------------------------------------------------------------- evaluation and edits


def test_evaluate_in_sub_frame_and_globals():
    src = dedent("""\
        name = "global"
        total = 10
        CALL Show("local")
        SUB Show(name)
          x = name + "!"
        END SUB
        """)
    d = Driver(src, breakpoints=[BreakpointSpec(5)], stop_on_entry=False)
    d.commands = [lambda dbg: (dbg.evaluate("name"), dbg.evaluate("name", 1),
                               dbg.evaluate("total * 2 + name"), dbg.evaluate("LEN(name)"))]
    d.run()
    assert d.results == [("local", "global", "20local", 5)]
    frames = d.states[0].frames
    assert [v.name for v in frames[0].variables] == ["name"]
    assert {v.name: v.value for v in frames[1].variables} == {"name": '"global"', "total": "10"}


def test_callers_show_their_call_line_after_running_to_a_breakpoint():
    # Only the breakpoint line is flagged, so the callers never passed through the hook.
    src = dedent("""\
        x = 1
        y = 2
        CALL Outer()
        SUB Outer()
          z = 3
          CALL Inner()
        END SUB
        SUB Inner()
          w = 4
        END SUB
        """)
    d = Driver(src, breakpoints=[BreakpointSpec(9)], stop_on_entry=False)
    d.run()
    assert [(f.name, f.line) for f in d.states[0].frames] == [
        ("Inner", 9), ("Outer", 6), (d.states[0].frames[2].name, 3)]


def test_evaluate_errors_are_clear_and_keywords_refused():
    d = Driver(SUBS)
    errors: list[Exception] = []

    def probe(dbg: Debugger) -> None:
        for text in ("x +", "HEAR", "LLM \"hi\"", "Twice(2)", "", "1 / 0", "x 2"):
            try:
                dbg.evaluate(text)
            except (BasicSyntaxError, BasicValueError) as e:
                errors.append(e)
    d.commands = [probe]
    d.run()
    assert len(errors) == 7
    assert "cannot be evaluated while paused" in str(errors[1])
    assert "Division by zero" in str(errors[5])
    assert d.channel.texts == ["Hi Ann", "done 2"]  # the run went on unharmed


def test_evaluate_when_not_paused_fails():
    dbg = Debugger(load_source(SUBS, "t.bas", debug=True).program)
    with pytest.raises(BasicValueError, match="not paused"):
        dbg.evaluate("1")


def test_watches_and_nested_snapshots():
    src = dedent("""\
        items = [1, "two", [3]]
        person = #{ name: "Ann", tags: ["a"] }
        TALK "x"
        """)
    d = Driver(src, breakpoints=[BreakpointSpec(3)], stop_on_entry=False)
    d.commands = [lambda dbg: dbg.watch(["items[1]", "person.name", "nope(", "UBOUND(items)"])]
    d.run()
    (watches,) = d.results
    assert [(w.value, w.type) for w in watches[:2]] == [('"two"', "string"), ('"Ann"', "string")]
    assert watches[2].error
    variables = {v.name: v for v in d.states[0].frames[0].variables}
    items = variables["items"]
    assert items.type == "array" and items.expandable
    assert [c.name for c in items.children] == ["[0]", "[1]", "[2]"]
    assert items.children[2].children[0].value == "3"
    assert variables["person"].children[1].children[0].value == '"a"'


def test_set_variable_takes_effect_after_continue():
    src = dedent("""\
        x = 1
        CALL Show(5)
        TALK x
        SUB Show(n)
          TALK n
        END SUB
        """)
    d = Driver(src, breakpoints=[BreakpointSpec(5)], stop_on_entry=False)
    d.commands = [lambda dbg: (dbg.set_variable("n", "n * 10"),
                               dbg.set_variable("x", "\"changed\"", 1))]
    d.run()
    assert d.channel.texts == ["50", "changed"]
    frame, _ = d.results[0]
    assert {v.name: v.value for v in frame.variables}["n"] == "50"


# ---------------------------------------------------------------- pause, stop, HEAR


INFINITE = dedent("""\
    i = 0
    DO
      i = i + 1
    LOOP
    """)


def test_pause_while_a_loop_runs_then_stop_cancels():
    async def scenario() -> tuple[PausedState, bool]:
        paused = asyncio.Event()
        states: list[PausedState] = []
        compiled = load_source(INFINITE, "t.bas", debug=True)
        dbg = Debugger(compiled.program, on_paused=lambda s: (states.append(s), paused.set()))
        rt = Runtime(compiled, QueuedChannel(), DictMemory(), debugger=dbg)
        task = asyncio.create_task(rt.run())
        await asyncio.sleep(0.05)
        assert not task.done()
        dbg.pause()
        await asyncio.wait_for(paused.wait(), 30)  # bounds a hang
        value = dbg.evaluate("i")
        assert value > 0
        dbg.stop()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return states[0], dbg.paused

    state, still_paused = asyncio.run(scenario())
    assert state.reason is PauseReason.PAUSE and state.line in (2, 3)
    assert not still_paused


def test_stop_without_cancel_still_ends_the_run():
    d = Driver(SUBS, ["stop"])
    with pytest.raises(asyncio.CancelledError):
        d.run()
    assert d.lines == [1] and d.channel.texts == []


def test_hear_while_stepping():
    src = dedent("""\
        TALK "name?"
        HEAR name
        TALK "hi " + name
        """)
    d = Driver(src, ["step_over"] * 5, answers=["Ann"]).run()
    assert d.lines == [1, 2, 3]
    assert d.channel.texts == ["name?", "hi Ann"]
    assert {v.name: v.value for v in d.states[2].frames[0].variables} == {"name": '"Ann"'}


def test_reset_allows_a_second_run():
    d = Driver(SUBS, ["stop"])
    with pytest.raises(asyncio.CancelledError):
        d.run()
    d.dbg.reset(stop_on_entry=True)
    d.commands = ["step_over"] * 5
    d.runtime = Runtime(d.compiled, QueuedChannel(), DictMemory(), debugger=d.dbg)
    d.states.clear()
    assert d.run().lines == [1, 2, 3, 4]


def test_breakpoint_on_a_sub_header_moves_into_its_body():
    dbg = Debugger(load_source(SUBS, "t.bas", debug=True).program)
    (bp,) = dbg.set_breakpoints([BreakpointSpec(6)])
    assert (bp.line, bp.verified) == (7, True)


# ---------------------------------------------------------------- block closers, WAIT


def test_breakpoints_on_block_closers_stay_in_their_block():
    """NEXT stops at the end of every pass; END SUB / END FUNCTION stop before returning,
    in the routine's own frame; steps still go FOR, body, FOR as before."""
    d = Driver(LOOP + SUBS, breakpoints=[BreakpointSpec(8), BreakpointSpec(18),
                                         BreakpointSpec(22)], stop_on_entry=False)
    d.commands = [lambda dbg: (dbg.evaluate("i"), dbg.state.frames[0].name)
                  for _ in range(5)]
    d.run()
    assert [bp.line for bp in d.verified] == [8, 18, 22]  # not moved to the next routine
    assert not any(bp.message for bp in d.verified)
    assert d.lines == [8, 8, 8, 18, 22]
    assert [r[0] for r in d.results[:3]] == [1, 2, 3]
    assert [r[1] for r in d.results[3:]] == ["Greet", "Twice"]
    stepped = Driver(LOOP, ["step_over"] * 20).run()
    assert 8 not in stepped.lines and stepped.lines.count(2) == 4


def test_pause_interrupts_wait_and_the_rest_of_the_wait_follows():
    source = 'TALK "before"\nWAIT 30\nTALK "after"\n'
    d = Driver(source, stop_on_entry=False)

    async def main() -> None:
        task = asyncio.ensure_future(d.runtime.run())
        await asyncio.sleep(0.2)  # well into the WAIT
        d.dbg.pause()
        while not d.states:
            await asyncio.sleep(0.01)
        assert not task.done()
        d.dbg.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(asyncio.wait_for(main(), 10))
    assert [(s.reason, s.line) for s in d.states] == [(PauseReason.PAUSE, 2)]
