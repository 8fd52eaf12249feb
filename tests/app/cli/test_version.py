"""``talkbench --version`` prints the version without loading the interpreter or Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.commands import build_parser

ROOT = Path(__file__).resolve().parents[3]

# Runs an entry point's main with ``--version`` and reports which heavy packages it loaded.
PROBE = """\
import runpy, sys
sys.argv = ["talkbench", "--version"]
try:
    {call}
except SystemExit as done:
    code = done.code
else:
    code = 0
loaded = sorted(n for n in ("interpreter", "PySide6", "peewee") if n in sys.modules)
print("exit", code, "loaded", *loaded, file=sys.stderr)
"""

ENTRIES = {
    "console script (ui.entry)": "from ui.entry import main; sys.exit(main())",
    "python -m app": "runpy.run_module('app', run_name='__main__')",
}


def probe(call: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE.format(call=call)], check=False,
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


@pytest.mark.parametrize("entry", ENTRIES)
def test_version_alone_loads_neither_interpreter_nor_qt(entry):
    done = probe(ENTRIES[entry])
    assert done.stderr.strip().splitlines()[-1] == "exit 0 loaded", done.stderr
    assert done.stdout.strip() == f"talkbench {__import__('app').__version__}"


def test_version_text_is_the_full_parsers(capsys):
    with pytest.raises(SystemExit) as ended:
        build_parser().parse_args(["--version"])
    assert ended.value.code == 0
    assert capsys.readouterr().out.strip() == probe(ENTRIES["python -m app"]).stdout.strip()


def test_version_with_a_command_still_goes_to_the_parser():
    done = probe("from ui.entry import main; sys.exit(main(['--version', 'check']))")
    assert done.stdout.startswith("talkbench "), done.stderr
    assert "loaded interpreter" in done.stderr  # the full parser answered it
