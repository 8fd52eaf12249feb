"""The Flow dock in the real window: a View menu entry, following the current tab, and a
debug run's active node, visited nodes, taken branches and breakpoints set on nodes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import until

DIALOG = """\
TALK "Hi"
HEAR city
IF city = "Paris" THEN
    SET BOT MEMORY "city", city
ELSE
    TALK "Not Paris"
END IF
TALK "Bye"
"""


def show_flow(window):  # type: ignore[no-untyped-def]
    feature = window.flow
    window.view_menu.refresh()
    toggle = window.view_menu.toggle_for("Flow")
    if not feature.dock.isVisible():
        toggle.trigger()
    feature.dock.raise_()
    return feature.panel


def test_view_menu_shows_the_dock_and_it_follows_the_current_tab(window, run) -> None:
    window.add_tab('TALK "one"\n', None)
    panel = show_flow(window)

    async def scenario():
        await until(lambda: panel.drawn is not None and "L1.1" in panel.scene.node_items)
        window.add_tab('HEAR x\nTALK "two"\n', None)
        await until(lambda: "L2.1" in panel.scene.node_items)

    run(scenario())
    assert panel.editor is window.editor()
    assert panel.scene.node_items["L2.1"].node.label == 'TALK "two"'


def test_debug_run_tints_visited_nodes_taken_branch_and_the_active_node(window, qtbot,
                                                                        run) -> None:
    editor = window.add_tab(DIALOG, None).editor
    panel = show_flow(window)
    controller = window.debug.controller

    async def scenario():
        await until(lambda: "L8.1" in panel.scene.node_items)
        panel.select_node("L4.5")
        panel.node_actions["breakpoint"].trigger()  # on the node, as in the gutter
        assert editor.breakpoints == {4}
        window.run(debug=True)
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Paris")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: controller.is_paused)
        await until(lambda: panel.scene.node_items["L4.5"].state.active)

    run(scenario())
    items = panel.scene.node_items
    assert items["L4.5"].state.breakpoint
    assert all(items[i].state.visited for i in ("L1.1", "L2.1", "L3.1"))
    assert not items["L6.5"].state.visited and not items["L8.1"].state.visited
    taken = {(e.route.src, e.route.dst) for e in panel.scene.edge_items if e.taken}
    assert ("L3.1", "L4.5") in taken
    assert ("L3.1", "L6.5") not in taken

    async def finish():
        controller.continue_()
        await until(lambda: not window.runner.running)
        await until(lambda: items["L8.1"].state.visited)

    run(finish(), timeout=20)
    assert not any(item.state.active for item in panel.scene.node_items.values())
    assert not panel.scene.node_items["L6.5"].state.visited


def test_a_clicked_bubble_tints_only_its_turn(window, qtbot, run) -> None:
    from tests.ui.conftest import chat_message, click_message

    window.add_tab(DIALOG, None)
    panel = show_flow(window)

    async def scenario():
        await until(lambda: "L8.1" in panel.scene.node_items)
        window.run(debug=True)
        await until(lambda: window.chat.waiting)
        qtbot.keyClicks(window.chat.input, "Rome")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        await until(lambda: not window.runner.running)

    run(scenario())
    items = panel.scene.node_items
    assert items["L1.1"].state.visited and items["L6.5"].state.visited
    # turn 0: up to the HEAR
    click_message(qtbot, window.chat, chat_message(window.chat, "bot", "Hi"))
    assert window.conversation.turn_dock.isVisible()  # the Turn dock came to the front
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        window.flow.dock.raise_()  # back to the flow: drawn again, the turn's tints on it
    items = panel.scene.node_items
    assert items["L1.1"].state.visited and items["L2.1"].state.visited
    assert not items["L6.5"].state.visited and not items["L8.1"].state.visited


def test_the_flow_behind_another_tab_draws_nothing(window) -> None:
    window.add_tab('TALK "one"\n', None)
    feature = window.flow
    assert not feature.shown  # Memory is the front tab of its dock group
    assert feature.panel.editor is None and feature.panel.drawn is None
