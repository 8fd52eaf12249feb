"""The Flow panel: the open dialog as a flowchart, in step with its editor.

Text → flow: every change of the editor (after a short pause in typing) is parsed and laid
out on a worker thread; the newest result is drawn, older ones are dropped. Flow → text: a
click on a node selects its lines, the cursor's line highlights its node, and edits made on
nodes (fields, palette, branch, delete, move) become one minimal change of the editor's
text, one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QPainter, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsView,
    QMenu,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from interpreter.flow import FlowEditError, FlowGraph, FlowNode, NodeKind, Template, TextEdit
from interpreter.flow import edits as flow_edits
from interpreter.flow.coverage import Coverage

from ..editor.code_editor import CodeEditor
from ..memory.store_worker import StoreRunner, StoreWorker
from .compute import DrawnFlow, FlowRequest, compute_flow
from .export import export_png, export_svg
from .node_editor import NodeEditor
from .process_runner import ProcessRunner
from .scene import FlowScene

TYPING_PAUSE_MS = 200


class FlowPanel(QWidget):
    flowShown = Signal()  # a new flow is drawn (tests wait for it)
    message = Signal(str)  # why an edit was refused, for the status bar

    def __init__(self, parent: QWidget | None = None,
                 runner: StoreRunner | None = None) -> None:
        super().__init__(parent)
        self.run_job: StoreRunner = runner or ProcessRunner(StoreWorker(self), self)
        self.editor: CodeEditor | None = None  # the editor followed
        self.drawn: DrawnFlow | None = None
        self.routine = ""
        self.expanded: frozenset[str] = frozenset()
        self.coverage = Coverage(frozenset(), frozenset())
        self.last_error = ""
        self._asked = 0  # requests sent; a result is drawn only if it is the newest
        self._syncing = False
        self._last_editor: CodeEditor | None = None

        self.scene = FlowScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.routines = QComboBox()
        self.routines.setToolTip("The dialog's flow, or a SUB/FUNCTION's")
        self.routines.activated.connect(lambda i: self.show_routine(self.routines.itemData(i)))
        self.node_editor = NodeEditor()
        self.node_editor.fieldEdited.connect(self.edit_field)
        self.node_actions: dict[str, QAction] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._toolbar())
        layout.addWidget(self.view, 1)
        layout.addWidget(self.node_editor)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.refresh)
        self.scene.nodeClicked.connect(self.select_node)
        self.scene.nodeDoubleClicked.connect(self._open_node)
        self._update_actions()

    # -- toolbar ------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.addWidget(self.routines)
        add = QToolButton()
        add.setText("Add")
        add.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(add)
        for template in Template:
            menu.addAction(template.title, partial(self.add_node, template))
        add.setMenu(menu)
        add.setToolTip("Add a statement after the selected node (into a branch: select the "
                       "branch's IF/CASE and use Add Into)")
        bar.addWidget(add)
        into = QToolButton()
        into.setText("Add Into")
        into_menu = QMenu(into)
        for template in Template:
            into_menu.addAction(template.title, partial(self.add_into, template))
        into.setMenu(into_menu)
        into.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(into)
        specs: list[tuple[str, str, Callable[[], object], str]] = [
            ("branch", "Branch", self.add_branch, "Add ELSE/ELSEIF or a CASE"),
            ("delete", "Delete", self.delete_node, "Delete the node's lines"),
            ("up", "Up", lambda: self.move_node(-1), "Move before the previous statement"),
            ("down", "Down", lambda: self.move_node(1), "Move after the next statement"),
            ("expand", "Expand", self.toggle_expand, "Show the called routine in place"),
            ("open", "Open", self.open_call, "Show the called routine's own flow"),
            ("breakpoint", "Breakpoint", self.toggle_breakpoint,
             "Toggle a breakpoint on the node's line, as in the gutter"),
            ("fit", "Fit", self.fit, "Zoom to the whole flow"),
        ]
        for name, text, slot, tip in specs:
            action = bar.addAction(text, slot)
            action.setToolTip(tip)
            self.node_actions[name] = action
        export = QToolButton()
        export.setText("Export")
        export_menu = QMenu(export)
        export_menu.addAction("SVG…", lambda: self._ask_export("svg"))
        export_menu.addAction("PNG…", lambda: self._ask_export("png"))
        export.setMenu(export_menu)
        export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(export)
        return bar

    def _update_actions(self) -> None:
        node = self.selected_node()
        editable = node is not None and node.in_text and not node.expanded_from
        for name in ("delete", "up", "down"):
            self.node_actions[name].setEnabled(editable)
        self.node_actions["branch"].setEnabled(
            editable and node is not None and node.kind in (NodeKind.IF, NodeKind.SELECT))
        is_call = node is not None and node.kind is NodeKind.CALL
        self.node_actions["expand"].setEnabled(is_call)
        self.node_actions["open"].setEnabled(is_call)
        self.node_actions["breakpoint"].setEnabled(editable and self.editor is not None)

    # -- following the editor -------------------------------------------------------------------

    def set_editor(self, editor: CodeEditor | None) -> None:
        """Follow ``editor`` (a CodeEditor, or None): draw its text, track its cursor."""
        if editor is self.editor:
            return
        if self.editor is not None:
            for signal, slot in self._editor_links():
                signal.disconnect(slot)
        if editor is not None and editor is not self._last_editor:
            self.expanded, self.routine = frozenset(), ""  # a hidden panel shown again keeps them
            self._last_editor = editor
        self.editor = editor
        if editor is not None:
            for signal, slot in self._editor_links():
                signal.connect(slot)
        self.refresh()

    def _editor_links(self) -> list[tuple[SignalInstance, Callable[..., None]]]:
        e = self.editor
        assert e is not None
        return [(e.textChanged, self._timer.start),
                (e.cursorPositionChanged, self._cursor_moved),
                (e.breakpointsChanged, self._breakpoints_changed)]

    def refresh(self) -> None:
        """Parse and lay out the editor's text now (on the worker)."""
        self._timer.stop()
        source = self.editor.toPlainText() if self.editor is not None else ""
        self._asked += 1
        asked = self._asked
        request = FlowRequest(source, self.routine, self.expanded)
        try:
            self.run_job(partial(compute_flow, request),
                         lambda drawn: self._computed(asked, drawn), self._failed)
        except RuntimeError:
            pass  # the worker is shut down: the window is closing

    def _failed(self, exc: Exception) -> None:
        self.last_error = f"flow: {exc}"
        self.message.emit(self.last_error)

    def _computed(self, asked: int, drawn: DrawnFlow) -> None:
        if asked != self._asked:
            return  # a newer text is on its way
        self.drawn = drawn
        self.routine = drawn.routine
        self._fill_routines()
        self.scene.show_flow(drawn.graph, drawn.layout, lambda: self._shown(asked))

    def _shown(self, asked: int) -> None:
        if asked != self._asked:
            return  # drawn while a newer text was computed: that one is the flow shown
        if self.editor is not None:
            self.scene.set_breakpoints(frozenset(self.editor.breakpoints))
        self.scene.set_coverage(self.coverage)
        self._cursor_moved(switch=False)
        self._update_actions()
        self.flowShown.emit()

    def _fill_routines(self) -> None:
        self.routines.clear()
        for routine in self.drawn.graph.routines if self.drawn else ():
            self.routines.addItem(routine.title, routine.name)
        self.routines.setCurrentIndex(max(self.routines.findData(self.routine), 0))

    def show_routine(self, name: str) -> None:
        if name != self.routine:
            self.routine = name
            self.refresh()

    def _cursor_moved(self, switch: bool = True) -> None:
        """Highlight the node of the cursor's line; when the cursor moved into another
        routine, show that routine (``switch``; not when a new flow was just drawn, which
        may be the routine the user opened)."""
        if self._syncing or self.editor is None or self.drawn is None:
            return
        line = self.editor.textCursor().blockNumber() + 1
        node = self.drawn.graph.node_at_line(line)
        if node is not None and node.routine != self.routine:
            if switch:
                self.show_routine(node.routine)
            else:
                self._select(self.scene.selected_id)
            return
        self._select(node.id if node is not None else "")

    def _breakpoints_changed(self, lines: frozenset[int]) -> None:
        self.scene.set_breakpoints(frozenset(lines))

    # -- selection ------------------------------------------------------------------------------

    def selected_node(self) -> FlowNode | None:
        if self.drawn is None:
            return None
        return self.drawn.graph.nodes.get(self.scene.selected_id)

    def _select(self, node_id: str) -> None:
        item = self.scene.select(node_id)
        if item is not None:
            self.view.ensureVisible(item, 20, 20)
        self.node_editor.show_node(self.selected_node())
        self._update_actions()

    def select_node(self, node_id: str) -> None:
        """A click on a node: select it and its lines in the editor."""
        self._select(node_id)
        node = self.selected_node()
        if node is None or not node.in_text or self.editor is None:
            return
        doc = self.editor.document()
        start = doc.findBlockByNumber(node.first_line - 1)
        end = doc.findBlockByNumber(node.last_line - 1)
        cursor = QTextCursor(doc)
        cursor.setPosition(start.position())
        cursor.setPosition(end.position() + end.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        self._syncing = True
        try:
            self.editor.setTextCursor(cursor)
            self.editor.ensureCursorVisible()
        finally:
            self._syncing = False

    def _open_node(self, node_id: str) -> None:
        node = self.drawn.graph.nodes.get(node_id) if self.drawn else None
        if node is not None and node.kind is NodeKind.CALL:
            self.open_call()
        elif self.node_editor.edits:
            first = next(iter(self.node_editor.edits.values()))
            first.setFocus()
            first.selectAll()

    # -- edits ------------------------------------------------------------------------------

    def apply(self, make: Callable[[str], TextEdit]) -> bool:
        """Run one flow edit against the editor's text and apply it as one undo step."""
        if self.editor is None or self.drawn is None:
            return False
        source = self.editor.toPlainText()
        if source != self.drawn.request.source:
            self.refresh()  # the flow is behind the text: edit once it caught up
            self.message.emit("The flow is catching up with the text: try again")
            return False
        try:
            edit = make(source)
        except FlowEditError as exc:
            self.message.emit(str(exc))
            return False
        if edit.start == edit.end and not edit.text:
            return True
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        cursor.setPosition(_qt_position(source, edit.start))
        cursor.setPosition(_qt_position(source, edit.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(edit.text)
        cursor.endEditBlock()
        self.refresh()
        return True

    def edit_field(self, node_id: str, name: str, value: str) -> bool:
        graph = self.drawn.graph if self.drawn else None
        return graph is not None and self.apply(
            lambda s: flow_edits.set_field(s, graph, node_id, name, value))

    def _with_selected(self, make: Callable[[str, FlowGraph, str], TextEdit]) -> bool:
        node = self.selected_node()
        if node is None or self.drawn is None:
            self.message.emit("Select a node first")
            return False
        graph = self.drawn.graph
        return self.apply(lambda s: make(s, graph, node.id))

    def add_node(self, template: Template) -> bool:
        if self.selected_node() is None and self.drawn is not None:
            self._select(f"start:{self.routine}")
        return self._with_selected(lambda s, g, i: flow_edits.insert_after(s, g, i, template))

    def add_into(self, template: Template, branch: int = 0) -> bool:
        return self._with_selected(
            lambda s, g, i: flow_edits.insert_into(s, g, i, branch, template))

    def add_branch(self) -> bool:
        return self._with_selected(flow_edits.add_branch)

    def delete_node(self) -> bool:
        return self._with_selected(flow_edits.delete_node)

    def move_node(self, step: int) -> bool:
        return self._with_selected(lambda s, g, i: flow_edits.move_node(s, g, i, step))

    # -- calls, breakpoints, view ---------------------------------------------------------------

    def toggle_expand(self) -> None:
        node = self.selected_node()
        if node is None or node.kind is not NodeKind.CALL:
            return
        self.expanded = self.expanded ^ {node.id}
        self.refresh()

    def open_call(self) -> None:
        node = self.selected_node()
        if node is not None and node.kind is NodeKind.CALL and self.drawn and \
                self.drawn.graph.routine(node.target):
            self.show_routine(node.target)

    def toggle_breakpoint(self) -> None:
        node = self.selected_node()
        if node is not None and node.in_text and self.editor is not None:
            self.editor.toggle_breakpoint(node.first_line)

    def set_coverage(self, cov: Coverage) -> None:
        self.coverage = cov
        self.scene.set_coverage(cov)

    def fit(self) -> None:
        self.view.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def export(self, path: str | Path) -> None:
        if str(path).lower().endswith(".svg"):
            export_svg(self.scene, path, "Flow")
        else:
            export_png(self.scene, path)

    def _ask_export(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the flow", f"flow.{kind}",
                                              f"{kind.upper()} (*.{kind})")
        if path:
            try:
                self.export(path)
            except OSError as exc:
                self.message.emit(str(exc))


def _qt_position(text: str, offset: int) -> int:
    """A Python offset as a Qt document position (UTF-16 units: an emoji counts twice)."""
    head = text[:offset]
    return offset + sum(1 for ch in head if ord(ch) > 0xFFFF)
