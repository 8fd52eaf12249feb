"""Calls of built-ins no General Bots crate registers (docs/engine-registry.tsv): Talkbench
runs them, and warns at the call that production stops there with "Function not found" (the
engine-oracle's error for ``TALK ASC("A")`` and ``TALK CSTR(5)``)."""

from __future__ import annotations

from interpreter import check_source
from tests.interpreter.helpers import talks


def warnings(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "has no function" in d.message]


def test_a_talkbench_only_function_runs_and_is_warned_at_its_call() -> None:
    source = 'x = 1\nTALK ASC("A") + CSTR(x)\n'
    assert talks(source) == ["651"]
    found = warnings(source)
    assert [f[:2] for f in found] == [(2, 6), (2, 17)]
    assert '"Function not found: ASC"; only Talkbench runs it' in found[0][2]
    assert found[1][2].endswith("write STR")


def test_the_engine_functions_and_the_dialogs_own_are_quiet() -> None:
    assert warnings('TALK STR(5) + LEN("ab") + UCASE("a")\n') == []
    assert warnings('FUNCTION ASC(c)\n  RETURN 1\nEND FUNCTION\nTALK ASC("A")\n') == []


def test_rhais_own_functions_in_their_spelling_are_quiet() -> None:
    """Rhai has these (the engine-oracle prints true, true, true, 1 and {"a":1}); only other
    spellings, which reach Talkbench's built-ins alone, stop in production."""
    source = ('TALK starts_with("abc", "a")\nTALK ends_with("abc", "c")\nTALK is_empty("")\n'
              'm = parse_json("{\\"a\\": 1}")\nTALK m.a\nTALK to_json(m)\n')
    assert talks(source)[:4] == ["true", "true", "true", "1"]
    assert warnings(source) == []
    assert [f[:2] for f in warnings('TALK STARTSWITH("abc", "a") + PARSE_JSON("1")\n')] == [
        (1, 6), (1, 31)]


def test_a_call_in_text_production_never_evaluates_is_quiet() -> None:
    """General Bots prints the ${…} of a "…" literal as written (the engine-oracle prints
    ``v ${TOJSON(x)}``) and does not compile a SYSTEM PROMPT block, so it never calls the
    function there; its BEGIN TALK and BEGIN MAIL bodies are interpolated, and there it
    stops ("Function not found: GUID ()")."""
    assert warnings('x = 1\nTALK "v ${TOJSON(x)}"\ny = "w ${GUID()} ${ASC("A")}"\n') == []
    assert warnings('x = 1\nBEGIN SYSTEM PROMPT\n  ${TOYAML(x)}\nEND SYSTEM PROMPT\n') == []
    # the converter drops a line starting with REM (the oracle prints "ok" after it)
    assert warnings('REMAINING = LENGTH("ab")\nTALK "ok"\n') == []
    block = 'BEGIN TALK\n v ${GUID()}\nEND TALK\nBEGIN MAIL "a@b.c"\n w ${UUID()}\nEND MAIL\n'
    assert [f[:2] for f in warnings(block)] == [(2, 6), (5, 6)]
    assert [f[:2] for f in warnings('TALK "a" + CSTR(1) + "${1}"\n')] == [(1, 12)]


def test_datediff_the_botbook_documents_is_warned_though_a_dead_function_registers_it() -> None:
    """botbasic_core datetime/mod.rs calls datediff.rs's empty ``datediff_keyword``, never the
    one in dateadd.rs that registers DATEDIFF, so production has no DATEDIFF; DATEADD runs."""
    source = ('d = DATEDIFF("2024-01-01", "2024-03-01", "day")\nTALK d\n'
              'TALK DATEADD("2024-01-31", 1, "month")\n')
    assert talks(source) == ["60", "2024-02-29"]
    found = warnings(source)
    assert [f[:2] for f in found] == [(1, 5)]
    assert '"Function not found: DATEDIFF"' in found[0][2]
    assert "(datetime/mod.rs never calls the dateadd.rs function that registers it)" \
        in found[0][2]
