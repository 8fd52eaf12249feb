"""Conversation-level debugging in the main window (issue 11).

Installs, with a few calls from ``MainWindow``:

* turns: clicking a chat bubble shows the TALK/HEAR line that produced it, shades the lines its
  turn executed and lists the turn's memory changes (the "Turn" dock);
* "Rewind to here" on a bubble: back to the state right after its turn (memory restored to
  before the conversation, the chat restarted with the same user, the user messages up to
  that turn's replayed, the later ones offered until the user answers by hand);
* the "Answers" dock: answers typed ahead (or loaded from a .chat test) for the coming HEARs;
* conversation breakpoints in the Breakpoints dock;
* session actions (Restart Conversation, New User, Clear Bot Memory + undo), Skip Waits, and
  "New Chat Tab": a second chat as another user of the same bot (shared bot memory).

The engine parts are Qt-free: ``app.run.turns``, ``app.conversation.channel`` and
``interpreter.debug.conversation``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.conversation.channel import AnswerQueue, ConversationChannel
from app.run.dialog_session import DialogRunner
from app.run.turns import Turn, TurnRecorder, restore_memory
from interpreter import BasicSyntaxError, Session
from interpreter.debug.conversation import ConversationDebugger, ConversationWatch, LineObserver
from interpreter.events import Failed, Finished, RunStarted, Stopped

from ..run.chat_panel import ChatPanel
from ..run.turns_view import BubbleLinker, TurnPanel, shade_for, show_line
from ..workbench import MenuName
from .conversation_panels import AnswersPanel, ConversationBreakpointsBox

if TYPE_CHECKING:
    from ..workbench import Workbench


def new_user_id() -> str:
    return "user-" + uuid.uuid4().hex[:6]


class ChatSession:
    """One chat panel with its runner: turn recorder, bubble links, answer queue, watch."""

    def __init__(self, chat: ChatPanel, runner: DialogRunner) -> None:
        self.chat = chat
        self.runner = runner
        self.recorder = TurnRecorder()
        self.watch = ConversationWatch()
        self.queue = AnswerQueue()
        self.linker = BubbleLinker(chat, self.recorder, chat)
        runner.channel = ConversationChannel(
            chat, self.watch, self.queue, lambda a: chat.add_bubble(a, from_bot=False))
        runner.memory_wrapper = self.recorder.wrap_memory
        runner.debugger_factory = (
            lambda program, **kw: ConversationDebugger(program, self.watch, **kw))
        self.watch.line_observers.append(self.recorder.on_line)
        if not runner.session.user_id:
            runner.session.user_id = new_user_id()
        runner.subscribe(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, RunStarted):
            self.watch.run_started()
            self.linker.forget()
        self.recorder.on_event(event)
        self.linker.on_event(event)

    def fresh_session(self, user_id: str) -> None:
        """Stop and forget the conversation; the bot memory stays."""
        self.runner.stop()
        self.runner.session = Session(user_id=user_id)
        self.chat.clear()

    def feed_waiting_hear(self) -> None:
        """A HEAR already waits on the chat: answer it with the next queued answer."""
        if self.chat.waiting and len(self.queue):
            self.chat.send(self.queue.pop())


class ConversationTools:
    """Owns the conversation-debugging features of one main window."""

    def __init__(self, window: Workbench) -> None:
        self.window = window
        self.main = ChatSession(window.chat, window.runner)
        self.main.linker.bubbleClicked.connect(
            lambda index, line: self.show_turn(self.main, index, line))
        self.main.linker.rewindRequested.connect(lambda index: self.rewind(self.main, index))
        self.extra: list[ChatSession] = []
        self.confirm: Callable[[str], bool] = self._ask  # replaced in tests
        self.cleared_snapshot: str | None = None

        self.turn_panel = TurnPanel()
        self.turn_panel.lineClicked.connect(lambda line: show_line(self._run_editor(), line))
        self.answers = AnswersPanel(self.main)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.turn_dock = window.add_dock("Turn", self.turn_panel, right)
        self.answers_dock = window.add_dock("Answers", self.answers, right)
        memory_dock = window.findChild(QDockWidget, "memoryDock")
        if memory_dock is not None:
            window.tabifyDockWidget(memory_dock, self.turn_dock)
            window.tabifyDockWidget(self.turn_dock, self.answers_dock)
            memory_dock.raise_()
        self.breakpoints = ConversationBreakpointsBox(self.main.watch)
        box = window.debug.breakpoints.layout()
        assert box is not None  # the breakpoints panel lays out its own widgets
        box.addWidget(self.breakpoints)
        window.debug.controller.paused.connect(self._on_paused)
        window.bridge.runEvent.connect(self._note_ignored_breakpoints)
        window.bridge.runEvent.connect(self._clear_coverage_at_start)
        self.actions: dict[str, QAction] = {}
        self._add_actions()

    # -- actions ------------------------------------------------------------------------------

    def _add_actions(self) -> None:
        w = self.window
        specs = [
            ("restart_conversation", "Restart &Conversation", self.restart_conversation,
             "Start the dialog again with the same user (bot memory stays)"),
            ("new_user", "New &User", self.new_user,
             "Forget the conversation and talk as a new user (bot memory stays)"),
            ("clear_memory", "Clear Bot &Memory…", self.clear_memory,
             "Delete all of this bot's memory (undo restores it)"),
            ("undo_clear_memory", "&Undo Clear Bot Memory", self.undo_clear_memory,
             "Restore the memory as it was before the last Clear Bot Memory"),
            ("skip_waits", "Skip &Waits", None,
             "WAIT returns at once from the next run on (chat and Schedules dock runs)"),
            ("new_chat_tab", "New Chat &Tab", self.new_chat_tab,
             "A second chat with the current dialog as another user of the same bot"),
        ]
        menu = w.menu(MenuName.RUN)
        if menu is not None:
            menu.addSeparator()
        for name, text, handler, tip in specs:
            action = QAction(text, w.widget)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            if handler is None:
                action.setCheckable(True)
                action.toggled.connect(self.set_skip_waits)
            else:
                action.triggered.connect(lambda _=False, h=handler: h())
            if menu is not None:
                menu.addAction(action)
            self.actions[name] = w.actions_by_name[name] = action
        self.actions["undo_clear_memory"].setEnabled(False)

    def set_skip_waits(self, on: bool) -> None:
        for session in [self.main, *self.extra]:
            session.runner.skip_waits = on
        self.window.bot_tools.schedules.skip_waits = on  # Run Now and virtual-clock runs

    def restart_conversation(self) -> None:
        """Same user, fresh conversation, the last dialog run again in its mode."""
        self.main.fresh_session(self.main.runner.session.user_id)
        self.window.chat.add_note("Conversation restarted")
        if self.window.run_tab() is not None:
            self.window.debug.restart()

    def new_user(self) -> None:
        user = new_user_id()
        self.main.fresh_session(user)
        self.window.chat.add_note(f"New user {user}")
        self.window.refresh_run_actions()

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self.window.widget, "Clear bot memory", text)
        return answer == QMessageBox.StandardButton.Yes

    def clear_memory(self) -> bool:
        w = self.window
        bot = w.runner.bot
        if not self.confirm(f"Delete all memory of bot '{bot}'? Undo restores it."):
            return False
        snapshots = w.history_feature.snapshots
        name = time.strftime("before clear %Y-%m-%d %H:%M:%S")
        snapshots.save(bot, name, note="Clear Bot Memory", overwrite=True)
        w.store.delete(bot, [e.key for e in w.store.list(bot)])
        self.cleared_snapshot = name
        self.actions["undo_clear_memory"].setEnabled(True)
        w.memory.reload()
        w.run_label.setText(f"Bot memory cleared (snapshot '{name}')")
        return True

    def undo_clear_memory(self) -> None:
        if self.cleared_snapshot is None:
            return
        w = self.window
        w.history_feature.snapshots.restore(w.runner.bot, self.cleared_snapshot)
        self.cleared_snapshot = None
        self.actions["undo_clear_memory"].setEnabled(False)
        w.memory.reload()
        w.run_label.setText("Bot memory restored")

    # -- turns --------------------------------------------------------------------------------

    def show_turn(self, session: ChatSession, index: int, line: int) -> None:
        turn = session.recorder.turn(index)
        editor = self._run_editor()
        if turn is None:
            return
        self.turn_panel.show_turn(turn)
        self.turn_dock.show()
        self.turn_dock.raise_()
        if editor is not None:
            if line:
                editor.go_to_line(line)
            shade_for(editor).set_lines(turn.lines, line)

    def _clear_coverage_at_start(self, event: object) -> None:
        """A new run: the turn coverage shown in the editors belongs to the last one."""
        if isinstance(event, RunStarted):
            for tab in self.window.editor_tabs():
                shade_for(tab.editor).clear()

    def follow(self, on_turn: Callable[[Turn], None], on_line: LineObserver) -> None:
        """Call ``on_turn`` with the turn of a clicked bubble of the main chat, and
        ``on_line`` with each line the main conversation runs (debug runs): the Flow view
        shows both."""
        recorder = self.main.recorder
        self.main.linker.bubbleClicked.connect(
            lambda index, _line: self._turn_to(on_turn, recorder.turn(index)))
        self.main.watch.line_observers.append(on_line)

    @staticmethod
    def _turn_to(on_turn: Callable[[Turn], None], turn: Turn | None) -> None:
        if turn is not None:
            on_turn(turn)

    def _run_editor(self) -> Any:
        tab = self.window.run_tab()
        if tab is not None and self.window.tabs.indexOf(tab) >= 0:
            return tab.editor
        return self.window.editor()

    def rewind(self, session: ChatSession, index: int) -> None:
        """Back to the state right after turn ``index``: memory as before the conversation,
        the user messages up to that turn's replayed (same user), the later ones offered."""
        plan = session.recorder.rewind_plan(index)
        session.runner.stop()
        restore_memory(self.window.store, session.runner.bot, plan.memory)
        self.window.memory.reload()
        session.queue.set(plan.replay)
        if session is self.main:
            self.answers.offer(plan.offered)
            self.restart_conversation()
        else:
            session.fresh_session(session.runner.session.user_id)
            self._start_extra(session)
        self.window.run_label.setText(f"Rewound to the end of turn {index}")

    def ignored_breakpoints(self) -> str:
        """The memory and conversation breakpoints a run without the debugger skips, as
        text ("" when there are none)."""
        kinds = []
        memory = len(self.window.debug.controller.memory_breakpoints)
        if memory:
            kinds.append(f"{memory} memory breakpoint{'s' if memory != 1 else ''}")
        if self.main.watch.breakpoints.any:
            kinds.append("the conversation breakpoints")
        return " and ".join(kinds)

    def _note_ignored_breakpoints(self, event: object) -> None:
        """Run Without Debugging (or a sandbox/snapshot run) does not stop at memory or
        conversation breakpoints: say so where the user looks, rather than skip them."""
        if not isinstance(event, RunStarted) or self.window.runner.debugger is not None:
            return
        ignored = self.ignored_breakpoints()
        if not ignored:
            return
        text = (f"This run is without the debugger: it ignores {ignored}. "
                "Start Debugging (F5) stops at them.")

        def note() -> None:  # after the window's own "Running …" lines
            self.window.output.add(text, "warning")
            self.window.chat.add_note(f"Not stopping at {ignored} (run without debugging)")
            self.window.statusBar().showMessage(text, 10000)

        QTimer.singleShot(0, note)

    def _on_paused(self, _state: object) -> None:
        debugger = self.window.runner.debugger
        reason = debugger.pause_reason if isinstance(debugger, ConversationDebugger) else ""
        if reason and debugger is not None and debugger.state is not None:
            self.window.run_label.setText(f"Paused at line {debugger.state.line} ({reason})")
        self.breakpoints.sync()

    # -- more users ---------------------------------------------------------------------------

    def new_chat_tab(self) -> ChatSession | None:
        """A second chat as another user of the same bot, running the current dialog."""
        w = self.window
        chat = ChatPanel()
        runner = DialogRunner(w.store, w.runner.bot, chat, skip_waits=w.runner.skip_waits)
        runner.service_settings = w.runner.service_settings  # shared: follows the Run menu
        runner.session = Session(user_id=new_user_id())
        session = ChatSession(chat, runner)
        session.linker.bubbleClicked.connect(
            lambda index, line: self.show_turn(session, index, line))
        session.linker.rewindRequested.connect(lambda index: self.rewind(session, index))
        runner.subscribe(lambda event: self._extra_event(session, event))
        self.extra.append(session)
        panel = QWidget()
        run_button = QPushButton("Run Current Dialog")
        run_button.clicked.connect(lambda: self._start_extra(session))
        stop_button = QPushButton("Stop")
        stop_button.clicked.connect(runner.stop)
        row = QHBoxLayout()
        row.addWidget(QLabel(runner.session.user_id), 1)
        row.addWidget(run_button)
        row.addWidget(stop_button)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(chat, 1)
        dock = w.add_dock(f"Chat {len(self.extra) + 1}", panel, Qt.DockWidgetArea.RightDockWidgetArea)
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dock.destroyed.connect(lambda *_: self._forget_extra(session))
        main_dock = w.findChild(QDockWidget, "chatDock")
        if main_dock is not None:
            w.tabifyDockWidget(main_dock, dock)
        dock.show()
        dock.raise_()
        self._start_extra(session)
        return session

    def _start_extra(self, session: ChatSession) -> None:
        tab = self.window.current_tab()
        if tab is None:
            return
        editor, title = tab.editor, tab.title
        session.runner.bot = self.window.runner.bot
        session.runner.folder = self.window.runner.folder
        try:
            session.runner.start(editor.toPlainText(), title)
        except BasicSyntaxError:
            session.chat.add_note("Syntax errors: not run")

    def _extra_event(self, session: ChatSession, event: object) -> None:
        if isinstance(event, RunStarted):
            session.chat.start_run(f"Running {event.file} as {session.runner.session.user_id}")
        elif isinstance(event, (Finished, Failed, Stopped)):
            session.chat.add_note(type(event).__name__)

    def _forget_extra(self, session: ChatSession) -> None:
        session.runner.stop()
        if session in self.extra:
            self.extra.remove(session)

    def shutdown(self) -> None:
        for session in list(self.extra):
            session.runner.stop()


def install_conversation_tools(window: Workbench) -> ConversationTools:
    return ConversationTools(window)
