"""A new user's first start: an account that never ran Talkbench has no data directory yet.

Each command runs in a real subprocess with a fresh HOME (no XDG_* variables, no TALKBENCH_DB),
as on a new account; each must create ~/.local/share/talkbench and its memory database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "greeting.bas"

# Starts the real IDE entry point and closes every window once it is up (a "Cannot open the
# memory database" message box included, which then makes the exit code 1).
OPEN_AND_CLOSE_IDE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
closer = QTimer()
closer.timeout.connect(app.closeAllWindows)
closer.start(1500)
from ui.entry import main
sys.exit(main([]))
"""


def fresh_account(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k != "TALKBENCH_DB"}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    return env


def database_of(home: Path) -> Path:
    return home / ".local" / "share" / "talkbench" / "memory.sqlite3"


def test_the_ide_starts_on_a_new_account(tmp_path):
    proc = subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE_IDE], cwd=ROOT,
                          env=fresh_account(tmp_path), capture_output=True, text=True, check=False,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert database_of(tmp_path).is_file()


def test_talkbench_run_starts_on_a_new_account(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "app", "run", str(SAMPLE)], cwd=ROOT,
                          input="Ann\n", env=fresh_account(tmp_path), capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Nice to meet you, Ann!" in proc.stdout
    assert database_of(tmp_path).is_file()


def test_talkbench_memory_starts_on_a_new_account(tmp_path):
    env = fresh_account(tmp_path)
    subprocess.run([sys.executable, "-m", "app", "memory", "set", "greeting", "hi"], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "app", "memory", "list"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "greeting\thi\n"
