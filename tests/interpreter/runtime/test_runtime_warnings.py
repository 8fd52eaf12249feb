"""Talkbench's runtime warnings about a line are said once per line per run; the dialog's
own LOG WARN and each failure ON ERROR RESUME NEXT skips are said every time."""

from __future__ import annotations

from interpreter.events import Printed

from ..helpers import run


def warnings(source: str) -> list[tuple[int, str]]:
    out = run(source, skip_waits=True)
    return [(e.line, e.text) for e in out.events
            if isinstance(e, Printed) and e.level == "warning"]


def test_a_warning_in_a_loop_is_said_once_for_its_line_the_dialogs_own_every_time() -> None:
    said = warnings('i = 0\nWHILE i < 3\n  WAIT 1000 + i\n  LOG WARN "pass " + i\n'
                    '  i = i + 1\nWEND\nWAIT 2000\n')
    assert said == [(3, "WAIT 1000 is capped at 300 seconds"), (4, "pass 0"), (4, "pass 1"),
                    (4, "pass 2"), (7, "WAIT 2000 is capped at 300 seconds")]
