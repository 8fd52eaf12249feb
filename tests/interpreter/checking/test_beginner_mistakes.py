"""A new author's first mistakes: each is reported once, at its line and column, saying what
is wrong and what to write instead, in the author's words (no parser internals).

The engine-compatibility notes (parity's subject) and the never-assigned-variable lint are
left out of the comparison: they are checked where they are made.
"""

from __future__ import annotations

import re

import pytest

from interpreter import Severity, check_source

E, W = Severity.ERROR, Severity.WARNING

CASES: list[tuple[str, str, list[tuple[int, int, Severity, str]]]] = [
    ("misspelled keyword", 'TALKK "hi"\n',
     [(1, 1, E, "unknown SUB or keyword 'TALKK' (did you mean TALK?)")]),
    ("misspelled keyword before the real one", 'TALKK TALK "hi"\n',
     [(1, 1, E, "unknown SUB or keyword 'TALKK' (did you mean TALK?)")]),
    ("misspelled PRINT", 'x = 1\nPRNT x\n',
     [(2, 1, E, "unknown SUB or keyword 'PRNT' (did you mean PRINT?)")]),
    ("two letters swapped", 'HAER name\n',
     [(1, 1, E, "unknown SUB or keyword 'HAER' (did you mean HEAR?)")]),
    ("last word of a phrase misspelled", 'SET BOT MEMROY "k", "v"\n',
     [(1, 1, E, "unknown keyword 'SET BOT MEMROY' (did you mean SET BOT MEMORY?)")]),
    ("second word of a phrase misspelled", 'SEND MAILL "a@b.c", "s", "b"\n',
     [(1, 1, E, "unknown keyword 'SEND MAILL' (did you mean SEND MAIL?)")]),
    ("underscored phrase misspelled", 'SET_BOT_MEMROY "k", "v"\n',
     [(1, 1, E, "unknown SUB or keyword 'SET_BOT_MEMROY' (did you mean SET BOT MEMORY?)")]),
    ("closing quote missing", 'TALK "hello\nTALK "bye"\n',
     [(1, 6, E, 'string is never closed on its line (missing ")')]),
    ("quote inside a text", 'TALK "He said "hi""\n',
     [(1, 16, E, ('TALK expects 1 argument, got 3: a " inside a text ends it: write "" '
                 '(or \\") for each quote inside the text'))]),
    ("+ missing between text and variable", 'name = "a"\nTALK "Hi " name\n',
     [(2, 12, E, "TALK expects 1 argument, got 2: a + is missing before 'name'")]),
    ("END IF missing", 'x = 1\nIF x = 1 THEN\n  TALK "y"\n',
     [(2, 1, E, "IF at line 2 is not closed: expected END IF, found end of file")]),
    ("NEXT missing", 'FOR i = 1 TO 3\n  TALK i\n',
     [(1, 1, E, "FOR at line 1 is not closed: expected NEXT or END FOR, found end of file")]),
    ("LOOP missing", 'DO WHILE TRUE\n  TALK 1\n',
     [(1, 1, E, "DO at line 1 is not closed: expected LOOP, found end of file")]),
    ("END IF misspelled", 'x = 1\nIF x = 1 THEN\n  TALK 1\nEND IFF\n',
     [(4, 1, E, "unknown keyword 'END IFF' (did you mean END IF?)")]),
    ("NEXT misspelled", 'FOR i = 1 TO 2\n  TALK i\nNEXTT\n',
     [(1, 1, E, "FOR at line 1 is not closed: expected NEXT or END FOR, found end of file"),
      (3, 1, W, "unknown SUB or keyword 'NEXTT' (did you mean NEXT?)")]),
    ("END of nothing", 'END FOO\n',
     [(1, 1, E, ("unknown keyword 'END FOO': END alone ends the dialog, and a block ends "
                "with END IF, END SUB, END FUNCTION, END SELECT, END WITH or NEXT"))]),
    ("THEN missing", 'x = 1\nIF x = 1\n  TALK "y"\nEND IF\n',
     [(2, 9, E, "expected THEN after the IF condition, got end of line")]),
    ("THEN missing after ELSE IF", ('x = 1\nIF x = 1 THEN\n  TALK 1\nELSE IF x = 2\n'
                                   '  TALK 2\nEND IF\n'),
     [(4, 14, E, "expected THEN after the ELSEIF condition, got end of line")]),
    ("two ELSEs", 'x = 1\nIF x = 1 THEN\n  TALK 1\nELSE\n  TALK 2\nELSE\n  TALK 3\nEND IF\n',
     [(6, 1, E, "a second ELSE in the IF at line 2: another branch is ELSEIF condition THEN")]),
    ("== on a line of its own", 'x == 1\n',
     [(1, 3, W, ("this line compares x with a value and keeps nothing: to assign, "
                "write x = …"))]),
    ("x++", 'x = 1\nx++\n', [(2, 2, E, "x++ is not BASIC: write x = x + 1")]),
    ("DIM from other BASICs", 'DIM total AS INTEGER\ntotal = 1\n',
     [(1, 1, E, ("DIM is not needed: a variable exists from its first assignment "
                "(write total = …)"))]),
    ("HEAR type misspelled", 'HEAR age AS NUMBR\nTALK age\n',
     [(1, 13, W, ("unknown HEAR type 'NUMBR' (did you mean NUMBER?): any answer is taken as "
                 "text, unchecked"))]),
    ("THEN missing in a single-line IF", 'x = 1\nIF x = 1 TALK "y"\n',
     [(2, 10, E, "expected THEN after the IF condition, got 'TALK'")]),
    ("END IF after a single-line IF", 'x = 1\nIF x = 1 THEN TALK "y" END IF\n',
     [(2, 24, E, ("a single-line IF (IF … THEN statement) has no END IF: drop it, or put the "
                 "statement on a line of its own"))]),
    ("WHILE closed with LOOP", 'x = 1\nWHILE x < 3\n  x = x + 1\nLOOP\n',
     [(4, 1, E, "WHILE at line 2 ends with LOOP: expected WEND or END WHILE")]),
    ("FUNCTION closed with END SUB", 'FUNCTION f(a)\n  RETURN a\nEND SUB\nTALK f(1)\n',
     [(3, 1, E, "FUNCTION at line 1 ends with END SUB: expected END FUNCTION")]),
    ("NEXT missing inside an IF", 'x = 1\nIF x = 1 THEN\n  FOR i = 1 TO 2\n    TALK i\nEND IF\n',
     [(5, 1, E, "FOR at line 3 is not closed: expected NEXT or END FOR, found END IF")]),
    ("one ')' too many after a keyword", 'TALK "hi")\n',
     [(1, 10, E, "')' has no matching opening bracket")]),
    ("comma at the end of the line", 'TALK "a",\nTALK "b"\n',
     [(1, 9, E, "a value is missing after the ',' at the end of the line")]),
    ("nothing after ELSE in a single-line IF", 'x = 1\nIF x = 1 THEN TALK "a" ELSE\n',
     [(2, 28, E, "expected a statement after ELSE, on the same line")]),
    ("one ')' too many", 'x = LEN("abc"))\n',
     [(1, 15, E, "')' has no matching opening bracket")]),
    ("SET BOT MEMORY without its value", 'SET BOT MEMORY "k"\n',
     [(1, 19, E, "SET BOT MEMORY needs a key and a value")]),
    ("built-in with too few arguments", 'x = LEFT("abc")\nTALK x\n',
     [(1, 5, W, ('LEFT expects 2 arguments, got 1: General Bots stops at this call with '
                 '"Function not found: LEFT (&str | ImmutableString | String)"'))]),
    ("SUB called with too many arguments", 'SUB Hi(a)\n  TALK a\nEND SUB\nHi 1, 2\n',
     [(4, 1, E, "Hi takes 1 argument(s), got 2")]),
    ("SUB header broken", 'SUB Hi(a b)\n  TALK a\nEND SUB\nHi 1\n',
     [(1, 10, E, "expected ')' to close the parameter list, got 'b'")]),
    ("parenthesis never closed", 'x = LEN("abc"\nTALK x\n',
     [(1, 8, E, "'(' is never closed (or a ',' is missing at the end of line 1)")]),
    ("value missing after +", 'TALK "a" +\n', [(1, 11, E, "expected a value, got end of line")]),
    ("FOR EACH without IN", 'list = [1]\nFOR EACH item list\n  TALK item\nNEXT\n',
     [(2, 15, E, "expected IN after FOR EACH variable, got 'list'")]),
    ("stray END IF", 'TALK 1\nEND IF\n',
     [(2, 1, E, "END IF without a matching opening statement")]),
    ("several mistakes in one file",
     'x = 1\nTALKK TALK "hi"\nPRNT x\nTALK "a" +\nIF x = 1 THEN\n  TALK "y"\n',
     [(2, 1, E, "unknown SUB or keyword 'TALKK' (did you mean TALK?)"),
      (3, 1, E, "unknown SUB or keyword 'PRNT' (did you mean PRINT?)"),
      (4, 11, E, "expected a value, got end of line"),
      (5, 1, E, "IF at line 5 is not closed: expected END IF, found end of file")]),
]

_INTERNAL = re.compile(r"\b(NEWLINE|EOF|IDENT|Kind\.|ExprStmt|CallSub|ParseError|None)\b")


def reported(source: str) -> list[tuple[int, int, Severity, str]]:
    return [(d.line, d.col, d.severity, d.message) for d in check_source(source, "t.bas")
            if not d.message.startswith(("General Bots ", "variable '"))]


@pytest.mark.parametrize(("source", "expected"), [(s, e) for _, s, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_a_beginner_mistake_is_reported_once_where_it_is(source, expected):
    found = reported(source)
    assert found == expected
    assert not [m for *_, m in found if _INTERNAL.search(m)]


def test_a_line_after_a_failed_one_keeps_its_findings_but_not_those_the_failure_causes():
    # Greet is defined on a line that does not parse: calling it is no second mistake
    source = 'SUB Greet(name\n  TALK name\nEND SUB\nGreet "bob"\nPRNT 1\n'
    found = reported(source)
    assert (5, 1, E, "unknown SUB or keyword 'PRNT' (did you mean PRINT?)") in found
    assert not [f for f in found if "Greet" in f[3] and f[0] == 4]
