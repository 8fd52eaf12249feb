"""docs/keyword-status.md cannot drift: it is what ``app.cli.keyword_status`` computes from the
engine's registrations (docs/engine-registry.tsv) and Talkbench's own registries."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.cli.keyword_status import PAGE, REGISTRY, Status, engine_keywords, render, rows
from interpreter import Severity, check_source

ROOT = Path(__file__).resolve().parents[3]


def test_the_page_is_up_to_date() -> None:
    assert PAGE.read_text("utf-8") == render(), (
        "docs/keyword-status.md is stale: run .venv/bin/python -m app.cli.keyword_status")


def test_every_engine_registration_has_a_row() -> None:
    listed = {r.phrase for r in rows()}
    assert listed == set(engine_keywords())
    assert len(listed) > 300  # the 2026 engine registers a few hundred names


def test_the_registry_extraction_reads_rust_registrations() -> None:
    spec = importlib.util.spec_from_file_location(
        "engine_registry", ROOT / "scripts" / "engine_registry.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rust = '''
    engine.register_custom_syntax(["WAIT", "FOR", "EVENT", "$string$", "TIMEOUT", "$int$"],
        false, |c, i| Ok(()));
    // engine.register_fn("COMMENTED", || 1);
    engine.register_fn("KB STATISTICS", move || -> Dynamic { x });
    engine.register_custom_syntax(&["CLEAR", "SWITCHERS"], true, f);
    '''
    assert module.registrations(rust) == [("syntax", "WAIT FOR EVENT"),
                                          ("syntax", "CLEAR SWITCHERS"),
                                          ("fn", "KB STATISTICS")]
    assert REGISTRY.read_text("utf-8").startswith("# engine keyword registrations")


def test_what_the_page_says_is_what_check_says() -> None:
    """A keyword the page says needs a service: check warns at its line."""
    for row in rows():
        if row.status is Status.NEEDS_SERVICE:
            found = check_source(f'{row.phrase} "a"', "s.bas")
            if any(d.severity is Severity.ERROR for d in found):
                found = check_source(f'x = {row.phrase} "a"', "s.bas")
            assert any("does not provide" in d.message for d in found), (row.phrase, found)
