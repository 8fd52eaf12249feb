"""The dependency direction ui → app → interpreter, proven by importing without Qt and by the
import-linter contracts in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Imports every module of one package (bar `__main__`, which would run the program) with the
# named packages made unimportable, and names each module that failed and why.
IMPORT_ALL = (
    "import importlib, pkgutil, sys, traceback\n"
    "for name in sys.argv[2:]:\n"
    "    sys.modules[name] = None\n"
    "root = importlib.import_module(sys.argv[1])\n"
    "failed = []\n"
    "for info in pkgutil.walk_packages(root.__path__, root.__name__ + '.', onerror=failed.append):\n"
    "    if info.name.rsplit('.', 1)[-1] == '__main__':\n"
    "        continue\n"
    "    try:\n"
    "        importlib.import_module(info.name)\n"
    "    except Exception:\n"
    "        failed.append(info.name + ': ' + traceback.format_exc(limit=-3))\n"
    "print('\\n'.join(map(str, failed)))\n"
    "sys.exit(1 if failed else 0)\n"
)


@pytest.mark.parametrize(("package", "blocked"), [
    ("interpreter", ["PySide6", "qasync", "peewee", "app", "ui"]),
    ("app", ["PySide6", "qasync", "ui"]),
])
def test_every_core_module_imports_without_the_layers_above(package, blocked):
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL, package, *blocked],
                         check=False, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint_imports)], check=False, capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
