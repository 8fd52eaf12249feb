"""BREAK and CONTINUE: the converter lowercases them into Rhai's ``break`` and ``continue``
of the innermost loop (a SELECT CASE is an if/else chain there, no loop). The WHILE cases
print what the engine-oracle printed; FOR, DO and FOR EACH, which production cannot compile,
jump the same way in Talkbench."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, load_source
from interpreter.debug.debugger import Debugger
from tests.interpreter.helpers import run, talks

CASES = [
    ('i = 0\nWHILE i < 5\n  i = i + 1\n  IF i < 3 THEN\n    CONTINUE\n  END IF\n  TALK i\nWEND\n',
     ["3", "4", "5"]),
    (('i = 0\nWHILE i < 5\n  i = i + 1\n  x = "" + i\n  SELECT x\n    CASE "2"\n      BREAK\n'
     '  END SELECT\nWEND\nTALK i\n'), ["2"]),
    ('i = 0\nWHILE true\n  i = i + 1\n  IF i = 2 THEN\n    break\n  END IF\nWEND\nTALK i\n',
     ["2"]),
    (('i = 0\nj = 0\nWHILE i < 3\n  i = i + 1\n  WHILE true\n    j = j + 1\n    BREAK\n  WEND\n'
     '  CONTINUE\n  TALK "never"\nWEND\nTALK i + j\n'), ["6"]),
    # Talkbench's other loops (production compiles none of them)
    ('FOR i = 1 TO 5\n  IF i MOD 2 = 0 THEN\n    CONTINUE\n  END IF\n  TALK i\nNEXT i\n',
     ["1", "3", "5"]),
    (('i = 0\nDO\n  i = i + 1\n  IF i < 3 THEN\n    CONTINUE\n  END IF\n  TALK i\n'
     'LOOP UNTIL i >= 5\n'), ["3", "4", "5"]),
    (('FOR EACH x IN [1, 2, 3, 4]\n  IF x = 2 THEN\n    CONTINUE\n  END IF\n  IF x = 4 THEN\n'
     '    BREAK\n  END IF\n  TALK x\nNEXT x\n'), ["1", "3"]),
    (('n = 0\nFOR EACH x IN RANGE(1, 2000)\n  IF x MOD 2 = 0 THEN\n    CONTINUE\n  END IF\n'
     '  n = n + 1\nNEXT x\nTALK n\n'), ["1000"]),
]


@pytest.mark.parametrize(("source", "shown"), CASES)
def test_break_and_continue_jump_in_the_innermost_loop(source: str, shown: list[str]) -> None:
    # a BREAK read as nothing would loop for ever: the timeout ends such a run
    assert talks(source, timeout=20) == shown
    debugger = Debugger(load_source(source, "d.bas", debug=True).program)
    assert talks(source, debugger=debugger, timeout=20) == shown


def test_a_loop_that_only_continues_still_counts_its_steps() -> None:
    with pytest.raises(BasicRuntimeError, match="step budget"):
        run("i = 0\nWHILE true\n  i = i + 1\n  CONTINUE\nWEND\n", max_ticks=20)


def test_a_jump_before_a_single_line_ifs_else_jumps() -> None:
    # a single-line IF's statement ends at ELSE: BREAK there was read as a variable
    source = ('i = 0\nWHILE i < 6\n  i = i + 1\n  IF i = 2 THEN CONTINUE ELSE TALK "x" + i\n'
              '  IF i = 4 THEN BREAK ELSE TALK "y"\nWEND\nTALK i\n')
    assert talks(source, timeout=20) == ["x1", "y", "x3", "y", "x4", "4"]
