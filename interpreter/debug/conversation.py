"""Conversation-level debugging in the engine: conversation breakpoints and line coverage.

A chatbot is debugged one turn at a time, so besides line and memory breakpoints the author can
break at the next HEAR, when a TALK matches a pattern, at turn N (after the N-th user message)
or when the user's input matches a pattern. All of them pause through the ordinary
:meth:`Debugger.pause` machinery, so the front end sees a normal pause; the reason text is in
:attr:`ConversationDebugger.pause_reason` while paused and goes to the debug console.

:class:`ConversationWatch` is shared by a run's channel wrapper (which reports TALK texts and
user inputs) and its :class:`ConversationDebugger` (which reports executed lines). With
``coverage`` on, every statement calls the hook: that cost is paid only by debug builds, never
by plain runs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..syntax.nodes import Hear, Program, program_nodes
from .debugger import Debugger
from .model import DebugMessage, MessageKind, StepMode, StepState

LineObserver = Callable[[int], None]


@dataclass(frozen=True)
class ConversationBreakpoints:
    """What to break on; blank patterns and ``turn == 0`` are off."""

    next_hear: bool = False
    talk_pattern: str = ""
    turn: int = 0
    input_pattern: str = ""

    @property
    def any(self) -> bool:
        return bool(self.next_hear or self.talk_pattern or self.turn or self.input_pattern)


def text_matches(pattern: str, text: str) -> bool:
    """Case-insensitive regular-expression search; a pattern that is not a valid regular
    expression is searched for as plain text (authors type "order 12?" and mean it)."""
    if not pattern:
        return False
    try:
        return re.search(pattern, text, re.IGNORECASE) is not None
    except re.error:
        return pattern.lower() in text.lower()


def hear_lines(program: Program) -> frozenset[int]:
    """Lines of every HEAR statement (in the dialog and in its SUBs)."""
    return frozenset(node.line for node in program_nodes(program) if isinstance(node, Hear))


class ConversationWatch:
    """The conversation state the breakpoints look at; lives as long as the IDE window.

    ``turn`` counts user messages since the run started (turn 0 is the bot's opening).
    """

    def __init__(self) -> None:
        self.breakpoints = ConversationBreakpoints()
        self.turn = 0
        self.debugger: ConversationDebugger | None = None
        # Called for every statement: the turn recorder's coverage, the flow view's trace.
        self.line_observers: list[LineObserver] = []

    def set_breakpoints(self, breakpoints: ConversationBreakpoints) -> None:
        self.breakpoints = breakpoints
        if self.debugger is not None:
            self.debugger.conversation_changed()

    def run_started(self) -> None:
        self.turn = 0

    def after_talk(self, text: str) -> None:
        """A TALK was shown; pauses at the next statement when it matches."""
        pattern = self.breakpoints.talk_pattern
        if text_matches(pattern, text):
            self._pause(f"TALK matched '{pattern}'")

    def after_input(self, text: str) -> None:
        """The user answered a HEAR: a new turn starts."""
        self.turn += 1
        bps = self.breakpoints
        if bps.turn and self.turn == bps.turn:
            self._pause(f"turn {self.turn}")
        elif text_matches(bps.input_pattern, text):
            self._pause(f"input matched '{bps.input_pattern}'")

    def _pause(self, reason: str) -> None:
        if self.debugger is not None:
            self.debugger.pause_for(reason)


class ConversationDebugger(Debugger):
    """A :class:`Debugger` that also records executed lines and honours conversation
    breakpoints. Build it through ``DialogRunner.debugger_factory``."""

    def __init__(self, program: Program, watch: ConversationWatch, *, coverage: bool = True,
                 **kwargs: Any) -> None:
        # Set before the base constructor: it calls _refresh_flags.
        self.conversation = watch
        self.coverage = coverage
        self.hear_lines = hear_lines(program)
        self.pause_reason = ""
        super().__init__(program, **kwargs)
        watch.debugger = self

    def conversation_changed(self) -> None:
        self._refresh_flags()

    def _mark_lines(self, flags: list[bool]) -> None:
        super()._mark_lines(flags)
        if self.coverage:  # every statement reports its line
            for i in range(len(flags)):
                flags[i] = True
        elif self.conversation.breakpoints.next_hear:
            for line in self.hear_lines:
                if line < len(flags):
                    flags[line] = True

    def pause_for(self, reason: str) -> None:
        """Pause at the next statement, remembering why (shown with the pause)."""
        if self._stopped:
            return
        self.pause_reason = reason
        self.pause()

    def _command(self, step: StepState, release: bool) -> None:
        if step.mode is not StepMode.PAUSE:  # resumed or stepping: the pending reason is void
            self.pause_reason = ""
        super()._command(step, release)

    async def on_statement(self, runtime: Any, line: int, col: int) -> None:
        for observer in self.conversation.line_observers:
            observer(line)
        next_hear = self.conversation.breakpoints.next_hear
        if next_hear and line in self.hear_lines and not self._stopped:
            # One-shot, like a "step to the next HEAR": switched off once it fires.
            self.conversation.breakpoints = dataclasses.replace(self.conversation.breakpoints,
                                                         next_hear=False)
            self.pause_for("next HEAR")
        await super().on_statement(runtime, line, col)

    async def _pause(self, runtime: Any, reason: Any, line: int, col: int,
                     hit: tuple[int, ...] = (), memory_key: str = "") -> None:
        if self.pause_reason:
            self.on_message(DebugMessage(MessageKind.LOG, line,
                                         f"conversation breakpoint: {self.pause_reason}"))
        try:
            await super()._pause(runtime, reason, line, col, hit, memory_key)
        finally:
            self.pause_reason = ""
