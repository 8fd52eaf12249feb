"""What the first window loads before its first paint (ui.main_window, ui.editor): the modules
it does not need to be painted load after it, and everything they serve works afterwards.

A fresh process: which modules a process has loaded depends on everything it ran before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Builds the window as ``talkbench`` does, runs Qt until the editor has been painted, and
# reports which of LATER were loaded then; then lets the idle build finish and uses what
# they serve: keyword completion (the builtins registry), a run's events (the bridge).
FIRST_PAINT = """
import json, os, sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ui.main import build_window
LATER = json.loads(sys.argv[2])
tmp = Path(sys.argv[1])
win = build_window([], str(tmp / "memory.sqlite3"), "default",
                   QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))

class Painted(QObject):
    loaded = None
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and Painted.loaded is None:
            Painted.loaded = [m for m in LATER if m in sys.modules]
        return False

painted = Painted()
win.editor().viewport().installEventFilter(painted)
win.show()
while Painted.loaded is None:
    app.processEvents()
deadline = time.monotonic() + 60
while not win.parts.done and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)
editor = win.editor()
editor.setPlainText("x = LE")
cursor = editor.textCursor()
cursor.movePosition(cursor.MoveOperation.End)
editor.setTextCursor(cursor)
editor.completion.open(explicit=True)
print(json.dumps({"at_first_paint": Painted.loaded, "done": win.parts.done,
                  "later": [m for m in LATER if m in sys.modules],
                  "offered": editor.completion.items()}))
sys.stdout.flush()
os._exit(0)
"""

LATER = ["asyncio", "qasync", "interpreter.events", "interpreter.library.builtins",
         "interpreter.debug.model", "interpreter.tooling.keyword_help", "ui.run.bridge",
         "ui.file_dialogs", "interpreter.keywords", "peewee", "ui.editor.completion",
         "ui.run.chat_panel", "ui.run.chat.view", "ui.help_windows"]


def test_the_first_paint_waits_for_none_of_the_modules_loaded_after_it(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(tmp_path), json.dumps(LATER)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["at_first_paint"] == []
    assert report["done"]
    # The idle build loaded what the window's parts use (qasync is the launcher's).
    assert set(report["later"]) >= set(LATER) - {"qasync", "ui.file_dialogs",
                                                  "interpreter.tooling.keyword_help",
                                                  "ui.help_windows"}
    assert "LEN" in report["offered"]  # completion has the builtins registry
