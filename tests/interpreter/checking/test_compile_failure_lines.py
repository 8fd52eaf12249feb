"""A line General Bots cannot compile gets one finding, the compile failure: no run of
production reaches it, so what a run would do there ("production stops here with Function
not found", "Variable not found") is not said on that line. Other lines keep theirs (once the
author fixes the compile failure, a run does reach them)."""

from __future__ import annotations

import pytest

from interpreter import check_source


def messages(source: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for d in check_source(source, "case.bas"):
        found.setdefault(d.line, []).append(d.message)
    return found


# scripts/compat_oracle_check.py checks that the engine-oracle cannot compile these
FAILING_LINES = [
    'x = 1\nshared = CSTR(x)\n',  # a word Rhai reserves
    'TALK TO "a", CSTR(1)\n',  # TALK TO has no syntax in that build
    'x = 1\nPRINT "total", x\n',  # PRINT takes one value (print.rs)
]


@pytest.mark.parametrize("source", FAILING_LINES)
def test_a_line_that_fails_to_compile_has_that_finding_alone(source: str) -> None:
    last = source.count("\n")
    found = messages(source)[last]
    assert len(found) == 1 and "fails to compile this" in found[0], found


def test_other_lines_keep_what_a_run_does_there() -> None:
    found = messages('shared = 1\nTALK LENGTH("ab")\n')
    assert "fails to compile this" in found[1][0]
    assert found[2] == [("General Bots has no function 'LENGTH' (no crate registers it): "
                        "production stops here with \"Function not found: LENGTH\"; write LEN")]
