"""Rhai 1.24's text methods that change their text in place (rhai src/packages/string_more.rs:
``make_upper``, ``make_lower``, ``crop``, ``truncate``, ``pad``, ``remove``, ``clear`` and
``append`` take ``&mut ImmutableString``). Written as a statement of its own, ``s.make_upper()``
changes ``s``. The cases of the first test and the errors are what the engine-oracle printed
for the same dialogs (arrays' own ``xs.clear()``: tests/interpreter/library/test_methods.py)."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError, load_source
from interpreter.debug.debugger import Debugger
from tests.interpreter.helpers import both, talks


@pytest.mark.parametrize(("lines", "shown"), [
    ('s = "abc"\ns.make_upper()\nTALK s', ["ABC"]),
    ('d = "ÉCOLE"\nd.make_lower()\nTALK d', ["école"]),
    ('u = "abcdef"\nu.crop(2, 3)\nTALK u', ["cde"]),
    ('a = "abcdef"\na.crop(-2)\nTALK a', ["ef"]),
    ('t = "  hello world  "\nt.truncate(5)\nTALK t', ["  hel"]),
    ('c = "hello"\nc.truncate(0)\nTALK c + "|"', ["|"]),
    ('g = "abc"\ng.truncate(10)\nTALK g', ["abc"]),
    ('v = "ab"\nv.pad(5, "*")\nTALK v', ["ab***"]),
    ('b = "ab"\nb.pad(7, "xyz")\nTALK b', ["abxyzxy"]),
    ('h = "abc"\nh.pad(2, "*")\nTALK h', ["abc"]),
    ('e = "banana"\ne.remove("an")\nTALK e', ["ba"]),
    ('q = "abc"\nq.clear()\nTALK q + "|"', ["|"]),
    ('w = "x"\nw.append(1.0)\nw.append(2)\nTALK w', ["x1.02"]),
    # a map's member is changed where it is
    ('m = #{a: "xy"};\nm.a.make_upper()\nTALK m.a', ["XY"]),
])
def test_a_statement_of_its_own_changes_the_text_where_it_is(lines: str,
                                                            shown: list[str]) -> None:
    assert talks(lines) == shown


def test_release_and_debug_builds_agree_and_the_name_counts_as_assigned() -> None:
    # n is assigned only ints before: the change must not be compiled as an int variable's.
    source = 'n = 1\nn = "ab"\nn.make_upper()\nRETURN n'
    assert both(source, {}) == ("ok", "AB")
    # as an assignment's value, in a SUB too: q is changed, r becomes NULL
    source = ('SUB lower(q)\n  r = q.make_lower()\n  TALK TYPEOF(r)\n  TALK q\nEND SUB\n'
              'CALL lower("AB")\nn = 1\nn = "Cd"\nr = n.make_upper()\nRETURN n + TYPEOF(r)')
    assert both(source, {}) == ("ok", "CDnull")


def test_a_loop_variable_is_changed_for_its_round() -> None:
    assert talks('FOR EACH w IN ["a", "b"]\n  w.make_upper()\n  TALK w\nNEXT w') == ["A", "B"]


# What the engine-oracle printed: r = q.make_lower() changes q and gives r () (NULL), which
# TALK shows as nothing, = "" finds different, ?? replaces and LEN rejects.
@pytest.mark.parametrize(("lines", "shown"), [
    ('q = "HeLLo"\nr = q.make_lower()\nTALK q\nTALK r\nTALK TYPEOF(r)', ["hello", "", "null"]),
    (('q = "HeLLo"\nr = q.make_lower()\nIF r = "" THEN\nTALK "same"\nELSE\nTALK "different"\n'
      'END IF\nTALK r <> ""\nIF r = 0 THEN\nTALK "zero"\nELSE\nTALK "nonzero"\nEND IF'),
     ["different", "true", "nonzero"]),
    ('q = "HeLLo"\nr = q.make_lower()\nTALK "v" + r\nTALK r + "x"\nTALK r ?? "d"',
     ["v", "x", "d"]),
    ('q = "HeLLo"\nq = q.make_lower()\nTALK TYPEOF(q)', ["null"]),
    ('q = "HeLLo"\nr = q.crop(1, 2)\nTALK q\nTALK ISNULL(r)', ["eL", "true"]),
    ('xs = ["b", "a"]\nr = xs[0].make_upper()\nTALK xs', ['["B", "a"]']),
    # on a value no variable holds, the changed copy is lost
    ('q = "HeLLo"\nr = UCASE(q).make_lower()\nTALK TYPEOF(r)\nTALK q', ["null", "HeLLo"]),
    ('TALK "AbC".make_lower() + "|"', ["|"]),
])
def test_as_a_value_it_changes_the_text_and_gives_null(lines: str, shown: list[str]) -> None:
    assert talks(lines) == shown


def test_the_null_it_gives_stops_where_production_stops() -> None:
    with pytest.raises(BasicRuntimeError, match=r"Function not found: LEN \(\(\)\)") as info:
        talks('q = "HeLLo"\nr = q.make_lower()\nTALK LEN(r)')
    assert info.value.line == 3
    with pytest.raises(BasicRuntimeError, match=r"Function not found: make_upper \(i64\)"):
        talks("n = 5\nr = n.make_upper()")
    with pytest.raises(BasicRuntimeError, match=r"Function not found: make_upper \(i64\)"):
        talks("n = 5\nn.make_upper()\nTALK n")


@pytest.mark.parametrize(("source", "shown"), [
    ('q = "abc"\nTALK q.make_upper() + "!"\nTALK q', ["!", "ABC"]),
    ('q = "abc"\nTALK q.make_upper()\nTALK q', ["", "ABC"]),
    ('q = "abc"\nr = q.make_upper() + ">" + q\nTALK r\nTALK q', [">ABC", "ABC"]),
    ('q = "ab"\nq = q.pad(4, "*") + "|"\nTALK q', ["|"]),
    ('m = #{t: "x"}\nr = m.t.make_upper() + m.t\nTALK r', ["X"]),
    ('q = "hi"\nIF q.make_upper() = () AND q = "HI" THEN\n  TALK "both"\nEND IF', ["both"]),
])
def test_first_in_a_larger_expression_it_changes_the_variable_as_rhai_does(
        source: str, shown: list[str]) -> None:
    # Rhai evaluates the call before the rest (rhai src/eval/expr.rs: left side first):
    # the variable changes, and the call gives () there
    assert talks(source) == shown
    assert talks(source, debugger=Debugger(load_source(source, "d.bas", debug=True).program)) \
        == shown


@pytest.mark.parametrize(("source", "shown"), [
    ('q = "abc"\nTALK "<" + q.make_upper()\nTALK q', ["<", "ABC"]),
    ('q = "abc"\nx = 1\nIF x = 2 OR q.make_upper() = () THEN\n  TALK q\nEND IF', ["ABC"]),
    ('q = "abc"\nx = 1\nIF x = 1 OR q.make_upper() = () THEN\n  TALK q\nEND IF', ["abc"]),
    (('q = "abc"\nx = 1\nIF x = 2 THEN\n  TALK 1\nELSEIF q.make_upper() = () THEN\n  TALK q\n'
     'END IF'), ["ABC"]),
    ('q = "abc"\nr = LEFT(q, 1) + q.crop(1) + q + UCASE(q)\nTALK r\nTALK q', ["abcBC", "bc"]),
    (('a = ["xy", "z"]\nm = #{k: "v"};\nTALK a[0] + a[0].truncate(1) + a[0] + m.k.pad(3, "-") '
     '+ m.k\nTALK a\nTALK m'), ["xyxv--", '["x", "z"]', '#{"k": "v--"}']),
    # the variable on the left is read before the right side changes it (no second read)
    ('q = "ABC"\nu = q + q.make_lower()\nTALK u\nTALK q', ["ABC", "abc"]),
    ('q = "ABC"\nv = q + q.make_lower() + q\nTALK v', ["ABCabc"]),
    ('q = "abc"\nTALK [q, q.make_upper(), q]\nTALK #{a: q.make_lower(), b: q}',
     ['["abc", (), "ABC"]', '#{"a": (), "b": "abc"}']),
])
def test_after_another_part_of_the_expression_it_changes_the_place_there(
        source: str, shown: list[str]) -> None:
    # Rhai changes the place where the call stands in the evaluation order, after what
    # comes before it, and only when an OR or ELSEIF reaches it (the engine-oracle's output)
    assert talks(source) == shown
    assert talks(source, debugger=Debugger(load_source(source, "d.bas", debug=True).program)) \
        == shown


def test_inside_a_sub_the_sub_s_variable_or_the_global_changes() -> None:
    source = ('g = "ab"\nSUB shout(p)\n  l = "x"\n  TALK "<" + p.make_upper() + p + l.append(1)'
              ' + l + g.make_upper() + g\nEND SUB\nCALL shout("hi")\nTALK g')
    assert talks(source) == ["<HIx1AB", "AB"]


def test_an_item_picked_by_an_expression_stops_rather_than_losing_the_change() -> None:
    # Rhai changes xs[i + 1]; Talkbench cannot store it back there, so it says so.
    with pytest.raises(BasicRuntimeError, match="put this one in a variable first"):
        talks('xs = ["a", "b"]\ni = 0\nr = xs[i + 1].make_upper()\nTALK xs')
