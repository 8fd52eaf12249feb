"""Arrays and maps are values, as in Rhai 1.24: an assignment stores a copy.

``let b = a`` clones the Dynamic (rhai src/types/dynamic.rs ``impl Clone``: an Array or Map
clones every item), so changing ``b`` (an item, a member) leaves ``a`` as it was; so does
storing a value into an item or member of another (``x[0] = x`` stores the old x). The
General Bots converter (botbasic_compiler/src/syntax_transforms.rs) passes these lines
through inside an IF block; the expected outputs were checked against the engine-oracle.
"""

from __future__ import annotations

import pytest

from interpreter import BasicRuntimeError
from tests.interpreter.helpers import talks


def in_block(lines: str) -> str:
    return "IF true THEN\n" + lines + "\nEND IF\n"


@pytest.mark.parametrize(("setup", "lines", "shown"), [
    ("a = [1, 2, 3]", "b = a\nb[0] = 9", ["[1, 2, 3]", "[9, 2, 3]"]),
    ("a = #{x: 1};", "b = a\nb.x = 5\nb.y = 6", ['#{"x": 1}', '#{"x": 5, "y": 6}']),
    ("a = [[1], [1]]", "b = a\nb[0][0] = 5", ["[[1], [1]]", "[[5], [1]]"]),
    ("a = [[1], [2]]", "b = a[0]\nb[0] = 8", ["[[1], [2]]", "[8]"]),
    ("a = #{l: [1, 2]};", "b = a.l\nb[1] = 0", ['#{"l": [1, 2]}', "[1, 0]"]),
    ("a = #{x: 1};", "b = a ?? 1\nb.x = 3", ['#{"x": 1}', '#{"x": 3}']),
])
def test_changing_a_copy_leaves_the_original(setup: str, lines: str, shown: list[str]) -> None:
    assert talks(f"{setup}\n{in_block(lines)}TALK a\nTALK b") == shown


def test_an_array_stored_into_itself_is_its_old_value() -> None:
    assert talks(f"x = [1, 2]\nm = #{{a: 1}};\n{in_block('x[0] = x' + chr(10) + 'm.b = m')}"
                 "TALK x\nTALK m") == ["[[1, 2], 2]", '#{"a": 1, "b": #{"a": 1}}']


def test_one_list_held_twice_becomes_two() -> None:
    assert talks("a = [1]\nc = [a, a]\nd = c\nd[0][0] = 5\nTALK d\nTALK c") == [
        "[[5], [1]]", "[[1], [1]]"]


def test_a_function_result_is_a_copy() -> None:
    """first gives an item of its argument; the engine's functions take it by value."""
    assert talks("a = [[1], [2]]\nf = first(a)\nf[0] = 7\nTALK a\nTALK f", ) == [
        "[[1], [2]]", "[7]"]


def test_a_deep_value_copies_without_recursion() -> None:
    shown = talks("l = []\nFOR i = 1 TO 5000\n  l = [l]\nNEXT\nm = l\nm[0] = 1\n"
                  "TALK UBOUND(l)\nTALK m")
    assert shown == ["0", "[1]"]


def test_a_sub_copies_too() -> None:
    assert talks("SUB Edit\n  b = a\n  b[0] = 2\n  TALK b\nEND SUB\na = [1]\nCALL Edit\n"
                 "TALK a") == ["[2]", "[1]"]


@pytest.mark.parametrize("lines", [
    "m = 5\nIF true THEN\n  m = \"\"\n  m.x = 1\nEND IF",
    "IF true THEN\n  m.x = 1\nEND IF\nm = 5",
    "m = #{};\nIF true THEN\n  m.a.b = 2\nEND IF",
    "IF true THEN\n  l[0] = 1\nEND IF\nl = 5",
])
def test_a_member_or_item_of_an_empty_value_cannot_be_set(lines: str) -> None:
    """Rhai makes no map or array for an assignment (src/func/call.rs, src/eval/chaining.rs): ``m.x = 1`` on
    () or "" fails ("No writable property 'x' - a setter is not registered for type '()'",
    "Indexer unavailable: () [i64]"), also one level down (``m.a.b`` with no ``m.a``)."""
    with pytest.raises(BasicRuntimeError, match="empty value"):
        talks(lines)


def test_with_makes_its_map() -> None:
    """The converter turns WITH into ``let obj = #{…}`` (botbasic_compiler
    syntax_transforms.rs, in_with_block): a new map."""
    assert talks('WITH p\n  .name = "n"\nEND WITH\nTALK p') == ['#{"name": "n"}']
