"""``talkbench open FILE --db URL --bot NAME`` starts the IDE without loading the headless
commands' modules (app.cli.ide_args), and paints its window before asyncio and qasync load
(ui.main.launch): the real entry point in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "greeting.bas"

# The real entry point; once the window is up, report what it shows and what was loaded,
# then close every window.
START_AND_REPORT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication(sys.argv[:1])

class FirstPaint(QObject):  # what had loaded when the main window was first painted
    seen = None
    def eventFilter(self, obj, event):
        if (FirstPaint.seen is None and event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget) and hasattr(obj.window(), "tabs")):
            FirstPaint.seen = sorted(n for n in ("asyncio", "qasync") if n in sys.modules)
        return False

first_paint = FirstPaint()
app.installEventFilter(first_paint)

def report():
    import asyncio
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "" and
                  hasattr(w, "tabs"))
    print("tabs", *(window.tabs.tabText(i) for i in range(window.tabs.count())))
    print("bot", window.bot)
    print("cli loaded", "app.cli.commands" in sys.modules)
    print("at first paint", *FirstPaint.seen)
    print("loop", type(asyncio.get_event_loop()).__module__.split(".")[0])
    sys.stdout.flush()
    app.closeAllWindows()

QTimer.singleShot(1500, report)
from ui.entry import main
sys.exit(main(sys.argv[1:]))
"""


def test_open_starts_the_ide_with_its_files_database_and_bot(tmp_path):
    db = tmp_path / "chosen.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    proc = subprocess.run(
        [sys.executable, "-c", START_AND_REPORT, "open", str(SAMPLE), "--db", str(db),
         "--bot", "shop"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "tabs greeting.bas" in lines, proc.stdout
    assert "bot shop" in lines
    assert "cli loaded False" in lines  # the headless commands' parser never loaded
    assert db.is_file()  # the memory database named on the command line
    # The window was painted before asyncio and qasync loaded; they run the IDE after it.
    assert "at first paint" in lines
    assert "loop qasync" in lines
