"""Layer 1 of production parity: values exactly as General Bots computes them.

Each case is a row of docs/engine-compatibility.md ("Layer 1: values"): the dialog, what
General Bots prints (or the error it stops with), and the source that decides it. The
expected outputs were read from that source and checked against a build of the engine
(General Bots f59afde5 on Rhai 1.24.0); this test needs neither.

Sources: Rhai 1.24.0 ``src/packages/arithmetic.rs`` (checked integer + - * / % **, float
arithmetic), ``src/packages/string_more.rs`` (``+`` with text), ``src/packages/logic.rs``
(comparisons; different types compare false), ``src/tokenizer.rs`` (``Token::precedence``),
``src/types/float.rs`` and ``src/types/dynamic.rs`` (how values print); General Bots
``botserver/crates/botbasic_core/src/keywords/``: ``string_functions.rs``, ``arrays/mod.rs``,
``validation/str_val.rs``, ``validation/typeof_check.rs``, ``validation/nvl_iif.rs``,
``validation/isempty.rs``, ``math/round.rs``, ``math/basic_math.rs``, ``format.rs``,
``first.rs``, ``last.rs``; bot memory: SET_BOT_MEMORY(String, String).
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter import BasicRuntimeError, Runtime, Severity, check_source, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

from .helpers import run

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"

# (dialog, what TALK prints, one line each) -- the engine prints the same.
PRINTS: list[tuple[str, list[str]]] = [
    # + appends when either side is text (string_more.rs); memory values are text
    ('SET BOT MEMORY "visits", "3"\nx = GET_BOT_MEMORY("visits") + 1\nTALK x', ["31"]),
    ('TALK "1" + 2 + 3', ["123"]),
    ('TALK 1 + 2 + "3"', ["33"]),
    ('TALK "x" + true', ["xtrue"]),
    ('TALK "x" + 1.0', ["x1.0"]),
    ('TALK "x" + [1, "a"]', ['x[1, "a"]']),
    # / on two integers is integer division, truncated toward zero (arithmetic.rs)
    ("TALK 7 / 2", ["3"]),
    ("TALK 10 / 4", ["2"]),
    ("TALK -7 / 2", ["-3"]),
    ("TALK 1.5 / 0.5", ["3.0"]),
    ("TALK 1.0 / 0", ["inf"]),
    # ^ is XOR with the lowest precedence, ** is power (tokenizer.rs precedence)
    ("TALK 2 ^ 3", ["1"]),
    ("TALK 2 ** 3", ["8"]),
    ("TALK 1 + 2 * 3 ^ 1", ["6"]),
    ("TALK 3 ** 2 ** 2", ["81"]),
    ("TALK -2 ** 2", ["4"]),
    ("TALK 2.0 ** -1", ["0.5"]),
    # & is a bitwise AND
    ("TALK 6 & 3", ["2"]),
    ("TALK 5 & 3 + 1", ["4"]),
    # MOD is Rust's remainder: the sign of the left side
    ("TALK -7 MOD 3", ["-1"]),
    ("TALK 7.5 MOD 2", ["1.5"]),
    # mixed int and float arithmetic gives a float
    ("TALK 1.5 + 1", ["2.5"]),
    ("TALK 0.1 + 0.2", ["0.30000000000000004"]),
    # floats print with their point, scientific past 1e13 (float.rs FloatWrapper Display)
    ("x = 3.0\nTALK x", ["3.0"]),
    ("TALK 10000000000.0", ["10000000000.0"]),
    ("TALK 100000000000000000000.0", ["1e20"]),
    ("TALK 0.0000001", ["0.0000001"]),
    ("TALK -0.0", ["0.0"]),
    # arrays and maps print as Rhai's Debug (dynamic.rs): text quoted, () for empty
    ('TALK [1, "a", 2.0, true]', ['[1, "a", 2.0, true]']),
    ('TALK #{a: 1, b: "x"}', ['#{"a": 1, "b": "x"}']),
    # comparisons: no conversion between types (logic.rs); int and float compare as numbers
    ('IF "3" = 3 THEN\nTALK "equal"\nELSE\nTALK "different"\nEND IF', ["different"]),
    ('x = "3" < 3\nTALK x', ["false"]),
    ('x = "a" <> 3\nTALK x', ["true"]),
    ("x = 1 < 2.5\nTALK x", ["true"]),
    ('IF 1 = 1.0 THEN\nTALK "same"\nEND IF', ["same"]),
    ('x = "B" < "a"\nTALK x', ["true"]),
    ("x = TRUE > FALSE\nTALK x", ["true"]),
    # the empty value of a declared, not yet assigned variable prints as nothing
    ('TALK "[" + z + "]"\nz = 1', ["[]"]),
    ('x = [z]\nTALK x\nz = 1', ["[()]"]),
    ('IF z = "" THEN\nTALK "text"\nELSE\nTALK "empty value"\nEND IF\nz = 1', ["empty value"]),
    # built-ins (botbasic_core keywords)
    ('TALK LEN("São")', ["4"]),
    ("TALK LEN([1, 2])", ["2"]),
    ("TALK UBOUND([])", ["-1"]),
    ("TALK UBOUND([7, 8, 9])", ["2"]),
    ('TALK VAL("42")', ["42.0"]),
    ('TALK VAL(" 12 kg")', ["0.0"]),
    ("TALK VAL(7)", ["7.0"]),
    ('TALK VAL("1e3")', ["1000.0"]),
    ("TALK STR(5)", ["5"]),
    ("TALK STR(2.0)", ["2"]),
    ('TALK INSTR("São Paulo", "P")', ["6"]),
    ('TALK MID("São Paulo", 2, 3)', ["ão "]),
    ('TALK LEFT("São", 2)', ["Sã"]),
    ('TALK RIGHT("São", 2)', ["ão"]),
    ('TALK UCASE("são")', ["SÃO"]),
    ('TALK REPLACE("abc", "", "-")', ["-a-b-c-"]),
    ('TALK SPLIT("a,b", ",")', ['["a", "b"]']),
    ('TALK SPLIT("", ",")', ['[""]']),
    ('TALK SPLIT("ab", "")', ['["", "a", "b", ""]']),
    ('TALK JOIN([1, 2.0, "a"], "-")', ["1-2.0-a"]),
    ('TALK JOIN(["a", "b"])', ["a,b"]),
    ('TALK FORMAT(-1.5, "N2")', ["-1.-50"]),
    ('TALK FORMAT(-0.25, "N2")', ["0.-25"]),
    ('TALK FORMAT(1234.5, "N2")', ["1,234.50"]),
    ('TALK FORMAT(3, "N2")', ["3.00"]),
    ('TALK FORMAT(1234.567, "C2")', ["$1,234.57"]),
    ('TALK FORMAT(-1234.5, "C2[pt]")', ["R$ -1.234,-50"]),
    ('TALK FORMAT(0.5, "0%")', ["50%"]),
    ('TALK FORMAT(1.5, "n")', ["1.50"]),
    ('TALK FORMAT(1.5, "f")', ["1.5"]),
    ('TALK FORMAT(12, "000")', ["12"]),
    ('TALK FORMAT("x", "N2")', ["N2"]),
    ('TALK FORMAT("John", "Hello @!")', ["Hello JohnJOHN"]),
    ("TALK ROUND(2.5)", ["3"]),
    ("TALK ROUND(-2.5)", ["-3"]),
    ("TALK ROUND(2.567, 2)", ["2.57"]),
    ("TALK ROUND(1.005, 2)", ["1.0"]),
    ("TALK INT(2.7)", ["2"]),
    ("TALK ABS(-3)", ["3"]),
    ('TALK ISEMPTY("")', ["true"]),
    ("TALK ISEMPTY(0)", ["false"]),
    ("TALK TYPEOF(1.0)", ["float"]),
    ('TALK IS_NUMERIC("inf")', ["true"]),
    ("TALK IS_NUMERIC(5)", ["true"]),
    ('TALK FIRST("hello world")', ["hello"]),
    ('TALK LAST("hello world")', ["world"]),
    ("TALK FIRST([1, 2])", ["[1,"]),
    ('TALK NVL("", 2)', ["2"]),
    ("TALK COUNT([1, 2])", ["2"]),
    ('TALK CINT("2.5")', ["3"]),
    ('TALK CINT("abc")', ["0"]),
    ('TALK CDBL("x")', ["0.0"]),
    ("TALK CDBL(3)", ["3.0"]),
    ('TALK SUM([1, 2.5, "x"])', ["3.5"]),
    ("TALK AVG([1, 2])", ["1.5"]),
    ("TALK MAX(1, 2)", ["2"]),
    ("TALK MIN(1.5, 2.5)", ["1.5"]),
    # A variable named like a function is the variable: Rhai keeps names and functions apart
    # (datetime/now.rs registers NOW and TODAY with register_fn only).
    ('now = "x"\nTALK now', ["x"]),
    ("today = 1\nt = today + 1\nTALK t", ["2"]),
]


@pytest.mark.parametrize(("source", "expected"), PRINTS, ids=[s for s, _ in PRINTS])
def test_values_print_as_general_bots_prints_them(source: str, expected: list[str]) -> None:
    assert run(source).talks == expected


# (dialog, a piece of the error message): General Bots stops there too.
FAILS: list[tuple[str, str]] = [
    ('TALK "a" & "b"', f"Function not found: & ({TEXT}, {TEXT})"),
    ("IF 1 THEN\nTALK 1\nEND IF", "expecting bool"),
    ('x = "a"\nIF x THEN\nTALK 1\nEND IF', "expecting bool"),
    ("x = 1\nIF x = 1 AND x THEN\nTALK 1\nEND IF", "expecting bool"),
    ("x = 1\nIF NOT x THEN\nTALK 1\nEND IF", "Function not found: NOT (i64)"),
    ('SET BOT MEMORY "n", 5', f"SET_BOT_MEMORY ({TEXT}, i64)"),
    ("Total = 10\nTALK total", "Variable not found: total"),
    ("x = z + 1\nz = 1", "Function not found: + ((), i64)"),
    ("x = 9223372036854775807\nx = x + 1", "Addition overflow"),
    ("x = 3\nFOR i = 1 TO 10\n  x = x * x\nNEXT", "Multiplication overflow"),
    ("x = -9223372036854775807 - 2", "Subtraction overflow"),
    ("TALK 2 ** 63", "Exponential overflow"),
    ("TALK 2 ** -1", "Integer raised to a negative power"),
    ("TALK 1 / 0", "Division by zero"),
    ("TALK 7 MOD 0", "Modulo division by zero"),
    ('TALK 1 - "1"', f"Function not found: - (i64, {TEXT})"),
    ('TALK "ab" * 2', f"Function not found: * ({TEXT}, i64)"),
    ("TALK [1, 2] + 3", "Function not found: + (array, i64)"),
    ("x = [1] < [2]", "Function not found: < (array, array)"),
    ("TALK LEN(5)", "Function not found: LEN (i64)"),
    ('TALK UBOUND("abc")', f"Function not found: UBOUND ({TEXT})"),
    ('TALK LEFT("abc", 1.0)', f"Function not found: LEFT ({TEXT}, f64)"),
    ("TALK MID(5, 1)", "Function not found: MID (i64, i64)"),
    ("TALK TRIM(5)", "Function not found: TRIM (i64)"),
    ("TALK ROUND(3)", "Function not found: ROUND (i64)"),
    ("TALK INT(3)", "Function not found: INT (i64)"),
    ("TALK IIF(1, 2, 3)", "Function not found: IIF (i64, i64, i64)"),
    ('TALK INSTR(3, "São", "o")', "not a char boundary"),
    ('n = "3"\nFOR i = 1 TO n\nNEXT', "a number is needed here"),
    ("TALK MAX(1, 2.5)", "Function not found: MAX (i64, f64)"),
]


@pytest.mark.parametrize(("source", "message"), FAILS, ids=[s for s, _ in FAILS])
def test_general_bots_fails_here_too(source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError) as info:
        run(source)
    assert message in info.value.message


def test_the_error_points_at_the_line_that_fails() -> None:
    with pytest.raises(BasicRuntimeError) as info:
        run('TALK "ok"\nx = 9223372036854775807\nx = x * 2\nTALK "never"')
    assert info.value.line == 3


@pytest.mark.parametrize("debug", [False, True])
def test_release_and_debug_builds_agree_on_overflow(debug: bool) -> None:
    from .helpers import outcome

    kind, message = outcome("x = 4611686018427387904\nRETURN x + x", {}, debug)
    assert kind == "error" and "Addition overflow" in message
    assert outcome("x = 4611686018427387903\nRETURN x + x", {}, debug) == (
        "ok", 9223372036854775806)


def test_a_call_with_a_count_no_function_has_stops_there() -> None:
    # Rhai resolves a call by name and argument types when it runs (rhai src/func/call.rs):
    # what comes before the call runs, then the dialog stops at it with the types it met
    channel = QueuedChannel()
    dialog = load_source('TALK "first"\nx = 1\nTALK MAX(x, 2, "3")\nTALK "never"', "d.bas")
    with pytest.raises(BasicRuntimeError) as info:
        asyncio.run(Runtime(dialog, channel, DictMemory()).run())
    assert channel.texts == ["first"]
    assert f"Function not found: MAX (i64, i64, {TEXT})" in info.value.message
    assert (info.value.line, info.value.col) == (3, 6)
    # check names the types the dialog spells, and leaves the others to the run
    assert [(d.line, d.col, d.severity, d.message) for d in check_source(
        'x = 1\nTALK MAX(x, 2, "3", [1], ())', "d.bas")] == [
        (2, 6, Severity.WARNING, ('MAX expects 1 to 2 arguments, got 5: General Bots stops '
                                  'at this call with "Function not found: MAX '
                                  f'(…, i64, {TEXT}, array, ())"'))]


def test_max_of_an_array_runs_as_the_botbook_documents() -> None:
    # botbook keyword-reference-complete.md documents MAX(array); math/basic_math.rs
    # registers MAX(i64, i64) and MAX(f64, f64) only, so check says where production stops
    assert run("TALK MAX([1, 5, 2])\nTALK MIN([4, 2.5, 3])").talks == ["5", "2.5"]
    warned = [d for d in check_source("TALK MAX([1, 5, 2])", "d.bas")
              if 'Function not found: MAX (array)' in d.message]
    assert [(d.line, d.col, d.severity) for d in warned] == [(1, 6, Severity.WARNING)]


def test_names_are_case_sensitive() -> None:
    out = run("total = 1\nTotal = 2\nTALK total + Total")
    assert out.talks == ["3"]
    assert out.variables["total"] == 1 and out.variables["Total"] == 2


def test_a_value_given_from_outside_is_found() -> None:
    # bot param-* settings arrive as variables the dialog never assigns
    assert run("TALK limit + 1", initial_vars={"limit": 100}).talks == ["101"]
