"""Warnings for values production computes differently than the author likely meant.

Each pair: a dialog that shows the warning, and its fix (or correct code) that stays quiet.
The engine's meaning is Rhai 1.24's (``+`` appends when a side is a string, ``^`` is XOR,
``&`` is AND on INT only) and its registered functions: bot memory values are strings
(botserver/crates/botbasic_data/src/keywords/bot_memory.rs, SET BOT MEMORY takes
``String, String``), UBOUND is ``len - 1`` and LEN counts UTF-8 bytes
(botserver/crates/botbasic_core/src/keywords/arrays, string functions).
"""

from __future__ import annotations

import pytest

from interpreter import Severity, check_source

CASES = [
    ("NOW() into a date function", "h = HOUR(NOW())\nTALK h\n", "h = HOUR(NOW_STR())\nTALK h\n",
     (1, 10), "write NOW_STR()"),
    ("bare NOW", "x = NOW\nTALK x\n", "x = NOW()\nTALK x\n", (1, 5), "write NOW()"),
    ("bare TODAY beside a variable 'today'", "today = 1\nTALK TODAY\n",
     "today = 1\nTALK today\n", (2, 6), '"Variable not found: TODAY"'),
    ("text + number from memory",
     'visits = GET_BOT_MEMORY("visits")\nn = visits + 1\nTALK n\n',
     'visits = GET_BOT_MEMORY("visits")\nn = VAL(visits) + 1\nTALK n\n',
     (2, 12), 'write VAL(visits) + 1'),
    ("text + a position from INSTR",  # INSTR gives an int (string_functions.rs)
     'name = GET_BOT_MEMORY("name")\np = name + INSTR(name, " ")\nTALK p\n',
     'name = GET_BOT_MEMORY("name")\np = INSTR(name, " ")\nTALK p\n',
     (2, 10), "VAL(name)"),
    ("text + number from HEAR",
     "HEAR answer\nt = 2 + answer\nTALK t\n",
     "HEAR answer\nt = 2 + VAL(answer)\nTALK t\n",
     (2, 7), '"3" + 1 is "31"'),
    ("caret as power", "p = 2 ^ 3\nTALK p\n", "p = 2 * 2 * 2\nTALK p\n",
     (1, 7), "2 ** 3"),
    ("ampersand on text", 'j = "a" & "b"\nTALK j\n', 'j = "a" + "b"\nTALK j\n',
     (1, 9), "join text with +"),
    ("UBOUND compared with 0",
     'l = [1]\nIF UBOUND(l) = 0 THEN\n  TALK "one"\nEND IF\n',
     'l = [1]\nIF UBOUND(l) = -1 THEN\n  TALK "none"\nEND IF\n',
     (2, 14), "compare with -1"),
    ("UBOUND as a count",
     'l = [1, 2]\nTALK "has " + UBOUND(l) + " items"\n',
     'l = [1, 2]\nTALK "has " + (UBOUND(l) + 1) + " items"\n',
     (2, 13), "UBOUND(x) + 1 for the count"),
    ("UBOUND as a count at the end of a text",
     'l = [1, 2]\nx = "a"\nTALK "Added " + x + ", now " + UBOUND(l)\n',
     'l = [1, 2]\nx = "a"\nTALK "Added " + x + ", now " + LEN(l)\n',
     (3, 30), "UBOUND(x) + 1 for the count"),
    ("LEN on non-ASCII text", 'm = LEN("São")\nTALK m\n', 'm = LEN("Sao")\nTALK m\n',
     (1, 5), "UTF-8 bytes"),
    ("LEN on what the user typed", "HEAR name\nm = LEN(name)\nTALK m\n",
     "HEAR name\nTALK name\n", (2, 5), "UTF-8 bytes"),
    ("a name in two casings", "Total = 1\nTALK total\n", "Total = 1\nTALK Total\n",
     (2, 6), "'total' and 'Total' (line 1) are two variables"),
    ("a number to SET BOT MEMORY", 'SET BOT MEMORY "n", 5\n',
     'SET BOT MEMORY "n", STR(5)\n', (1, 21), "write STR(value)"),
    ("a sum to SET BOT MEMORY",
     'r = GET_BOT_MEMORY("r")\nSET_BOT_MEMORY "r", VAL(r) + 1\n',
     'r = GET_BOT_MEMORY("r")\nSET_BOT_MEMORY "r", STR(VAL(r) + 1)\n', (2, 21), "STR(value)"),
    ("a counted number to SET BOT MEMORY", 'n = 2 * 3\nSET_BOT_MEMORY "n", n\n',
     'n = 2 * 3\nSET_BOT_MEMORY "n", STR(n)\n', (2, 21), "takes text only"),
    # rhai string_more.rs: make_lower takes &mut ImmutableString and gives () (the oracle
    # prints nothing for TALK r)
    ("a text changed in place as an assignment's value",
     'q = "HeLLo"\nr = q.make_lower()\nTALK r\n', 'q = "HeLLo"\nq.make_lower()\nr = q\nTALK r\n',
     (2, 7), ("Rhai's make_lower(), which General Bots keeps, changes the text it is called "
             "on and gives no text: r holds () (NULL, shown as nothing) after this line")),
    ("a text variable truncated inside an expression",
     'q = "HeLLo"\nTALK "v" + q.truncate(2)\n', 'q = "HeLLo"\nq.truncate(2)\nTALK "v" + q\n',
     (2, 14), "it gives () (NULL, shown as nothing) here"),
]


def values(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if d.message.startswith(("General Bots", "Rhai's")) and "2026-05" not in d.message]


@pytest.mark.parametrize(("name", "shows", "fixed", "place", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_warning_shows_and_its_fix_is_quiet(name: str, shows: str, fixed: str,
                                            place: tuple[int, int], words: str) -> None:
    found = values(shows)
    assert [f[:2] for f in found] == [place], found
    assert words in found[0][2]
    assert values(fixed) == []


def test_value_warnings_stay_warnings_with_engine_errors() -> None:
    from interpreter.compat import EngineOptions

    found = check_source("p = 2 ^ 3\nTALK p\n", engine=EngineOptions(errors=True))
    assert [d.severity for d in found] == [Severity.WARNING]


def test_a_list_truncated_as_a_value_is_not_taken_for_text() -> None:
    assert values('q = ["a", "b"]\nr = q.truncate(1)\nTALK r\n') == []


def test_numbers_added_to_numbers_are_quiet() -> None:
    assert values("a = 1\nb = a + 2\nc = 6 & 3\nTALK b + c\n") == []
