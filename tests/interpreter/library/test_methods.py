"""``value.name(args)`` as General Bots 2026-05 runs it: Rhai 1.24 calls ``name(value, args)``.

The engine's registrations come first (botbasic_core/src/keywords/string_functions.rs ``len``
counts UTF-8 bytes, arrays/mod.rs ``join``, sort.rs ``sort`` gives a new array), then Rhai's
own packages (src/packages/string_more.rs, array_basic.rs, map_basic.rs, math_basic.rs).
Every expected value below is what the engine-oracle printed for the same lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interpreter import BasicRuntimeError
from interpreter.library.engine_functions import REGISTERED_FUNCTIONS
from tests.interpreter.helpers import talks

# How Rhai's "Function not found" names a text argument (rhai src/func/call.rs)
TEXT = "&str | ImmutableString | String"

SETUP = 's = "abcab"\nm = #{b: 1, a: 2};\nxs = [1, 2, 3]\n'


@pytest.mark.parametrize(("lines", "shown"), [
    # the engine's functions of that name
    ('TALK "São".len()', ["4"]),
    ("TALK xs.len()", ["3"]),
    ('TALK "abc".upper() + "abc".UPPER()', ["ABCABC"]),
    ('t = s.replace("a", "x")\nTALK s + " " + t', ["abcab xbcxb"]),
    ('TALK " a b ".trim() + "!"\nTALK "a,b".split(",")', ["a b!", '["a", "b"]']),
    ("TALK xs.index_of(2)", ["1"]),
    ("TALK xs.reverse()\nTALK xs", ["[3, 2, 1]", "[1, 2, 3]"]),
    ('TALK xs.join("-")', ["1-2-3"]),
    ("xs = [3, 1]\nxs.sort()\nTALK xs", ["[3, 1]"]),
    ('TALK [1, "2"].contains("1")\nTALK xs.includes(1)', ["true", "true"]),
    ("TALK 3.7.floor()\nTALK 3.2.round()\nTALK (-3).abs()\nTALK 5.min(3)", ["3", "3", "3", "3"]),
    ("TALK xs.push(4).len()", ["4"]),
    # Rhai's own, for text
    ('TALK "abc".is_empty()\nTALK "".is_empty()', ["false", "true"]),
    ('TALK "AbC".to_lower() + "x".to_upper().to_lower()', ["abcx"]),
    ('TALK "abc".contains("B")\nTALK "abc".contains("b")', ["false", "true"]),
    ('TALK "abc".starts_with("ab")\nTALK "abc".ends_with("bc")', ["true", "true"]),
    ('TALK "héllo".index_of("l")\nTALK "hello".index_of("z")', ["2", "-1"]),
    ('TALK "hello".index_of("l", 3)\nTALK "abc".index_of("c", -1)', ["3", "2"]),
    ('TALK "hello, world!".sub_string(3, 4) + "|"', ["lo, |"]),
    ('TALK "hello, world!".sub_string(-8, 3)\nTALK "hello".sub_string(2)', [", w", "llo"]),
    ('TALK "12".parse_int() + 1\nTALK " 1.5".parse_float()', ["13", "1.5"]),
    ('TALK "a b  c".split()', ['["a", "b", "c"]']),
    # Rhai's own, for maps and arrays (insert, remove and clear change the value in place)
    ("TALK m.keys()\nTALK m.values()\nTALK m.len()", ['["a", "b"]', "[2, 1]", "2"]),
    ('TALK m.contains("a")\nTALK m.get("a")\nTALK m.get("z")', ["true", "2", ""]),
    ('x = m.remove("a")\nTALK x\nTALK m', ["2", '#{"b": 1}']),
    ("xs.insert(1, 9)\nTALK xs", ["[1, 9, 2, 3]"]),
    ("y = xs.remove(0)\nTALK y\nTALK xs", ["1", "[2, 3]"]),
    ("TALK xs.get(1)\nTALK xs.is_empty()\nxs.clear()\nTALK xs", ["2", "false", "[]"]),
    # map_basic.rs to_json: compact, keys sorted, () as null, keys and scalars as Debug
    (('n = #{z: [1, 2.5, ()], a: #{t: "é\\n\\u0001"}, f: 1e21, g: 1e15, h: 1e-7, k: 1.0};\n'
     "TALK n.to_json()\nTALK to_json(m)"),
     [('{"a":{"t":"é\\n\\u{1}"},"f":1e21,"g":1000000000000000.0,"h":1e-7,"k":1.0,'
      '"z":[1,2.5,null]}'), '{"a":2,"b":1}']),
    # Rhai's own, for every value
    ('TALK 5.to_string() + "!"\nTALK 3.0.to_string()\nTALK m.a.to_string()',
     ["5!", "3.0", "2"]),
    ("TALK [1, \"a\"].to_string()\nTALK \"a\".to_debug()", ['[1, "a"]', '"a"']),
    ("TALK (3).to_float()\nTALK 3.7.to_int()\nTALK 4.is_even()\nTALK 5.is_odd()",
     ["3.0", "3", "true", "true"]),
    ("TALK 3.type_of()\nTALK 1.5.type_of()\nTALK s.type_of()\nTALK m.type_of()",
     ["i64", "f64", "string", "map"]),
    ('TALK z.to_string() + "!"\nz = 1', ["!"]),
])
def test_methods_give_what_general_bots_gives(lines: str, shown: list[str]) -> None:
    assert talks(SETUP + lines) == shown


@pytest.mark.parametrize(("line", "message"), [
    ('TALK "abc".toUpperCase()', f"Function not found: toUpperCase ({TEXT})"),
    ('TALK "abc".Upper()', f"Function not found: Upper ({TEXT})"),
    ('TALK "abc".ucase()', f"Function not found: ucase ({TEXT})"),
    ('TALK "abc".includes("b")', f"Function not found: includes ({TEXT}, {TEXT})"),
    ('TALK "abc".tostring()', f"Function not found: tostring ({TEXT})"),
    ("TALK 5.len()", "Function not found: len (i64)"),
    ("TALK xs.to_json()", "Function not found: to_json (array)"),
    ("TALK to_json(xs)", "Function not found: to_json (array)"),
    ("TALK to_json(m, true)", "Function not found: to_json (map, bool)"),
    ('TALK "x".parse_int()', "Error parsing integer number 'x': invalid digit found in string"),
])
def test_methods_general_bots_lacks_stop_the_dialog(line: str, message: str) -> None:
    with pytest.raises(BasicRuntimeError, match=re.escape(message)) as info:
        talks(SETUP + line)
    assert info.value.line == 4


def test_the_engine_names_are_the_registry_rows() -> None:
    tsv = Path(__file__).parents[3] / "docs" / "engine-registry.tsv"
    rows = [line.split("\t") for line in tsv.read_text(encoding="utf-8").splitlines()]
    assert REGISTERED_FUNCTIONS == {r[1] for r in rows if r[0] == "fn" and r[1].isidentifier()}
