"""Run every benchmark, each in its own process, and print one table of figures vs baselines.

    python benchmarks/run_all.py [--quick] [--only NAME]

For each measurement: our figure, the baseline measured in the same run, the ratio
(ours/baseline) and the target with ✓ or ✗. Targets are goals: the exit status is 0 unless a
benchmark crashed (or printed nothing this script can read). ``--quick`` uses tiny sizes and
one repetition (the smoke test runs it); ``--only`` picks benchmarks by name (repeatable).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _report import Goal, Measurement, table


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    takes_quick: bool = True  # memory_writes.py has no options


BENCHES = [
    Bench("interpreter", "interpreter_bench.py"),
    Bench("memory", "memory_writes.py", takes_quick=False),
    Bench("barrier", "commit_barrier_bench.py"),
    Bench("editor", "editor_bench.py"),
    Bench("ui", "ui_latency_bench.py"),
    Bench("chat", "chat_bench.py"),
    Bench("startup", "startup_bench.py"),
    Bench("lsp", "lsp_bench.py"),
    Bench("flow", "flow_bench.py"),
]

_FIGURE = r"([0-9][0-9,]*\.?[0-9]*)"


def parse_memory_writes(out: str) -> list[Measurement]:
    """Figures of memory_writes.py's text output (it is another author's script; its text
    is passed through as well, so a format change loses the table rows, not the figures)."""

    def grab(label: str) -> float | None:
        m = re.search(re.escape(label) + r"[^:\n]*:\s*" + _FIGURE, out)
        return float(m.group(1).replace(",", "")) if m else None

    ours, base, per_set = grab("ours"), grab("baseline"), grab("SET statement cost")
    count = re.search(r"\(([0-9,]+) SET_BOT_MEMORY", out)
    n = count.group(1) if count else "?"
    found = []
    if ours is not None and base is not None:
        found.append(Measurement(
            "memory", f"{n} SET_BOT_MEMORY until landed (SQLite)", ours, base, "ms",
            Goal.RATIO_AT_MOST, 2.0,
            "baseline: raw sqlite3 executemany; ≤ 2x time = ≥ 0.5x throughput"))
    if per_set is not None:
        unit = "µs" if re.search(r"SET statement cost:\s*[0-9.,]+\s*(us|µs)", out) else "?"
        found.append(Measurement("memory", "one SET statement until it returns, mean", per_set,
                                 None, unit, Goal.OURS_BELOW, 20.0, "script vs same loop without SET"))
    return found


def run_one(bench: Bench, quick: bool) -> tuple[list[Measurement], str, float]:
    """(measurements, problem text or "", seconds)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    cmd = [sys.executable, str(HERE / bench.script)]
    if quick and bench.takes_quick:
        cmd.append("--quick")
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900, check=False)
    except subprocess.TimeoutExpired:
        return [], "timed out after 900 s", time.perf_counter() - start
    took = time.perf_counter() - start
    if bench.script == "memory_writes.py":
        print("\n".join("    " + line for line in done.stdout.rstrip().splitlines()))
        found = parse_memory_writes(done.stdout)
    else:
        found = [m for m in map(Measurement.from_line, done.stdout.splitlines()) if m]
    problem = ""
    if done.returncode != 0:
        problem = f"exit status {done.returncode}:\n{done.stderr[-3000:]}"
    elif not found:
        problem = f"no measurements in its output:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    return found, problem, took


def worst(found: list[Measurement]) -> str:
    """The measurement furthest from its target, for the summary line."""
    def distance(m: Measurement) -> float:
        if m.goal is Goal.RATIO_AT_MOST and m.ratio is not None:
            return m.ratio / m.target
        if m.goal is Goal.RATIO_AT_LEAST and m.ratio:
            return m.target / m.ratio
        if m.goal is Goal.OURS_BELOW and m.target:
            return m.ours / m.target
        return 0.0

    scored = [m for m in found if m.target is not None]
    if not scored:
        return ""
    m = max(scored, key=distance)
    ratio = "" if m.ratio is None else f", ratio {m.ratio:.2f}x"
    return f"; furthest from target: {m.name} ({m.ours:.3g} {m.unit}{ratio})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this benchmark: " + ", ".join(b.name for b in BENCHES))
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    unknown = set(args.only) - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}")
    results: list[Measurement] = []
    failed: list[str] = []
    for bench in chosen:
        print(f"== {bench.name} ({bench.script})", flush=True)
        found, problem, took = run_one(bench, args.quick)
        results += found
        met = sum(1 for m in found if m.met)
        goals = sum(1 for m in found if m.met is not None)
        print(f"   {len(found)} measurements in {took:.1f} s, {met}/{goals} targets met"
              f"{worst(found)}", flush=True)
        if problem:
            failed.append(bench.name)
            print(f"   CRASHED: {problem}", flush=True)
    print()
    print(table(results))
    met = [m.met for m in results if m.met is not None]
    print(f"\n{sum(met)}/{len(met)} targets met (targets are goals, not failures)")
    if failed:
        print(f"benchmarks that crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
