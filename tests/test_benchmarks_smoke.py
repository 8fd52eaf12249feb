"""The benchmarks must keep running: one quick pass of ``benchmarks/run_all.py`` (tiny sizes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from _report import Goal, Measurement, percentile
from run_all import BENCHES, parse_memory_writes


@pytest.fixture(scope="module")
def quick_run() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCHMARKS / "run_all.py"), "--quick"],
                          capture_output=True, text=True, timeout=120, check=False)


def test_quick_run_exits_0_with_a_ratio_row_for_every_benchmark(quick_run):
    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    rows = quick_run.stdout.split("\n\n")[-2].splitlines()  # the final table
    for bench in BENCHES:
        ratios = [r for r in rows if r.startswith(bench.name + " ")
                  and re.search(r"\s\d+\.\d\dx\s", r)]
        assert ratios, f"no ratio row for {bench.name}:\n{quick_run.stdout}"
    assert "CRASHED" not in quick_run.stdout
    assert re.search(r"^\d+/\d+ targets met", quick_run.stdout, re.MULTILINE)


def test_missed_targets_are_marked_not_failed():
    slow = Measurement("x", "slow", 30.0, 10.0, "ms", Goal.RATIO_AT_MOST, 2.0)
    fast = Measurement("x", "fast", 3.0, None, "ms", Goal.OURS_BELOW, 16.0)
    assert slow.ratio == 3.0 and slow.met is False
    assert fast.ratio is None and fast.met is True
    assert Measurement.from_line(slow.to_line()) == slow


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([5.0], 99) == 5.0


def test_memory_writes_text_becomes_rows():
    text = ("memory writes (10,000 SET_BOT_MEMORY, SQLite)\n"
            "  ours (script until all landed):    150.0 ms\n"
            "  baseline (raw sqlite3):             75.0 ms\n"
            "  throughput ratio ours/baseline:     0.50x   (target >= 0.5x)\n"
            "  mean SET statement cost:            9.50 us  (target < 20 us)\n")
    total, per_set = parse_memory_writes(text)
    assert (total.ours, total.baseline, total.ratio, total.met) == (150.0, 75.0, 2.0, True)
    assert (per_set.ours, per_set.unit, per_set.met) == (9.5, "µs", True)
