"""A check that reuses the previous check's work (tokens, physical lines, compiled pieces of
the generated code) reports exactly what a check from scratch reports, on random edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import check_source
from interpreter.checking import clear_caches
from interpreter.codegen.compile_cache import compiles, pieces
from interpreter.codegen.compiler import CodeGen
from interpreter.codegen.loading import compile_diagnostics, compile_or_diagnostic
from interpreter.errors import Severity
from interpreter.syntax.parser.core import parse

from ..syntax.pieces.edits import apply

SAMPLES = Path(__file__).resolve().parents[3] / "resources" / "samples"

# Lines with findings of every kind: syntax errors, codegen warnings and errors, lint, the
# General Bots compatibility rules, unsupported constructs, raw blocks, multi-line strings.
SNIPPETS = [
    'TALK "hello ${name}"', "TALK `hi ${name}", "bye ${x}`", "x = a ^ 2",
    "total = VAL(age) + 1", 'TALK "open',
    "IF x > 1 THEN", "END IF", "SUB Helper(a)", "END SUB", "FUNCTION Twice(v)",
    "RETURN v * 2", "END FUNCTION", "CALL Helper(1, 2)", "y = Twice(3)", "GOTO nowhere",
    "start:", "GOTO start", "FOR i = 1 TO 3", "NEXT i", "EXIT FOR", "x = (1 +",
    "result = x ? 1 : 2", "x = 1 ' a comment after code", "rem lower-case remark",
    "BEGIN TALK", "END TALK", "WHILE x < 3", "WEND", "x = MOD(7, 2)", "y = 7 MOD 2",
    "SELECT CASE x", "CASE 1", "END SELECT", "items = [1,", "2]", "TALK unknownthing",
    "HEAR answer AS INTEGER", "SET BOT MEMORY \"k\", answer", "x = NOFUNC(1)",
    "IF a <> b THEN TALK \"no\"", "DO WHILE x < 2", "LOOP", "END", "END SUB",
    "SUB Helper(a)", "x = " + "(" * 40 + "1" + ")" * 40, "SORT items BY name", "",
    # what the parser carries across the pieces a check reuses (syntax.reuse): names, SUB
    # names, labels, shared variables and blocks left open
    "SUB S3(a)", "FUNCTION S4(v)", "find = [1, 2]", "y = find[0]", "get_session = FALSE",
    "IF get_session OR x THEN TALK 1", "DIM shared_x", "shared_x = 2", "label1:", "GOTO label1",
    "IF x THEN", "BEGIN SYSTEM PROMPT",
]


def base_dialog() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.bas"))]
    subs = "".join(f"SUB S{i}(a)\n  IF a > {i} THEN\n    TALK \"big ${{a}}\"\n  END IF\n"
                   f"END SUB\n" for i in range(20))
    return "\n".join(texts) + "\n" + subs


BASE = base_dialog()
BASE_LINES = BASE.split("\n")

edits = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, len(BASE_LINES) - 1),
              st.sampled_from(SNIPPETS)),
    st.tuples(st.just("insert"), st.integers(0, len(BASE_LINES)), st.sampled_from(SNIPPETS)),
    st.tuples(st.just("delete"), st.integers(0, len(BASE_LINES) - 1), st.just("")),
    st.tuples(st.just("type"), st.integers(0, len(BASE)), st.sampled_from(list("x\"'( )\n:`"))),
)


def from_scratch(source: str) -> list:
    clear_caches()
    return check_source(source, "dialog.bas")


def edit_and_compare(steps: list[tuple[str, int, str]]) -> None:
    text = BASE
    check_source(text, "dialog.bas")  # what the next checks may reuse
    for step in steps:
        text = apply(text, step)
        reused = check_source(text, "dialog.bas")
        assert reused == from_scratch(text)
        check_source(text, "dialog.bas")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=4))
def test_a_check_after_edits_reports_what_a_check_from_scratch_reports(steps) -> None:
    edit_and_compare(steps)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=6))
def test_many_edit_runs_match_a_check_from_scratch(steps) -> None:
    edit_and_compare(steps)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=3))
def test_the_compile_step_of_a_check_matches_compiling_the_program(steps) -> None:
    text = BASE
    for step in steps:
        text = apply(text, step)
    program, diagnostics = parse(text, "dialog.bas")
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return
    compiled = compile_or_diagnostic(program)
    expected = compiled if not hasattr(compiled, "diagnostics") else compiled.diagnostics
    assert compile_diagnostics(program) == expected


def test_pieces_are_the_top_level_functions_of_the_generated_code() -> None:
    program, _ = parse(BASE, "dialog.bas")
    source = CodeGen(program, False).generate()
    found = pieces(source)
    assert "".join(found) == source
    assert len(found) == 1 + len(program.subs)  # the dialog's function and one per SUB
    assert all(p.startswith(("def ", "async def ")) for p in found)


def test_a_module_that_does_not_compile_is_never_reported_as_compiling() -> None:
    # Each function compiles alone, the module does not (a bracket left open across them).
    broken = "async def f():\n    x = (1,\nasync def g():\n    return 2\n"
    with pytest.raises(SyntaxError):
        compile(broken, "<basic:x>", "exec")
    clear_caches()
    assert not compiles(broken, "<basic:x>")
    assert compiles("async def f():\n    return 1\n", "<basic:x>")


def release_and_all_async(text: str) -> tuple[CodeGen, str, CodeGen, str] | None:
    program, diagnostics = parse(text, "dialog.bas")
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return None
    release, one_pass = CodeGen(program, False), CodeGen(program, False)
    return release, release.generate(), one_pass, one_pass.generate(all_async=True)


def compiles_alone(source: str) -> bool:
    try:
        compile(source, "<basic:dialog.bas>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=0, max_size=3))
def test_the_one_pass_code_a_check_compiles_stands_for_the_release_code(steps) -> None:
    # check_source compiles the all-async code only: it must warn exactly as the release
    # code does, and compile only when the release code compiles.
    text = BASE
    for step in steps:
        text = apply(text, step)
    both = release_and_all_async(text)
    if both is None:
        return
    release, release_source, one_pass, one_pass_source = both
    assert one_pass.diagnostics == release.diagnostics
    assert not compiles_alone(one_pass_source) or compiles_alone(release_source)


def test_the_one_pass_code_awaits_every_sub_the_release_code_calls_plainly() -> None:
    text = ("FUNCTION Twice(v)\n  Twice = v * 2\nEND FUNCTION\n"
            "SUB Ask()\n  HEAR answer\nEND SUB\n"
            "x = Twice(Twice(2))\nCALL Ask()\nTALK NOFUNC(1)\nGOTO nowhere\n")
    both = release_and_all_async(text)
    assert both is not None
    release, release_source, one_pass, one_pass_source = both
    assert "def _sub_twice(" in release_source and "async def _sub_twice(" not in release_source
    assert "async def _sub_twice(" in one_pass_source
    assert one_pass.diagnostics == release.diagnostics and release.diagnostics
    assert compiles_alone(one_pass_source) and compiles_alone(release_source)
