"""The type checker passes on interpreter, app and ui as configured in [tool.mypy]."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_type_errors():
    # The packages and flags come from pyproject.toml; the incremental cache in .mypy_cache
    # makes later runs fast.
    mypy = Path(sys.executable).with_name("mypy")
    out = subprocess.run([str(mypy)], check=False, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
