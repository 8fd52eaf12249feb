"""The dependency direction ui → app → interpreter, proven by importing without Qt."""

import subprocess
import sys

import pytest

BLOCK_QT = (
    "import sys\n"
    "for name in ('PySide6', 'qasync', 'ui'):\n"
    "    sys.modules[name] = None\n"
)


@pytest.mark.parametrize("modules", [
    ["interpreter", "interpreter.parser", "interpreter.compiler", "interpreter.runtime",
     "interpreter.builtins", "interpreter.highlight_lexer", "interpreter.keyword_help"],
    ["app.cli", "app.memory_store", "app.headless", "app.memory_cli"],
])
def test_core_packages_import_without_qt(modules):
    code = BLOCK_QT + "".join(f"import {m}\n" for m in modules)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_interpreter_does_not_import_peewee_or_app():
    code = ("import sys\nsys.modules['peewee'] = None\nsys.modules['app'] = None\n"
            "import interpreter, interpreter.runtime, interpreter.builtins\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
