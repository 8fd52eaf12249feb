"""The Flow panel on a 1,000-line dialog: does drawing it keep the UI responsive?

    python benchmarks/flow_bench.py [--quick] [--repeat N]

Offscreen, a real ``CodeEditor`` and ``FlowPanel``. The panel parses and lays out the text
(grandalf's layered layout) on its worker thread and then puts the items in the scene on the
GUI thread. A 5 ms ``QTimer`` on the GUI thread records when it fires; its lateness is how
long the UI was blocked.

* lateness while the panel draws the dialog (from the request until the flow is shown);
  baseline: the same timer with the panel idle, in the same run. Target: max < 16.7 ms (one
  frame at 60 Hz).
* the work itself: parse + flow graph, layout (child process), scene items (GUI thread);
  baseline for the parse: the interpreter's own ``parse`` of the same text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import pairwise
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import Goal, Measurement, median, percentile, report
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 5
FRAME_MS = 1000.0 / 60

BLOCK = """\
' part {k}
TALK "Welcome to part {k}"
HEAR choice{k} AS "Orders", "Hours", "Other"
SELECT CASE choice{k}
    CASE "Orders"
        HEAR order{k} AS INTEGER WITH "Your order number?"
        SET BOT MEMORY "last_order_{k}", order{k}
        IF order{k} > 1000 THEN
            TALK "A big order"
        ELSEIF order{k} > 10 THEN
            TALK "A normal order"
        ELSE
            TALK "A small order"
        END IF
    CASE "Hours"
        TALK "9 to 5"
    CASE ELSE
        seen{k} = GET BOT MEMORY("seen_{k}")
        FOR EACH item IN items
            TALK item
        NEXT
END SELECT
ADD SUGGESTION "again" AS "Again"
CALL helper
"""
SUB = 'SUB helper\n    TALK "helping"\nEND SUB\n'


def dialog(lines: int) -> str:
    parts: list[str] = []
    k = 0
    while sum(p.count("\n") for p in parts) < lines - 3:
        parts.append(BLOCK.format(k=k))
        k += 1
    return "".join(parts) + SUB


def pump_until(app: QApplication, predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the flow was not drawn in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


class Ticks:
    """A GUI-thread timer's lateness (ms beyond its interval)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def __enter__(self) -> Ticks:  # noqa: PYI034 - this class only
        self.timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.timer.stop()

    def lateness(self) -> list[float]:
        s = self.stamps
        return [max(0.0, (b - a) * 1000.0 - INTERVAL_MS) for a, b in pairwise(s)]


def measure(app: QApplication, lines: int, repeat: int) -> list[Measurement]:
    from interpreter.flow import build_flow
    from interpreter.syntax.parser.core import parse
    from ui.editor.code_editor import CodeEditor
    from ui.flow.layout import layout_routine
    from ui.flow.panel import FlowPanel

    text = dialog(lines)
    count = text.count("\n")
    editor = CodeEditor()
    editor.setPlainText(text)
    panel = FlowPanel()
    panel.resize(800, 900)
    panel.show()
    busy: list[float] = []
    per_draw: list[float] = []  # the worst tick of each draw (the first starts the process)
    idle: list[float] = []
    slices: list[float] = []  # each GUI-thread slice that made scene items, ms
    shows: list[int] = []
    original = panel.scene._fill

    def timed_fill(filling, makers, then):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        original(filling, makers, then)
        slices.append((time.perf_counter() - start) * 1000.0)

    panel.scene._fill = timed_fill  # type: ignore[method-assign]
    panel.flowShown.connect(lambda: shows.append(len(slices)))
    for k in range(repeat):
        with Ticks() as ticks:
            deadline = time.perf_counter() + 0.5
            pump_until(app, lambda d=deadline: time.perf_counter() > d, 5)
        idle += ticks.lateness()
        shown = len(shows)
        with Ticks() as ticks:
            if k == 0:
                panel.set_editor(editor)
            else:
                panel.refresh()
            pump_until(app, lambda s=shown: len(shows) > s, 120)
            pump_until(app, lambda: True, 1)
        busy += ticks.lateness()
        per_draw.append(max(ticks.lateness(), default=0.0))
    nodes = len(panel.scene.node_items)
    parse_ms, build_ms, layout_ms = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse(text)
        t1 = time.perf_counter()
        graph = build_flow(text)
        t2 = time.perf_counter()
        layout_routine(graph, "")
        t3 = time.perf_counter()
        parse_ms.append((t1 - t0) * 1000)
        build_ms.append((t2 - t1) * 1000)
        layout_ms.append((t3 - t2) * 1000)
    worst = ", ".join(f"{w:.0f}" for w in per_draw)
    note = f"{count}-line dialog, {nodes} nodes; {len(busy)} ticks of {INTERVAL_MS} ms; " \
           f"worst per draw: {worst} ms; baseline: idle panel"
    return [
        Measurement("flow", "UI blocked while the flow is drawn, max",
                    max(busy), max(idle), "ms", Goal.OURS_BELOW, FRAME_MS, note=note),
        Measurement("flow", "UI blocked while the flow is drawn, p99",
                    percentile(busy, 99), percentile(idle, 99), "ms", note=note),
        Measurement("flow", "parse + flow graph (child process)", median(build_ms),
                    median(parse_ms), "ms",
                    note=f"median of {repeat}; baseline: interpreter.syntax.parser.core.parse"),
        Measurement("flow", "layered layout, grandalf (child process)", median(layout_ms),
                    None, "ms", note=f"median of {repeat}"),
        Measurement("flow", "longest GUI-thread slice making scene items", max(slices), None,
                    "ms", Goal.OURS_BELOW, FRAME_MS,
                    note=f"{len(slices)} slices in {repeat} draws, {sum(slices):.0f} ms in all"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    lines = 120 if args.quick else 1000
    repeat = args.repeat or (1 if args.quick else 3)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # The garbage collector as the IDE runs it: on a GUI-thread timer, with what start-up
    # built frozen out of its reach (ui.main.launch). CPython's automatic collection would
    # run a full collection in the middle of a scene slice, which the IDE never does.
    from ui.gui_gc import collect_on_gui_thread
    from ui.main import settle_heap

    collect_on_gui_thread()
    settle_heap()
    return report(measure(app, lines, repeat))


if __name__ == "__main__":
    sys.exit(main())
