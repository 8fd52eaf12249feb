"""Arrays and maps as General Bots reads, writes and prints them (production parity, layer 1).

Found by differential fuzzing against a build of the engine (General Bots f59afde5 on Rhai
1.24.0); this test needs neither. Sources: Rhai 1.24.0 ``src/eval/target.rs`` and
``src/eval/chaining.rs`` (``get_indexed_mut``: array and string indexes count from the end
when negative and fail past either end; a map is indexed by text only; property reads and
writes are exact map lookups), ``src/types/dynamic.rs`` (a map prints through ``Debug``) and
``src/lib.rs`` (``type Map = BTreeMap<Identifier, Dynamic>``: keys come out sorted); General
Bots ``botserver/crates/botbasic_core/src/keywords/arrays/``: ``push_pop.rs`` (Rhai passes
the array by value: PUSH gives a new array, POP an item, the variable is unchanged),
``mod.rs`` (FIRST_ELEM, FLATTEN one level, BATCH/CHUNK ``max(1)``, RANGE with a 0 step),
``unique.rs`` (keys on the printed text), ``contains.rs`` (arrays only; an integer and a
float are equal), ``sort.rs`` (``compare_dynamic``: numbers, or text that parses as one, by
value, anything else by printed text; Rust's stable sort, by insertion for small arrays).
"""

from __future__ import annotations

import re

import pytest

from interpreter import BasicRuntimeError

from .helpers import talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"

PRINTS: list[tuple[str, list[str]]] = [
    # a map prints its keys sorted (BTreeMap), whatever order the literal wrote them in
    ('m = #{name: "Ann", age: 3}\nTALK m', ['#{"age": 3, "name": "Ann"}']),
    ('TALK [#{x: "b", age: 1, b: 1.0}]', ['[#{"age": 1, "b": 1.0, "x": "b"}]']),
    ('TALK #{b: 1, B: 2, a: 3}', ['#{"B": 2, "a": 3, "b": 1}']),  # by code point
    # negative indexes count from the end
    ("a = [1, 2, 3]\nTALK a[-1]\nTALK a[-3]", ["3", "1"]),
    ('s = "abc"\nTALK s[-1]', ["c"]),
    # a map's member and key are exact: another casing is a missing key (NULL)
    ('m = #{a: 1}\nTALK "[" + m.A + "]"\nTALK m["a"]', ["[]", "1"]),
    # a write with another casing adds a key beside the first
    ('m = #{a: 1}\nm.A = 7\nm["c"] = 6\nTALK m', ['#{"A": 7, "a": 1, "c": 6}']),
    # an existing item can be written, from the end too
    ("a = [1, 2]\na[-1] = 5\nTALK a", ["[1, 5]"]),
    # the array functions take the array by value
    ("a = [1, 2]\nb = PUSH(a, 3)\nTALK b\nTALK a", ["[1, 2, 3]", "[1, 2]"]),
    ("a = [1, 2]\nb = APPEND(a, 3)\nTALK b", ["[1, 2, 3]"]),
    ("a = [1, 2]\nx = POP(a)\ny = SHIFT(a)\nTALK x + y\nTALK a", ["3", "[1, 2]"]),
    ("a = [1, 2]\nb = UNSHIFT(a, 0)\nTALK b\nTALK a", ["[0, 1, 2]", "[1, 2]"]),
    ("TALK FIRST_ELEM([3, 4])\nTALK LAST_ELEM([3, 4])", ["3", "4"]),
    ("TALK FLATTEN([1, [2, [3]]])", ["[1, 2, [3]]"]),
    ('TALK UNIQUE([1, 1.0, "1", 2])', ["[1, 1.0, 2]"]),
    ("TALK CHUNK([1, 2], 0)", ["[[1], [2]]"]),
    ("TALK RANGE(1, 5, 0)\nTALK RANGE(5, 1, -2)", ["[]", "[5, 3, 1]"]),
    ("TALK CONTAINS([1, 2], 2.0)", ["true"]),
    ('TALK INDEX_OF([1, "1.0"], 1.0)', ["1"]),  # by printed text
    ("TALK IN_ARRAY(1.0, [1, 2])\nTALK HAS([1, 2], 2.0)", ["true", "true"]),
    ('TALK SORT([true, 1.0, 1, -1, #{}, "b"])', ['[#{}, -1, 1.0, 1, "b", true]']),
    ('TALK SORT([[], 2, #{}])', ["[#{}, 2, []]"]),
    ('TALK SORT([3, "10", 2.5], "anything")\nTALK SORT_DESC([1, "a", 2])',
     ['[2.5, 3, "10"]', '["a", 2, 1]']),
]

FAILS: list[tuple[str, str]] = [
    ("a = [1, 2, 3]\nTALK a[3]", "Array index 3 out of bounds: only 3 elements in array"),
    ("a = [1, 2, 3]\nTALK a[-4]", "Array index -4 out of bounds"),
    ("a = [1]\nTALK a[-2]", "only 1 element in array"),
    ("a = []\nTALK a[0]", "Array index 0 out of bounds: array is empty"),
    ("a = [[1, 2], 3]\nTALK a[0][5]", "Array index 5 out of bounds"),
    ('s = "abc"\nTALK s[5]', "String index 5 out of bounds"),
    ('a = [1, 2]\nTALK a["1"]', "expecting i64"),
    ("a = [1, 2]\nTALK a[1.0]", "expecting i64"),
    ("m = #{a: 1}\nTALK m[0]", "expecting string"),
    ("TALK z[0]\nz = 1", "Indexer unavailable"),
    ("TALK z.b\nz = 1", "Unknown property 'b'"),  # the empty value has no members
    ("x = INDEX_OF(z, 1)\nz = [1]", "Function not found: INDEX_OF ((), i64)"),
    # Rhai never grows an array by writing past its end
    ("a = [1, 2]\na[2] = 5", "Array index 2 out of bounds"),
    ("a = []\na[0] = 1", "array is empty"),
    ("a = [#{a: 1}]\na[1].b = 5", "Array index 1 out of bounds"),
    # contains.rs registers CONTAINS for arrays only; NULL is no array either
    ('TALK CONTAINS("abc", "b")', f"Function not found: CONTAINS ({TEXT}, {TEXT})"),
    ("x = SORT(z)\nz = [1]", "Function not found: SORT (())"),
    ("x = CHUNK([1], 1.5)", "Function not found: BATCH (array, f64)"),
    ("x = SORT([2, 1], 1)", "Function not found: SORT (array, i64)"),
    ('x = REVERSE("ab")', f"Function not found: REVERSE ({TEXT})"),
    ("x = TAKE([1, 2], 1.0)", "Function not found: TAKE (array, f64)"),
]


@pytest.mark.parametrize("source, lines", PRINTS)
def test_prints_what_general_bots_prints(source: str, lines: list[str]) -> None:
    assert talks(source) == lines


@pytest.mark.parametrize("source, message", FAILS)
def test_stops_where_general_bots_stops(source: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=re.escape(message)):
        talks(source)


def test_lines_before_an_out_of_bounds_read_are_said() -> None:
    with pytest.raises(BasicRuntimeError) as failed:
        talks('a = [1]\nTALK "before"\nTALK a[1]\nTALK "after"')
    assert failed.value.line == 3
