"""The dependency direction ui → app → interpreter, proven by importing without Qt and by the
import-linter contracts in pyproject.toml; and the package map those contracts spell out."""

import ast
import os
import re
import subprocess
import sys
import tomllib
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
    ("ui", []),
])
def test_every_module_imports_without_the_layers_above(package, blocked):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL, package, *blocked],
                         check=False, capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stdout + out.stderr


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


@pytest.mark.parametrize("package", ["interpreter", "app", "ui"])
def test_every_package_and_module_has_a_place_in_its_layers(package):
    """A new module or package of interpreter/, app/ or ui/ must be placed in the layers
    contract of its container, so nothing escapes the map (and no flat family grows)."""
    contract = next(c for c in _contracts() if c.get("containers") == [package])
    placed = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    present = {p.stem if p.is_file() else p.name for p in (ROOT / package).iterdir()
               if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
               or (p / "__init__.py").is_file()}
    assert present == placed


def test_no_flat_module_families():
    """Modules sharing a name prefix (``parse_*``, ``memory_*``) belong in a package."""
    for package in ("interpreter", "app", "ui"):
        for folder in [ROOT / package, *(p.parent for p in (ROOT / package).rglob("__init__.py"))]:
            stems = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")]
            prefixes = [m.group(1) for s in stems if (m := re.match(r"([a-z]+)_", s))]
            families = {p for p in prefixes if prefixes.count(p) >= 3}
            assert not families, f"{folder.relative_to(ROOT)}: {sorted(families)}"


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint_imports)], check=False, capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


# Other libraries' underscore names that are their API (peewee's Model._meta, a NamedTuple's
# _replace and _asdict) or have no public equivalent (os._exit; grandalf's routed edge points,
# view._pts).
FOREIGN_PRIVATE = frozenset({"_meta", "_exit", "_pts", "_replace", "_asdict"})
WINDOW = re.compile(r"(^|\.)_?win(dow)?$")


def private_reaches(source: str, name: str) -> list[str]:
    """Where a module uses another module's private member (an ``_name`` on something that is
    not ``self``/``cls`` and that the module itself does not define), or looks a feature up on
    the window by name (``getattr(window, "...")``) instead of the Workbench protocol."""
    tree = ast.parse(source, name)
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.attr if isinstance(node, ast.Attribute) else node.id)
    return [f"{name}:{node.lineno}: {ast.unparse(node)}" for node in ast.walk(tree)
            if _foreign_private(node, own) or _window_lookup(node)]


def _foreign_private(node: ast.AST, own: set[str]) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr.startswith("_")
            and not node.attr.startswith("__") and node.attr not in own | FOREIGN_PRIVATE
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")))


def _window_lookup(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr") and len(node.args) >= 2
            and WINDOW.search(ast.unparse(node.args[0])) is not None)


@pytest.mark.parametrize("package", ["app", "ui"])
def test_no_module_reaches_into_another(package):
    """Features use the window through ``ui.workbench.Workbench`` and each other through
    public methods (issue 24): no ``window._dock``, ``tools._run_editor()``, ``getattr(window,
    "conversation")``."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        found += private_reaches(path.read_text(encoding="utf-8"),
                                 path.relative_to(ROOT).as_posix())
    assert found == []


@pytest.mark.parametrize("source", [
    "show(self.conversation._run_editor())\n",
    "rows = chat._list\n",
    "tab = getattr(self._window, '_run_tab', None)\n",
    "tools = getattr(window, 'conversation', None)\n",
])
def test_the_walk_sees_a_reach_into_another_module(source):
    assert private_reaches(source, "x.py")


def test_the_walk_lets_a_module_use_its_own_private_names():
    source = ("class Store:\n    def _get(self):\n        return 1\n"
              "class Handle:\n    def get(self, store):\n        return store._get()\n")
    assert private_reaches(source, "x.py") == []
