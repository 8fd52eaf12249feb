"""Built-ins called in mixed case: General Bots finds no such function.

Rhai looks function names up as written, and botbasic_core registers them in capitals and
often lower case (string_functions.rs: "LEN" and "len", "UCASE" only): the engine-oracle
stops ``TALK Len("abc")`` with "Function not found: Len (&str | ImmutableString | String)"
and runs ``LEN``/``len``. Talkbench runs every spelling and warns at the mixed-case ones.
"""

from __future__ import annotations

from pathlib import Path

from interpreter import check_source
from interpreter.compat.function_names import ENGINE_MIXED_CASE
from tests.interpreter.helpers import talks

REGISTRY = Path(__file__).resolve().parents[3] / "docs" / "engine-registry.tsv"


def casing(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "function names are case-sensitive" in d.message]


def test_mixed_case_calls_are_reported_and_still_run() -> None:
    source = 'TALK Len("abc")\nx = UCase("a") + Left("bc", 1)\nTALK x\n'
    found = casing(source)
    assert [(line, col) for line, col, _ in found] == [(1, 6), (2, 5), (2, 18)]
    assert "registers no 'Len' (\"Function not found: Len\"); write LEN" in found[0][2]
    assert talks(source) == ["3", "Ab"]


def test_capitals_lower_case_and_the_engines_own_spellings_are_quiet() -> None:
    source = ('TALK LEN("a") + len("b") + IsEmpty("") + IS_NUMERIC("1")\n'
              'FUNCTION MyLen(s)\n  RETURN 1\nEND FUNCTION\nTALK MyLen("x")\n')
    assert casing(source) == []


def test_the_exemptions_are_the_registrys_mixed_case_functions() -> None:
    names = {line.split("\t")[1] for line in REGISTRY.read_text(encoding="utf-8").splitlines()
             if line.startswith("fn\t")}
    assert {n for n in names if n not in (n.upper(), n.lower())} == ENGINE_MIXED_CASE
