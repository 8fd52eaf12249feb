"""Parts of the main window built after its first paint, or at once when something needs one.

The first window shows the editor, its menus and the docks in front (Chat, Memory, Output,
Problems); the rest (the runner and its services, Tests, the bot tools, the debugger's docks,
History, the conversation tools, Flow) import and build a few hundred milliseconds of code the
first paint does not need. Each is a named builder: after the window's first paint they run
one per turn of the event loop (so input and repaints go between them), and any earlier use
(an attribute of the window read, a menu opened, a dock shown) builds the part then.

A builder that would hold the loop too long builds its part in pieces: it is a generator that
yields between them (``None``: the next piece on the next turn; a ``ui.turns.Job``: that
work in the worker thread first), and publishes what it built only after its last piece,
so nothing ever sees half a part. A use of the part between two pieces builds the rest then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from functools import partial

from PySide6.QtCore import QObject, Signal

from .background_imports import WORKER
from .turns import AGAIN, Again, Call, FirstPaint, Job, Step, Turns

# What a builder built in pieces yields between two of them.
Piece = Job | None
Builder = Callable[[], Iterator[Piece] | None]


class _Stage(Enum):
    BUILDING = "building"  # its builder is running (on the stack)
    BETWEEN = "between pieces"  # a builder in pieces waits for its next turn
    BUILT = "built"


# What ``next`` gives after a builder's last piece.
_LAST = Job(lambda: None)


class DeferredParts(QObject):
    """Named builders run once each, in their order; ``allBuilt`` when none is left."""

    allBuilt = Signal()
    # A part the idle build could not build (its name, the error): the idle build stops
    # there instead of raising into Qt's event loop; a later use of the part tries again.
    # An import that failed is named ``import <module>``.
    failed = Signal(str, object)

    def __init__(self, parent: QObject, builders: dict[str, Builder],
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
        self._state: dict[str, _Stage] = {}
        self._pieces: dict[str, Iterator[Piece]] = {}  # the parts between two pieces
        # How long each part (each piece: ``name``, ``name/2`` …) and each import on the GUI
        # thread took (seconds), in their order: the benchmark reports the longest, the UI
        # pass it blocked.
        self.timings: dict[str, float] = {}
        self._first: dict[str, list[Step]] = {
            name: [*modules, self._build_step(name)] for name, modules in first}
        steps: list[Step] = [step for part in self._first.values() for step in part]
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
        return self._state.get(name) is _Stage.BUILT

    def building(self, name: str) -> bool:
        """Its builder is running now (not: waiting between two pieces)."""
        return self._state.get(name) is _Stage.BUILDING

    @property
    def done(self) -> bool:
        return all(self.built(name) for name in self._builders)

    def build(self, name: str) -> None:
        """Build ``name`` now (its pieces left, if it is built in pieces) unless it is built
        or being built (a builder that needs another part builds it first, through the
        window's attribute)."""
        if self._state.get(name) in (_Stage.BUILDING, _Stage.BUILT):
            return
        start = time.perf_counter()
        pieces = self._begin(name)
        try:
            for piece in pieces:
                if piece is not None:
                    piece.run()
        except BaseException:
            self._forget(name)
            raise
        self.timings[self._piece_name(name)] = time.perf_counter() - start
        self._built(name)

    def build_piece(self, name: str) -> Again | Job | None:
        """The idle build's step: build the part, or its next piece. Returns ``AGAIN`` or
        the ``Job`` to run first when pieces are left, else None."""
        if self._state.get(name) in (_Stage.BUILDING, _Stage.BUILT):
            return None
        start = time.perf_counter()
        pieces = self._begin(name)
        try:
            piece = next(pieces, _LAST)
        except BaseException:
            self._forget(name)
            raise
        finally:
            self.timings[self._piece_name(name)] = time.perf_counter() - start
        if piece is _LAST:
            self._built(name)
            return None
        self._pieces[name] = pieces
        self._state[name] = _Stage.BETWEEN
        return AGAIN if piece is None else piece

    def build_all(self) -> None:
        for name in self._builders:
            self.build(name)

    def steps_of(self, name: str) -> list[Step]:
        """The turns of first part ``name`` (its modules, its build), for a caller that runs
        them before the idle build; the idle build then finds them done."""
        return list(self._first[name])

    def start_after_first_paint(self, widget: QObject) -> None:
        """Build the parts one per event-loop turn once ``widget`` has been painted."""
        self._watcher = FirstPaint(widget, self._turns.start)

    def pause(self) -> None:
        """Hold the idle build (a part asked for is still built at once)."""
        self._turns.pause()

    def resume(self) -> None:
        """Go on with the idle build, on a later turn of the event loop."""
        self._turns.resume()

    def _begin(self, name: str) -> Iterator[Piece]:
        """The part's pieces left: the rest of one built in pieces, else its builder run (a
        builder in one go has run when this returns)."""
        # An import in the worker finishes first: the builder's own imports then never
        # wait on a module the worker is loading, nor it on one of theirs.
        WORKER.wait_idle()
        self._state[name] = _Stage.BUILDING
        if name in self._pieces:
            return self._pieces.pop(name)
        try:
            pieces = self._builders[name]()
        except BaseException:
            self._forget(name)
            raise
        return iter(()) if pieces is None else pieces

    def _piece_name(self, name: str) -> str:
        """``name`` for a part's first piece, ``name/2`` … for the next ones."""
        count = sum(1 for key in self.timings if key.split("/")[0] == name)
        return name if count == 0 else f"{name}/{count + 1}"

    def _forget(self, name: str) -> None:
        self._state.pop(name, None)
        self._pieces.pop(name, None)

    def _built(self, name: str) -> None:
        self._state[name] = _Stage.BUILT
        if self.done:
            self.allBuilt.emit()

    def _build_step(self, name: str) -> Call:
        return Call(partial(self.build_piece, name), name)
