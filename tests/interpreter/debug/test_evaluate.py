"""Semantics of running dialogs: values, control flow, SUBs, memory, errors."""

import asyncio
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.events import Failed, Finished, MemoryWritten, Printed, Talked
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

from ..helpers import run, talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"


def value(expr: str, **kw):
    return run(f"result = {expr}", **kw).variables["result"]


# Operators and their precedence as General Bots computes them: Rhai 1.24 (src/tokenizer.rs
# Token::precedence; src/packages/arithmetic.rs, string_more.rs, logic.rs).
@pytest.mark.parametrize("expr,expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("2 ** 3 ** 2", 512), ("-2 ** 2", 4),
    ("2 ^ 3", 1), ("7 \\ 2", 3), ("7 MOD 3", 1), ("7 / 2", 3), ("6 / 3", 2), ("10 % 4", 2),
    ("7.0 / 2", 3.5), ('"Total: " + 3', "Total: 3"), ('"3" + 1', "31"), ('"a" + (1 + 1)', "a2"),
    ('6 & 3', 2), ('"x" + NULL', "x"), ("3.0 + 1", 4.0),
    ('NOT 1 = 2', True), ('1 < 2 AND 2 < 3', True), ("1 > 2 OR NOT FALSE", True),
    ('"abc" = "ABC"', False), ('"1" = 1', False), ('NULL = ""', False), ('x IS NULL', True),
    ('"a" <> "b"', True), ('"b" > "a"', True), ('10 > 9', True), ('"10" > "9"', False),
    ('"support ticket" CONTAINS "SUPPORT"', True), ('[1, 2] CONTAINS 2', True),
    ('"hello" LIKE "h%o"', True), ('NULL ?? "d"', "d"), ('0 ?? "d"', 0),
    ('[1, 2, 3][1]', 2), ('{"a": {"b": 5}}.a.b', 5), ('#{Name: "x"}.Name', "x"), ('#{Name: "x"}.name', None),
    ('"abc".length', 3), ("TRUE", True), ("1 == 1 && 2 != 3", True), ("!FALSE", True),
])
def test_expressions(expr, expected):
    got = run(f"x = NULL\nresult = {expr}").variables["result"]
    assert got == expected and type(got) is type(expected)


def test_a_variable_read_before_its_assignment_is_the_empty_value():
    # General Bots declares assigned names first (let x = ();): () prints as nothing,
    # and has no + with a number (Rhai: Function not found: + ((), i64))
    out = run('TALK "[" + missing + "]"\nmissing = 1')
    assert out.talks == ["[]"]
    with pytest.raises(BasicRuntimeError, match="Function not found"):
        run("count = count + 1")


def test_variables_are_case_sensitive():
    assert talks('Host = "a"\nhost = "b"\nTALK Host + host') == ["ab"]
    with pytest.raises(BasicRuntimeError, match="Variable not found: HOST"):
        run('Host = "a"\nTALK HOST')


def test_numbers_print_as_rhai_prints_them():
    # rhai src/types/float.rs: a float keeps its point; integer division stays integer
    assert talks("TALK 3.0\nTALK 2.5\nTALK 10 / 4\nTALK 1.0 / 3") == \
        ["3.0", "2.5", "2", "0.3333333333333333"]


def test_if_elseif_else_and_single_line():
    src = ("FOR EACH n IN [1, 2, 3]\nIF n = 1 THEN\nTALK \"one\"\nELSE IF n = 2 THEN\n"
           "TALK \"two\"\nELSE\nTALK \"many\"\nEND IF\nNEXT\nIF TRUE THEN TALK \"a\" ELSE TALK \"b\"")
    assert talks(src) == ["one", "two", "many", "a"]


def test_for_to_with_step_and_negative_step():
    assert talks("FOR i = 1 TO 5 STEP 2\nTALK i\nNEXT\nFOR j = 3 TO 1 STEP -1\nTALK j\nNEXT j") \
        == ["1", "3", "5", "3", "2", "1"]


def test_for_each_collection_rules():
    out = run("n = 0\nFOR EACH x IN NULL\nn = n + 1\nNEXT\nFOR EACH y IN #{a: 1}\nn = n + 1\n"
              "NEXT\nFOR EACH z IN [1, 2, 3, 4] LAST 2\nTALK z\nNEXT")
    assert out.variables["n"] == 1 and out.talks == ["3", "4"]


def test_for_each_over_text_is_an_error_with_position():
    with pytest.raises(BasicRuntimeError) as e:
        run('x = 1\nFOR EACH c IN "abc"\nNEXT')
    assert (e.value.line, e.value.col) == (2, 1) and "FOR EACH needs an array" in e.value.message


def test_do_while_until_and_exit():
    src = ("i = 0\nDO WHILE i < 3\ni = i + 1\nLOOP\nTALK i\nDO\ni = i - 1\nLOOP UNTIL i = 0\n"
           "TALK i\nWHILE TRUE\ni = i + 1\nIF i = 5 THEN EXIT DO\nWEND\nTALK i\n"
           "DO UNTIL i >= 7\ni = i + 1\nLOOP\nTALK i")
    assert talks(src) == ["3", "0", "5", "7"]


def test_exit_outer_loop_from_inner_loop():
    src = ("DO\nFOR EACH x IN [1, 2, 3]\nIF x = 2 THEN EXIT DO\nTALK x\nNEXT\nTALK \"never\"\n"
           "LOOP\nTALK \"after\"")
    assert talks(src) == ["1", "after"]


def test_select_case_and_switch_compare_without_conversion():
    # Rhai's == (logic.rs): the text "2" never equals the number 2
    src = ('x = "2"\nSELECT CASE x\nCASE 1\nTALK "one"\nCASE 2, 3\nTALK "two or three"\n'
           'CASE ELSE\nTALK "other"\nEND SELECT\nSWITCH "z"\nCASE "a"\nTALK "a"\nDEFAULT\n'
           'TALK "default"\nEND SWITCH\nSELECT CASE 2\nCASE 1\nTALK "one"\nCASE 2, 3\n'
           'TALK "two"\nEND SELECT')
    assert talks(src) == ["other", "default", "two"]


def test_subs_functions_scoping_and_recursion():
    src = ("total = 10\nSUB AddTo(n)\ntotal = total + n\ntemp = 1\nEND SUB\n"
           "FUNCTION Fact(n)\nIF n <= 1 THEN\nRETURN 1\nEND IF\nFact = n * Fact(n - 1)\n"
           "END FUNCTION\nCALL AddTo(5)\nAddTo 1\nTALK total\nTALK Fact(10)\nTALK temp")
    out = run(src)
    assert out.talks == ["16", "3628800", ""]


def test_exit_sub_and_exit_function():
    src = ("SUB S()\nTALK \"in\"\nEXIT SUB\nTALK \"no\"\nEND SUB\nFUNCTION F(x)\nF = x\n"
           "EXIT FUNCTION\nF = 0\nEND FUNCTION\nS\nTALK F(4)")
    assert talks(src) == ["in", "4"]


def test_top_level_return_ends_the_dialog_with_a_value():
    out = run('TALK "a"\nRETURN {"status": "ok"}\nTALK "b"')
    assert out.talks == ["a"] and out.result == {"status": "ok"}
    assert isinstance(out.events[-1], Finished) and out.events[-1].result == {"status": "ok"}


def test_bare_exit_ends_the_dialog():
    assert talks('TALK "a"\nEXIT\nTALK "b"') == ["a"]


def test_member_and_index_assignment_write_into_containers():
    # (o = #{a: #{}} first: like Rhai, a member assignment makes no map; WITH makes one)
    out = run("o = #{a: #{}}\no.a.b = 1\nlist = [1, 2]\nlist[0] = \"x\"\nlist[-1] = \"y\"\nWITH p\n.name = \"n\"\n"
              "age = 3\nEND WITH")
    v = out.variables
    assert v["o"] == {"a": {"b": 1}} and v["list"] == ["x", "y"]
    assert v["p"] == {"name": "n", "age": 3}


def test_interpolation_and_text_blocks():
    src = 'name = "Ana"\nitems = [1, 2]\nTALK "Hi ${name}, ${LEN(items)} items"\n' \
          'BEGIN TALK\n  **Hello ${name}**\n  * one\nEND TALK'
    assert talks(src) == ["Hi Ana, 2 items", "**Hello Ana**\n* one"]


def test_memory_both_spellings_and_read_your_writes():
    # memory values are text (SET_BOT_MEMORY(String, String)): + appends to them
    src = ('SET_BOT_MEMORY "a", "1"\nSET BOT MEMORY "b", "two"\nSET_BOT_MEMORY "c" "three"\n'
           'TALK GET_BOT_MEMORY("a") + 1\nGET BOT MEMORY "b" INTO v\nTALK v\n'
           'x = GET BOT MEMORY("missing") = ""\nTALK x\nSET BOT MEMORY "list", "" + [1, 2]')
    out = run(src)
    assert out.talks == ["11", "two", "true"]
    assert out.memory == {"a": "1", "b": "two", "c": "three", "list": "[1, 2]"}
    writes = [e for e in out.events if isinstance(e, MemoryWritten)]
    assert [(w.key, w.line) for w in writes][:3] == [("a", 1), ("b", 2), ("c", 3)]


def test_memory_survives_between_runs_of_the_counter():
    mem: dict[str, str] = {}
    src = Path("resources/samples/counter.bas").read_text(encoding="utf-8")
    first = run(src, memory=mem)
    second = run(src, memory=first.memory)
    assert first.memory["visits"] == "1" and second.memory["visits"] == "2"
    assert second.talks == ["This bot has been visited 2 times."]


def test_print_goes_to_events_not_to_the_chat():
    out = run('PRINT "debug", 1\nTALK "x"')
    assert out.talks == ["x"]
    assert [e.text for e in out.events if isinstance(e, Printed)] == ["debug 1"]


def test_suggestions_travel_with_messages():
    src = ('ADD SUGGESTION "a" AS "Alpha"\nADD_SUGGESTION "b"\nTALK "pick"\n'
           'CLEAR SUGGESTIONS\nTALK "none"')
    msgs = [e.message for e in run(src).events if isinstance(e, Talked)]
    assert [s.text for s in msgs[0].suggestions] == ["Alpha", "b"] and msgs[1].suggestions == ()


# A failing operator or call is reported at its sign or name, as Rhai reports it.
@pytest.mark.parametrize("src,line,col,message", [
    ("x = 1\ny = x / 0", 2, 7, "Division by zero"),
    ('x = "a" - 1', 1, 9, f"Function not found: - ({TEXT}, i64)"),
    ("CALL Nope(1)", 1, 1, "unknown SUB or keyword 'Nope'"),
    ("x = Nope(1)", 1, 5,
     "unknown function 'Nope' (General Bots: Function not found: Nope (i64))"),
    ("WAIT -1", 1, 1, "WAIT needs a number of seconds >= 0"),
    ("SUB R(n)\nR n + 1\nEND SUB\nR 1", 2, 1, "stack overflow"),
    ('LLM_THING = 1\nx = SEND FAX "a", "b", "c"', 2, 10, "unexpected 'FAX'"),
    ("FOR i = 1 TO 3 STEP 0\nNEXT", 1, 1, "STEP cannot be 0"),
    ('SEND MAIL "a@b.c", "s", "b"', 1, 1, "SEND MAIL needs the 'mail' service"),
    ('RUN PYTHON "print(1)"', 1, 1, "RUN PYTHON is not supported by Talkbench yet"),
    ('x = 2 ** 100000', 1, 7, "Exponential overflow"),
    ('s = "ab"\nFOR i = 1 TO 40\ns = s + s\nNEXT', 3, 7, "string too long"),
    ("x = [1].nope()", 1, 9, "Function not found: nope (array)"),
])
def test_runtime_errors_have_position_and_message(src, line, col, message):
    with pytest.raises(Exception) as e:
        run(src)
    err = e.value
    if isinstance(err, BasicRuntimeError):
        assert (err.line, err.col) == (line, col) and message in err.message
    else:  # syntax errors are reported before running
        assert message in str(err)


def test_runtime_error_keeps_memory_writes_made_before_it():
    mem = DictMemory()
    compiled = load_source('SET BOT MEMORY "a", "1"\nx = 1 / 0', "e.bas")
    events = []
    with pytest.raises(BasicRuntimeError):
        asyncio.run(Runtime(compiled, QueuedChannel(), mem, on_event=events.append).run())
    assert mem.data == {"a": "1"} and isinstance(events[-1], Failed)


def test_scripts_cannot_reach_python():
    for attribute in ('"x".__class__', "[].__class__"):
        with pytest.raises(BasicRuntimeError, match="Unknown property '__class__'"):
            run(f"a = {attribute}")
    for name in ("__import__", "open", "eval"):  # never assigned: not found, as any name
        with pytest.raises(BasicRuntimeError, match="Variable not found"):
            run(f"b = {name}")
    with pytest.raises(BasicRuntimeError):
        run('x = __import__("os")')
    with pytest.raises(BasicRuntimeError):
        run('x = "a".__class__.__mro__()')


def test_timeout_and_step_budget_stop_infinite_loops():
    with pytest.raises(BasicRuntimeError) as e:
        run("DO\nx = 1\nLOOP", timeout=0.2)
    assert "timed out" in e.value.message and e.value.line == 1
    with pytest.raises(BasicRuntimeError) as e:
        run("WHILE TRUE\nWEND", max_ticks=10)
    assert "step budget" in e.value.message


def test_cancelling_the_task_stops_an_infinite_loop_quickly():
    async def main():
        compiled = load_source("i = 0\nDO\ni = i + 1\nLOOP", "loop.bas")
        rt = Runtime(compiled, QueuedChannel(), DictMemory())
        task = asyncio.ensure_future(rt.run())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return rt.globals["i"]

    assert asyncio.run(main()) > 1000


def test_wait_is_capped_and_skippable():
    out = run("WAIT 1000\nTALK \"done\"", skip_waits=True)
    assert out.talks == ["done"]
    assert any("capped" in e.text for e in out.events if isinstance(e, Printed))


def test_methods_scripts_use():
    out = run('xs = []\nxs.push(1)\nxs.PUSH(2)\nn = xs.length\nt = "  a ".trim()\n'
              'APPEND xs, 3')
    assert out.variables["xs"] == [1, 2, 3] and out.variables["n"] == 2
    assert out.variables["t"] == "a"


def test_date_arithmetic_counts_seconds():
    out = run('d = DATEVALUE("2025-01-15 10:00:00")\na = d + 15 * 60\nb = d - DAYS(1)')
    assert str(out.variables["a"]) == "2025-01-15 10:15:00"
    assert str(out.variables["b"]) == "2025-01-14 10:00:00"
