"""Constructs no General Bots build has are errors that say so, at the construct.

None is registered in generalbots/generalbots f59afde5 (botserver/crates: no syntax or
function for them; ORCHESTRATE WORKFLOW is registered only as ``ORCHESTRATE WORKFLOW
$string$`` in botbasic_ai/src/keywords/orchestration.rs, and ``register_step_keyword`` is
called only from botserver/src/basic/mod.rs.backup).
"""

from __future__ import annotations

import pytest

from interpreter import BasicSyntaxError, Severity, check_source, load_source

CASES = [
    ("x = a ? 1 : 2", 1, 7, "C-style a ? b : c"),
    ('SAVE "t" WITH name AS v', 1, 10, "WITH col AS value"),
    ('FIND "t" WITH col AS v', 1, 10, "WITH col AS value"),
    ('UPDATE "t" WITH col AS v', 1, 12, "WITH col AS value"),
    ("RETURN WITH x", 1, 1, "RETURN WITH"),
    ('ORCHESTRATE WORKFLOW "w" DO', 1, 1, "ORCHESTRATE WORKFLOW with steps"),
    ("STEP 1:", 1, 1, "STEP n:"),
    ('ANSWER "x"', 1, 1, "ANSWER, REWRITE and QUERY"),
    ('x = REWRITE "y"', 1, 5, "ANSWER, REWRITE and QUERY"),
    ('x = QUERY "y"', 1, 5, "ANSWER, REWRITE and QUERY"),
    ('x = "abc"\nIF x STARTS WITH "a" THEN\n  TALK x\nEND IF', 2, 6, "STARTS WITH"),
    ("SORT x BY name", 1, 1, "SORT x BY"),
    ('r = FIND ALL "t"', 1, 5, "FIND ALL"),
    ('y = DIR "p"', 1, 5, "DIR"),
    ('DIR "p"', 1, 1, "DIR"),
    ("a = 1\nb = 2\nm = MAX a, b", 3, 5, "MAX without parentheses"),
    ("d = DATEDIFF a, b, c", 1, 5, "DATEDIFF without parentheses"),
    ("r = SELECT name FROM t", 1, 5, "inline SELECT … FROM"),
]


@pytest.mark.parametrize(("source", "line", "col", "words"), CASES,
                         ids=[c[0].splitlines()[-1 if "STARTS" not in c[0] else 1]
                              for c in CASES])
def test_construct_is_an_error_naming_it(source: str, line: int, col: int,
                                         words: str) -> None:
    errors = [d for d in check_source(source + "\n", "t.bas") if d.line == line]
    assert [(d.line, d.col, d.severity) for d in errors] == [(line, col, Severity.ERROR)]
    assert "no General Bots build can run" in errors[0].message
    assert words in errors[0].message
    with pytest.raises(BasicSyntaxError) as raised:
        load_source(source + "\n", "t.bas")
    assert any(words in d.message for d in raised.value.diagnostics)


@pytest.mark.parametrize("source", [
    'ORCHESTRATE WORKFLOW "w"',  # the form the engine registers
    "query = 1\nx = query + 1\nTALK x",  # names that are 3.x keywords elsewhere
    "m = MAX(1, 2)\nTALK m",
    'x = "a"\ny = x ?? "b"\nTALK y',
    'rows = FIND "t", "a=1"\nTALK rows',
])
def test_supported_forms_are_not_reported(source: str) -> None:
    assert not [d for d in check_source(source + "\n", "t.bas")
                if "no General Bots build" in d.message]
