"""SELECT CASE on a subject known to be an int (a FOR variable, MOD of one) compares int
cases with Python's ``==`` and no class test; every other case still goes through Rhai's
``==`` (an int equals a float of the same value, never text or a boolean). Release and
debug builds (whose quiet FOR ranges know the variable too) must agree."""

from __future__ import annotations

from textwrap import dedent

from tests.interpreter.helpers import both

SOURCE = dedent("""\
    out = ""
    FOR i = -3 TO 6
      SELECT CASE i MOD 4
        CASE 0
          out = out + "z"
        CASE 1, 2
          out = out + "a"
        CASE 3.0
          out = out + "f"
        CASE "-1", TRUE
          out = out + "t"
        CASE -1
          out = out + "m"
        CASE ELSE
          out = out + "."
      END SELECT
      SELECT CASE i
        CASE 5
          out = out + "5"
      END SELECT
    NEXT i
    RETURN out
    """)


def test_int_subject_cases_follow_rhai_equality() -> None:
    # i MOD 4 for i = -3..6 (Rhai's remainder keeps the sign): -3 -2 -1 0 1 2 3 0 1 2
    assert both(SOURCE, {}) == ("ok", "..m" + "zaaf" + "za5a")
