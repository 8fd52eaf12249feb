"""Control flow as General Bots 2026-05 converts and runs it (production parity).

Found by differential fuzzing against a build of the engine (General Bots f59afde5 on Rhai
1.24.0); this test needs neither. Sources: ``botserver/crates/botbasic_compiler/src/
syntax_transforms.rs`` ``convert_select_case_syntax`` (the subject is ``trimmed[7..]``: only
``SELECT x`` converts; an unquoted CASE value is compared as text).
"""

from __future__ import annotations

from interpreter import check_source

from .helpers import talks

SELECT_X = """c = "2"
SELECT c
CASE "1"
  TALK "one"
CASE "2"
  TALK "two"
END SELECT
"""


def test_select_without_case_is_the_form_general_bots_converts() -> None:
    assert talks(SELECT_X) == ["two"]
    assert [d.message for d in check_source(SELECT_X, "t.bas")] == []


def test_select_case_still_runs_and_is_reported() -> None:
    source = SELECT_X.replace("SELECT c", "SELECT CASE c")
    assert talks(source) == ["two"]
    assert any("it expects SELECT c" in d.message for d in check_source(source, "t.bas"))
