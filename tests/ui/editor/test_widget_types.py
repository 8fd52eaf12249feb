"""The completion's warm-up after the editor's first paint: one step per turn of the event loop,
PySide's widget classes a few per turn, so that its first wrap of the viewport makes none.

A fresh process for the classes: which ones PySide has made depends on what ran before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ui.editor.code_editor import CodeEditor
from ui.editor.widget_types import PER_TURN, WIDGET_TYPES

ROOT = Path(__file__).resolve().parents[3]

# Shows an editor, then runs the loop one turn at a time until the warm-up is done, recording
# after each turn which of WIDGET_TYPES exist; then wraps the viewport and reports which
# widget classes that made.
WARM_UP = """
import json, os, sys, time
from PySide6 import QtWidgets
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ui.editor.code_editor import CodeEditor
from ui.editor.widget_types import WIDGET_TYPES
editor = CodeEditor()
editor.setPlainText("x = LE")
editor.show()
made_per_turn = []
deadline = time.monotonic() + 60
while not editor.completion.warmed and time.monotonic() < deadline:
    app.processEvents()
    made_per_turn.append(sum(name in QtWidgets.__dict__ for name in WIDGET_TYPES))
    time.sleep(0.0005)  # the word lists' modules load in a worker thread meanwhile
before = set(QtWidgets.__dict__)
editor.viewport()
print(json.dumps({"warmed": editor.completion.warmed, "made_per_turn": made_per_turn,
                  "made_by_wrap": sorted(set(QtWidgets.__dict__) - before)}))
sys.stdout.flush()
os._exit(0)
"""


def test_the_warm_up_makes_the_widget_classes_a_few_per_turn_and_the_wrap_none():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    done = subprocess.run([sys.executable, "-c", WARM_UP], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["warmed"]
    made = report["made_per_turn"]
    assert made[-1] == len(WIDGET_TYPES)
    # Never more than one batch more per turn than the turn before.
    steps = [later - earlier for earlier, later in zip([0, *made], made)]
    assert max(steps) <= PER_TURN
    assert sum(1 for step in steps if step) >= len(WIDGET_TYPES) // PER_TURN
    assert report["made_by_wrap"] == []


def test_completion_works_once_warmed_after_the_first_paint(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("x = LE")
    assert not editor.completion.warmed
    editor.show()
    qtbot.waitUntil(lambda: editor.completion.warmed)
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    editor.completion.open(explicit=True)
    assert "LEN" in editor.completion.items()


def test_completion_works_before_its_warm_up_ran(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("x = LE")
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    editor.completion.open(explicit=True)  # never shown: no warm-up at all
    assert not editor.completion.warmed
    assert "LEN" in editor.completion.items()
