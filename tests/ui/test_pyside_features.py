"""PySide's per-import look for ``from __feature__``: the IDE answers it from the module's file
(ui.pyside_features), with PySide's own answers and without keeping the source in linecache.

Fresh processes: the replacement is process-wide, and which modules a process has imported
depends on everything it ran before."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ui.pyside_features import mentions_pyside

ROOT = Path(__file__).resolve().parents[2]


def pyside_answer(module: ModuleType) -> bool:
    """What PySide 6.11's own check answers: whether ``inspect.getsource`` names PySide6."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


@pytest.mark.parametrize("name", ["ui.main", "ui.turns", "json", "math", "_sqlite3",
                                  "interpreter", "shiboken6", "PySide6"])
def test_it_answers_as_pyside_does(name: str) -> None:
    module = __import__(name, fromlist=["_"])
    assert mentions_pyside(module) is pyside_answer(module)


def test_a_file_that_is_gone_does_not_name_pyside(tmp_path: Path) -> None:
    module = ModuleType("gone")
    module.__file__ = str(tmp_path / "gone.py")
    assert mentions_pyside(module) is False


IMPORTS_AFTER_THE_IDE = """
import json, linecache, sys
import ui.main
sys.path.insert(0, sys.argv[1])
import uses_qt, plain
from shibokensupport.feature import pyside_feature_dict
print(json.dumps({
    "answers": [pyside_feature_dict.get("uses_qt"), pyside_feature_dict.get("plain")],
    "kept": [path for path in linecache.cache if path.startswith(sys.argv[1])],
}))
"""


def test_modules_imported_after_ui_main_are_checked_without_keeping_their_source(
        tmp_path: Path) -> None:
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    out = subprocess.run([sys.executable, "-c", IMPORTS_AFTER_THE_IDE, str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(out.stdout)
    assert seen["answers"] == [0, -1]  # PySide's values: names PySide6 / does not
    assert seen["kept"] == []
