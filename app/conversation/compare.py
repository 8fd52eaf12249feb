"""Comparing an expected conversation test with what a replay produced, and showing the diff.

Both sides are rendered in the ``.chat`` syntax. Expected lines whose pattern matched are shown
with the actual text, so a diff (unified or side by side) only marks what really differs.
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass
from pathlib import Path

from .chat_format import (
    ChatTest,
    MemoryExpectation,
    Pattern,
    Step,
    StepKind,
    render_entry,
    render_step,
)


@dataclass(frozen=True)
class Outcome:
    """What a replay produced: the steps (exact texts), how it ended, the final memory."""

    steps: tuple[Step, ...]
    ends_waiting: bool
    memory: dict[str, str]
    problems: tuple[str, ...] = ()  # replay trouble beyond a mismatch (timeout, more input)


@dataclass(frozen=True)
class ReplayResult:
    path: Path
    passed: bool
    reasons: tuple[str, ...]
    expected: tuple[str, ...]  # rendered lines; matched patterns show the actual text
    actual: tuple[str, ...]

    def diff(self) -> str:
        """A unified diff of expected vs actual (empty when they agree)."""
        lines = difflib.unified_diff(list(self.expected), list(self.actual), "expected",
                                     "actual", lineterm="", n=3)
        return "\n".join(lines)


class RowTag(enum.Enum):
    SAME = "same"
    CHANGED = "changed"
    MISSING = "missing"  # expected only
    EXTRA = "extra"  # actual only


@dataclass(frozen=True)
class DiffRow:
    expected: str | None
    actual: str | None
    tag: RowTag


def side_by_side(expected: tuple[str, ...], actual: tuple[str, ...]) -> list[DiffRow]:
    """Rows for a two-column view: equal lines side by side, differences aligned."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [DiffRow(expected[i], actual[j], RowTag.SAME)
                     for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        left, right = list(expected[i1:i2]), list(actual[j1:j2])
        for k in range(max(len(left), len(right))):
            e = left[k] if k < len(left) else None
            a = right[k] if k < len(right) else None
            tag = RowTag.CHANGED if e is not None and a is not None else (
                RowTag.MISSING if a is None else RowTag.EXTRA)
            rows.append(DiffRow(e, a, tag))
    return rows


# ------------------------------------------------------------------ steps


def _align(expected: tuple[Step, ...], actual: tuple[Step, ...]) -> list[tuple[int, int]]:
    """Index pairs of the longest in-order matching of steps by text (an LCS)."""
    n, m = len(expected), len(actual)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if expected[i].matches(actual[j]):
                best[i][j] = best[i + 1][j + 1] + 1
            else:
                best[i][j] = max(best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if expected[i].matches(actual[j]) and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _short(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."


def _describe(step: Step) -> str:
    shown = f"{step.kind.value} {_short(step.text)!r}"
    if step.kind is StepKind.FILE and step.caption.text:
        shown += f" with caption {_short(step.caption.text)!r}"
    return shown


def _step_reasons(test: ChatTest, actual: tuple[Step, ...]) -> list[str]:
    reasons = []
    for k, (e, a) in enumerate(zip(test.steps, actual), 1):
        where = f"line {e.line}: " if e.line else ""
        if not e.matches(a):
            if e.kind is a.kind is StepKind.FILE and e.pattern.matches(a.text):
                reasons.append(f"{where}step {k}: file {a.text!r}: expected caption "
                               f"{_short(e.caption.text)!r}, got {_short(a.caption.text)!r}")
            else:
                reasons.append(f"{where}step {k}: expected {_describe(e)}, got {_describe(a)}")
            return reasons
        if e.kind is StepKind.BOT and e.suggestions != a.suggestions:
            reasons.append(f"{where}step {k}: expected suggestions {list(e.suggestions)}, "
                           f"got {list(a.suggestions)}")
            return reasons
    if len(actual) > len(test.steps):
        extra = actual[len(test.steps)]
        if extra.kind is StepKind.ERROR:
            reasons.append(f"the run failed: {extra.text}")
        else:
            reasons.append(f"the run went on after the last expected step: {_describe(extra)}")
    elif len(actual) < len(test.steps):
        reasons.append(f"the run ended before expected {_describe(test.steps[len(actual)])}")
    return reasons


def _render_steps(test: ChatTest, actual: tuple[Step, ...]) -> tuple[list[str], list[str]]:
    matched = dict(_align(test.steps, actual))
    expected_lines: list[str] = []
    for i, step in enumerate(test.steps):
        if i in matched:
            # Show the actual text for a matching pattern, but keep expected suggestions.
            got = actual[matched[i]]
            shown = Step(step.kind, Pattern(got.text), step.suggestions, 0,
                         Pattern(got.caption.text))
            expected_lines += render_step(shown)
        else:
            expected_lines += render_step(step)
    actual_lines = [line for step in actual for line in render_step(step)]
    return expected_lines, actual_lines


# ------------------------------------------------------------------ memory


def _memory_lines(expected: tuple[MemoryExpectation, ...], actual: dict[str, str]
                  ) -> tuple[list[str], list[str], list[str]]:
    exp_lines, act_lines, reasons = [], [], []
    for entry in expected:
        value = actual.get(entry.key)
        if value is not None and entry.pattern.matches(value):
            exp_lines += render_entry(entry.key, Pattern(value))
        else:
            exp_lines += render_entry(entry.key, entry.pattern)
            got = "no such key" if value is None else repr(value)
            reasons.append(f"memory {entry.key!r}: expected {entry.pattern.text!r}, got {got}")
        if value is not None:
            act_lines += render_entry(entry.key, Pattern(value))
    listed = {e.key for e in expected}
    for key in sorted(k for k in actual if k not in listed):
        act_lines += render_entry(key, Pattern(actual[key]))
        reasons.append(f"memory {key!r} = {actual[key]!r} is not expected")
    return exp_lines, act_lines, reasons


# ------------------------------------------------------------------ verdict


def compare(test: ChatTest, outcome: Outcome) -> ReplayResult:
    """Pass when every step, the suggestions, the ending and (if listed) the memory match."""
    reasons = list(outcome.problems)
    reasons += _step_reasons(test, outcome.steps)
    expected, actual = _render_steps(test, outcome.steps)
    if test.ends_waiting:
        expected.append("end: waiting")
    if outcome.ends_waiting:
        actual.append("end: waiting")
    if test.ends_waiting and not outcome.ends_waiting:
        reasons.append("expected the run to end waiting for more input, but it did not")
    if test.memory is not None:
        exp_mem, act_mem, mem_reasons = _memory_lines(test.memory, outcome.memory)
        expected += ["", "memory:"] + exp_mem
        actual += ["", "memory:"] + act_mem
        reasons += mem_reasons
    path = test.path if test.path is not None else Path("<chat>")
    return ReplayResult(path, not reasons, tuple(reasons), tuple(expected), tuple(actual))


def error_result(path: Path, message: str) -> ReplayResult:
    """A test that could not run at all (missing dialog, syntax error)."""
    return ReplayResult(path, False, (message,), (), ())
