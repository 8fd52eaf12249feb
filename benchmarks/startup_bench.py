"""Start-up: ``talkbench --version`` and time to the first window shown (offscreen).

    python benchmarks/startup_bench.py [--quick] [--repeat N]

Each figure is the wall time of a fresh process (best of ``--repeat``):

* ``talkbench --version`` (the installed console script, run directly, not through a pyenv
  shim) vs ``python -c pass``.
* first window: a process that builds the IDE like ``talkbench`` does (``ui.main.build_window``
  on a temporary SQLite store and settings file, the sample tab, ``settle_heap``), shows it,
  runs Qt's loop until the editor (enabled, holding the sample) has been painted, and exits at
  once (``os._exit``: teardown is not start-up). Baseline: a bare ``QApplication`` +
  ``QMainWindow``, shown until painted.
* ``talkbench open``: the same first window through the console script's own path
  (``ui.entry.main``: its command line, then ``launch`` with the qasync loop), the process
  ending at the editor's first paint.
* whole IDE ready: the same, then the loop runs until every part the window builds after its
  first paint (``MainWindow.parts``: the runner, debugger, Tests, bot tools, History, Flow …)
  is built; the longest of those parts is reported too (the UI waits that long once), and the
  longest gap between two ticks of a 1 ms timer meanwhile (the imports that make no Qt object
  run in a worker thread: the GUI thread then waits only for the GIL), against the same
  timer's longest gap in the bare window's idle loop.

Python's bytecode cache: an installed Talkbench has its modules compiled (pip does it, or the
first start). The figures are taken with a cache (in a temporary ``PYTHONPYCACHEPREFIX``,
filled by one untimed start), whatever ``PYTHONDONTWRITEBYTECODE`` says: with that variable set
and no cache, every start compiled ~150 modules from source, a third of the time measured. The
first window is also measured that way (no cache at all), as a separate row. The untimed start
runs until every part is built, so the modules imported after the first paint are cached too
(otherwise the first "ready" run compiled them, and that compile was the longest slice).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import Goal, Measurement, report

IDE_TEMPLATE = """\
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
{watch}{probe}class Painted:
    seen = False
def painted():
    Painted.seen = True
watch_editor_paint(painted)
from ui.main import build_window, settle_heap
tmp = Path(sys.argv[1])
win = build_window([], str(tmp / "memory.sqlite3"), "default",
                   QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
settle_heap()
editor = win.editor()
win.show()
while not Painted.seen:  # until the editor's text has been painted
    app.processEvents()
assert win.isVisible() and win.tabs.count() == 1 and editor.isVisible() and editor.isEnabled()
assert editor.toPlainText() and not editor.isReadOnly()
parts = getattr(win, "parts", None)  # a tree that builds everything first is ready now
if sys.argv[2:] == ["ready"] and parts is not None:  # until every part is built
    def until_built():
        from PySide6.QtCore import QEventLoop, QTimer
        loop = QEventLoop()
        parts.allBuilt.connect(loop.quit)
        QTimer.singleShot(120000, loop.quit)
        if not parts.done:
            loop.exec()
    gap = longest_gap(until_built)
    assert parts.done
    print("slices_ms", *(f"{v * 1000:.1f}" for v in parts.timings.values()))
    print("gap_ms", f"{gap:.1f}")
sys.stdout.flush()
os._exit(0)
"""

BARE_TEMPLATE = """\
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
{probe}win = QMainWindow()
win.resize(1200, 800)
{painted}win.installEventFilter(painted)
win.show()
while not Painted.seen:
    app.processEvents()
assert win.isVisible()
if sys.argv[1:] == ["probe"]:  # the timer's gaps in an idle loop, as long as a build takes
    def idle():
        from PySide6.QtCore import QEventLoop, QTimer
        loop = QEventLoop()
        QTimer.singleShot(IDLE_PROBE_MS, loop.quit)
        loop.exec()
    print("gap_ms", f"{longest_gap(idle):.1f}")
    sys.stdout.flush()
os._exit(0)
"""

# The console script's own path (``ui.entry.main``: its command line, ``launch`` with the
# qasync loop): the window ``build_window`` returns gets the paint watcher, the process ends
# at the editor's first paint. Settings in a fresh XDG_CONFIG_HOME, as on a first start.
ENTRY_TEMPLATE = """\
import os, sys
from PySide6.QtCore import QEvent, QObject
import ui.main
{watch}def painted():
    sys.stdout.flush()
    os._exit(0)
build = ui.main.build_window
def build_window(*args, **kwargs):
    watch_editor_paint(painted)
    return build(*args, **kwargs)
ui.main.build_window = build_window
from ui.entry import main
main(["open", "--db", sys.argv[1]])
raise SystemExit("the IDE ended before its first paint")
"""

# Both child processes run Qt until a paint event reached the watched widget.
PAINTED = """\
class Painted(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            Painted.seen = True
        return False
painted = Painted()
"""
# The IDE's child processes watch the editor's first paint through its viewportEvent, not
# ``editor.viewport().installEventFilter``: PySide's first wrap of a widget Qt made itself
# (the viewport) makes the Python classes of every widget type, 15-20 ms that the IDE pays
# only after its first paint, and that the measurement used to add before it. The override
# is set before the editor is made (PySide remembers a method it found not overridden),
# after ``ui.main`` (the IDE's first module to load Qt) and the garbage-collector set-up
# ``build_window`` begins with, so the editor's modules load as they do in the IDE.
WATCH_EDITOR = """\
def watch_editor_paint(on_paint):
    import ui.main
    from ui.gui_gc import collect_on_gui_thread
    collect_on_gui_thread()
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QPlainTextEdit
    from ui.editor.code_editor import CodeEditor
    def viewportEvent(self, event):
        if event.type() == QEvent.Type.Paint:
            on_paint()
        return QPlainTextEdit.viewportEvent(self, event)
    CodeEditor.viewportEvent = viewportEvent
"""
# What the user feels while the window builds its parts: the longest gap between two ticks
# of a 1 ms timer on the GUI thread (a step on it blocks the loop, and an import in the
# worker thread holds the GIL the GUI thread needs for each tick). Measured in Qt's own
# loop, as the IDE runs (qasync runs it through ``exec``).
PROBE = """\
def longest_gap(run):
    from PySide6.QtCore import Qt, QTimer
    ticks = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(1)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    probe.start()
    run()
    probe.stop()
    return max((b - a for a, b in zip(ticks, ticks[1:])), default=0.0) * 1000
"""
# The idle loop the baseline's gaps are measured in runs about as long as the idle build.
IDLE_PROBE_MS = 1500
IDE = IDE_TEMPLATE.replace("{watch}", WATCH_EDITOR).replace("{probe}", PROBE)
ENTRY = ENTRY_TEMPLATE.replace("{watch}", WATCH_EDITOR)
BARE = (BARE_TEMPLATE.replace("{painted}", PAINTED).replace("{probe}", PROBE)
        .replace("IDLE_PROBE_MS", str(IDLE_PROBE_MS)))


def talkbench_script() -> list[str]:
    """The console script itself (a pyenv shim would add a bash start-up to the figure)."""
    beside = Path(sys.executable).with_name("talkbench")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("talkbench")
    return [found] if found else [sys.executable, "-m", "ui"]


def wall(cmd: list[str], env: dict[str, str], out: list[str] | None = None) -> float:
    """Seconds the process ran; its standard output is appended to ``out``."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{cmd!r} failed ({done.returncode}): {done.stderr[-2000:]}")
    if out is not None:
        out.append(done.stdout)
    return took


def longest(outputs: list[str], label: str) -> float:
    """The largest figure printed on the ``label`` lines (ms), over the runs: ``slices_ms``
    the longest step of the idle build on the GUI thread, ``gap_ms`` the probe's gap."""
    found = 0.0
    for text in outputs:
        for line in text.splitlines():
            if line.split(maxsplit=1)[:1] == [label]:
                found = max([found, *(float(v) for v in line.split()[1:])])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 5)
    uncached = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6",
                    PYTHONDONTWRITEBYTECODE="1")
    uncached["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), uncached.get("PYTHONPATH", "")]))
    uncached.pop("PYTHONPYCACHEPREFIX", None)
    pycache = tempfile.TemporaryDirectory()
    env = dict(uncached, PYTHONPYCACHEPREFIX=pycache.name)
    env.pop("PYTHONDONTWRITEBYTECODE")
    version = talkbench_script() + ["--version"]
    out = subprocess.run(version, env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    if out.returncode != 0 or "talkbench" not in out.stdout + out.stderr:
        raise RuntimeError(f"{version!r}: {out.returncode} {out.stdout!r} {out.stderr!r}")
    times: dict[str, list[float]] = {
        k: [] for k in ("version", "pass", "ide", "entry", "ready", "bare", "cold")}
    ready_out: list[str] = []
    idle_out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, pycache:
        warm = Path(tmp) / "warm-up"  # fills the bytecode cache, for the idle build too
        warm.mkdir()
        wall([sys.executable, "-c", IDE, str(warm), "ready"], env)
        wall([sys.executable, "-c", ENTRY, str(warm / "entry.sqlite3")],
             dict(env, XDG_CONFIG_HOME=str(warm)))
        for i in range(repeat):  # interleaved, so machine noise hits both alike
            times["pass"].append(wall([sys.executable, "-c", "pass"], env))
            times["version"].append(wall(version, env))
            times["bare"].append(wall([sys.executable, "-c", BARE], env))
            wall([sys.executable, "-c", BARE, "probe"], env, idle_out)
            run_dir = Path(tmp) / str(i)  # a fresh database each time, as on first start
            run_dir.mkdir()
            times["ide"].append(wall([sys.executable, "-c", IDE, str(run_dir)], env))
            entry_dir = Path(tmp) / f"entry{i}"
            entry_dir.mkdir()
            times["entry"].append(wall(
                [sys.executable, "-c", ENTRY, str(entry_dir / "memory.sqlite3")],
                dict(env, XDG_CONFIG_HOME=str(entry_dir))))
            ready_dir = Path(tmp) / f"ready{i}"
            ready_dir.mkdir()
            times["ready"].append(
                wall([sys.executable, "-c", IDE, str(ready_dir), "ready"], env, ready_out))
            cold_dir = Path(tmp) / f"cold{i}"
            cold_dir.mkdir()
            times["cold"].append(wall([sys.executable, "-c", IDE, str(cold_dir)], uncached))
    best = {k: min(v) * 1000.0 for k, v in times.items()}
    note = f"best of {repeat}, whole process"
    results = [
        Measurement("startup", "talkbench --version", best["version"], best["pass"], "ms",
                    note=note + "; baseline: python -c pass"),
        Measurement("startup", "first IDE window shown (offscreen)", best["ide"], best["bare"],
                    "ms", Goal.RATIO_AT_MOST, 2.0,
                    note=note + "; baseline: bare QApplication + QMainWindow"),
        Measurement("startup", "first IDE window, `talkbench open` (its command line, qasync)",
                    best["entry"], best["bare"], "ms",
                    note=note + "; the console script's path; baseline: the bare window"),
        Measurement("startup", "whole IDE ready (every dock built)", best["ready"],
                    best["bare"], "ms",
                    note=note + "; the parts built after the first paint, in idle slices"),
        Measurement("startup", "first IDE window, no bytecode cache", best["cold"], best["bare"],
                    "ms", note=note + "; PYTHONDONTWRITEBYTECODE=1, nothing compiled before"),
    ]
    if any(line.startswith("slices_ms") for text in ready_out for line in text.splitlines()):
        results[3:3] = [
            Measurement("startup", "longest idle slice building a part",
                        longest(ready_out, "slices_ms"), None, "ms", Goal.OURS_BELOW, 16.0,
                        note="max over the ready runs; a step on the GUI thread that long"),
            Measurement("startup", "longest GUI-thread gap while the parts are built",
                        longest(ready_out, "gap_ms"), longest(idle_out, "gap_ms"), "ms",
                        Goal.OURS_BELOW, 16.0,
                        note="max over the ready runs, between two ticks of a 1 ms timer; "
                        "baseline: the bare window's idle loop"),
        ]
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
