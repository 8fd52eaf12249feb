"""Start the IDE: one QApplication, one qasync loop, the main window; flush memory on quit."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_API", "pyside6")  # before qasync: it picks the first binding it finds

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .app_icon import app_icon
from .pyside_features import answer_feature_checks_cheaply
from .turns import FirstPaint, Step, Turns

# ui.main is the first module of the IDE to load Qt: from here on, every import is cheaper.
answer_feature_checks_cheaply()

ORGANIZATION = "Talkbench"
APPLICATION = "Talkbench"


def build_window(files: list[str], db: str | None, bot: str, settings: QSettings | None = None):
    """The window with ``files`` (a sample dialog when none). Its memory store opens after
    its first paint (``window.store``, or anything needing it, opens it at once); when the
    database cannot be opened the window emits ``storeFailed`` (and reading ``store``
    raises DatabaseError)."""
    from .gui_gc import collect_on_gui_thread

    # Before the window's modules load: CPython's automatic collections while they were
    # imported cost 10-20 ms of the first paint, and the collector's timer does them later.
    collect_on_gui_thread()
    from .main_window import NEW_FILE_TEXT, MainWindow

    share_gil_finely()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        # Before any window: each takes it as its own, and none is sent the change (set
        # afterwards, Qt tells every widget of the window, ~1 ms).
        app.setWindowIcon(app_icon())
    window = MainWindow(partial(_open_store, db), db, bot, settings or QSettings(ORGANIZATION, APPLICATION))
    window.restore_session()
    for name in files:
        window.open_file(Path(name))
    window.unsaved.offer_orphans()  # after the files above: recovered text goes into their tabs
    if window.tabs.count() == 0:
        window.add_tab(NEW_FILE_TEXT, None)
    return window


def _open_store(db: str | None) -> Any:
    """No URL: the store opens the default location and creates its data directory (on an
    account that never ran Talkbench it does not exist yet); an explicit one must exist."""
    from app.memory.store import MemoryStore

    return MemoryStore(db)


# The longest the start waits for the window's first paint before going on without it (a
# window manager may map it later).
FIRST_PAINT_WAIT_MS = 2000


# Imported after the first paint, one per turn of Qt's loop (input and repaints go between),
# before qasync's loop starts: asyncio's libraries and asyncio (in the worker thread of
# ui.background_imports), qasync.
LOOP_MODULES = ("concurrent.futures", "selectors", "ssl", "subprocess", "asyncio", "qasync")


def show_painted(window: QWidget, then_import: Sequence[Step] = ()) -> None:
    """Show ``window``, run Qt's loop until it has been painted once (at most
    ``FIRST_PAINT_WAIT_MS``), then run the steps ``then_import`` as ``ui.turns.Turns`` does:
    modules that make no Qt object imported in the worker thread, the others one per turn of
    the loop."""
    waiter = QEventLoop()
    imports = Turns(waiter, then_import)
    imports.finished.connect(waiter.quit)
    watcher = FirstPaint(window, imports.start)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, waiter, waiter.quit)
    window.show()
    waiter.exec()
    watcher.cancel()  # when the wait ran out before a paint
    watcher.deleteLater()
    imports.finish_now()  # the wait ran out first


def _qasync_loop(app: QApplication) -> Any:
    """qasync's asyncio loop on Qt's, made the current event loop."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


# How long a thread that wants the GIL waits before asking its holder to let go. The store
# writer, the history recorder and the outside watcher run Python next to the GUI thread;
# PySide re-takes the GIL for every call into Python (a model's data(), a slot), and with
# the default 5 ms each of those could wait up to 5 ms behind a busy background thread:
# a repaint of the memory table then took 60-140 ms while a dialog wrote memory.
GIL_SWITCH_INTERVAL = 0.001


def share_gil_finely() -> None:
    """Make background threads hand the GIL back to the GUI thread within ~1 ms."""
    if sys.getswitchinterval() > GIL_SWITCH_INTERVAL:
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def settle_heap() -> None:
    """Move everything built so far (modules, the window's Qt wrappers) out of the garbage
    collector's reach: they live as long as the app, and scanning them made each full
    collection cost ~25 ms on the GUI thread, several a second while a dialog writes memory.

    No collection first: at this point it found nothing to free and cost 70-150 ms of the
    start-up; without the freeze the first collection on the GUI thread costs as much."""
    import gc

    gc.freeze()


def launch(files: list[str], db: str | None = None, bot: str = "default") -> int:
    """Run the IDE until the window closes; returns the exit code."""
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    # asyncio and qasync (~40 ms of imports) load once the window is on screen, one module
    # per turn of Qt's loop; the window's idle build waits for the qasync loop (its parts
    # run there). A bot package to open (a folder) starts its scheduler on the current
    # event loop while the window is built: then the loop comes first, as before.
    loop = _qasync_loop(app) if any(Path(f).is_dir() for f in files) else None
    window = build_window(files, db, bot)
    settle_heap()
    # The parts built after the first paint live as long as the app too.
    window.parts.allBuilt.connect(settle_heap)
    window.parts.pause()
    # The chat first: its dock is empty until it is built (after the loop's modules, it
    # came ~90 ms after the first paint).
    show_painted(window, [*window.parts.steps_of("chat"), *(LOOP_MODULES if loop is None else ())])
    if loop is None:
        loop = _qasync_loop(app)
    window.parts.resume()
    import asyncio

    from app.run.exit_signals import on_ending_signals

    closed = asyncio.Event()
    failed: list[str] = []

    def store_failed(message: str) -> None:  # the store opens after the first paint
        failed.append(message)
        QMessageBox.critical(window, "Talkbench", f"Cannot open the memory database:\n{message}")
        closed.set()

    window.storeFailed.connect(store_failed)
    app.lastWindowClosed.connect(closed.set)
    if not window.isVisible():  # closed already, while it was being shown
        closed.set()
    # SIGHUP (the terminal closed), SIGTERM, Ctrl-C …: leave the loop, so the store flushes.
    on_ending_signals(loop, lambda _signum: closed.set())
    with loop:
        loop.run_until_complete(closed.wait())
    # A signal skips closeEvent and its "save changes?": unsaved text waits for the next start.
    window.unsaved.close(clean=not window.isVisible())
    if failed:
        return 1  # nothing was written: there is no store to flush
    # Threads that read the store let go of their connections first (a signal skips
    # closeEvent): the last connection to close checkpoints the WAL.
    window.history_feature.shutdown()
    window.memory.release_store()
    ok = window.store.close(timeout=30.0)  # lands queued writes before the process ends
    if not ok:
        print("talkbench: error: some memory writes could not be saved", file=sys.stderr)
    return 0 if ok else 1
