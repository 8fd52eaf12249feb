"""Rhai 1.24's text methods that change their text in place (rhai src/packages/string_more.rs:
``make_upper``, ``make_lower``, ``crop``, ``truncate``, ``pad``, ``remove``, ``clear`` and
``append`` take ``&mut ImmutableString``). Written as a statement of its own, ``s.make_upper()``
changes ``s``. The cases of the first test and the errors are what the engine-oracle printed
for the same dialogs (arrays' own ``xs.clear()``: tests/interpreter/library/test_methods.py)."""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
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


def test_a_loop_variable_is_changed_for_its_round() -> None:
    assert talks('FOR EACH w IN ["a", "b"]\n  w.make_upper()\n  TALK w\nNEXT w') == ["A", "B"]


def test_as_a_value_it_stops_with_what_to_write_instead() -> None:
    # Rhai gives () there and still changes q; Talkbench runs the statement form only.
    with pytest.raises(BasicRuntimeError, match="statement of its own") as info:
        talks('q = "abc"\nr = q.make_lower()\nTALK r')
    assert info.value.line == 2
    # On a number the statement stops as in production: Rhai has no such method for it.
    with pytest.raises(BasicRuntimeError, match=r"Function not found: make_upper \(i64\)"):
        talks("n = 5\nn.make_upper()\nTALK n")
