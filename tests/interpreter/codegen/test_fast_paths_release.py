"""Fourth set of compiler fast paths (issue 7), release builds only:

- fused arithmetic: ``a + b * c`` with one class test of all its operands, then Python's
  arithmetic, else the language's operators nested;
- a FOR ... TO variable started at an int and never assigned in the body is known to be an
  int there: ``i MOD k``, ``lst[i]`` and ``i + 1`` skip its class test.

Each property runs the same program in a release build and a debug build (debugger
attached, which has neither fast path) and compares both with a model written with the
language's operator functions (values.get_index for ``[]``).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import load_source
from interpreter.library.operators import add, mod, mul, sub
from interpreter.values import get_index, read_member
from tests.interpreter.helpers import both, check, model

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-1000, max_value=1000),
    # Near both ends of i64: every integer in a run is one (literals are checked by the
    # lexer, arithmetic by overflow checks, param-* values by app.files.bot_package).
    st.integers(min_value=2**62, max_value=2**63 - 1),
    st.integers(min_value=-(2**63), max_value=-(2**62)),
    st.floats(min_value=-5, max_value=5, allow_nan=False, width=16),
    st.sampled_from(["", "0", "1", " 2 ", "2.5", "x", "abc"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3),
                   st.dictionaries(st.sampled_from(["p", "q"]), scalars, max_size=2))



def test_the_fast_paths_are_generated() -> None:
    """The properties below exercise the new code (and a debug build has none of it)."""
    src = "a = NULL\nb = NULL\nc = NULL\nd = NULL\nRETURN a + b * c - d"
    fused = load_source(src, "f.bas").source
    assert "_sub(_add(v_a, _mul(v_b, v_c)), v_d)" in fused
    assert "_sub(_add(" not in load_source(src, "f.bas", debug=True).source
    loop = load_source("FOR i = 0 TO 3\n r = lst[i MOD 2]\nNEXT\nRETURN r", "f.bas").source
    assert "(v_i % 2)" in loop and "_mod(v_i" not in loop


# ---------------------------------------------------------------- fused arithmetic


@SETTINGS
@given(a=values, b=values, c=values, d=values)
def test_fused_arithmetic_matches_the_operators(a: Any, b: Any, c: Any, d: Any) -> None:
    got = both("RETURN a + b * c - d", {"a": a, "b": b, "c": c, "d": d})
    check(got, model(lambda: sub(add(a, mul(b, c)), d)))


@SETTINGS
@given(a=values, b=values, c=values)
def test_fused_arithmetic_with_a_literal(a: Any, b: Any, c: Any) -> None:
    got = both("RETURN (a - 3) * b + c * 2", {"a": a, "b": b, "c": c})
    check(got, model(lambda: add(mul(sub(a, 3), b), mul(c, 2))))


FOR_EACH = """\
total = start
FOR EACH item IN items
    total = total + item.p * item.q
NEXT
RETURN total
"""


@SETTINGS
@given(start=values, items=st.lists(values, max_size=4))
def test_fused_member_arithmetic_in_for_each(start: Any, items: list[Any]) -> None:
    got = both(FOR_EACH, {"start": start, "items": items})

    def run() -> Any:
        total = start
        for item in items if items else []:
            total = add(total, mul(read_member(item, "p"), read_member(item, "q")))
        return total

    check(got, model(run))


CALLS = """\
FUNCTION F()
    calls = calls + "F"
    RETURN x
END FUNCTION
FUNCTION G()
    calls = calls + "G"
    RETURN y
END FUNCTION
calls = ""
ON ERROR RESUME NEXT
r = F() * z + G()
r = F() + G() * z
RETURN calls
"""


@SETTINGS
@given(x=values, y=values, z=values)
def test_operands_are_evaluated_once_in_order(x: Any, y: Any, z: Any) -> None:
    """A failing operator stops before a later operand's call, as without the fast path."""
    got = both(CALLS, {"x": x, "y": y, "z": z})
    first = "F" if model(lambda: mul(x, z))[0] == "error" else "FG"
    check(got, ("ok", first + "FG"))


# ---------------------------------------------------------------- known-int loop variable


LOOP = """\
r = ""
FOR i = {start} TO {start} + 3
    r = r + "|" + (i MOD 3) + ";" + lst[i] + ";" + lst[i MOD 2] + ";" + (i * 2 + i - k) + ";" + (i + k)
NEXT
RETURN r
"""


@SETTINGS
@given(start=st.integers(min_value=-4, max_value=3), lst=values, k=values)
def test_a_loop_variable_known_to_be_an_int(start: int, lst: Any, k: Any) -> None:
    got = both(LOOP.format(start=start), {"lst": lst, "k": k})

    def run() -> Any:
        r = ""
        for i in range(start, start + 4):
            parts = [mod(i, 3), get_index(lst, i), get_index(lst, mod(i, 2)),
                     sub(add(mul(i, 2), i), k), add(i, k)]
            for j, p in enumerate(parts):
                r = add(add(r, ";" if j else "|"), p)
        return r

    want = model(run)
    check(got, want)
