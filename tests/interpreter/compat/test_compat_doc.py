"""docs/engine-compatibility.md's layer-2 tables and the checker agree, and every row is
pinned by a case in this package's tests."""

from __future__ import annotations

import re
from pathlib import Path

from interpreter.compat.build_notes import NOTES
from interpreter.compat.converter_rules import Rewrite
from interpreter.compat.unsupported import CONSTRUCTS
from interpreter.compat.value_pitfalls import Pitfall

from .test_converter_rules import FIRES
from .test_unsupported import CASES as UNSUPPORTED_CASES
from .test_value_pitfalls import CASES as PITFALL_CASES

DOC = Path(__file__).resolve().parents[3] / "docs" / "engine-compatibility.md"


def layer2() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## Layer 2"):]


def test_table_a_has_one_row_per_rewrite_and_each_is_tested() -> None:
    rows = re.findall(r"^\| `([A-Z_]+)` \|", layer2(), re.MULTILINE)
    assert sorted(rows) == sorted(r.name for r in Rewrite)
    assert {rule for rule, *_ in FIRES} == set(Rewrite)


def test_table_b_names_each_build_note() -> None:
    text = layer2()
    section = text[text.index("### B."):text.index("### C.")]
    assert len(re.findall(r"^\| (HEAR|FOR EACH|FOR … TO|DO … LOOP|GOTO|SUB)", section, re.MULTILINE)) == len(NOTES)


def test_table_c_has_a_row_per_pitfall_with_a_test_pair() -> None:
    text = layer2()
    section = text[text.index("### C."):text.index("### D.")]
    rows = re.findall(r"^\| (?!warning|---)", section, re.MULTILINE)
    assert len(rows) == len(Pitfall)
    assert len(PITFALL_CASES) >= len(Pitfall)


def test_table_d_covers_every_construct_and_each_is_tested() -> None:
    text = layer2()
    section = text[text.index("### D."):]
    rows = re.findall(r"^\| (?!construct|---)", section, re.MULTILINE)
    # Two table rows each cover two constructs (ORCHESTRATE/STEP, MAX/DATEDIFF).
    assert len(rows) + 2 == len(CONSTRUCTS)
    tested = {words for *_, words in UNSUPPORTED_CASES}
    for construct in CONSTRUCTS:
        assert any(w in construct.what for w in tested), construct.what
