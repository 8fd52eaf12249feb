"""``talkbench dap`` driven by VS Code's own DAP test client (npm
``@vscode/debugadapter-testsupport``, ``DebugClient``): ``tests/dap_client/run.js`` runs the
checks of issue 23 against real adapter processes (stdio and ``--port``) and reports them as
JSON, asserted here one by one. ``scripts/bootstrap`` installs the client with ``npm ci``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.dap.support import ROOT, db_url

CLIENT = ROOT / "tests" / "dap_client"
NODE, NPM = shutil.which("node"), shutil.which("npm")

pytestmark = pytest.mark.skipif(not (NODE and NPM),
                                reason="node and npm are needed for VS Code's DAP test client")

DIALOGS = {
    "memory.bas": 'x = 1\nSET BOT MEMORY "k", "stored"\nTALK "x"\n',
    "lists.bas": "big = [{}]\ndeep = [[[[[[\"bottom\"]]]]]]\nempty = []\nTALK \"x\"\n".format(
        ", ".join(str(i) for i in range(300))),
    "two.bas": 'x = 1\nTALK "x"\n',
    "age.bas": "HEAR age AS INTEGER\nTALK age\n",
    "loop.bas": ("total = 0\nFOR i = 1 TO 3\n  total = Add(total, i)\nNEXT i\nTALK \"done\"\n"
                 "\nFUNCTION Add(a, b)\n  Add = a + b\nEND FUNCTION\n"),
    "broken.bas": 'TALK "a"\nx = (1 +\n',
    "wait.bas": 'TALK "before"\nWAIT 60\nTALK "after"\n',
}


def _client_installed() -> None:
    """node_modules as pinned by package-lock.json (bootstrap does this; a fresh clone
    running only pytest gets it here)."""
    if not (CLIENT / "node_modules" / "@vscode" / "debugadapter-testsupport").is_dir():
        subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True,
                       capture_output=True, timeout=300)


def _broken_column(path: Path) -> int:
    from interpreter import BasicSyntaxError, load_source

    with pytest.raises(BasicSyntaxError) as caught:
        load_source(path.read_text(encoding="utf-8"), str(path), debug=True)
    return caught.value.diagnostics[0].col


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    from app.memory.store import MemoryStore

    _client_installed()
    folder = tmp_path_factory.mktemp("dialogs")
    for name, source in DIALOGS.items():
        (folder / name).write_text(source, encoding="utf-8")
    (folder / "link").symlink_to(folder, target_is_directory=True)
    big = db_url(tmp_path_factory.mktemp("bigdb"))
    with MemoryStore(big) as store:
        for i in range(1200):
            store.set("default", f"key{i:04d}", f"value {i}")
    config = {"python": sys.executable, "root": str(ROOT), "dir": str(folder),
              "db": db_url(folder), "bigDb": big,
              "brokenColumn": _broken_column(folder / "broken.bas")}
    done = subprocess.run([NODE, str(CLIENT / "run.js"), json.dumps(config)], cwd=CLIENT,
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "fatal" not in report, report["fatal"]
    return {c["name"]: c for c in report["checks"]}


CHECKS = [
    "1 evaluate GET_BOT_MEMORY in hover, watch and repl",
    "2 a list of 300 pages with start/count and nests without empty arrows",
    "3 the Bot memory scope counts 1,200 keys and pages through them",
    "4 frames and breakpoints keep the symlinked path",
    "5 a refused HEAR answer shows the validation message",
    "6 NEXT and END FUNCTION breakpoints stay in their block",
    "7 columnsStartAt1 false",
    "8 exception filters, variables filter, data access, argument types",
    "8 one terminated event",
    "9 pause interrupts WAIT",
    "10 TCP: token in launch, a second client is told it is busy",
]


def test_every_check_ran(results: dict[str, dict]) -> None:
    assert sorted(results) == sorted(CHECKS)


@pytest.mark.parametrize("name", CHECKS)
def test_vscode_debug_client(results: dict[str, dict], name: str) -> None:
    check = results[name]
    assert check["ok"], check.get("error")
