"""Shared by the benchmarks: one measurement type, timing helpers, and the table.

Each benchmark script prints its measurements as ``BENCH {json}`` lines on stdout (and a
readable table when run alone); ``run_all.py`` collects those lines from every subprocess and
prints one table. Targets are goals: a missed target is marked ✗, never an error.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import Enum

PREFIX = "BENCH "


class Goal(str, Enum):
    """What the target bounds: the ratio ours/baseline, or our own figure."""

    RATIO_AT_MOST = "ratio<="  # ours/baseline (times: lower is better)
    RATIO_AT_LEAST = "ratio>="  # ours/baseline (throughputs: higher is better)
    OURS_BELOW = "ours<"  # an absolute bound in the measurement's unit
    NONE = "none"  # informational


@dataclass(frozen=True)
class Measurement:
    bench: str  # the benchmark (script) it belongs to: "interpreter", "editor", …
    name: str  # what was measured
    ours: float
    baseline: float | None  # measured in the same run; None when there is nothing to compare
    unit: str  # "ms", "µs", "x" …
    goal: Goal = Goal.NONE
    target: float | None = None
    note: str = ""  # what the baseline is, repetitions …

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target is None or self.goal is Goal.NONE:
            return None
        if self.goal is Goal.OURS_BELOW:
            return self.ours < self.target
        if self.ratio is None:
            return None
        if self.goal is Goal.RATIO_AT_MOST:
            return self.ratio <= self.target
        return self.ratio >= self.target

    def to_line(self) -> str:
        data = asdict(self)
        data["goal"] = self.goal.value
        return PREFIX + json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_line(cls, line: str) -> Measurement | None:
        if not line.startswith(PREFIX):
            return None
        data = json.loads(line[len(PREFIX):])
        data["goal"] = Goal(data["goal"])
        return cls(**data)


def emit(m: Measurement) -> Measurement:
    """Print the machine-readable line (run_all parses it) and hand the measurement back."""
    print(m.to_line(), flush=True)
    return m


def report(results: list[Measurement]) -> int:
    """End of a benchmark's ``main``: the machine-readable lines, then the table; exit code 0."""
    for m in results:
        emit(m)
    print(table(results))
    return 0


def target_text(m: Measurement) -> str:
    if m.target is None or m.goal is Goal.NONE:
        return ""
    mark = "✓" if m.met else "✗"
    if m.goal is Goal.RATIO_AT_MOST:
        return f"≤ {m.target:g}x {mark}"
    if m.goal is Goal.RATIO_AT_LEAST:
        return f"≥ {m.target:g}x {mark}"
    return f"< {m.target:g} {m.unit} {mark}"


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.3g} {unit}" if abs(value) < 100 else f"{value:,.0f} {unit}"


def table(measurements: Iterable[Measurement]) -> str:
    rows = [("benchmark", "measurement", "ours", "baseline", "ratio", "target", "note")]
    for m in measurements:
        ratio = "—" if m.ratio is None else f"{m.ratio:.2f}x"
        rows.append((m.bench, m.name, _num(m.ours, m.unit), _num(m.baseline, m.unit), ratio,
                     target_text(m), m.note))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def best_of(repeat: int, fn: Callable[[], float]) -> float:
    """The fastest of ``repeat`` runs of ``fn`` (which returns seconds): least noise."""
    return min(fn() for _ in range(repeat))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)
