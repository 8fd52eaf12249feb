"""Editor: open and highlight a 10,000-line dialog, then per-keystroke latency in its middle.

    python benchmarks/editor_bench.py [--quick] [--lines N]

Offscreen. Ours: ``ui.editor.code_editor.CodeEditor`` (as ``MainWindow`` builds it: ``setPlainText``
into a fresh editor). Baseline: a bare ``QPlainTextEdit`` with the same font and text, the
same operations, no highlighter.

* open: ``setPlainText`` until the highlighter has coloured every block (its idle slices run
  from the event loop; ``BasicHighlighter.done``); also the time until ``setPlainText``
  returned, i.e. the freeze a user sees; the time until the lines in view are coloured; and
  the longest event-loop pass while the rest is coloured (how long the UI stays blocked at a
  time after opening).
* keystroke: in the middle of the file, one key (``QTest.keyClicks`` with one character)
  plus one event-loop pass (highlighting of the block and repaint), median and p99 over a
  typed line of code (with the completion popup, as in the IDE; and once with the popup kept
  shut, the highlighter's share). Any later idle slices run outside the clock before the next key.
  The keys after which the popup shows are also reported on their own (candidates gathered from
  the whole file's identifiers, list filled, popup placed).

Targets: keystroke p99 and the longest pass while colouring < 16 ms (one frame at 60 Hz);
the lines in view coloured within 50 ms of opening.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import Goal, Measurement, median, percentile, report
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

SAMPLES = ROOT / "resources" / "samples"
TYPED = 'msg = "Hello " & name + 42'  # a line a user types: identifier, string, operators


def big_dialog(lines: int) -> str:
    """The shipped samples repeated until ``lines`` lines (whole samples, then cut)."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.bas"))]
    out: list[str] = []
    while len(out) < lines:
        for text in parts:
            out += text.splitlines()
    return "\n".join(out[:lines]) + "\n"


def process_until(app: QApplication, done, limit: float = 60.0, on_pass=None) -> float:
    """Run event-loop passes until ``done()``; returns the longest pass in seconds;
    ``on_pass()`` is called after each one."""
    deadline = time.perf_counter() + limit
    longest = 0.0
    first = True
    while first or not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the highlighter did not finish")
        start = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - start)
        if on_pass is not None:
            on_pass()
        first = False
    return longest


def make_editor(ours: bool) -> QPlainTextEdit:
    if ours:
        from ui.editor.code_editor import CodeEditor

        editor: QPlainTextEdit = CodeEditor()
    else:
        editor = QPlainTextEdit()
        editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    editor.resize(1000, 700)
    editor.show()
    return editor


def highlighted(editor: QPlainTextEdit):
    hl = getattr(editor, "highlighter", None)
    return (lambda: True) if hl is None else (lambda: hl.done)


def visible_coloured(editor: QPlainTextEdit):
    """A predicate: are the lines in the editor's view coloured?"""
    hl = getattr(editor, "highlighter", None)
    if hl is None or not hasattr(hl, "coloured_blocks"):
        return lambda: True  # no highlighter; an older one coloured its first slice at once
    bottom = editor.cursorForPosition(QPoint(0, editor.viewport().height() - 1))
    return lambda: hl.coloured_blocks() > bottom.blockNumber()


def open_file(app: QApplication, ours: bool, text: str) -> tuple[float, float, float, float]:
    """(seconds until setPlainText returned, until fully highlighted, until the lines in view
    are coloured, longest event-loop pass after setPlainText)."""
    editor = make_editor(ours)
    app.processEvents()
    start = time.perf_counter()
    editor.setPlainText(text)
    returned = time.perf_counter() - start
    in_view = visible_coloured(editor)
    seen = [returned if in_view() else None]

    def note_view() -> None:
        if seen[0] is None and in_view():
            seen[0] = time.perf_counter() - start

    longest = process_until(app, highlighted(editor), on_pass=note_view)
    full = time.perf_counter() - start
    if ours:  # really coloured: the last block carries formats
        last = editor.document().lastBlock()
        while last.isValid() and not last.text().strip():
            last = last.previous()  # a blank line has nothing to colour
        assert last.layout().formats(), "the last line was not highlighted"
    editor.close()
    editor.deleteLater()
    app.processEvents()
    return returned, full, seen[0], longest


def keystrokes(app: QApplication, ours: bool, text: str, rounds: int,
               completion: bool = True, popup: list[float] | None = None) -> list[float]:
    """Seconds per key typed on fresh lines in the middle of the file; ``completion=False``
    keeps the completion popup shut, leaving the highlighter's share. ``popup`` receives the
    seconds of the keys after which the completion popup is showing."""
    editor = make_editor(ours)
    if ours and not completion:
        editor.completion.after_key = lambda event: None  # the popup never opens
    editor.setPlainText(text)
    done = highlighted(editor)
    process_until(app, done)
    doc = editor.document()
    costs: list[float] = []
    for r in range(rounds):
        block = doc.findBlockByNumber(doc.blockCount() // 2 + r * 7)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        cursor.insertText("\n")  # an empty line to type on (not timed)
        editor.setTextCursor(cursor)
        editor.centerCursor()
        process_until(app, done)
        for ch in TYPED:
            start = time.perf_counter()
            QTest.keyClicks(editor, ch)
            app.processEvents()  # the block's highlighting has happened; this paints it
            costs.append(time.perf_counter() - start)
            if popup is not None and ours and editor.completion.popup_visible:
                popup.append(costs[-1])
            process_until(app, done)  # idle slices of a cascade, outside the clock
        assert editor.textCursor().block().text().endswith(TYPED[-6:]), \
            editor.textCursor().block().text()
    editor.close()
    editor.deleteLater()
    app.processEvents()
    return costs


def best(runs: list[tuple[float, ...]], field: int) -> float:
    return min(r[field] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 lines, few keys")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    lines = args.lines or (1_000 if args.quick else 10_000)
    repeat = args.repeat or (1 if args.quick else 3)
    rounds = 1 if args.quick else 6
    app = QApplication.instance() or QApplication(sys.argv[:1])
    text = big_dialog(lines)
    opens = {True: [], False: []}
    for _ in range(repeat):
        for ours in (False, True):
            opens[ours].append(open_file(app, ours, text))
    shown: list[float] = []
    keys = {ours: keystrokes(app, ours, text, rounds, popup=shown) for ours in (False, True)}
    assert shown, "the completion popup never showed"
    bare = keystrokes(app, True, text, rounds, completion=False)
    ms = 1000.0
    note = f"{lines:,} lines; baseline: QPlainTextEdit, no highlighter"
    results = [
        Measurement("editor", "open → fully highlighted", best(opens[True], 1) * ms,
                    best(opens[False], 1) * ms, "ms", note=note + f"; best of {repeat}"),
        Measurement("editor", "open: setPlainText blocks the UI", best(opens[True], 0) * ms,
                    best(opens[False], 0) * ms, "ms", note=f"best of {repeat}"),
        Measurement("editor", "open → lines in view coloured", best(opens[True], 2) * ms,
                    best(opens[False], 0) * ms, "ms", Goal.OURS_BELOW, 50.0,
                    note=f"best of {repeat}; baseline: setPlainText returned (nothing to colour)"),
        Measurement("editor", "open: longest UI pass while the rest is coloured",
                    best(opens[True], 3) * ms, best(opens[False], 3) * ms, "ms", Goal.OURS_BELOW,
                    16.0, note=f"best of {repeat}; after setPlainText, the first paint included"),
        Measurement("editor", "keystroke in the middle, median", median(keys[True]) * ms,
                    median(keys[False]) * ms, "ms", note=f"{len(keys[True])} keys"),
        Measurement("editor", "keystroke in the middle, p99", percentile(keys[True], 99) * ms,
                    percentile(keys[False], 99) * ms, "ms", Goal.OURS_BELOW, 16.0,
                    note=f"{len(keys[True])} keys; completion popup opens after 3 letters"),
        Measurement("editor", "keystroke with the popup showing, p99",
                    percentile(shown, 99) * ms, None, "ms", Goal.OURS_BELOW, 16.0,
                    note=f"{len(shown)} of the keys above; median {median(shown) * ms:.2f} ms"),
        Measurement("editor", "keystroke, completion off, median", median(bare) * ms,
                    median(keys[False]) * ms, "ms", note="highlighting + repaint only"),
        Measurement("editor", "keystroke, completion off, p99", percentile(bare, 99) * ms,
                    percentile(keys[False], 99) * ms, "ms", Goal.OURS_BELOW, 16.0,
                    note="highlighting + repaint only"),
    ]
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
