"""text → flow → text is byte-identical when nothing was edited (samples, generated dialogs,
arbitrary text), and the flow's nodes stand on the text they were read from."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.flow import NodeKind, build_flow

from .dialogs import dialogs

SAMPLES = sorted((Path(__file__).parents[3] / "resources" / "samples").glob("*.bas"))


def check_round_trip(text: str) -> None:
    graph = build_flow(text)
    assert graph.text() == text
    for node in graph.nodes.values():
        if node.in_text and not node.expanded_from:
            assert 0 <= node.start <= node.end <= len(text)
            assert node.first_line <= node.last_line
            for field in node.fields:
                assert node.start <= field.start <= field.end <= node.end, (node, field)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    check_round_trip(text)
    assert len(build_flow(text).routine("").nodes) > 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogs())
def test_generated_dialogs_round_trip(text: str) -> None:
    check_round_trip(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
               max_size=200))
def test_any_text_round_trips(text: str) -> None:
    check_round_trip(text)


def test_crlf_comments_and_curly_quotes_are_kept_byte_for_byte() -> None:
    text = "' greet\r\nTALK \u201cHi\u201d  ' trailing\r\n\r\nIF a THEN\r\n\tHEAR x\r\nEND IF"
    check_round_trip(text)
    talk = build_flow(text).nodes["L2.1"]
    assert talk.kind is NodeKind.TALK
    assert talk.field("text").value == "Hi"


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(dialogs(), st.text(max_size=600)))
def test_round_trip_many_cases(text: str) -> None:
    check_round_trip(text)
