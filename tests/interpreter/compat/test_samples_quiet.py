"""The shipped samples are written as General Bots 2026-05 converts them: checking them
gives nothing but the once-per-file notes for HEAR and FOR EACH, which no 2026-05 dialog
can avoid."""

from __future__ import annotations

from pathlib import Path

import pytest

from interpreter import check_source

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "resources" / "samples").glob("*.bas"))


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_has_only_build_notes(sample: Path) -> None:
    found = check_source(sample.read_text(encoding="utf-8"), sample.name)
    assert [d.format() for d in found if "noted once" not in d.message] == []
