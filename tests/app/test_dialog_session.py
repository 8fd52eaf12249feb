"""DialogRunner: start, finish, stop, errors and sessions on plain asyncio (no Qt)."""

from __future__ import annotations

import asyncio

import pytest

from app.dialog_session import DialogRunner
from interpreter import BasicSyntaxError
from interpreter.channels import QueuedChannel
from interpreter.events import Failed, Finished, Stopped, Talked
from interpreter.ports import DictMemory


class DictStore:
    def __init__(self) -> None:
        self.memories: dict[str, DictMemory] = {}

    def bot(self, name: str) -> DictMemory:
        return self.memories.setdefault(name, DictMemory())


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
    task = runner.start("DO\n  x = x + 1\nLOOP\n", "loop.bas")
    await asyncio.sleep(0.05)
    assert runner.running
    assert runner.stop()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 0.2)
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

    code = "import sys; sys.modules['PySide6'] = None; import app.dialog_session"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
