"""The flow graph built from the parser's tree: node kinds, branches, loops, routines,
calls expanded in place, "cannot draw" regions, line ↔ node."""

from __future__ import annotations

from interpreter.flow import NodeKind, build_flow

DIALOG = """\
' the order desk
TALK "Hello"
HEAR choice AS "Track", "Hours"
SELECT CASE choice
    CASE "Track"
        HEAR order AS INTEGER WITH "Order number?"
        SET BOT MEMORY "last_order", order
    CASE "Hours", "Time"
        CALL hours
    CASE ELSE
        TALK "Sorry"
END SELECT
FOR EACH item IN items
    IF item = "" THEN
        EXIT FOR
    END IF
    n = GET BOT MEMORY("count")
NEXT
RETURN

SUB hours
    ADD SUGGESTION "menu" AS "Back to the menu"
    TALK "9 to 5"
END SUB
"""


def edges(graph, routine=""):  # type: ignore[no-untyped-def]
    return {(e.src, e.dst, e.label) for e in graph.routine(routine).edges}


def test_kinds_and_details() -> None:
    graph = build_flow(DIALOG)
    kinds = {i: graph.nodes[i].kind for i in graph.routine("").nodes}
    assert kinds["L2.1"] is NodeKind.TALK
    assert kinds["L3.1"] is NodeKind.HEAR
    assert graph.nodes["L3.1"].detail == "AS MENU: Track | Hours"
    assert kinds["L4.1"] is NodeKind.SELECT
    assert kinds["L7.9"] is NodeKind.MEMORY_WRITE
    assert graph.nodes["L7.9"].detail == "key: last_order"
    assert kinds["L9.9"] is NodeKind.CALL and graph.nodes["L9.9"].target == "hours"
    assert kinds["L13.1"] is NodeKind.LOOP
    assert kinds["L17.5"] is NodeKind.MEMORY_READ
    assert graph.nodes["L17.5"].detail == "key: count"
    assert kinds["L19.1"] is NodeKind.RETURN
    hear = graph.nodes["L6.9"]
    assert (hear.field("type").value, hear.field("prompt").value) == ("INTEGER",
                                                                     "Order number?")
    select = graph.nodes["L4.1"]
    assert [f.value for f in select.fields] == ["choice", "Track", '"Hours", "Time"']
    assert select.branch_lines == (4, 5, 8, 10, 12)


def test_branches_loops_and_returns() -> None:
    graph = build_flow(DIALOG)
    e = edges(graph)
    assert ("L4.1", "L6.9", '"Track"') in e
    assert ("L4.1", "L9.9", '"Hours", "Time"') in e
    assert ("L4.1", "L11.9", "CASE ELSE") in e
    assert ("L13.1", "L14.5", "loop") in e
    assert ("L17.5", "L13.1", "") in e  # back to the loop's head
    assert any(x.back for x in graph.routine("").edges if x.src == "L17.5")
    assert ("L15.9", "L19.1", "") in e  # EXIT FOR leaves the loop
    assert ("L13.1", "L19.1", "done") in e
    assert ("L19.1", "end:", "") in e
    assert ("L14.5", "L17.5", "else") in e


def test_each_routine_has_its_own_flow() -> None:
    graph = build_flow(DIALOG)
    sub = graph.routine("hours")
    assert sub.title == "SUB hours"
    assert [graph.nodes[i].kind for i in sub.nodes] == [
        NodeKind.START, NodeKind.END, NodeKind.SUGGESTION, NodeKind.TALK]
    assert "L22.5" not in graph.routine("").nodes


def test_a_call_expands_in_place_once() -> None:
    graph = build_flow(DIALOG, expanded=frozenset({"L9.9"}))
    e = edges(graph)
    assert ("L9.9", "L9.9>L22.5", "") in e
    assert ("L9.9>L22.5", "L9.9>L23.5", "") in e
    assert graph.nodes["L9.9>L22.5"].expanded_from == "L9.9"
    assert ("L9.9>return", "L13.1", "") in e  # back from the SUB, on to the loop


def test_recursive_call_is_not_expanded_forever() -> None:
    text = "CALL again\nSUB again\n    CALL again\nEND SUB\n"
    graph = build_flow(text, expanded=frozenset({"L1.1", "L1.1>L3.5"}))
    assert "L1.1>L3.5" in graph.nodes
    assert not any(i.startswith("L1.1>L3.5>") for i in graph.nodes)


def test_unreadable_lines_are_one_cannot_draw_node_and_the_rest_draws() -> None:
    text = 'TALK "a"\nTALK (\nIF THEN ELSE\nTALK "b"\nEND IF\nHEAR x\n'
    graph = build_flow(text)
    flow = graph.routine("")
    kinds = [graph.nodes[i].kind for i in flow.nodes]
    assert kinds.count(NodeKind.UNPARSABLE) == 2  # lines 2-3, and the stray END IF
    bad = graph.nodes["L2.1"]
    assert (bad.first_line, bad.last_line) == (2, 3)
    assert bad.label.startswith("cannot draw")
    assert graph.nodes["L4.1"].kind is NodeKind.TALK
    assert graph.nodes["L6.1"].kind is NodeKind.HEAR
    assert graph.text() == text


def test_goto_jumps_to_its_label() -> None:
    text = "start:\nTALK \"again\"\nGOTO start\n"
    assert ("L3.1", "L1.1", "GOTO") in edges(build_flow(text))


def test_line_to_innermost_node() -> None:
    graph = build_flow(DIALOG)
    assert graph.node_at_line(7).id == "L7.9"
    assert graph.node_at_line(10).id == "L4.1"  # CASE ELSE belongs to the SELECT
    assert graph.node_at_line(18).id == "L13.1"  # NEXT
    assert graph.node_at_line(1) is None  # a comment
    assert graph.node_at_line(23).routine == "hours"
