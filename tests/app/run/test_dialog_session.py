"""DialogRunner: start, finish, stop, errors and sessions on plain asyncio (no Qt)."""

from __future__ import annotations

import asyncio

import pytest

from app.run.dialog_session import DebugOptions, DialogRunner
from interpreter import BasicSyntaxError
from interpreter.debug.model import BreakpointSpec, MemoryBreakpointSpec, PauseReason
from interpreter.events import Failed, Finished, Stopped, Talked
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from tests.stalls import StallMeter


class DictStore:
    def __init__(self) -> None:
        self.memories: dict[str, DictMemory] = {}

    def bot(self, name: str) -> DictMemory:
        return self.memories.setdefault(name, DictMemory())


async def eventually(predicate, timeout: float = 30.0) -> None:
    """Poll until ``predicate()`` holds (the timeout only bounds a hang: a fixed sleep raced
    the run on a loaded machine)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def make_runner(answers=()) -> tuple[DialogRunner, DictStore, list]:
    store = DictStore()
    runner = DialogRunner(store, "demo", QueuedChannel.with_answers(answers), skip_waits=True)
    events: list = []
    runner.subscribe(events.append)
    return runner, store, events


@pytest.mark.asyncio
async def test_run_to_the_end_writes_memory_and_reports_finished():
    runner, store, events = make_runner(["Ann"])
    task = runner.start('HEAR n\nSET_BOT_MEMORY "who", n\nTALK "hi " + n\n', "t.bas")
    assert runner.running
    await task
    assert not runner.running
    assert store.bot("demo").get("who") == "Ann"
    assert any(isinstance(e, Talked) and e.message.text == "hi Ann" for e in events)
    assert isinstance(events[-1], Finished)


@pytest.mark.asyncio
async def test_stop_cancels_an_endless_loop_quickly():
    runner, _, events = make_runner()
    task = runner.start("x = 0\nDO\n  x = x + 1\nLOOP\n", "loop.bas")
    await asyncio.sleep(0.05)
    assert runner.running
    stopping = StallMeter()
    assert runner.stop()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)  # the loop is endless: only Stop ends it
    stopping.mark()
    assert stopping.gaps[0].stall < 0.2, stopping.gaps[0]  # less what a busy machine withheld
    assert not runner.running
    assert any(isinstance(e, Stopped) for e in events)
    assert not runner.stop()


@pytest.mark.asyncio
async def test_runtime_error_is_an_event_not_an_exception():
    runner, _, events = make_runner()
    await runner.start("x = 1 / 0\n", "err.bas")
    failed = [e for e in events if isinstance(e, Failed)]
    assert failed and failed[0].error.line == 1


def test_syntax_error_raises_before_running():
    runner, _, _ = make_runner()
    with pytest.raises(BasicSyntaxError):
        runner.start("IF THEN\n", "bad.bas")
    assert not runner.running


@pytest.mark.asyncio
async def test_new_session_keeps_bot_memory():
    runner, store, _ = make_runner(["1"])
    first = runner.session
    await runner.start('SET_BOT_MEMORY "k", "v"\n', "a.bas")
    assert runner.new_session() is not first
    assert store.bot("demo").get("k") == "v"


def test_new_session_keeps_the_user():
    runner, _, _ = make_runner()
    runner.session.user_id = "user-ann"
    assert runner.new_session().user_id == "user-ann"


@pytest.mark.asyncio
async def test_unsubscribe_stops_events():
    runner, _, events = make_runner()
    other: list = []
    unsubscribe = runner.subscribe(other.append)
    unsubscribe()
    await runner.start('TALK "x"\n', "a.bas")
    assert events and not other


def test_dialog_session_imports_no_qt():
    import subprocess
    import sys

    code = "import sys; sys.modules['PySide6'] = None; import app.run.dialog_session"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# -- debug runs -----------------------------------------------------------------------------

LOOP = 'FOR i = 1 TO 3\n  TALK "n" + i\nNEXT i\nSET_BOT_MEMORY "last", STR(i)\nTALK "end"\n'


class Pauses:
    """Collects pauses; each is answered later from the loop by ``command(debugger)``."""

    def __init__(self, runner: DialogRunner, command=lambda dbg: dbg.resume()) -> None:
        self.runner = runner
        self.states: list = []
        self.command = command

    def __call__(self, state) -> None:
        self.states.append(state)
        asyncio.get_running_loop().call_soon(self.command, self.runner.debugger)

    @property
    def lines(self) -> list[int]:
        return [s.line for s in self.states]


@pytest.mark.asyncio
async def test_plain_run_has_no_debugger_and_no_debug_build():
    runner, _, _ = make_runner()
    task = runner.start('TALK "x"\n', "a.bas")
    assert runner.debugger is None and not runner.debugging
    await task
    assert not runner.paused


@pytest.mark.asyncio
async def test_debug_run_stops_at_breakpoints_and_steps():
    runner, store, events = make_runner()
    pauses = Pauses(runner, lambda dbg: dbg.step_over())
    task = runner.start(LOOP, "loop.bas", DebugOptions(
        breakpoints=(BreakpointSpec(2, condition="i = 2"),), on_paused=pauses))
    assert runner.debugging
    assert [(b.line, b.verified) for b in runner.verified] == [(2, True)]
    await task
    # the breakpoint at i = 2, then step over line by line (the FOR header takes each turn)
    assert pauses.lines == [2, 1, 2, 1, 4, 5]
    assert pauses.states[0].reason is PauseReason.BREAKPOINT
    assert pauses.states[0].frames[0].variables[0].value == "2"
    assert store.bot("demo").get("last") == "4"
    assert isinstance(events[-1], Finished)


@pytest.mark.asyncio
async def test_memory_breakpoint_pauses_after_the_write():
    runner, store, _ = make_runner()
    pauses = Pauses(runner)
    await runner.start(LOOP, "loop.bas", DebugOptions(
        memory_breakpoints=(MemoryBreakpointSpec("last", 'value = "4"'),), on_paused=pauses))
    assert [(s.reason, s.memory_key, s.line) for s in pauses.states] == [
        (PauseReason.MEMORY, "last", 4)]
    assert store.bot("demo").get("last") == "4"


@pytest.mark.asyncio
async def test_stop_while_paused_ends_the_run():
    runner, _, events = make_runner()
    states: list = []
    task = runner.start(LOOP, "loop.bas", DebugOptions(stop_on_entry=True,
                                                       on_paused=states.append))
    await eventually(lambda: runner.paused)
    assert [s.line for s in states] == [1]
    assert runner.stop()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)
    assert not runner.running and not runner.paused
    assert isinstance(events[-1], Stopped)
    assert not any(isinstance(e, Talked) for e in events)


@pytest.mark.asyncio
async def test_restart_keeps_breakpoints_set_during_the_run():
    runner, _, events = make_runner()
    states: list = []
    task = runner.start(LOOP, "loop.bas", DebugOptions(
        breakpoints=(BreakpointSpec(1),), on_paused=states.append))
    await eventually(lambda: runner.paused)
    assert [s.line for s in states] == [1]
    # the user moves the breakpoint while paused, then restarts with edited text
    verified = runner.set_breakpoints([BreakpointSpec(5)])
    assert [b.line for b in verified] == [5]
    second = runner.restart(LOOP.replace('"end"', '"again"'))
    with pytest.raises(asyncio.CancelledError):
        await task
    await eventually(lambda: len(states) == 2)
    assert runner.paused and [s.line for s in states] == [1, 5]
    assert [b.line for b in runner.verified] == [5]
    talks = [e.message.text for e in events if isinstance(e, Talked)]
    assert talks == ["n1", "n2", "n3"]  # the first run talked nothing; this one reached line 5
    runner.debugger.resume()
    await second
    assert [e.message.text for e in events if isinstance(e, Talked)][-1] == "again"


@pytest.mark.asyncio
async def test_restart_of_a_plain_run_stays_plain():
    runner, _, events = make_runner()
    await runner.start('TALK "x"\n', "a.bas")
    await runner.restart()
    assert runner.debugger is None
    assert [e.message.text for e in events if isinstance(e, Talked)] == ["x", "x"]


@pytest.mark.asyncio
async def test_edit_a_variable_while_paused_is_seen_after_resume():
    runner, _, events = make_runner()

    def edit(dbg) -> None:
        dbg.set_variable("name", '"Bob"')
        dbg.resume()

    pauses = Pauses(runner, edit)
    await runner.start('name = "Ann"\nTALK "hi " + name\n', "e.bas",
                       DebugOptions(breakpoints=(BreakpointSpec(2),), on_paused=pauses))
    assert [e.message.text for e in events if isinstance(e, Talked)] == ["hi Bob"]
