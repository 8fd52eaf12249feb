"""NOW(), TODAY() and TIME() give a map in General Bots (botbasic_core datetime/now.rs); the
date functions take text. The engine-oracle formats such a map with FORMAT and prints all of
it when text is joined to it; Talkbench runs the botbook's meaning and warns at the call."""

from __future__ import annotations

import pytest

from interpreter import check_source


def warned(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if "gives a map" in d.message]


@pytest.mark.parametrize(("source", "where", "said"), [
    ("x = HOUR(NOW())\n", (1, 10), '"Function not found: HOUR (map)"; write NOW_STR()'),
    ('d = DATEADD(TODAY(), 15, "days")\n', (1, 13), '"Function not found: DATEADD (map, …)"'),
    ('TALK "Today: " + TODAY()\n', (1, 18), "joined to text it shows the whole map"),
    ("t = 1\nTALK NOW()\n", (2, 6), "TALK shows the whole map"),
    # the engine-oracle: 1 > #{…} and "2025-01-01" < #{…} are false, #{…} < #{…} stops
    ("a = 1\nIF a > TIME() THEN\n  TALK 1\nEND IF\n", (2, 8),
     "> between a map and any other value is false in production"),
    ('IF "2025-01-01" < NOW() THEN\n  TALK 1\nEND IF\n', (1, 19), "is false in production"),
    ("s = NOW() + 86400\n", (1, 5), "+ has no form for a map beside a number"),
])
def test_a_date_map_where_text_is_needed_is_warned(source: str, where: tuple[int, int],
                                                   said: str) -> None:
    [(line, col, message)] = warned(source)
    assert (line, col) == where and said in message


@pytest.mark.parametrize("source", [
    'x = FORMAT(NOW(), "dd/MM/yyyy")\n', "c = NOW()\n", "x = HOUR(NOW_STR())\n",
    'TALK "at ${NOW()}"\n',  # production prints ${…} of a "…" literal as written
])
def test_format_a_stored_map_and_the_text_forms_are_quiet(source: str) -> None:
    assert warned(source) == []


def test_two_date_maps_compared_stop_production() -> None:
    said = [m for _, _, m in warned("IF NOW() < TODAY() THEN\n  TALK 1\nEND IF\n")]
    assert len(said) == 2 and all('"Function not found: < (map, map)"' in m for m in said)
