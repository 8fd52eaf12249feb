"""Turn recording, rewind plans, queued answers and conversation breakpoints (no Qt)."""

from __future__ import annotations

import asyncio

import pytest

from app.conversation.channel import (
    AnswerQueue,
    ConversationChannel,
    answers_from_chat,
    parse_answers,
)
from app.run import turns
from app.run.dialog_session import DebugOptions, DialogRunner
from app.run.turns import TurnRecorder
from interpreter.debug.conversation import (
    ConversationBreakpoints,
    ConversationDebugger,
    ConversationWatch,
)
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

DIALOG = """\
TALK "Hi, what is your name?"
HEAR name
old = GET BOT MEMORY "visits"
SET BOT MEMORY "visits", old + "1"
TALK "Hello " + name
HEAR city
IF city = "Paris" THEN
  SET BOT MEMORY "city", city
END IF
TALK "Bye"
"""


class DictStore:
    def __init__(self, data: dict[str, str] | None = None) -> None:
        self.memory = DictMemory(dict(data or {}))

    def bot(self, _name: str) -> DictMemory:
        return self.memory


NO_BREAKPOINTS = ConversationBreakpoints()


def make(answers=(), data=None, breakpoints=NO_BREAKPOINTS):
    store = DictStore(data)
    inner = QueuedChannel.with_answers(list(answers))
    watch = ConversationWatch()
    watch.set_breakpoints(breakpoints)
    queue = AnswerQueue()
    echoed: list[str] = []
    channel = ConversationChannel(inner, watch, queue, echoed.append)
    runner = DialogRunner(store, "demo", channel, skip_waits=True)
    recorder = TurnRecorder()
    runner.memory_wrapper = recorder.wrap_memory
    runner.debugger_factory = lambda program, **kw: ConversationDebugger(program, watch, **kw)
    watch.line_observers.append(recorder.on_line)
    runner.subscribe(recorder.on_event)
    return runner, store, recorder, queue, echoed, watch


@pytest.mark.asyncio
async def test_turns_record_messages_lines_and_memory_diffs():
    runner, _store, rec, *_ = make(["Ann", "Paris"], {"visits": "2"})
    await runner.start(DIALOG, "d.bas")
    assert [t.index for t in rec.turns] == [0, 1, 2]
    opening, first, second = rec.turns
    assert [(m.who, m.text, m.line) for m in opening.messages] == [
        ("bot", "Hi, what is your name?", 1)]
    assert [(m.who, m.text, m.line) for m in first.messages] == [
        ("user", "Ann", 2), ("bot", "Hello Ann", 5)]
    assert first.memory_rows() == [("visits", "2", "21")]
    assert second.memory_rows() == [("city", "", "Paris")]
    assert second.user_text == "Paris"
    # A plain run has no coverage hook: only the lines events name.
    assert {5, 6} <= first.lines and 3 not in first.lines


@pytest.mark.asyncio
async def test_debug_run_records_every_executed_line_per_turn():
    runner, _, rec, *_ = make(["Ann", "Rome"])
    await runner.start(DIALOG, "d.bas", DebugOptions())
    assert rec.turns[0].lines == {1, 2}
    assert rec.turns[1].lines == {3, 4, 5, 6}
    assert rec.turns[2].lines == {7, 10}  # the IF body did not run for Rome


@pytest.mark.asyncio
async def test_rewind_plan_restores_memory_before_the_conversation():
    runner, _store, rec, *_ = make(["Ann", "Paris"], {"visits": "2"})
    await runner.start(DIALOG, "d.bas")
    plan = rec.rewind_plan(1)  # the state right after turn 1: "Ann" replayed
    assert plan.memory == {"visits": "2", "city": ""}
    assert plan.replay == ("Ann",) and plan.offered == ("Paris",)
    assert rec.rewind_plan(2).replay == ("Ann", "Paris") and rec.rewind_plan(2).offered == ()
    assert rec.rewind_plan(0).replay == () and rec.rewind_plan(0).offered == ("Ann", "Paris")


@pytest.mark.asyncio
async def test_invalid_answer_starts_one_turn_per_user_message():
    runner, _, rec, *_ = make(["abc", "7"])
    await runner.start('HEAR n AS INTEGER\nTALK "got " + n\n', "d.bas")
    assert [t.user_text for t in rec.turns[1:]] == ["abc", "7"]
    assert rec.user_messages() == ["abc", "7"]


@pytest.mark.asyncio
async def test_queued_answers_are_taken_first_and_echoed():
    runner, _store, rec, queue, echoed, _ = make(["typed"])
    queue.set(parse_answers("Ann\n\nRome\n"))
    assert queue.answers == ["Ann", "Rome"]
    await runner.start(DIALOG, "d.bas")
    assert echoed == ["Ann", "Rome"] and len(queue) == 0
    assert rec.user_messages() == ["Ann", "Rome"]


def test_answers_from_a_conversation_test(tmp_path):
    path = tmp_path / "greet.chat"
    path.write_text("bot: Hi, what is your name?\nuser: Ann\nbot: Hello Ann\nuser: Paris\n",
                    encoding="utf-8")
    assert answers_from_chat(path) == ["Ann", "Paris"]


async def _run_until_paused(runner, source, reasons):
    task = runner.start(source, "d.bas", DebugOptions(on_paused=lambda s: reasons.append(
        (s.line, runner.debugger.pause_reason))))
    deadline = asyncio.get_running_loop().time() + 30  # bounds a hang
    while not (runner.paused or task.done()) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.005)
    return task


@pytest.mark.asyncio
@pytest.mark.parametrize("bps, expected", [
    (ConversationBreakpoints(next_hear=True), (2, "next HEAR")),
    (ConversationBreakpoints(talk_pattern="hello \\w+"), (6, "TALK matched 'hello \\w+'")),
    (ConversationBreakpoints(turn=2), (7, "turn 2")),
    (ConversationBreakpoints(input_pattern="^ann$"), (3, "input matched '^ann$'")),
])
async def test_conversation_breakpoints_pause_with_a_reason(bps, expected):
    runner, *_ , _watch = make(["Ann", "Rome"], breakpoints=bps)
    reasons: list = []
    task = await _run_until_paused(runner, DIALOG, reasons)
    assert runner.paused and reasons == [expected]
    runner.debugger.resume()
    await asyncio.wait_for(task, 30)  # bounds a hang
    assert reasons == [expected]  # each fires once in this conversation
    assert runner.debugger.pause_reason == ""


@pytest.mark.asyncio
async def test_no_conversation_breakpoint_no_pause():
    runner, *_ = make(["Ann", "Rome"])
    reasons: list = []
    task = await _run_until_paused(runner, DIALOG, reasons)
    await asyncio.wait_for(task, 30)  # bounds a hang
    assert reasons == []


def test_turn_zero_has_no_user_message_so_it_keeps_just_the_newest(monkeypatch):
    monkeypatch.setattr(turns, "MAX_TURN_MESSAGES", 4)
    monkeypatch.setattr(turns, "TRIM_TURN_MESSAGES", 3)
    turn = turns.Turn(0)
    for i in range(10):
        turn.add(turns.TurnMessage("bot", f"m{i}", 1))
    # 5 messages -> 2 left; at 5 again -> 2: m6 m7, then m8 m9 come.
    assert ([m.text for m in turn.messages], turn.dropped) == (["m6", "m7", "m8", "m9"], 6)
    assert turn.user_text is None
