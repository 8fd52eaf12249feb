"""The compiler's inline fast paths (Python locals, inline text joins, int arithmetic,
member and index reads) must give exactly what the language's operator functions give.

Each property runs a BASIC expression over values injected as variables, in a release build
(locals and fast paths) and in a debug build (debugger attached), and compares both with a
direct call of the operator function from ``interpreter.library.operators`` / ``values``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.library.operators import add, mod, mul
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import get_index, read_member

from ..helpers import run

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=False, width=32),
    st.sampled_from(["", " ", "5", " 5 ", "-3", "+2", ".5", "1e5", "e5", "abc", "Item ",
                     "٣", "inf", "nan", "12abc", "0x10"]),
    st.text(max_size=6),
    st.just(dt.date(2024, 5, 1)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3),
                   st.dictionaries(st.sampled_from(["a", "A", "name", "Name"]), scalars,
                                   max_size=3))
literals = st.sampled_from(["Item ", "e5", " 5", "5", "", "abc", "-", "١٢", " ", ": ", "x"])

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def evaluate(expression: str, variables: dict[str, Any], debug: bool) -> tuple[str, Any]:
    """('ok', value) or ('error', None) for ``RETURN expression``."""
    compiled = load_source(f"RETURN {expression}", "fast.bas", debug=debug)
    debugger = Debugger(compiled.program) if debug else None
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars=dict(variables),
                 debugger=debugger)
    try:
        return "ok", asyncio.run(rt.run())
    except BasicRuntimeError:
        return "error", None


def expected(fn: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except Exception:  # noqa: BLE001 - any failure must be a runtime error in BASIC too
        return "error", None


def same(got: tuple[str, Any], want: tuple[str, Any]) -> bool:
    if got[0] != want[0]:
        return False
    a, b = got[1], want[1]
    return type(a) is type(b) and (a == b or (a != a and b != b))


def check(expression: str, variables: dict[str, Any], want: tuple[str, Any]) -> None:
    for debug in (False, True):
        got = evaluate(expression, variables, debug)
        assert same(got, want), (expression, variables, debug, got, want)


@SETTINGS
@given(x=values, lit=literals)
def test_plus_with_a_text_literal_matches_add(x: Any, lit: str) -> None:
    q = '"' + lit + '"'
    check(f"x + {q}", {"x": x}, expected(add, x, lit))
    check(f"{q} + x", {"x": x}, expected(add, lit, x))


@SETTINGS
@given(x=values, y=values)
def test_text_chains_match_nested_add_and_cat(x: Any, y: Any) -> None:
    check('"Item " + x + ": " + y', {"x": x, "y": y},
          expected(lambda: add(add(add("Item ", x), ": "), y)))
    check('x + " for " + y + 1.5', {"x": x, "y": y},
          expected(lambda: add(add(add(x, " for "), y), 1.5)))
    check('"${x} and ${y}!"', {"x": x, "y": y},
          expected(lambda: add(add(add(add("", x), " and "), y), "!")))


@SETTINGS
@given(x=values, y=values)
def test_arithmetic_fast_paths_match_the_operators(x: Any, y: Any) -> None:
    check("x * y", {"x": x, "y": y}, expected(mul, x, y))
    check("x MOD 7", {"x": x}, expected(mod, x, 7))
    check("x + y", {"x": x, "y": y}, expected(add, x, y))


@SETTINGS
@given(obj=values, key=st.sampled_from(["a", "A", "name", "Name", "length"]),
       index=st.one_of(st.integers(-4, 4), st.sampled_from(["0", "a", None, 1.0])))
def test_member_and_index_fast_paths_match_the_value_functions(obj: Any, key: str,
                                                               index: Any) -> None:
    check(f"obj.{key}", {"obj": obj}, expected(read_member, obj, key))
    check("obj[i]", {"obj": obj, "i": index}, expected(get_index, obj, index))


def test_dialog_locals_and_sub_globals_stay_one_variable_each():
    out = run(
        "count = 1\nonly_main = 5\nSUB Bump(n)\n  count = count + n\n  temp = n\nEND SUB\n"
        "FUNCTION Twice(n)\n  Twice = n * 2\nEND FUNCTION\n"
        "CALL Bump(2)\nx = Twice(only_main) + count\nRETURN x")
    assert out.result == 13
    assert out.variables["count"] == 3 and out.variables["only_main"] == 5
    assert "temp" not in out.variables  # a SUB's own variable stays in the SUB


def test_unicode_names_that_python_would_fold_together_stay_apart():
    # NFKC folds the ligature "ﬁ" into "fi"; as BASIC names they are two variables.
    out = run("ﬁ = 1\nfi = 2\nRETURN ﬁ * 10 + fi")
    assert out.result == 12 and out.variables["ﬁ"] == 1 and out.variables["fi"] == 2


def test_variables_assigned_before_a_runtime_error_are_kept():
    compiled = load_source("a = 1\nb = [1]\nb[0] = 2\nc = 1 / 0", "e.bas")
    rt = Runtime(compiled, QueuedChannel(), DictMemory())
    with pytest.raises(BasicRuntimeError) as e:
        asyncio.run(rt.run())
    assert e.value.line == 4
    assert rt.globals["a"] == 1 and rt.globals["b"] == [2]


def test_initial_variables_are_read_and_can_be_replaced():
    compiled = load_source('limit = limit + 1\nRETURN "" + limit + later\nlater = 1', "p.bas")
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars={"limit": 100})
    assert asyncio.run(rt.run()) == "101"
    assert rt.globals["limit"] == 101 and rt.globals.get("later") is None


def test_member_assignment_writes_a_map_in_a_local_variable():
    # (order = #{} first: like Rhai, a member assignment makes no map of an empty value)
    out = run('order = #{}\norder.item = "tea"\norder.qty = 2\nnames = [""]\nnames[0] = "a"\n'
              'RETURN order.item + names[0]')
    assert out.result == "teaa" and out.variables["order"] == {"item": "tea", "qty": 2}


def test_text_longer_than_the_cap_still_fails_in_an_inline_join():
    with pytest.raises(BasicRuntimeError, match="string too long"):
        run('s = "x"\nFOR i = 1 TO 40\n  s = s + s\nNEXT')


def test_a_variable_named_like_a_keyword_can_be_indexed():
    out = run('list = SPLIT("a,b", ",")\nmap = [7]\nRETURN list[1] + map[0]')
    assert out.result == "b7"
