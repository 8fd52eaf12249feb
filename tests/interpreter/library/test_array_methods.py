"""``xs.push(x)`` and its siblings as the engine runs them.

botbasic_core/src/keywords/arrays/push_pop.rs registers ``push``, ``append``, ``pop``,
``shift``, ``unshift`` and ``prepend`` (and their capitals) as functions taking the array
by value; Rhai 1.24 prefers them to its own in-place array methods, so a method call gives
a new array (or the item) and leaves the array as it was. Only a call written alone as a
statement keeps Talkbench's in-place meaning, where the compat rule PUSH_STATEMENT warns.
"""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks


@pytest.mark.parametrize(("lines", "shown"), [
    ("ys = xs.push(3)\nTALK ys\nTALK xs", ["[1, 2, 3]", "[1, 2]"]),
    ("ys = xs.append(3)\nTALK ys\nTALK xs", ["[1, 2, 3]", "[1, 2]"]),
    ("ys = xs.PUSH(3)\nTALK ys\nTALK xs", ["[1, 2, 3]", "[1, 2]"]),
    ("ys = xs.unshift(0)\nTALK ys\nTALK xs", ["[0, 1, 2]", "[1, 2]"]),
    ("TALK xs.pop()\nTALK xs", ["2", "[1, 2]"]),
    ("TALK xs.shift()\nTALK xs", ["1", "[1, 2]"]),
    ("TALK [].pop()", [""]),
    ("m = #{l: xs}\nn = m.l.push(5)\nTALK m\nTALK n", ['#{"l": [1, 2]}', "[1, 2, 5]"]),
])
def test_array_methods_in_an_expression_leave_the_array(lines: str, shown: list[str]) -> None:
    assert talks(f"xs = [1, 2]\n{lines}") == shown


def test_a_method_alone_keeps_the_in_place_meaning() -> None:
    assert talks("xs = [1]\nxs.push(2)\nxs.unshift(0)\nTALK xs\nxs.pop()\nxs.shift()\n"
                 "TALK xs") == ["[0, 1, 2]", "[1]"]


def test_push_takes_one_item() -> None:
    with pytest.raises(BasicRuntimeError, match="Function not found: push"):
        talks("xs = [1]\nys = xs.push(2, 3)")
