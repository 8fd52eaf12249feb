"""FOR EACH's specialised pass (codegen.fast_each): a chunk of items run on ints, handing
over to the general code at the statement where an assumption fails.

Generated loops run over mixed item lists (maps with int members, NULL, text, numbers,
lists, maps without the member, members holding text, floats, booleans, ints near the i64
bounds, an overflow at a chosen item), in release builds and in debug builds with the
debugger attached, against models written with the language's own operators (the general
path's functions): same value, or same error message at the same line. The models follow
Rhai 1.24's checked i64 arithmetic (overflow is an error, not a wrap) as the engine runs
it (generalbots botserver/crates/botbasic_core, Rhai's ``checked`` arithmetic).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from textwrap import dedent
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.debug.model import BreakpointSpec, PausedState
from interpreter.library.operators import add, eq, gt, lt, mul, read_member, sub
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import BasicValueError

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
I64_MAX = 2**63 - 1

BASKET = """\
total = 0
big = 0
FOR EACH item IN items
    total = total + item.price * item.qty
    IF item.qty > 1 THEN
        big = big + 1
    END IF
NEXT item
RETURN total * 1000 + big
"""

BRANCHES = """\
a = 0
b = 0
c = 0
FOR EACH item IN items
    x = item.price
    a = a - x * item.qty * 2
    IF item.qty = x THEN
        b = b + 3
    ELSEIF x * 3 < a THEN
        c = c - 1
    ELSE
        c = c + x
    END IF
NEXT item
RETURN [a, b, c, x]
"""


class _Failed(Exception):
    def __init__(self, message: str, line: int) -> None:
        self.message, self.line = message, line


def _at(line: int, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except BasicValueError as e:
        raise _Failed(str(e), line) from e


def model_basket(items: list[Any]) -> Any:
    total = big = 0
    for item in items:
        total = _at(4, lambda item=item, total=total: add(
            total, mul(read_member(item, "price"), read_member(item, "qty"))))
        if _at(5, lambda item=item: gt(read_member(item, "qty"), 1)):
            big = _at(6, lambda big=big: add(big, 1))
    return _at(9, lambda: add(mul(total, 1000), big))


def model_branches(items: list[Any]) -> Any:
    a = b = c = 0
    x = None
    for item in items:
        x = _at(5, lambda item=item: read_member(item, "price"))
        a = _at(6, lambda item=item, a=a, x=x: sub(
            a, mul(mul(x, read_member(item, "qty")), 2)))
        if _at(7, lambda item=item, x=x: eq(read_member(item, "qty"), x)):
            b = _at(8, lambda b=b: add(b, 3))
        elif _at(9, lambda a=a, x=x: lt(mul(x, 3), a)):
            c = _at(10, lambda c=c: sub(c, 1))
        else:
            c = _at(12, lambda c=c, x=x: add(c, x))
    return [a, b, c, x]


def expected(model: Callable[[list[Any]], Any], items: list[Any]) -> tuple[Any, ...]:
    try:
        return ("ok", model(items))
    except _Failed as e:
        return ("error", e.message, e.line)


def outcome(source: str, items: list[Any], debug: bool,
            specialised: bool = True) -> tuple[Any, ...]:
    """('ok', value) or ('error', message, line); ``specialised``: the specialised pass is there."""
    compiled = load_source(source, "each.bas", debug=debug)
    assert not specialised or "raise _Exception" in compiled.source
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars={"items": items},
                 debugger=Debugger(compiled.program) if debug else None)
    try:
        return ("ok", asyncio.run(rt.run()))
    except BasicRuntimeError as e:
        return ("error", e.message, e.line)


def check(source: str, model: Callable[[list[Any]], Any], items: list[Any]) -> None:
    want = expected(model, items)
    for debug in (False, True):
        got = outcome(source, items, debug)
        assert got == want, (debug, got, want)
        if got[0] == "ok":
            assert type(got[1]) is type(want[1])


NEAR_BOUNDS = [2**62 - 1, 2**62, 2**62 + 1, I64_MAX, -(2**63), -(2**62), 3037000499,
               3037000500, 2**31, -(2**31)]
odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(-30, 30), st.sampled_from(NEAR_BOUNDS),
    st.floats(-50, 50, allow_nan=False, width=32), st.sampled_from(["", "7", "x"]))
def odd_items(p: str, q: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from([None, "text", 5, 2.5, True, [1, 2], {}, {p: 1}, {q: 2}]),
        st.builds(lambda x, y: {p: x, q: y}, odd_values, odd_values))


@st.composite
def item_lists(draw: Any, p: str = "price", q: str = "qty") -> list[Any]:
    """Up to three chunks of maps with small int members, a few odd items among them."""
    size, seed = draw(st.integers(0, 700)), draw(st.integers(0, 50))
    items: list[Any] = [{"name": "n", p: (i * 7 + seed) % 23 - 11, q: (i * 5 + seed) % 7 - 3}
                        for i in range(size)]
    for _ in range(draw(st.integers(0, 4))):
        items.insert(draw(st.integers(0, len(items))), draw(odd_items(p, q)))
    return items


@SETTINGS
@given(item_lists())
def test_the_basket_loop_gives_the_general_paths_value_or_error(items: list[Any]) -> None:
    check(BASKET, model_basket, items)


@SETTINGS
@given(item_lists())
def test_a_loop_with_elseif_and_a_member_copy_gives_the_general_paths_outcome(
        items: list[Any]) -> None:
    check(BRANCHES, model_branches, items)


@pytest.mark.parametrize("at", [0, 255, 256, 600])
def test_an_overflow_at_a_chosen_item_fails_at_its_line(at: int) -> None:
    items: list[Any] = [{"price": 3, "qty": 2}] * 700
    items[at] = {"price": 2**62, "qty": 2}
    want = expected(model_basket, items)
    assert want[0] == "error" and want[2] == 4
    for debug in (False, True):
        assert outcome(BASKET, items, debug) == want


def test_a_total_that_reaches_past_two_to_the_62_is_still_exact() -> None:
    # Past the fast pass's range the general code goes on; the value is i64's.
    items: list[Any] = [{"price": 2**61, "qty": 1}] * 3 + [{"price": 1, "qty": 2}] * 600
    source = BASKET.replace("RETURN total * 1000 + big", "RETURN [total, big]")
    for debug in (False, True):
        assert outcome(source, items, debug) == ("ok", [3 * 2**61 + 1200, 600])
    items.append({"price": 2**62, "qty": 1})
    for debug in (False, True):
        error = outcome(source, items, debug)
        assert error[0] == "error" and error[2] == 4


def test_variables_holding_text_before_the_loop_take_the_general_path() -> None:
    source = BASKET.replace('total = 0', 'total = "t"')
    items = [{"price": 2, "qty": 3}] * 300
    want = expected(lambda its: "t" + "6" * 300, items)
    for debug in (False, True):
        assert outcome(source.replace("RETURN total * 1000 + big", "RETURN total"),
                       items, debug) == want


def _loop_items(count: int) -> list[Any]:
    item = {"price": 2, "qty": 3}
    return [item] * count


def test_a_breakpoint_in_the_body_stops_at_each_pass_with_the_variables() -> None:
    compiled = load_source(BASKET, "each.bas", debug=True)
    seen: list[tuple[int, Any, Any]] = []

    def paused(state: PausedState) -> None:
        seen.append((state.line, dbg.evaluate("total"), dbg.evaluate("big")))
        if len(seen) == 3:
            dbg.set_breakpoints([])
        asyncio.get_running_loop().call_soon(dbg.resume)

    dbg = Debugger(compiled.program, on_paused=paused)
    dbg.set_breakpoints([BreakpointSpec(6)])
    rt = Runtime(compiled, QueuedChannel(), DictMemory(),
                 initial_vars={"items": _loop_items(600)}, debugger=dbg)
    assert asyncio.run(rt.run()) == 600 * 6 * 1000 + 600
    assert seen == [(6, 6, 0), (6, 12, 1), (6, 18, 2)]


ITEMS = 200_000  # the debugger shows them all when it stops: not millions


def test_a_breakpoint_set_while_the_fast_pass_runs_stops_with_the_variables_in_step() -> None:
    async def scenario() -> tuple[list[tuple[int, Any, Any]], Any]:
        seen: list[tuple[int, Any, Any]] = []
        compiled = load_source(BASKET, "each.bas", debug=True)

        def paused(state: PausedState) -> None:
            seen.append((state.line, dbg.evaluate("total"), dbg.evaluate("big")))
            dbg.set_breakpoints([])
            dbg.set_variable("big", "0")
            asyncio.get_running_loop().call_soon(dbg.resume)

        dbg = Debugger(compiled.program, on_paused=paused)
        rt = Runtime(compiled, QueuedChannel(), DictMemory(),
                     initial_vars={"items": _loop_items(ITEMS)}, debugger=dbg)
        task = asyncio.create_task(rt.run())
        while rt.depth == 0 or not dbg.quiet[0]:
            await asyncio.sleep(0)
        await asyncio.sleep(0)  # the run is in its loop: it yields every few ms
        dbg.set_breakpoints([BreakpointSpec(4)])
        return seen, await asyncio.wait_for(task, 60)

    seen, value = asyncio.run(scenario())
    [(line, total, big)] = seen
    assert line == 4 and total == big * 6 and big > 0  # the pass at line 4 has not added
    assert value == ITEMS * 6 * 1000 + (ITEMS - big)


def test_a_null_item_after_fast_passes_is_a_variable_the_debugger_shows() -> None:
    # Debug builds set a NULL loop variable in the dialog's variables (else a NULL local
    # would not show); the fast pass defers that to its hand-over, which a NULL item
    # always takes (a member read of NULL is no map's). The read then stops the run, as
    # Rhai's does ("Unknown property 'qty' … for type '()'"), with the item shown.
    source = dedent("""\
        n = 0
        FOR EACH item IN items
            IF item.qty > 1 THEN
                n = n + 10
            END IF
            n = n + 1
        NEXT item
        RETURN n
        """)
    compiled = load_source(source, "each.bas", debug=True)
    assert "raise _Exception" in compiled.source
    rt = Runtime(compiled, QueuedChannel(), DictMemory(),
                 initial_vars={"items": [{"qty": 2}] * 300 + [None]},
                 debugger=Debugger(compiled.program))
    with pytest.raises(BasicRuntimeError, match="Unknown property 'qty'"):
        asyncio.run(rt.run())
    assert "item" in rt.globals and rt.globals["item"] is None and rt.globals["n"] == 3300


# ------------------------------------------------------------ random bodies

VARS = ("a", "b", "c")
int_literals = st.one_of(st.integers(-9, 9), st.sampled_from(NEAR_BOUNDS))


def expressions(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(int_literals.map(str), st.sampled_from(VARS),
                       st.sampled_from(["item.p", "item.q"]))
    if depth == 0:
        return leaves
    inner = expressions(depth - 1)
    return st.one_of(leaves, st.builds(lambda x, op, y: f"({x} {op} {y})", inner,
                                       st.sampled_from("+-*"), inner))


def conditions() -> st.SearchStrategy[str]:
    return st.builds(lambda x, op, y: f"{x} {op} {y}", expressions(1),
                     st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), expressions(1))


def statements(depth: int) -> st.SearchStrategy[list[str]]:
    assign = st.builds(lambda v, e: [f"{v} = {e}"], st.sampled_from(VARS), expressions(2))
    step = st.builds(lambda v, op, k: [f"{v} = {v} {op} {k}"], st.sampled_from(VARS),
                     st.sampled_from("+-"), st.integers(0, 5))
    if depth == 0:
        return st.one_of(assign, step)
    body = st.lists(statements(depth - 1), min_size=0, max_size=3).map(
        lambda blocks: ["    " + line for block in blocks for line in block])
    branch = st.builds(
        lambda c, then, more, other: [f"IF {c} THEN", *then,
                                      *([f"ELSEIF {more[0]} THEN", *more[1]] if more else []),
                                      *(["ELSE", *other] if other is not None else []),
                                      "END IF"],
        conditions(), body, st.none() | st.tuples(conditions(), body), st.none() | body)
    return st.one_of(assign, step, branch)


starts = st.one_of(st.integers(-9, 9), st.sampled_from(NEAR_BOUNDS), st.just('"t"'),
                   st.just("NULL"), st.just("1.5"))


@st.composite
def programs(draw: Any) -> tuple[str, str]:
    """A FOR EACH whose body the fast pass runs, and the same loop with one more statement
    that keeps it from running it (the general path), at the end of the body."""
    head = [f"{v} = {draw(starts)}" for v in VARS] + ["FOR EACH item IN items"]
    blocks = draw(st.lists(statements(2), min_size=0, max_size=3))
    # At least one assignment (a body that assigns nothing has nothing to run fast).
    blocks.insert(draw(st.integers(0, len(blocks))), draw(statements(0)))
    body = ["    " + line for block in blocks for line in block]
    tail = ["NEXT item", "RETURN [a, b, c]"]
    return ("\n".join(head + body + tail) + "\n",
            "\n".join(head + body + ['    zz = ""'] + tail) + "\n")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(programs(), item_lists("p", "q"))
def test_random_int_bodies_give_the_general_paths_values_errors_and_lines(
        program: tuple[str, str], items: list[Any]) -> None:
    fast, general = program
    # A step as big as 2**62 (``b = 4611686018427387903 + b``) could leave i64 within one
    # window without a test: such a loop runs the general code (FastEach.eligible).
    big = r"\(?-?\d{16,}\)?"
    step = rf"\b(\w) = \(?(\1 [-+] {big}|{big} \+ \1)\)?$"
    assume(not re.search(step, fast, re.MULTILINE))
    assert "_each_windows(" in load_source(fast, "each.bas").source
    assert "_each_windows(" not in load_source(general, "each.bas").source
    want = outcome(general, items, debug=False, specialised=False)
    if want[0] == "error" and want[2] > fast.count("\n") - 2:  # after the extra line
        want = (*want[:2], want[2] - 1)
    for debug in (False, True):
        assert outcome(fast, items, debug, specialised=False) == want, (fast, debug)


# Statements whose operations cancel out: the result is small, an operation inside it is
# not (Rhai fails at that operation). (statement, p, q, the model of its value)
CANCELLING = [
    ("x = item.p + item.q * item.q", -(2**63), 3037000500,
     lambda p, q: add(p, mul(q, q))),
    ("x = item.q * item.q - item.p", I64_MAX, 3037000500, lambda p, q: sub(mul(q, q), p)),
    ("x = item.p * item.q * 0", 3037000500, 3037000500, lambda p, q: mul(mul(p, q), 0)),
    ("x = n + item.p * item.q - item.p * item.q", 2**62, 2, lambda p, q: sub(
        add(5, mul(p, q)), mul(p, q))),
    ("x = (item.p + item.p) - item.p", I64_MAX, 1, lambda p, q: sub(add(p, p), p)),
]


@pytest.mark.parametrize(("statement", "p", "q", "model"), CANCELLING)
def test_an_operation_that_overflows_inside_a_small_result_fails_at_its_line(
        statement: str, p: int, q: int, model: Callable[[int, int], Any]) -> None:
    source = f"n = 5\nx = 0\nFOR EACH item IN items\n    {statement}\nNEXT item\nRETURN x\n"
    items: list[Any] = [{"p": 1, "q": 1}] * 300 + [{"p": p, "q": q}]
    want = expected(lambda its: _at(4, lambda: model(p, q)), items)
    assert want[0] == "error" and want[2] == 4
    assert "_each_windows(" in load_source(source, "each.bas").source
    for debug in (False, True):
        assert outcome(source, items, debug, specialised=False) == want


def test_the_passs_loop_holds_none_of_the_general_code() -> None:
    # A miss leaves the pass's loop for the hand-over code after it: the passes that take
    # no hand-over run a loop with no general code in it to jump over.
    for debug in (False, True):
        lines = load_source(BRANCHES, "each.bas", debug=debug).source.splitlines()
        start = next(i for i, line in enumerate(lines)
                     if re.fullmatch(r"for v_item in _it\d+:", line.strip()))
        pad = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        end = lines.index(pad + "else:", start)
        fast_loop = "\n".join(lines[start:end])
        assert "break" in fast_loop
        assert "_sub(" not in fast_loop and "_NotFound" not in fast_loop
        assert "_sub(" in "\n".join(lines[end:])


TWO_SUMS = """\
a = 0
b = 0
FOR EACH item IN items
    a = a + item.p
    b = b + item.q
NEXT item
RETURN [a, b]
"""


def test_misses_at_different_statements_in_successive_chunks_each_resume_there() -> None:
    # Each miss (a sum reaching 2**62, past the pass's range) hands over at its own
    # statement; the next item brings the sum back, so the next chunk runs fast again.
    items: list[Any] = [{"p": 1, "q": 2} for _ in range(1000)]
    for at, key in ((10, "p"), (300, "q"), (301, "p"), (700, "q"), (900, "p")):
        items[at] = {"p": 1, "q": 2, key: 2**62}
        items[at + 20] = {"p": 1, "q": 2, key: -(2**62)}
    want = ("ok", [sum(i["p"] for i in items), sum(i["q"] for i in items)])
    for debug in (False, True):
        assert outcome(TWO_SUMS, items, debug) == want
