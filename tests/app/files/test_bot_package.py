"""Bot packages (.gbai): layout, config.csv param-* variables, start.bas as entry, CLI run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.commands import main
from app.db.database import sqlite_url
from app.files.bot_package import (
    PackageError,
    config_variables,
    load_package,
    package_for,
    run_target,
)


def make_package(root: Path, name: str = "crm", start: str | None = None) -> Path:
    pkg = root / f"{name}.gbai"
    (pkg / f"{name}.gbdialog").mkdir(parents=True)
    (pkg / f"{name}.gbot").mkdir()
    (pkg / f"{name}.gbkb").mkdir()
    (pkg / f"{name}.gbot" / "config.csv").write_text(
        "name,value\nparam-limit,100\nparam-rate,2.5\nparam-Enabled,TRUE\n"
        "param-blingClientID,\nparam-greeting,\"Hello, world\"\nllm-model,gpt-x\n",
        encoding="utf-8")
    if start is not None:
        (pkg / f"{name}.gbdialog" / "start.bas").write_text(start, encoding="utf-8")
    (pkg / f"{name}.gbdialog" / "report.bas").write_text('TALK "report"\n', encoding="utf-8")
    return pkg


def test_package_layout_and_typed_param_variables(tmp_path: Path) -> None:
    pkg = load_package(make_package(tmp_path, start='TALK "hi"\n'))
    assert pkg.name == "crm"
    assert [p.name for p in pkg.dialogs] == ["start.bas", "report.bas"]
    assert pkg.entry is not None and pkg.entry.name == "start.bas"
    assert pkg.kb_dir is not None and pkg.kb_dir.name == "crm.gbkb"
    assert pkg.variables == {"limit": 100, "rate": 2.5, "enabled": True, "blingclientid": "",
                             "greeting": "Hello, world"}
    assert config_variables({"param-limit": "100"}) == {"limit": 100}  # the reference vector


def test_package_for_a_dialog_and_not_a_package(tmp_path: Path) -> None:
    pkg_dir = make_package(tmp_path)
    found = package_for(pkg_dir / "crm.gbdialog" / "report.bas")
    assert found is not None and found.name == "crm"
    assert package_for(tmp_path / "loose.bas") is None
    (tmp_path / "plain").mkdir()
    with pytest.raises(PackageError, match="not a bot package"):
        load_package(tmp_path / "plain")
    with pytest.raises(PackageError, match="no start.bas"):
        run_target(pkg_dir)
    script, bot, variables = run_target(pkg_dir / "crm.gbdialog" / "report.bas", "other")
    assert script.name == "report.bas" and bot == "other" and variables["limit"] == 100


def test_cli_runs_start_bas_with_param_variables_and_the_package_bot(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = make_package(tmp_path, start='TALK "limit is " + (limit + 1)\n'
                                       'SET BOT MEMORY "greeting", greeting\n'
                                       'TALK blingclientid = ""\n')
    db = sqlite_url(tmp_path / "m.sqlite3")
    assert main(["run", str(pkg), "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == ["limit is 101", "true"]
    assert main(["memory", "get", "greeting", "--db", db, "--bot", "crm"]) == 0
    assert "Hello, world" in capsys.readouterr().out


def test_cli_run_of_a_package_without_start_fails_clearly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = make_package(tmp_path)
    assert main(["run", str(pkg), "--db", sqlite_url(tmp_path / "m.sqlite3")]) == 1
    assert "no start.bas" in capsys.readouterr().err


def test_talkbench_entry_point_runs_a_package(tmp_path: Path) -> None:
    pkg = make_package(tmp_path, start='TALK "rate " + rate\n')
    res = subprocess.run([sys.executable, "-m", "app", "run", str(pkg), "--db",
                          sqlite_url(tmp_path / "m.sqlite3")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "rate 2.5"


def test_a_param_past_64_bits_stays_text() -> None:
    """Every integer in a run is an i64 (Rhai's INT); a config value past that range would
    defeat the overflow checks, so it reaches the dialog as the text it is."""
    from app.files.bot_package import typed_value

    assert typed_value("9223372036854775807") == 2**63 - 1
    assert typed_value("-9223372036854775808") == -(2**63)
    assert typed_value("9223372036854775808") == "9223372036854775808"
