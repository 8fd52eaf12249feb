"""Reference cycles holding Qt objects are collected on the GUI thread, whichever thread
allocates."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject

from ui.gui_gc import collect_on_gui_thread


class _Holder:
    """A Python object in a cycle with a parentless (Python-owned) QObject."""

    def __init__(self, threads: list[int]) -> None:
        self.obj = QObject()
        self.obj.destroyed.connect(lambda *_: threads.append(threading.get_ident()))
        self.me = self


def _allocate_in_a_thread(count: int, kept: list | None = None) -> None:
    """Make ``count`` containers (each counts towards generation 0); freed at once unless
    ``kept`` holds them (generation 0's count is allocations minus frees)."""

    def work() -> None:
        made = [[i] for i in range(count)]
        if kept is not None:
            kept.append(made)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()


def test_a_cycle_with_a_qobject_dies_on_the_gui_thread_not_the_allocating_one(qtbot):
    collector = collect_on_gui_thread()
    assert collect_on_gui_thread() is collector  # one per application
    assert not gc.isenabled()
    threads: list[int] = []
    _Holder(threads)
    kept: list = []
    # Far past generation 0's threshold: CPython's own collector would run in the worker.
    _allocate_in_a_thread(50 * gc.get_threshold()[0], kept)
    assert threads == []
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert threads == [threading.get_ident()]


def test_older_generations_are_collected_as_their_counts_pass_the_thresholds(qtbot):
    collect_on_gui_thread()
    gc.collect()
    before = [stats["collections"] for stats in gc.get_stats()]
    kept: list = []
    for _ in range(gc.get_threshold()[1] + 2):  # each gen-0 round counts once towards gen 1
        _allocate_in_a_thread(2 * gc.get_threshold()[0], kept)
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=10_000)
    after = [stats["collections"] for stats in gc.get_stats()]
    assert after[0] > before[0] and after[1] > before[1]


def test_no_collection_runs_while_the_start_ups_worker_imports(tmp_path, monkeypatch):
    import sys

    from ui.background_imports import WORKER, Batch

    collector = collect_on_gui_thread()
    gc.collect()
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"talkbench_gc_slow_{tmp_path.name}".replace("-", "_")
    (tmp_path / f"{name}.py").write_text(
        "import threading\nGO = threading.Event()\nGO.wait(10)\n", encoding="utf-8")
    collections: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(note)
    try:
        WORKER.submit(Batch([name], lambda _batch: None))
        while name not in sys.modules:  # the module's body runs (and waits) in the worker
            threading.Event().wait(0.01)
        kept: list = []
        _allocate_in_a_thread(5 * gc.get_threshold()[0], kept)
        collector.collect_due()
        assert collections == []  # the modules the worker makes are frozen when they land
        sys.modules[name].GO.set()
        WORKER.wait_idle()
        collector.collect_due()
        assert collections[:1] == [0]
    finally:
        gc.callbacks.remove(note)
        sys.modules.pop(name, None)


# A fresh process: PySide makes the Python class of a Qt type the first time it wraps an object
# of that type, once per process.
CLASSES_MADE = """
import json
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
from PySide6.QtWidgets import QApplication
app = QApplication([])
modules = (PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets)
names = ("QCommonStyle", "QSessionManager", "QAbstractEventDispatcher")
def made():
    return [name for name in names if any(name in vars(module) for module in modules)]
before = made()
from ui.gui_gc import collect_on_gui_thread
assert collect_on_gui_thread() is collect_on_gui_thread()
print(json.dumps([before, made()]))
"""


def test_installing_the_collector_wraps_nothing_qt_made() -> None:
    """Looking for an installed collector among the application's children wrapped each of
    them (the style, the session manager, the event dispatcher), and PySide made their
    classes: ~8 ms before the first paint. The collector is kept on the application."""
    out = subprocess.run([sys.executable, "-c", CLASSES_MADE],
                         cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == [[], []]
