"""Help files of keyword families (interpreter/help/*.json): session/dialog and knowledge."""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any

import pytest

from interpreter import Runtime, Session, Severity, check_source, load_source
from interpreter.events import Printed
from interpreter.keywords.registry import KEYWORDS
from interpreter.library.builtins.core import BUILTINS, normalize_name
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.tooling.keyword_help import help_for, normalize_phrase

# knowledge.json is written only when a knowledge/tools keyword lacks help elsewhere.
FAMILIES = ("session.json", "knowledge.json")


def family_entries() -> list[tuple[str, dict[str, Any]]]:
    folder = resources.files("interpreter.tooling").joinpath("help")
    found = []
    for name in FAMILIES:
        file = folder.joinpath(name)
        if file.is_file():
            found += [(name, item) for item in json.loads(file.read_text("utf-8"))]
    return found


ENTRIES = family_entries()


def test_the_session_family_has_entries() -> None:
    assert {"SET SESSION", "GET SESSION", "THROW", "LOG"} <= {e["phrase"] for _, e in ENTRIES}


@pytest.mark.parametrize("file, item", ENTRIES, ids=[e["phrase"] for _, e in ENTRIES])
def test_entry_is_complete_and_its_example_parses(file: str, item: dict[str, Any]) -> None:
    assert set(item) == {"phrase", "aliases", "syntax", "summary", "example"}, file
    assert item["syntax"] and all(isinstance(s, str) and s.strip() for s in item["syntax"])
    assert item["summary"].strip() and len(item["summary"]) <= 500
    assert item["example"].strip()
    errors = [d.format() for d in check_source(item["example"])
              if d.severity is Severity.ERROR]
    assert errors == [], item["example"]


@pytest.mark.parametrize("file, item", ENTRIES, ids=[e["phrase"] for _, e in ENTRIES])
def test_every_name_is_a_keyword_or_function_and_finds_this_entry(
        file: str, item: dict[str, Any]) -> None:
    for name in (item["phrase"], *item["aliases"]):
        assert name in KEYWORDS or normalize_name(name) in BUILTINS, name
        entry = help_for(name.replace(" ", "_").lower())
        # Not shadowed by an entry of the same name in another help file.
        assert entry is not None and entry.summary == item["summary"], name
        assert normalize_phrase(entry.phrase) == normalize_phrase(item["phrase"])


def test_every_session_keyword_has_help() -> None:
    session_family = ["SET SESSION", "GET SESSION", "APPEND", "PUSH", "THROW", "LOG", "LOG INFO",
                      "LOG DEBUG", "LOG WARN", "LOG ERROR", "SET ANSWER MODE", "SET MAX LINES"]
    assert [p for p in session_family if p in KEYWORDS and help_for(p) is None] == []


def run(source: str) -> tuple[list[str], list[Printed], Session]:
    channel = QueuedChannel.with_answers([])
    events: list[Any] = []
    session = Session()
    runtime = Runtime(load_source(source), channel, DictMemory(), on_event=events.append,
                      session=session)
    asyncio.run(runtime.run())
    return channel.texts, [e for e in events if isinstance(e, Printed)], session


def test_what_the_session_help_says_holds() -> None:
    talks, printed, session = run('''
SET SESSION "session.count", 2
SET "session.items", ["a"]
items = GET SESSION "items"
APPEND items, "b", "c"
n = PUSH(items, "d")
TALK GET SESSION("count") + 1
TALK n
TALK ISEMPTY(GET SESSION "never")
SET ANSWER MODE "direct"
SET MAX LINES 500
TALK GET SESSION "answer_mode"
LOG "a", 1
LOG WARN "careful", 2
TALK DATEADD("2025-01-31", 1, "month")
TALK DATEADD("2025-01-31", 3)
''')
    # PUSH as a function returns a new array (push_pop.rs); APPEND the statement appended
    assert talks == ["3", '["a", "b", "c", "d"]', "true", "direct", "2025-02-28",
                     "2025-02-03"]
    assert session.variables["max_lines"] == 500
    # items is a copy (Rhai's values are copies): APPEND changes it, not the session's list
    assert session.variables["items"] == ["a"]
    assert [(p.text, p.level) for p in printed] == [("a 1", "info"), ("careful 2", "warning")]


def test_throw_stops_with_its_message() -> None:
    from interpreter import BasicRuntimeError

    with pytest.raises(BasicRuntimeError) as err:
        run('TALK "before"\nTHROW "no stock for " + "pears"\nTALK "after"')
    # Rhai's Display of the engine's ErrorRuntime (the engine-oracle: "Runtime error: boom")
    assert err.value.message == "Runtime error: no stock for pears"
