"""The engine-compatibility settings: which General Bots build, and warnings or errors.

Read from TALKBENCH_ENGINE_BUILD / TALKBENCH_ENGINE_ERRORS, the bot's config.csv
(talkbench-engine-build / talkbench-engine-errors) and ``talkbench check --engine-errors``
/ ``--engine``; the debug adapter refuses to launch a dialog with engine errors when set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.services.settings import load_settings
from interpreter.compat import EngineBuild, EngineOptions

ROOT = Path(__file__).resolve().parents[3]
# lib.rs preprocess_basic (botbasic_compiler) drops every line that starts with "REM".
DROPPED = "REMAINING = 3\nTALK REMAINING\n"


def check(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
          source: str = DROPPED) -> subprocess.CompletedProcess[str]:
    dialog = tmp_path / "d.bas"
    dialog.write_text(source, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "app", "check", *args, str(dialog)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_defaults_are_the_newest_build_and_warnings() -> None:
    settings = load_settings(environ={})
    assert settings.engine_options() == EngineOptions(EngineBuild.GB_2026_05, errors=False)


def test_environment_and_config_csv_make_them_errors(tmp_path: Path) -> None:
    assert load_settings(environ={"TALKBENCH_ENGINE_ERRORS": "error"}).engine_options().errors
    bot = tmp_path / "shop.gbot"
    bot.mkdir()
    (bot / "config.csv").write_text("name,value\ntalkbench-engine-errors,error\n")
    assert load_settings(tmp_path, environ={}).engine_options().errors


def test_an_unknown_build_or_choice_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown General Bots build '1999-01'"):
        load_settings(environ={"TALKBENCH_ENGINE_BUILD": "1999-01"})
    with pytest.raises(ValueError, match="engine_errors must be warn or error"):
        load_settings(environ={"TALKBENCH_ENGINE_ERRORS": "maybe"})


def test_check_warns_by_default_and_exits_0(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "d.bas:1:1: warning: General Bots 2026-05 drops this line" in result.stdout


def test_check_engine_errors_flag_fails_the_check(tmp_path: Path) -> None:
    result = check(tmp_path, "--engine-errors")
    assert result.returncode == 1
    assert "d.bas:1:1: error: General Bots 2026-05 drops this line" in result.stdout


def test_check_reads_the_environment(tmp_path: Path) -> None:
    result = check(tmp_path, env={"TALKBENCH_ENGINE_ERRORS": "error"})
    assert result.returncode == 1
    assert ": error: General Bots 2026-05" in result.stdout


def test_check_names_the_build_and_rejects_unknown_ones(tmp_path: Path) -> None:
    assert check(tmp_path, "--engine", "2026-05").returncode == 0
    result = check(tmp_path, "--engine", "2019-01")
    assert result.returncode == 2
    assert "unknown General Bots build '2019-01' (known: 2026-05)" in result.stderr


def test_check_stays_quiet_on_a_dialog_the_engine_converts(tmp_path: Path) -> None:
    result = check(tmp_path, "--engine-errors", source='remaining = 3\nTALK remaining\n')
    assert (result.returncode, result.stdout) == (0, "")


def test_debug_adapter_refuses_a_dialog_with_engine_errors(tmp_path: Path) -> None:
    from app.dap.target import _compile
    from interpreter import BasicSyntaxError

    dialog = tmp_path / "d.bas"
    dialog.write_text(DROPPED, encoding="utf-8")
    assert _compile(dialog)[0].program.body  # warnings only: it launches
    bot = tmp_path / "shop.gbot"
    bot.mkdir()
    (bot / "config.csv").write_text("talkbench-engine-errors,error\n")
    with pytest.raises(BasicSyntaxError) as raised:
        _compile(dialog)
    assert "General Bots 2026-05 drops this line" in raised.value.diagnostics[0].message
