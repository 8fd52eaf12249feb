"""Parts of the main window built after its first paint, or at once when something needs one.

The first window shows the editor, its menus and the docks in front (Chat, Memory, Output,
Problems); the rest (the runner and its services, Tests, the bot tools, the debugger's docks,
History, the conversation tools, Flow) import and build a few hundred milliseconds of code the
first paint does not need. Each is a named builder: after the window's first paint they run
one per turn of the event loop (so input and repaints go between them), and any earlier use
(an attribute of the window read, a menu opened, a dock shown) builds the part then.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer, Signal


@dataclass(frozen=True)
class _BuildPart:
    """A step of the idle build that builds a part before the warm-up imports go on."""

    name: str


class DeferredParts(QObject):
    """Named builders run once each, in their order; ``allBuilt`` when none is left."""

    allBuilt = Signal()
    # A part the idle build could not build (its name, the error): the idle build stops
    # there instead of raising into Qt's event loop; a later use of the part tries again.
    failed = Signal(str, object)

    def __init__(self, parent: QObject, builders: dict[str, Callable[[], None]],
                 warm_imports: Sequence[str] = (),
                 first: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        """``warm_imports``: modules the builders need, imported one per loop turn before
        the first part is built, dependencies first, so each turn runs one module's body
        (imported inside a builder, the whole tree of a part blocked the UI at once); a
        name ending in ``?`` is an optional dependency, skipped when not installed.
        ``first``: parts (each after the modules it needs, imported the same way) built
        before those imports, in order, because the window waits for them (the memory
        database)."""
        super().__init__(parent)
        self._builders = dict(builders)
        self._warm: list[str | _BuildPart] = []
        for name, modules in first:
            self._warm += [*modules, _BuildPart(name)]
        self._warm += warm_imports
        self._state: dict[str, str] = {}  # name -> "building" | "built"
        self._watched: QObject | None = None
        self._paused = False
        self._due = False  # the idle build was due while paused
        # How long each part and warm-up import took (seconds), in their order: the
        # benchmark reports the longest, the UI pass it blocked.
        self.timings: dict[str, float] = {}

    @property
    def names(self) -> list[str]:
        return list(self._builders)

    def built(self, name: str) -> bool:
        return self._state.get(name) == "built"

    def building(self, name: str) -> bool:
        return self._state.get(name) == "building"

    @property
    def done(self) -> bool:
        return all(self.built(name) for name in self._builders)

    def build(self, name: str) -> None:
        """Build ``name`` now unless it is built or being built (a builder that needs
        another part builds it first, through the window's attribute)."""
        if name in self._state:
            return
        self._state[name] = "building"
        start = time.perf_counter()
        try:
            self._builders[name]()
        except BaseException:
            del self._state[name]
            raise
        self._state[name] = "built"
        self.timings[name] = time.perf_counter() - start
        if self.done:
            self.allBuilt.emit()

    def build_all(self) -> None:
        for name in self._builders:
            self.build(name)

    def start_after_first_paint(self, widget: QObject) -> None:
        """Build the parts one per event-loop turn once ``widget`` has been painted."""
        self._watched = widget
        widget.installEventFilter(self)

    def pause(self) -> None:
        """Hold the idle build (a part asked for is still built at once)."""
        self._paused = True

    def resume(self) -> None:
        """Go on with the idle build, on a later turn of the event loop."""
        self._paused = False
        if self._due:
            self._due = False
            QTimer.singleShot(0, self, self._build_next)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._watched = None
            # After this paint has been flushed: a zero timer runs on a later loop turn.
            QTimer.singleShot(0, self, self._build_next)
        return False

    def _build_idle(self, name: str) -> bool:
        try:
            self.build(name)
        except Exception as exc:  # noqa: BLE001 - reported, not raised out of a timer's slot
            self.failed.emit(name, exc)
            return False
        return True

    def _build_next(self) -> None:
        if self._paused:
            self._due = True
            return
        if self._warm and not self.done:
            start = time.perf_counter()
            step = self._warm.pop(0)
            if isinstance(step, _BuildPart):
                if not self._build_idle(step.name):
                    return
            else:
                _import(step)
                self.timings[f"import {step}"] = time.perf_counter() - start
            QTimer.singleShot(0, self, self._build_next)
            return
        name = next((n for n in self._builders if n not in self._state), None)
        if name is None:
            return
        if not self._build_idle(name):
            return
        if not self.done:
            QTimer.singleShot(0, self, self._build_next)


def _import(name: str) -> None:
    optional = name.endswith("?")
    try:
        importlib.import_module(name.removesuffix("?"))
    except ModuleNotFoundError as exc:
        if not optional or exc.name != name.removesuffix("?"):
            raise
