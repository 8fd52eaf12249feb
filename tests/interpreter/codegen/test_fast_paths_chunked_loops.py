"""Third set of compiler fast paths (issue 7): loops that run in chunks of
``operators.CHUNK`` items with the yield counter paid once per chunk (FOR EACH and FOR ... TO
over a range), and SELECT CASE over int-only or text-only literals, whose subject's class is
read once.

Each property runs the same program in a release build and a debug build (debugger
attached) and compares both with a model written with the language's operator functions.
Sizes cross the chunk boundary, so EXIT FOR in a later chunk and partial last chunks run.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.library.operators import CHUNK, add, eq, mul
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import BasicValueError
from tests.interpreter.helpers import both

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-5, max_value=5),
    st.floats(min_value=-5, max_value=5, allow_nan=False, width=16),
    st.sampled_from(["", "0", "1", " 1 ", "2.0", "menu", "MENU", "order", "buy", "x"]),
)


# ---------------------------------------------------------------- FOR EACH in chunks


FOR_EACH = """\
total = 0
count = 0
FOR EACH item IN items
    count = count + 1
    total = total + item.price * item.qty
    IF count = stop THEN
        EXIT FOR
    END IF
    items = items + [item]
NEXT item
RETURN [count, total, item]
"""

items_st = st.integers(0, 3 * CHUNK + 5).flatmap(
    lambda size: st.lists(st.fixed_dictionaries(
        {"price": st.integers(-3, 9)},
        optional={"qty": st.one_of(st.integers(0, 3), st.just("2"), st.none())}),
        min_size=size, max_size=size))


def for_each_model(items: list[dict[str, Any]], stop: int) -> Any:
    total, count, item = 0, 0, None
    for item in list(items):  # the list as it was when the loop started
        count = add(count, 1)
        total = add(total, mul(item["price"], item.get("qty")))
        if eq(count, stop):
            break
    return [count, total, item]


@SETTINGS
@given(items_st, st.integers(0, 3 * CHUNK + 8))
def test_for_each_in_chunks_matches_the_language_loop(items: list[dict[str, Any]],
                                                       stop: int) -> None:
    got = both(FOR_EACH, {"items": items, "stop": stop})
    if got[0] == "ok":
        assert got[1] == for_each_model(items, stop)
    else:  # a value the operator refuses: refused in both builds, and in the model
        with pytest.raises(BasicValueError, match=re.escape(got[1])):
            for_each_model(items, stop)


@SETTINGS
@given(st.integers(0, 2 * CHUNK + 3), st.integers(-1, 2 * CHUNK + 3))
def test_for_each_last_and_non_list_collections(size: int, last: int) -> None:
    src = "n = 0\ns = 0\nFOR EACH x IN xs LAST k\n  n = n + 1\n  s = s + x\nNEXT\n" \
          "RETURN [n, s]"
    xs = list(range(size))
    tail = xs[-last:] if last > 0 else []
    assert both(src, {"xs": xs, "k": last}) == ("ok", [len(tail), sum(tail)])
    one = "n = 0\nFOR EACH x IN m\n  n = n + x.a\nNEXT\nRETURN n"
    assert both(one, {"m": {"a": 4}}) == ("ok", 4)  # a map is one item
    assert both(one, {"m": None}) == ("ok", 0)  # NULL: no items


def test_for_each_and_for_to_are_chunked_in_both_builds() -> None:
    for debug in (False, True):
        code = load_source(FOR_EACH, "c.bas", debug=debug).source
        assert "_each_chunks(" in code
        assert "_n -= 1" not in code  # the counter is paid per chunk only
    code = load_source("FOR i = 1 TO 9\nNEXT", "c.bas").source  # release: over a range
    assert "in _chunks(_r" in code
    assert "_n -= 1" not in code


def test_exit_for_from_a_nested_loop_in_a_later_chunk() -> None:
    src = f"""\
n = 0
FOR EACH x IN xs
    n = n + 1
    DO
        IF x = {CHUNK + 7} THEN
            EXIT FOR
        END IF
        EXIT DO
    LOOP
NEXT
RETURN [n, x]
"""
    assert both(src, {"xs": list(range(3 * CHUNK))}) == ("ok", [CHUNK + 8, CHUNK + 7])


def test_chunked_loops_still_tick_so_budgets_apply() -> None:
    for src in ("FOR EACH x IN xs\n  y = x\nNEXT", "FOR i = 1 TO 100000000\n  y = i\nNEXT"):
        compiled = load_source(src, "t.bas")
        rt = Runtime(compiled, QueuedChannel(), DictMemory(),
                     initial_vars={"xs": list(range(100 * CHUNK))}, max_ticks=3)
        with pytest.raises(BasicRuntimeError, match="step budget"):
            asyncio.run(rt.run())


# ---------------------------------------------------------------- FOR ... TO in chunks


@SETTINGS
@given(st.integers(-CHUNK, CHUNK), st.integers(-CHUNK, 2 * CHUNK),
       st.sampled_from([1, 3, -1, -7]), st.integers(0, 2 * CHUNK + 10))
def test_for_to_in_chunks_matches_the_language_loop(a: int, b: int, step: int,
                                                    stop: int) -> None:
    src = f"""\
count = 0
s = 0
FOR i = a TO b STEP {step}
    count = count + 1
    s = s + i
    IF count = stop THEN
        EXIT FOR
    END IF
NEXT
RETURN [count, s, i]
"""
    count, s, i = 0, 0, a
    while (i <= b) if step > 0 else (i >= b):
        count, s = count + 1, s + i
        if count == stop:
            break
        i += step
    assert both(src, {"a": a, "b": b, "stop": stop}) == ("ok", [count, s, i])


def test_float_for_loop_in_chunks() -> None:
    src = "n = 0\nFOR x = 0.5 TO 600\n  n = n + 1\nNEXT\nRETURN [n, x]"
    assert both(src, {}) == ("ok", [600, 600.5])


# ---------------------------------------------------------------- SELECT CASE over literals


SELECT_TEXT = """\
SELECT CASE x
    CASE "menu"
        RETURN 1
    CASE "order", "buy", "menu"
        RETURN 2
    CASE "1", "2.0"
        RETURN 3
    CASE ELSE
        RETURN 4
END SELECT
"""

SELECT_INT = """\
r = 0
SELECT CASE x
    CASE 0
        r = 1
    CASE 1, 2, 0
        r = 2
    CASE -1
        r = 3
END SELECT
RETURN r
"""


def select_model(x: Any, cases: list[tuple[list[Any], int]], default: int) -> int:
    for values, result in cases:
        if any(eq(x, v) for v in values):
            return result
    return default


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scalars)
def test_select_case_over_literals_matches_eq(x: Any) -> None:
    text = [(["menu"], 1), (["order", "buy", "menu"], 2), (["1", "2.0"], 3)]
    assert both(SELECT_TEXT, {"x": x}) == ("ok", select_model(x, text, 4))
    ints = [([0], 1), ([1, 2, 0], 2), ([-1], 3)]
    assert both(SELECT_INT, {"x": x}) == ("ok", select_model(x, ints, 0))


def test_select_case_with_mixed_or_computed_case_values() -> None:
    mixed = 'SELECT CASE x\nCASE 1\nRETURN 1\nCASE "a"\nRETURN 2\nEND SELECT'
    computed = "SELECT CASE x\nCASE y\nRETURN 1\nCASE 2\nRETURN 2\nEND SELECT"
    assert both(mixed, {"x": 1}) == ("ok", 1)
    assert both(mixed, {"x": "1"}) == ("ok", None)  # Rhai's ==: "1" is not 1
    assert both(computed, {"x": 2, "y": 2}) == ("ok", 1)


def test_select_case_evaluates_the_subject_once_and_nests() -> None:
    src = """\
FUNCTION Next()
    calls = calls + 1
    RETURN calls
END FUNCTION
calls = 0
r = ""
FOR i = 1 TO 600
    SELECT CASE Next() MOD 3
        CASE 0
            SELECT CASE "k" + (i MOD 2)
                CASE "k0"
                    r = "even"
                CASE "k1"
                    r = "odd"
            END SELECT
        CASE 1, 2
            r = r
    END SELECT
NEXT
RETURN [calls, r]
"""
    assert both(src, {}) == ("ok", [600, "even"])
