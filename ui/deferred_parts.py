"""Parts of the main window built after its first paint, or at once when something needs one.

The first window shows the editor, its menus and the docks in front (Chat, Memory, Output,
Problems); the rest (the runner and its services, Tests, the bot tools, the debugger's docks,
History, the conversation tools, Flow) import and build a few hundred milliseconds of code the
first paint does not need. Each is a named builder: after the window's first paint they run
one per turn of the event loop (so input and repaints go between them), and any earlier use
(an attribute of the window read, a menu opened, a dock shown) builds the part then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, Signal

from .background_imports import WORKER
from .turns import Call, FirstPaint, Step, Turns


class DeferredParts(QObject):
    """Named builders run once each, in their order; ``allBuilt`` when none is left."""

    allBuilt = Signal()
    # A part the idle build could not build (its name, the error): the idle build stops
    # there instead of raising into Qt's event loop; a later use of the part tries again.
    # An import that failed is named ``import <module>``.
    failed = Signal(str, object)

    def __init__(self, parent: QObject, builders: dict[str, Callable[[], None]],
                 warm_imports: Sequence[str] = (),
                 first: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        """``warm_imports``: modules the builders need, imported one per loop turn before
        the first part is built, dependencies first, so each turn runs one module's body
        (imported inside a builder, the whole tree of a part blocked the UI at once); those
        that make no Qt object load in a worker thread instead (ui.background_imports). A
        name ending in ``?`` is an optional dependency, skipped when not installed.
        ``first``: parts (each after the modules it needs, imported the same way) built
        before those imports, in order, because the window waits for them (the memory
        database)."""
        super().__init__(parent)
        self._builders = dict(builders)
        self._state: dict[str, str] = {}  # name -> "building" | "built"
        # How long each part and each import on the GUI thread took (seconds), in their
        # order: the benchmark reports the longest, the UI pass it blocked.
        self.timings: dict[str, float] = {}
        steps: list[Step] = []
        for name, modules in first:
            steps += [*modules, self._build_step(name)]
        steps += warm_imports
        steps += [self._build_step(name) for name in self._builders]
        self._turns = Turns(self, steps, self.timings)
        self._turns.failed.connect(self.failed)
        # The modules the worker loaded live as long as the app: out of the garbage
        # collector's reach at once (ui.main.settle_heap does the same after the first
        # paint). Left in its young generations, they made the GUI thread's next
        # collection (ui.gui_gc) take 20-25 ms in the middle of the idle build.
        self._turns.imported.connect(gc.freeze)
        self._watcher: FirstPaint | None = None

    @property
    def background_timings(self) -> dict[str, float]:
        """How long each import run in the worker thread took (seconds)."""
        return self._turns.background_timings

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
        # An import in the worker finishes first: the builder's own imports then never
        # wait on a module the worker is loading, nor it on one of theirs.
        WORKER.wait_idle()
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
        self._watcher = FirstPaint(widget, self._turns.start)

    def pause(self) -> None:
        """Hold the idle build (a part asked for is still built at once)."""
        self._turns.pause()

    def resume(self) -> None:
        """Go on with the idle build, on a later turn of the event loop."""
        self._turns.resume()

    def _build_step(self, name: str) -> Call:
        return Call(partial(self.build, name), name)
