"""Real child processes for the tests that kill or signal one at a chosen moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_until_ready(code: str, *args: str, env: dict[str, str] | None = None
                      ) -> subprocess.Popen[str]:
    """``python -c code args`` from the project's root, once it has printed "ready"."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, text=True,
                            env=env, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        proc.wait(10)
        raise AssertionError(f"the child process ended before it was ready: {line!r}")
    return proc


def kill_when_ready(code: str, *args: str) -> None:
    """Run ``code`` until it is ready, then SIGKILL it: no handler, no cleanup runs."""
    proc = start_until_ready(code, *args)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL
