"""Fuzzing: random token soups and mutated real dialogs never make Talkbench raise.

``check_source`` must return diagnostics with positions; a run (small step budget, a timeout,
a channel that always answers) may only end normally or with BasicSyntaxError /
BasicRuntimeError carrying a file, line and column. Every script that once broke this lives
in ``crashers/`` and is replayed by ``test_crashers_regression``.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import BasicRuntimeError, BasicSyntaxError, Runtime, check_source, load_source
from interpreter.library.builtins.core import BUILTINS
from interpreter.ports.host import BotMessage, DictMemory, HearRequest
from interpreter.runtime.engine import MAX_DEPTH
from interpreter.syntax.nesting import MAX_BLOCK_DEPTH, MAX_EXPR_DEPTH, MAX_LOOP_DEPTH, MAX_NESTING

# Runtime.run raises the recursion limit once; doing it first keeps hypothesis from warning.
sys.setrecursionlimit(max(sys.getrecursionlimit(), MAX_DEPTH * 4 + 500))

ROOT = Path(__file__).resolve().parents[2]
CRASHERS = Path(__file__).parent / "crashers"
FILE = "fuzz.bas"
RUN_TIMEOUT = 2.0  # the runtime's own timeout; the outer guard below is a hang detector
HANG_GUARD = 10.0
CHECK_SECONDS = 5.0  # check of one small script; the exponential lint walk took minutes

FAST = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# The slow run's size: TALKBENCH_FUZZ_EXAMPLES=50000 for a soak.
SLOW = settings(max_examples=int(os.environ.get("TALKBENCH_FUZZ_EXAMPLES", "1500")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class AnsweringChannel:
    """Answers every HEAR (cycling through plausible answers) and records TALKs."""

    ANSWERS = ("1", "yes", "ada@example.com", "", "2024-01-31", "-3.5", "x" * 50)

    def __init__(self) -> None:
        self.count = 0
        self.talks: list[str] = []

    async def talk(self, message: BotMessage) -> None:
        self.talks.append(message.text)

    async def hear(self, request: HearRequest) -> str:
        self.count += 1
        return self.ANSWERS[self.count % len(self.ANSWERS)]


def _corpus() -> list[str]:
    """The sample dialogs plus the multi-line BASIC snippets of the interpreter tests."""
    scripts = [p.read_text(encoding="utf-8") for p in sorted(
        (ROOT / "resources" / "samples").glob("*.bas"))]
    for test_file in sorted(Path(__file__).parent.rglob("test_*.py")):
        if test_file.name in ("test_fuzz.py", "test_sandbox.py"):
            continue
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "\n" in node.value.strip() and re.search(
                        r"\b(TALK|HEAR|SET|IF|FOR|NEXT|END)\b", node.value):
                scripts.append(node.value)
    return scripts


CORPUS = _corpus()

TOKENS = [
    "TALK", "HEAR", "AS", "INTEGER", "EMAIL", "DATE", "IF", "THEN", "ELSE", "ELSEIF", "END IF",
    "FOR", "EACH", "IN", "TO", "STEP", "NEXT", "END FOR", "DO", "WHILE", "UNTIL", "LOOP", "WEND",
    "SELECT CASE", "CASE", "END SELECT", "SWITCH", "SUB", "FUNCTION", "END SUB", "END FUNCTION",
    "CALL", "RETURN", "EXIT", "WITH", "END WITH", "BEGIN TALK", "END TALK", "SET BOT MEMORY",
    "GET BOT MEMORY", "SET_BOT_MEMORY", "PARAM", "DESCRIPTION", "ON", "WAIT", "PRINT", "FORMAT",
    "AND", "OR", "NOT", "MOD", "IS", "NULL", "LIKE", "CONTAINS", "x", "y", "list", "f", "i",
    "__import__", "__class__", "eval", "open", "0", "1", "-1", "2.5", "10", "1e3", "99999999999",
    '"a"', '""', '"${x}"', '"${', '"', "'comment", "(", ")", "[", "]", "{", "}", "#{", ",", ":",
    ".", "?.", "=", "==", "<>", "<", ">=", "+", "-", "*", "/", "\\", "^", "&", "??", "!", "\n",
    "\n", "\n", "\t", "\r\n", "UBOUND(", "LEN(", "LEFT(", "MID(", "REPLACE(", "SPLIT(", "JOIN(",
    "RANGE(", "REPEAT(", "VAL(", "INT(", "ROUND(", "NOW()", "DATEADD(", "\u00e9", "\U0001f600",
    "\x00",
]


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(TOKENS), max_size=60))
    seps = draw(st.lists(st.sampled_from([" ", "", "\n"]), min_size=len(words),
                         max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "truncate",
                                       "char"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + " " + text[i:]
        elif action == "swap":
            lines = text.split("\n")
            a = draw(st.integers(0, len(lines) - 1))
            b = draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif action == "truncate":
            text = text[:i]
        else:
            text = text[:i] + draw(st.characters(codec="utf-8")) + text[i + 1:]
    return text


BUILTIN_NAMES = sorted({b.name for b in BUILTINS.values()} - {"RANDOM", "GUID"})
ARGUMENTS = ["0", "1", "-1", "2.5", "-0.5", "10 ^ 15", "1 / 3", '""', '"abc"', '"12"',
             '"2024-02-29"', '"a,b,,c"', '" x "', "NULL", "TRUE", "[]", "[1, 2, 3]",
             '["b", "a"]', '[[1], [2, [3]]]', '{"a": 1}', '#{k: "v"}', "NOW()", "TODAY()",
             '"${1}"', '"\u00e9\U0001f600"', '"%"', '"#,##0.00"', '"dd/MM/yyyy"', "x", "l"]


@st.composite
def builtin_calls(draw: st.DrawFn) -> str:
    """Statements calling built-ins with odd arguments (also nested in each other)."""
    lines = ['x = "5"', "l = [3, 1, 2]"]
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(BUILTIN_NAMES)).replace(" ", "_")
        args = draw(st.lists(st.sampled_from(ARGUMENTS), max_size=4))
        if args and draw(st.booleans()):
            inner = draw(st.sampled_from(BUILTIN_NAMES)).replace(" ", "_")
            args[0] = f"{inner}({args[0]})"
        lines.append(f"TALK {name}({', '.join(args)})")
    return "\n".join(lines) + "\n"


def check_never_raises(source: str) -> list:
    start = time.monotonic()
    diagnostics = check_source(source, FILE)
    assert time.monotonic() - start < CHECK_SECONDS, "check_source took too long"
    assert isinstance(diagnostics, list)
    for d in diagnostics:
        assert d.file == FILE and d.line >= 1 and d.col >= 1 and d.message, d
    return diagnostics


def run_never_raises(source: str, max_ticks: int = 200) -> Runtime | None:
    """Run ``source``; returns the finished runtime, None when it stopped on a BASIC error."""
    try:
        compiled = load_source(source, FILE)
    except BasicSyntaxError as e:
        assert e.diagnostics, "a syntax error must list its diagnostics"
        for d in e.diagnostics:
            assert d.file == FILE and d.line >= 1 and d.col >= 1, d
        return None
    runtime = Runtime(compiled, AnsweringChannel(), DictMemory(), max_ticks=max_ticks,
                      timeout=RUN_TIMEOUT, skip_waits=True)

    async def go() -> None:
        await asyncio.wait_for(runtime.run(), HANG_GUARD)

    try:
        asyncio.run(go())
    except BasicRuntimeError as e:
        assert e.file == FILE and e.line >= 1 and e.col >= 1 and e.message, e.format()
        assert "internal error" not in e.message, e.format()
        return None
    return runtime


def exercise(source: str) -> None:
    check_never_raises(source)
    run_never_raises(source)


# ---------------------------------------------------------------- property tests


@FAST
@given(token_soup())
def test_token_soup_never_raises(source: str) -> None:
    exercise(source)


@FAST
@given(mutated())
def test_mutated_dialogs_never_raise(source: str) -> None:
    exercise(source)


@FAST
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(source: str) -> None:
    exercise(source)


@FAST
@given(builtin_calls())
def test_builtin_calls_with_odd_arguments_never_raise(source: str) -> None:
    exercise(source)


@pytest.mark.slow
@SLOW
@given(st.one_of(token_soup(), mutated(), st.text(max_size=400), builtin_calls()))
def test_fuzz_many_cases(source: str) -> None:
    exercise(source)


def test_corpus_is_not_empty_and_runs_clean() -> None:
    """The unmutated corpus is the baseline the mutations start from."""
    assert len(CORPUS) >= 20
    for source in CORPUS:
        exercise(source)


# ---------------------------------------------------------------- crashers found


def _crashers() -> list[Path]:
    return sorted(CRASHERS.glob("*.bas"))


def _expectation(source: str) -> str:
    """The first line of a crasher says what must happen: ``' expect: <text>``."""
    match = re.match(r"' expect: (.*)", source)
    assert match, "a crasher starts with a line \"' expect: ok\" or \"' expect: <message>\""
    return match.group(1).strip()


@pytest.mark.parametrize("path", _crashers(), ids=lambda p: p.stem)
def test_crashers_regression(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected = _expectation(source)
    diagnostics = check_never_raises(source)
    messages = [d.message for d in diagnostics]
    try:
        compiled = load_source(source, FILE)
    except BasicSyntaxError as e:
        messages += [d.message for d in e.diagnostics]
        assert expected != "ok", messages
        assert any(expected in m for m in messages), messages
        return
    runtime = Runtime(compiled, AnsweringChannel(), DictMemory(), timeout=RUN_TIMEOUT,
                      skip_waits=True)
    try:
        asyncio.run(asyncio.wait_for(runtime.run(), HANG_GUARD))
    except BasicRuntimeError as e:
        assert expected in e.message, e.format()
        assert e.line >= 1
        return
    assert expected == "ok", f"expected {expected!r}, but the run ended normally"
    assert runtime.channel.talks, "a crasher that runs clean says what it computed"


def test_crasher_corpus_exists() -> None:
    assert len(_crashers()) >= 5


def test_scripts_at_the_nesting_limits_still_compile() -> None:
    """The parser's limits sit below Python's: the deepest script they accept compiles."""
    lines = ["SUB deep(n)"]
    for i in range(MAX_LOOP_DEPTH // 2):
        lines += [f"FOR i{i} = 1 TO 2", "DO WHILE n < 0"]
    lines.append("EXIT FOR")  # the innermost FOR then needs a try block as well
    lines.append("TALK " + " < ".join(f"x{i}" for i in range(MAX_EXPR_DEPTH - 1)))
    lines.append("TALK " + " AND ".join(f"x{i}" for i in range(MAX_EXPR_DEPTH - 1)))
    lines.append('TALK "${' + " & ".join(f"x{i}" for i in range(MAX_EXPR_DEPTH - 2)) + '}"')
    lines.append("x = " + "(" * (MAX_NESTING - 2) + "1" + ")" * (MAX_NESTING - 2))
    lines += ["LOOP", "NEXT"] * (MAX_LOOP_DEPTH // 2)
    lines.append("END SUB")
    lines.append("IF 1 THEN\n" * (MAX_BLOCK_DEPTH - 1) + "CALL deep(1)\n" +
                 "END IF\n" * (MAX_BLOCK_DEPTH - 1))
    source = "\n".join(lines)
    assert [d for d in check_source(source) if d.severity.value == "error"] == []
    for debug in (False, True):
        load_source(source, FILE, debug=debug)
    deeper = source.replace("SUB deep(n)", "SUB deep(n)\nFOR extra = 1 TO 2", 1).replace(
        "END SUB", "NEXT\nEND SUB", 1)
    assert any("loops are nested too deeply" in d.message for d in check_source(deeper))
