"""Coverage of a run on the flow: visited nodes from reported lines, taken branches from the
steps between lines, the active node from the current line."""

from __future__ import annotations

from interpreter.flow import build_flow
from interpreter.flow.coverage import RunTrace, coverage

TEXT = """\
HEAR city
IF city = "Paris" THEN
    TALK "Bonjour"
ELSE
    TALK "Hello"
END IF
FOR EACH x IN items
    TALK x
NEXT
"""


def run_lines(*lines: int) -> RunTrace:
    trace = RunTrace()
    for line in lines:
        trace.on_line(line)
    return trace


def test_visited_taken_and_active() -> None:
    graph = build_flow(TEXT)
    trace = run_lines(1, 2, 3, 7, 8, 9, 8, 9)
    cov = coverage(graph, "", frozenset(trace.lines), frozenset(trace.transitions), 8)
    assert {"L1.1", "L2.1", "L3.5", "L7.1", "L8.5"} <= cov.visited
    assert "L5.5" not in cov.visited
    assert ("L2.1", "L3.5", "then") in cov.taken
    assert ("L2.1", "L5.5", "else") not in cov.taken
    assert ("L3.5", "L7.1", "") in cov.taken
    assert ("L8.5", "L7.1", "") in cov.taken  # the loop's way back, through NEXT
    assert ("start:", "L1.1", "") in cov.taken
    assert cov.active == "L8.5"


def test_nothing_ran_nothing_tinted() -> None:
    cov = coverage(build_flow(TEXT), "", frozenset(), frozenset())
    assert (cov.visited, cov.taken, cov.active) == (frozenset(), frozenset(), "")


def test_trace_counts_changes_and_event_lines_are_visits_without_steps() -> None:
    trace = RunTrace()
    trace.note_line(3)
    version = trace.version
    trace.note_line(3)
    assert trace.version == version and trace.transitions == set()
    trace.on_line(1)
    trace.on_line(2)
    assert trace.transitions == {(1, 2)}
    trace.reset()
    assert (trace.lines, trace.transitions, trace.last) == (set(), set(), 0)
