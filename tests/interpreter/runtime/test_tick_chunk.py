"""Loops look at the clock often enough to yield on time, whatever one iteration costs.

A loop calls ``Runtime.tick`` once per chunk of iterations; tick yields to the event loop
once ``YIELD_EVERY`` has passed. With a fixed chunk of 256, a loop whose body takes a
millisecond ran a quarter of a second between two turns of the event loop (in the IDE: the
window froze that long). The chunk now follows the pace of the loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from interpreter import Runtime, load_source
from interpreter.library import operators
from interpreter.ports.host import DictMemory, WriteSource
from interpreter.runtime import engine as runtime
from interpreter.runtime.channels import QueuedChannel


@dataclass
class SlowMemory(DictMemory):
    """A bot memory whose every write takes a millisecond (a slow database)."""

    def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
        time.sleep(0.001)
        super().set(key, value, source)


def writes_between_turns(source: str, memory: DictMemory,
                         each_turn: Callable[[], None] = lambda: None) -> list[int]:
    """Run ``source``; the writes the dialog made between consecutive event-loop turns.
    ``each_turn``: the event loop's other work, once per turn."""
    rt = Runtime(load_source(source, "slow.bas"), QueuedChannel(), memory)
    seen: list[int] = []

    async def watch() -> None:
        while True:
            seen.append(len(memory.writes))
            each_turn()
            await asyncio.sleep(0)

    async def scenario() -> None:
        watcher = asyncio.ensure_future(watch())
        try:
            await rt.run()
        finally:
            watcher.cancel()

    asyncio.run(scenario())
    return [b - a for a, b in pairwise(seen)]


def test_a_loop_with_a_slow_body_yields_after_a_few_iterations_not_a_whole_chunk() -> None:
    memory = SlowMemory()
    gaps = writes_between_turns(
        'i = 0\nDO WHILE i < 400\n  SET BOT MEMORY "k", STR(i)\n  i = i + 1\nLOOP\n', memory)
    assert len(memory.writes) == 400
    # The compiled loop starts with a whole chunk; after its first tick the loop runs about
    # YIELD_EVERY (a few ms) of 1 ms iterations between turns, never hundreds.
    assert max(gaps[1:]) < runtime.TICK_CHUNK // 4, gaps


def test_a_fast_loop_grows_back_to_the_whole_chunk() -> None:
    rt = Runtime(load_source("x = 0\n", "fast.bas"), QueuedChannel(), DictMemory())
    rt.chunk = runtime.MIN_TICK_CHUNK  # as after a slow stretch

    async def ticks() -> list[int]:
        return [await rt.tick() for _ in range(12)]

    chunks = asyncio.run(ticks())  # back to back: each chunk took next to no time
    assert chunks[-1] == runtime.TICK_CHUNK
    assert all(b <= 2 * a for a, b in pairwise(chunks))  # grows stepwise


def test_the_step_budget_still_counts_iterations_when_chunks_shrink() -> None:
    memory = SlowMemory()
    rt = Runtime(load_source('DO\n  SET BOT MEMORY "k", "v"\nLOOP\n', "endless.bas"),
                 QueuedChannel(), memory, max_ticks=2)
    try:
        asyncio.run(rt.run())
    except Exception as exc:  # noqa: BLE001 - the budget error is what is checked
        assert "step budget" in str(exc)
    else:
        raise AssertionError("an endless loop ran past its step budget")
    # Two chunks of 256 iterations and the one that crosses the line, whatever their size.
    assert 2 * runtime.TICK_CHUNK <= len(memory.writes) <= 3 * runtime.TICK_CHUNK


def test_a_for_to_loop_with_a_slow_body_yields_after_a_few_iterations() -> None:
    # Released FOR … TO loops run over range() in chunks; the chunks follow the runtime's
    # pace too (they were 256 iterations whatever the body cost).
    memory = SlowMemory()
    gaps = writes_between_turns('FOR i = 1 TO 600\n  SET BOT MEMORY "k", STR(i)\nNEXT\n', memory)
    assert len(memory.writes) == 600
    assert memory.get("k") == "600"
    # The first chunk is whole (the pace is not known yet), as in other loops.
    assert len(gaps) > 3 and max(gaps[1:]) < runtime.TICK_CHUNK // 4, gaps


def test_a_for_to_loop_with_float_bounds_follows_the_pace_too() -> None:
    memory = SlowMemory()
    gaps = writes_between_turns(
        'FOR x = 0.5 TO 600.5\n  SET BOT MEMORY "k", STR(x)\nNEXT\n', memory)
    assert len(memory.writes) == 601
    assert len(gaps) > 3 and max(gaps[1:]) < runtime.TICK_CHUNK // 4, gaps


def run_each(body: str, items: list[Any], max_ticks: int) -> Exception | None:
    """Run a FOR EACH over ``items`` with a step budget; the error that ended it, if any."""
    source = f"total = 0\nFOR EACH item IN items\n  {body}\nNEXT item\nRETURN total\n"
    compiled = load_source(source, "each.bas")
    assert "_each_windows(" in compiled.source  # the fast pass's windows, not chunks
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars={"items": items},
                 max_ticks=max_ticks)
    try:
        asyncio.run(rt.run())
    except Exception as exc:  # noqa: BLE001 - the budget error is what is checked
        return exc
    return None


def test_a_fast_for_each_counts_every_item_of_its_windows_against_the_step_budget() -> None:
    # A window of the fast pass holds WINDOW items, more than a tick's chunk: counting it
    # as one chunk would let 8 times the budget through.
    budget = 20
    items = [{"p": 1}] * (budget * runtime.TICK_CHUNK + 2 * operators.WINDOW)
    error = run_each("total = total + item.p", items, budget)
    assert error is not None and "step budget" in str(error)
    assert run_each("total = total + item.p", items[: budget * runtime.TICK_CHUNK // 2],
                    budget) is None


def test_the_general_code_a_window_hands_over_to_counts_its_items_one_by_one() -> None:
    # Text members: every window hands over at its first item, and the general code runs
    # the rest of it (int + text joins them). Those items may be slow, so they tick as
    # often as any loop: a budget of 2 chunks ends the run within the first window.
    items = [{"p": "x"}] * (operators.WINDOW - 1)
    error = run_each("total = total + item.p", items, 2)
    assert error is not None and "step budget" in str(error)


class FakeClock:
    """``time`` as the runtime sees it, advanced by hand: the test counts iterations, not
    milliseconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


WRITE_COST = 0.0001  # what each SET "takes" in the tests below


def slice_turns(monkeypatch, other_work: float, writes: int = 2000) -> list[int]:
    """The writes a loop of ``writes`` SETs (each WRITE_COST) made between event-loop turns
    when the loop's other work takes ``other_work`` seconds a turn, past the first chunks
    (their pace is not known yet)."""
    clock = FakeClock()
    monkeypatch.setattr(runtime, "time", clock)

    @dataclass
    class TimedMemory(DictMemory):
        def set(self, key: str, value: str, source: WriteSource | None = None) -> None:
            clock.now += WRITE_COST
            super().set(key, value, source)

    def other() -> None:
        clock.now += other_work

    memory = TimedMemory()
    gaps = writes_between_turns(
        f'i = 0\nDO WHILE i < {writes}\n  SET BOT MEMORY "k", STR(i)\n  i = i + 1\nLOOP\n',
        memory, other)
    assert len(memory.writes) == writes
    return gaps[3:]


def test_what_the_event_loop_runs_between_slices_counts_towards_the_next_slice(
        monkeypatch) -> None:
    """A slice ends YIELD_EVERY after the dialog last yielded: work the event loop did
    meanwhile (in the IDE the memory table's update and repaint) shortens the next slice
    down to MIN_SLICE, so a timer that came due during that work waits for a short slice,
    not a whole one."""
    other_work = 0.004  # the event loop's other callbacks "take" 4 ms per turn
    gaps = slice_turns(monkeypatch, other_work, writes=3000)
    slice_writes = max(runtime.YIELD_EVERY - other_work, runtime.MIN_SLICE) / WRITE_COST
    chunk_writes = runtime.TICK_EVERY / WRITE_COST  # a slice ends at the first tick past it
    assert gaps and max(gaps) <= slice_writes + chunk_writes + 1, gaps
    # The dialog still runs: at least MIN_SLICE in every two turns (it lets the loop take
    # one more turn after such long work, see the next test).
    assert min(a + b for a, b in pairwise(gaps)) >= runtime.MIN_SLICE / WRITE_COST - 1, gaps


def test_after_long_work_of_the_event_loop_the_dialog_lets_it_take_one_more_turn(
        monkeypatch) -> None:
    """A dialog away longer than LATE_RESUME (1 ms) yields once more before it runs on: in the IDE
    a timer that came due while the memory table was updated and repainted then fires
    before the next slice, not after it (the dialog's resumption was queued first)."""
    gaps = slice_turns(monkeypatch, 0.002)  # the memory table's update and repaint
    # Every slice is followed by a turn in which the dialog ran nothing, then it runs again.
    assert gaps[0::2].count(0) == 0 or gaps[1::2].count(0) == 0, gaps
    assert gaps.count(0) >= len(gaps) // 2 - 1, gaps


def test_a_quick_event_loop_turn_costs_the_dialog_no_extra_turn(monkeypatch) -> None:
    gaps = slice_turns(monkeypatch, 0.0002)  # an idle loop's turn, give or take
    assert 0 not in gaps, gaps
