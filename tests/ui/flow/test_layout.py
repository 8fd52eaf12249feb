"""The layered layout (grandalf) of a flow: every node placed, nothing overlapping, edges
from their source to their target, top to bottom except a loop's way back."""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings

from interpreter.flow import build_flow
from tests.interpreter.flow.dialogs import dialogs
from ui.flow.layout import layout_routine

TEXT = """\
TALK "a"
SELECT CASE x
    CASE 1
        TALK "one"
    CASE 2
        TALK "two"
END SELECT
DO WHILE n < 3
    n = n + 1
LOOP
CALL s
SUB s
    TALK "in s"
END SUB
"""


def overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def near(point, box, slack: float = 2.0) -> bool:  # type: ignore[no-untyped-def]
    x, y = point
    return box.x - slack <= x <= box.x + box.w + slack and \
        box.y - slack <= y <= box.y + box.h + slack


def test_every_node_has_a_box_and_none_overlap() -> None:
    graph = build_flow(TEXT)
    layout = layout_routine(graph, "")
    assert set(layout.boxes) == set(graph.routine("").nodes)
    for a, b in combinations(layout.boxes.values(), 2):
        assert not overlap(a, b)


def test_edges_run_from_source_to_target_and_downwards() -> None:
    graph = build_flow(TEXT)
    layout = layout_routine(graph, "")
    boxes = layout.boxes
    for route in layout.edges:
        assert near(route.points[0], boxes[route.src]), route
        assert near(route.points[-1], boxes[route.dst]), route
        if not route.back:
            assert boxes[route.dst].y > boxes[route.src].y
    assert any(r.back and boxes[r.dst].y < boxes[r.src].y for r in layout.edges)


def test_a_routine_is_laid_out_alone() -> None:
    graph = build_flow(TEXT)
    layout = layout_routine(graph, "s")
    assert set(layout.boxes) == {"start:s", "end:s", "L13.5"}
    assert layout_routine(graph, "missing").boxes == {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogs())
def test_any_generated_dialog_lays_out(text: str) -> None:
    graph = build_flow(text)
    for routine in graph.routines:
        layout = layout_routine(graph, routine.name)
        assert set(layout.boxes) == set(routine.nodes)


def test_goto_cycles_lay_out() -> None:
    text = 'top:\nTALK "a"\nIF x THEN\n    GOTO top\nEND IF\nGOTO top\n'
    graph = build_flow(text)
    layout = layout_routine(graph, "")
    assert set(layout.boxes) == set(graph.routine("").nodes)
