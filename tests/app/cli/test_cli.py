"""``talkbench`` end to end in a subprocess: stdin/stdout, exit codes, signals."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "resources" / "samples"


def talkbench(*args: str, stdin: str = "", db: Path | None = None, timeout: float = 60,
              env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    if db is not None:
        full_env["TALKBENCH_DB"] = f"sqlite:///{db}"
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=timeout, env=full_env,
                          check=False)


def memory_rows(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT key, value FROM bot_memories"))


def test_run_greeting_talks_hears_and_remembers(tmp_path):
    db = tmp_path / "m.db"
    first = talkbench("run", str(SAMPLES / "greeting.bas"), stdin="ada lovelace\n", db=db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "Hello! I don't think we've met.", "What is your name?",
        "Nice to meet you, Ada Lovelace!"]
    second = talkbench("run", str(SAMPLES / "greeting.bas"), stdin="bob\n", db=db)
    assert second.stdout.splitlines()[0] == \
        "Welcome back! The last person I talked to was Ada Lovelace."
    assert memory_rows(db)["last_visitor"] == "Bob"


def test_counter_survives_restarts_and_bot_option_scopes_memory(tmp_path):
    db = tmp_path / "m.db"
    for expected in ("This is the first visit ever.", "This bot has been visited 2 times."):
        out = talkbench("run", str(SAMPLES / "counter.bas"), db=db)
        assert out.stdout.strip() == expected
    other = talkbench("run", str(SAMPLES / "counter.bas"), "--bot", "other", db=db)
    assert other.stdout.strip() == "This is the first visit ever."


def test_every_sample_runs_headless(tmp_path):
    answers = {"menu.bas": "2\n", "shopping-list.bas": "milk\n", "greeting.bas": "x y\n",
               "order-tool.bas": "tea\n3\n"}
    for sample in sorted(SAMPLES.glob("*.bas")):
        out = talkbench("run", str(sample), stdin=answers.get(sample.name, ""),
                        db=tmp_path / "s.db")
        assert out.returncode == 0, (sample.name, out.stderr)
        assert out.stdout.strip(), sample.name


def test_input_file_print_to_stderr(tmp_path):
    script = tmp_path / "p.bas"
    script.write_text('PRINT "to the log"\nHEAR a\nHEAR b\nTALK a + "/" + b\n')
    answers = tmp_path / "answers.txt"
    answers.write_text("one\ntwo\n")
    out = talkbench("run", str(script), "--input", str(answers), db=tmp_path / "m.db")
    assert out.returncode == 0 and out.stdout == "one/two\n"
    assert "to the log" in out.stderr


def test_runtime_error_exit_1_with_position(tmp_path):
    script = tmp_path / "err.bas"
    script.write_text('SET BOT MEMORY "before", "kept"\nTALK "hi"\nx = 1 / 0\n')
    out = talkbench("run", str(script), db=tmp_path / "m.db")
    assert out.returncode == 1
    assert f"{script}:3:7: error: Division by zero" in out.stderr  # at the /
    assert memory_rows(tmp_path / "m.db") == {"before": "kept"}


def test_syntax_errors_exit_2_and_touch_no_database(tmp_path):
    script = tmp_path / "bad.bas"
    script.write_text("x = (1 +\nIF a THEN\nTALK\n")
    out = talkbench("run", str(script), db=tmp_path / "m.db")
    assert out.returncode == 2 and out.stdout == ""
    assert f"{script}:1:5: error:" in out.stderr
    assert not (tmp_path / "m.db").exists()


def test_end_of_input_during_hear_is_an_error(tmp_path):
    out = talkbench("run", str(SAMPLES / "greeting.bas"), stdin="", db=tmp_path / "m.db")
    assert out.returncode == 1 and "no more input" in out.stderr


def test_check_reports_three_errors_with_lines_and_columns(tmp_path):
    bad = tmp_path / "three.bas"
    bad.write_text('TALK "ok"\nx = (1 + 2\ny = 3 *\nFOR i = 1 TO 3\nTALK i\n')
    out = talkbench("check", str(bad))
    assert out.returncode == 1
    lines = [line for line in out.stdout.splitlines() if ": error: " in line]
    assert [line.split(": error:")[0] for line in lines] == [
        f"{bad}:2:5", f"{bad}:3:8", f"{bad}:4:1"]


def test_check_warnings_do_not_fail_and_samples_are_clean(tmp_path):
    warn = tmp_path / "w.bas"
    warn.write_text("TALK never_set\nMyUnknownThing\n")
    out = talkbench("check", str(warn))
    assert out.returncode == 0
    assert "warning: variable 'never_set' is read but never assigned" in out.stdout
    assert "warning: unknown SUB or keyword 'MyUnknownThing'" in out.stdout
    warn.write_text("TALKK 1\n")  # with arguments: General Bots cannot parse it either
    out = talkbench("check", str(warn))
    assert out.returncode == 1
    assert "error: unknown SUB or keyword 'TALKK' (did you mean TALK?)" in out.stdout
    clean = talkbench("check", *[str(p) for p in sorted(SAMPLES.glob("*.bas"))])
    assert clean.returncode == 0 and ": error:" not in clean.stdout


def test_check_warns_where_production_stops_reading_a_windows_1252_dialog(tmp_path):
    # generalbots f59afde5 botdrive/src/drive_monitor/types.rs sync_bas_to_work: from_utf8.
    dialog = tmp_path / "latin.bas"
    dialog.write_bytes('x = 1\r\nTALK "Olá"\r\n'.encode("cp1252"))
    out = talkbench("check", str(dialog))
    assert out.returncode == 0
    assert f"{dialog}:2:9: warning: General Bots 2026-05 reads dialogs as UTF-8" in out.stdout
    assert "Windows-1252: byte 0xE1" in out.stdout
    out = talkbench("check", "--engine-errors", str(dialog))
    assert out.returncode == 1 and f"{dialog}:2:9: error: " in out.stdout


def test_missing_file_and_version():
    assert talkbench("check", "nope.bas").returncode == 1
    assert talkbench("run", "nope.bas").returncode == 1
    v = talkbench("--version")
    assert v.returncode == 0 and v.stdout.startswith("talkbench ")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_flushes_queued_writes_before_exit(tmp_path, sig):
    script = tmp_path / "loop.bas"
    script.write_text('i = 0\nDO\ni = i + 1\nSET BOT MEMORY "i", STR(i)\nSET BOT MEMORY "k" + '
                      '(i MOD 50), STR(i)\nIF i = 2000 THEN PRINT "ready"\nLOOP\n')
    db = tmp_path / "m.db"
    env = dict(os.environ, TALKBENCH_DB=f"sqlite:///{db}")
    proc = subprocess.Popen([sys.executable, "-m", "app", "run", str(script)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    line = ""
    while "ready" not in line and time.monotonic() < deadline:
        line = proc.stderr.readline()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err
    rows = memory_rows(db)
    last = int(rows["i"])
    assert last >= 2000
    # Every k-slot holds the value of its last write before the stop.
    assert all(int(rows[f"k{j}"]) > last - 50 for j in range(50))


def test_check_and_run_report_every_mistake_one_full_line_each(tmp_path):
    bad = tmp_path / "several.bas"
    bad.write_text('x = 1\nTALKK TALK "hi"\nPRNT x\nTALK "a" +\nIF x = 1 THEN\n  TALK "y"\n')
    expected = (f"{bad}:2:1: error: unknown SUB or keyword 'TALKK' (did you mean TALK?)\n"
                f"{bad}:3:1: error: unknown SUB or keyword 'PRNT' (did you mean PRINT?)\n"
                f"{bad}:4:11: error: expected a value, got end of line\n"
                f"{bad}:5:1: error: IF at line 5 is not closed: expected END IF, found end "
                f"of file\n")
    checked = talkbench("check", str(bad))
    assert (checked.returncode, checked.stdout, checked.stderr) == (1, expected, "")
    ran = talkbench("run", str(bad))
    assert (ran.returncode, ran.stdout, ran.stderr) == (2, "", expected)
