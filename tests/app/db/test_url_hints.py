"""A PostgreSQL password with an unencoded '/' reads as a bad port; the error says what to do
(`talkbench memory list --db …` in a real subprocess) and never shows the password."""

from __future__ import annotations

import subprocess
import sys


def test_a_slash_in_the_password_gets_a_percent_encoding_hint() -> None:
    url = "postgresql://bob:se/cret@127.0.0.1:5432/talk"
    done = subprocess.run([sys.executable, "-m", "app", "memory", "list", "--db", url],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "Bad port in database URL" in done.stderr
    assert "percent-encoded, '/' as %2F" in done.stderr
    assert "cret" not in done.stderr
