"""The Flow panel driven as a user would: clicks on nodes, the editor's cursor and text,
edits in the node editor and the toolbar, breakpoints, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtTest import QTest

from interpreter.flow import NodeKind, Template
from ui.editor.code_editor import CodeEditor
from ui.flow.panel import FlowPanel

TEXT = """\
' support desk
TALK "Hello"
HEAR choice AS "Orders", "Hours"
IF choice = "Orders" THEN
    HEAR order AS INTEGER
    SET BOT MEMORY "last_order", order
ELSE
    TALK "We open at 9"
END IF
"""


@pytest.fixture
def panel(qtbot):
    editor = CodeEditor()
    editor.setPlainText(TEXT)
    flow = FlowPanel()
    qtbot.addWidget(editor)
    qtbot.addWidget(flow)
    flow.resize(700, 800)
    flow.show()
    with qtbot.waitSignal(flow.flowShown, timeout=10000):
        flow.set_editor(editor)
    return flow


def wait_drawn(qtbot, panel: FlowPanel) -> None:
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        pass


def click_node(qtbot, panel: FlowPanel, node_id: str) -> None:
    item = panel.scene.node_items[node_id]
    panel.view.centerOn(item)
    point = panel.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point)


def selected_lines(editor: CodeEditor) -> tuple[int, int]:
    cursor = editor.textCursor()
    doc = editor.document()
    return (doc.findBlock(cursor.selectionStart()).blockNumber() + 1,
            doc.findBlock(cursor.selectionEnd()).blockNumber() + 1)


def test_draws_every_statement_with_its_kind(panel: FlowPanel) -> None:
    kinds = {i: item.node.kind for i, item in panel.scene.node_items.items()}
    assert kinds["L2.1"] is NodeKind.TALK
    assert kinds["L4.1"] is NodeKind.IF
    assert kinds["L6.5"] is NodeKind.MEMORY_WRITE
    assert panel.scene.node_items["L6.5"].node.detail == "key: last_order"
    assert {(e.route.src, e.route.dst) for e in panel.scene.edge_items} >= {
        ("L4.1", "L5.5"), ("L4.1", "L8.5")}


def test_click_on_a_node_selects_its_lines(qtbot, panel: FlowPanel) -> None:
    click_node(qtbot, panel, "L4.1")
    assert selected_lines(panel.editor) == (4, 9)
    assert panel.scene.selected_id == "L4.1"
    click_node(qtbot, panel, "L6.5")
    assert panel.editor.textCursor().selectedText() == '    SET BOT MEMORY "last_order", order'


def test_cursor_highlights_its_node(panel: FlowPanel) -> None:
    editor = panel.editor
    editor.go_to_line(8)
    assert panel.scene.selected_id == "L8.5"
    assert panel.scene.node_items["L8.5"].state.selected
    editor.go_to_line(7)  # ELSE: the IF's own line
    assert panel.scene.selected_id == "L4.1"


def test_typing_updates_the_flow_and_a_broken_line_is_one_cannot_draw_node(
        qtbot, panel: FlowPanel) -> None:
    editor = panel.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        QTest.keyClicks(editor, 'TALK "Bye"')
    assert panel.scene.node_items["L10.1"].node.kind is NodeKind.TALK
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        QTest.keyClick(editor, Qt.Key.Key_Return)
        QTest.keyClicks(editor, "TALK (")
    bad = [i.node for i in panel.scene.node_items.values()
           if i.node.kind is NodeKind.UNPARSABLE]
    assert [(n.first_line, n.last_line) for n in bad] == [(11, 11)]
    assert panel.scene.node_items["L10.1"].node.kind is NodeKind.TALK  # the rest stays


def test_edit_a_talk_in_the_node_editor_is_one_undo_step(qtbot, panel: FlowPanel) -> None:
    click_node(qtbot, panel, "L2.1")
    field = panel.node_editor.edits["text"]
    assert field.text() == "Hello"
    field.selectAll()
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        QTest.keyClicks(field, "Good morning")
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert panel.editor.toPlainText() == TEXT.replace('"Hello"', '"Good morning"')
    assert panel.scene.node_items["L2.1"].node.label == 'TALK "Good morning"'
    panel.editor.undo()
    assert panel.editor.toPlainText() == TEXT


def test_hear_type_and_case_of_a_memory_key(qtbot, panel: FlowPanel) -> None:
    click_node(qtbot, panel, "L5.5")
    typ = panel.node_editor.edits["type"]
    typ.setText("NUMBER")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        QTest.keyClick(typ, Qt.Key.Key_Return)
    assert "    HEAR order AS NUMBER\n" in panel.editor.toPlainText()
    click_node(qtbot, panel, "L6.5")
    key = panel.node_editor.edits["key"]
    key.setText("order_id")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        QTest.keyClick(key, Qt.Key.Key_Return)
    assert 'SET BOT MEMORY "order_id", order' in panel.editor.toPlainText()


def test_palette_branch_delete_and_move(qtbot, panel: FlowPanel) -> None:
    editor = panel.editor
    click_node(qtbot, panel, "L2.1")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        assert panel.add_node(Template.SUGGESTION)
    assert editor.toPlainText().splitlines()[2] == 'ADD SUGGESTION "yes" AS "Yes"'
    editor.undo()
    assert editor.toPlainText() == TEXT
    wait_drawn(qtbot, panel)
    click_node(qtbot, panel, "L4.1")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        assert panel.add_branch()
    assert 'ELSEIF answer = "other" THEN' in editor.toPlainText()
    editor.undo()
    wait_drawn(qtbot, panel)
    click_node(qtbot, panel, "L3.1")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        assert panel.move_node(-1)
    assert editor.toPlainText().splitlines()[1:3] == [
        'HEAR choice AS "Orders", "Hours"', 'TALK "Hello"']
    editor.undo()
    wait_drawn(qtbot, panel)
    click_node(qtbot, panel, "L4.1")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        panel.node_actions["delete"].trigger()
    assert editor.toPlainText() == TEXT.split("IF choice")[0]
    editor.undo()
    assert editor.toPlainText() == TEXT


def test_refused_edit_says_why(qtbot, panel: FlowPanel) -> None:
    click_node(qtbot, panel, "L2.1")
    with qtbot.waitSignal(panel.message) as said:
        panel.move_node(-1)
    assert "first" in said.args[0]
    assert panel.editor.toPlainText() == TEXT


def test_breakpoints_toggle_on_nodes_as_in_the_gutter(qtbot, panel: FlowPanel) -> None:
    click_node(qtbot, panel, "L5.5")
    panel.node_actions["breakpoint"].trigger()
    assert panel.editor.breakpoints == {5}
    assert panel.scene.node_items["L5.5"].state.breakpoint
    panel.editor.toggle_breakpoint(8)  # the gutter
    assert panel.scene.node_items["L8.5"].state.breakpoint


def test_calls_open_and_expand(qtbot, panel: FlowPanel) -> None:
    editor = panel.editor
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        editor.setPlainText('CALL greet\nSUB greet\n    TALK "hi"\nEND SUB\n')
    click_node(qtbot, panel, "L1.1")
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        panel.node_actions["expand"].trigger()
    assert "L1.1>L3.5" in panel.scene.node_items
    with qtbot.waitSignal(panel.flowShown, timeout=10000):
        panel.node_actions["open"].trigger()
    assert panel.routine == "greet"
    assert panel.routines.currentText() == "SUB greet"
    assert "L3.5" in panel.scene.node_items


def test_export_svg_and_png(panel: FlowPanel, tmp_path: Path) -> None:
    panel.export(tmp_path / "flow.svg")
    svg = (tmp_path / "flow.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "HEAR order AS INTEGER" in svg
    panel.export(tmp_path / "flow.png")
    image = QImage(str(tmp_path / "flow.png"))
    rect = panel.scene.sceneRect()
    assert (image.width(), image.height()) == (int(rect.width()), int(rect.height()))
    assert image.pixelColor(QPoint(1, 1)).name() == "#ffffff"


def test_a_scene_deleted_while_it_fills_drops_the_remaining_slices(qtbot, panel) -> None:
    """The items are made in slices on later turns of the loop; a window closed before then
    deletes the scene, and the slices due must not run on it (they raised 'Internal C++
    object (FlowScene) already deleted' in whatever ran next)."""
    import shiboken6
    from PySide6.QtCore import QObject

    from ui.flow.scene import FlowScene

    owner = QObject()
    scene = FlowScene(owner)
    finished: list[bool] = []
    scene.show_flow(panel.scene.graph, panel.scene.layout, then=lambda: finished.append(True))
    shiboken6.delete(owner)  # the window goes, and its scene with it
    qtbot.wait(50)  # the turns on which the slices were due
    assert finished == []


def test_a_timer_due_during_a_slice_runs_before_the_next_slice(qtbot, panel, monkeypatch
                                                                ) -> None:
    """The scene's items are made in slices; a timer that came due during one (a key
    repeat, an animation, the debugger's poll) runs before the next slice starts. Slices
    queued as posted events ran back to back with the repaints between them, and such a
    timer waited for two slices and more (~20 ms on a 1,000-line dialog)."""
    import time
    from itertools import pairwise

    from PySide6.QtCore import QTimer

    from ui.flow import scene as scene_module

    monkeypatch.setattr(scene_module, "SLICE_MS", 0.0)  # one item per slice
    scene = panel.scene
    order: list[str] = []
    fill = scene._fill

    def logged_fill(filling, makers, then):  # type: ignore[no-untyped-def]
        order.append("slice")
        time.sleep(0.002)  # twice the timer's interval: it is due when the slice ends
        fill(filling, makers, then)

    monkeypatch.setattr(scene, "_fill", logged_fill)
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: order.append("tick"))
    graph, layout = scene.graph, scene.layout
    drawn: list[bool] = []
    for _ in range(3):
        order.append("draw")  # the first slice of a draw follows the last of the one before
        timer.start()
        scene.show_flow(graph, layout, then=lambda: drawn.append(True))
        qtbot.waitUntil(lambda: bool(drawn), timeout=10000)
        timer.stop()
        drawn.clear()
    slices = order.count("slice")
    assert slices > 3 * len(layout.boxes)  # the fills took many slices each
    back_to_back = sum(1 for a, b in pairwise(order) if a == b == "slice")
    assert back_to_back == 0, order


def test_the_view_keeps_its_picture_until_the_new_flow_is_complete(qtbot, panel, monkeypatch
                                                                   ) -> None:
    """No repaint between the slices that make the items (a half-made flow, and 2-4 ms of
    painting before a timer due meanwhile could run); one once the flow is complete."""
    from PySide6.QtCore import QEvent, QObject

    from ui.flow import scene as scene_module

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, _obj, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()
    panel.view.viewport().installEventFilter(counter)
    monkeypatch.setattr(scene_module, "SLICE_MS", 0.0)  # one item per slice
    scene = panel.scene
    at_slices: list[int] = []
    fill = scene._fill

    def counted_fill(filling, makers, then):  # type: ignore[no-untyped-def]
        at_slices.append(counter.paints)
        fill(filling, makers, then)

    monkeypatch.setattr(scene, "_fill", counted_fill)
    panel.view.viewport().update()
    qtbot.waitUntil(lambda: counter.paints > 0, timeout=10000)  # the current picture
    before = counter.paints
    drawn: list[bool] = []
    scene.show_flow(scene.graph, scene.layout, then=lambda: drawn.append(True))
    qtbot.waitUntil(lambda: bool(drawn), timeout=10000)
    assert len(at_slices) > 10
    assert set(at_slices) == {before}
    qtbot.waitUntil(lambda: counter.paints > before, timeout=10000)  # the new flow shows


def test_a_redraw_started_during_a_fill_leaves_only_the_new_flows_items(qtbot, panel,
                                                                        monkeypatch) -> None:
    """Fills abandoned part way (while removing the old items, or making new ones) leave
    nothing behind: the scene ends with exactly the newest flow's items."""
    from ui.flow import scene as scene_module

    monkeypatch.setattr(scene_module, "SLICE_MS", 0.0)  # one item per slice
    scene = panel.scene
    graph, layout = scene.graph, scene.layout
    expected = len(layout.edges) + len(layout.boxes)
    slices: list[int] = []
    fill = scene._fill

    def counted_fill(filling, makers, then):  # type: ignore[no-untyped-def]
        slices.append(filling)
        fill(filling, makers, then)

    monkeypatch.setattr(scene, "_fill", counted_fill)
    drawn: list[bool] = []
    for stop_after in (3, expected + 4, 1):  # in the removal, in the making, at once
        slices.clear()
        scene.show_flow(graph, layout)
        qtbot.waitUntil(lambda n=stop_after: len(slices) >= n, timeout=10000)
    scene.show_flow(graph, layout, then=lambda: drawn.append(True))
    qtbot.waitUntil(lambda: bool(drawn), timeout=10000)
    top_level = [item for item in scene.items() if item.parentItem() is None]
    assert len(top_level) == expected
    assert set(scene.node_items) == set(layout.boxes)
    assert all(item.scene() is scene for item in scene.node_items.values())
