"""A runtime error points at the operator or call that failed, not at its statement's start.

Rhai reports a failing call at its name, a method at the method's name, an index at the index
(the engine-oracle: ``TALK "n: " + x[5]`` fails at position 16, ``s.toUpper()`` at the ``t``);
Talkbench reports an operator at its sign, too. The same position reaches the CLI, the IDE and
the debug adapter through ``BasicRuntimeError``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from tests.interpreter.helpers import run


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(("source", "line", "col"), [
    ("a = 1\nb = 2\nx = a + b / 0\n", 3, 11),
    ("TALK LEN(5) + 1\n", 1, 6),
    ('x = [1, 2]\nTALK "n: " + x[5]\n', 2, 16),
    ('s = "São"\nTALK s + s.toUpper()\n', 2, 12),
    ('TALK "São ☃" + 1 / 0\n', 1, 18),  # the generated line holds multi-byte characters
    ("SUB f(n)\n  TALK 10 / n\nEND SUB\nCALL f(0)\n", 2, 11),
    ("i = 0\nWHILE i < 3\n  i = i + 1\n  TALK 6 / (2 - i)\nWEND\n", 4, 10),
    ("x = [1,\n  2 / 0]\n", 2, 5),  # a statement over two lines
    ('x = "a" - 1\n', 1, 9),
    # the same statement written twice with other spacing: each at its own '/'
    ("a = 2\nx = 6 / a\na = 0\nx = 6/a\n", 4, 6),
])
def test_the_error_points_at_what_failed(source: str, line: int, col: int, debug: bool) -> None:
    compiled = load_source(source, "t.bas", debug=debug)
    runtime = Runtime(compiled, QueuedChannel(), DictMemory(),
                      debugger=Debugger(compiled.program) if debug else None)
    with pytest.raises(BasicRuntimeError) as info:
        asyncio.run(runtime.run())
    assert (info.value.line, info.value.col) == (line, col)


def test_a_statement_that_fails_as_a_whole_keeps_its_start() -> None:
    with pytest.raises(BasicRuntimeError) as info:
        run("x = 1\nWAIT -1\n")
    assert (info.value.line, info.value.col) == (2, 1)


def test_the_cli_prints_the_column(tmp_path: Path) -> None:
    dialog = tmp_path / "d.bas"
    dialog.write_text("a = 1\nb = 0\nTALK a + a / b\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "app", "run", str(dialog)], capture_output=True,
                          text=True, timeout=60, check=False,
                          env=dict(os.environ, TALKBENCH_DB=f"sqlite:///{tmp_path / 'm.db'}"))
    assert f"{dialog}:3:12: error: Division by zero" in done.stderr + done.stdout

