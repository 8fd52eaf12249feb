"""The window's idle build (ui.main_window WARM_IMPORTS and FIRST_PARTS): every module it
imports on the GUI thread (a ``ui`` one) finds what it imports outside ``ui`` loaded already,
by the worker thread. A module left out of the lists would load inside that GUI-thread turn
(it did: the conversation tools' channel and parser, the schedules' runner, grandalf's
layouts, multiprocessing's queues), blocking the UI as long as its body runs.

A fresh process: which modules a process has loaded depends on everything it ran before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Builds the window as ``talkbench`` does and lets the idle build finish, recording for each
# import it runs on the GUI thread the modules outside ``ui`` that the import loaded.
IDLE_BUILD = """
import json, os, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import ui.turns
from ui.background_imports import runs_in_background
loaded_on_gui_thread = {}
plain = ui.turns.import_module
def recording(name):
    before = set(sys.modules)
    plain(name)
    new = sorted(m for m in set(sys.modules) - before if runs_in_background(m))
    if new:
        loaded_on_gui_thread[name] = new
ui.turns.import_module = recording
from ui.main import build_window
tmp = Path(sys.argv[1])
win = build_window([], str(tmp / "memory.sqlite3"), "default",
                   QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
win.show()
deadline = time.monotonic() + 60
while not win.parts.done and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)
print(json.dumps({"done": win.parts.done, "loaded_on_gui_thread": loaded_on_gui_thread,
                  "in_worker": sorted(win.parts.background_timings)}))
sys.stdout.flush()
os._exit(0)
"""


def test_the_gui_thread_turns_of_the_idle_build_load_nothing_the_worker_could(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    done = subprocess.run([sys.executable, "-c", IDLE_BUILD, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["done"]
    assert report["loaded_on_gui_thread"] == {}
    # The heavy bodies ran in the worker.
    assert {"import peewee", "import interpreter.syntax.nodes", "import asyncio",
            "import app.memory.store"} <= set(report["in_worker"])
