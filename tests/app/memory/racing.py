"""Two Talkbench processes started at the same moment (the lock-order and copy-over tests)."""

from __future__ import annotations

import subprocess
import sys


def race(script: str, *args: str) -> list[str]:
    """Run ``script`` as processes A and B (its last argument), started together; their
    outputs, each checked to have exited cleanly."""
    procs = [subprocess.Popen([sys.executable, "-c", script, *args, who],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for who in "AB"]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs
