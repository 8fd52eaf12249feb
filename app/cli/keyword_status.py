"""docs/keyword-status.md: every keyword the General Bots engine registers, with what
Talkbench does with it.

The engine's list is docs/engine-registry.tsv (``scripts/engine_registry.py`` extracts it
from the engine's source). Talkbench's side is computed, not written by hand: the phrase
tables of ``interpreter.syntax.vocabulary``, the keyword registry (a handler's services are found by
calling it with a recording service map), the built-in functions, and the "needs a service"
fallbacks of ``interpreter.keywords.unsupported``. ``python -m app.cli.keyword_status`` rewrites
the page; a test fails when the page and the computed table differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import inspect
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter import load_source
from interpreter.keywords.registry import KEYWORDS
from interpreter.keywords.unsupported import NEEDS
from interpreter.library.builtins.core import lookup_builtin
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.syntax.vocabulary import ERROR_STATE_NAMES, OPERATOR_WORDS

from ..run.setup import RunSetup, RunSpec

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "docs" / "engine-registry.tsv"
PAGE = ROOT / "docs" / "keyword-status.md"


class Status(enum.Enum):
    RUNS = "runs"
    RUNS_WITH_SERVICE = "runs with a configured service"
    NEEDS_SERVICE = "parses, needs a service"
    NOT_SUPPORTED = "not supported"


@dataclass(frozen=True)
class Row:
    phrase: str
    files: tuple[str, ...]
    status: Status
    detail: str


# Statements Talkbench implements as part of the language (parser and code generator).
LANGUAGE = {
    "FOR EACH": "FOR EACH … NEXT", "DO": "DO … LOOP", "DO WHILE": "DO WHILE … LOOP",
    "DO UNTIL": "DO UNTIL … LOOP", "WHILE": "WHILE … WEND", "EXIT DO": "EXIT DO",
    "EXIT FOR": "EXIT FOR", "EXIT WHILE": "EXIT WHILE", "CALL": "CALL sub(args)",
    "RETURN": "RETURN [value]", "HEAR": "HEAR x [AS type | AS options]", "STEP": "FOR … STEP",
    "SET": "SET x = value, SET \"table\", filter, values", "ON": "ON INSERT/UPDATE/DELETE OF",
    "ON EVENT": "ON EVENT name DO … END ON (names checked as the engine does)",
    "ON ERROR RESUME NEXT": "ON ERROR RESUME NEXT",
    "TALK": "TALK value", "PRINT": "PRINT value", "WAIT": "WAIT seconds",
    "SET BOT MEMORY": "the memory store", "GET BOT MEMORY": "the memory store",
    "LAST": "LAST(list or text)", "FIRST": "FIRST(list or text)",
}
# Functions whose meaning Talkbench has as an operator.
OPERATOR_FUNCTIONS = {"AND", "OR", "NOT", "MOD"}
# Engine names with no Talkbench counterpart, and why.
NOT_SUPPORTED_WHY = {
    "ON ERROR GOTO": "only ON ERROR GOTO 0 runs: an error handler label is not (plain "
                     "labels and GOTO at the dialog's top level run, as goto_transform.rs "
                     "does)",
}


def normalize(name: str) -> str:
    return " ".join(name.upper().replace("_", " ").replace("(", " ").split())


def engine_keywords(path: Path = REGISTRY) -> dict[str, tuple[str, set[str], set[str]]]:
    """Phrase -> (display name, kinds, files) from the registry file."""
    found: dict[str, tuple[str, set[str], set[str]]] = {}
    for line in path.read_text("utf-8").splitlines()[2:]:
        kind, name, file = line.split("\t")
        phrase = normalize(name)
        if not phrase:
            continue
        _, kinds, files = found.setdefault(phrase, (phrase, set(), set()))
        # "fn " marks a function whose every spelling has a space: Rhai cannot call it.
        kinds.add(kind if kind != "fn" or " " not in name.strip() else "fn ")
        files.add(file.removeprefix("botbasic_").split("/src/")[0] + ":"
                  + file.rsplit("/", 1)[-1])
    return found


class _Recorder(Mapping[str, Any]):
    """A service map with nothing configured that remembers what was asked for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def get(self, name: str, default: Any = None) -> Any:
        self.asked.add(name)
        return None

    def __getitem__(self, name: str) -> Any:
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 1  # truthy: the runtime keeps a map it is given only when it is not empty


_SAMPLES: tuple[list[Any], ...] = ([], ["a"], ["a", "b"], ["a", "b", "c"],
                                   ["https://example.invalid/x", "b"], ["a", "b", "c", "d"],
                                   ["https://example.invalid/x"])
_SAMPLES += (["ana@x.test", "Subject", "Body"], ["+55 11 99999-8888", "hi"],
             ["welcome", "email", "ana@x.test"], ["2026-01-05 10:00", "b", "c"],
             [{"name": "Ana", "email": "ana@x.test"}])
_CLAUSES: tuple[dict[str, list[Any]], ...] = ({}, {"WITH": ["b"]}, {"TO": ["b"]},
                                              {"AS": ["b"]}, {"INTO": ["b"]})


def services_of(phrase: str) -> set[str]:
    """The services the handler of ``phrase`` asks for, over a few argument shapes."""
    handler = KEYWORDS[phrase]
    recorder = _Recorder()
    compiled = load_source("", "status.bas")

    async def probe(args: list[Any], clauses: dict[str, list[Any]]) -> None:
        rt = RunSetup.with_services(recorder).runtime(RunSpec(
            compiled, QueuedChannel.with_answers([]), memory=DictMemory(), skip_waits=True))
        # Any refusal is fine: only what the handler asked for counts.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(handler(rt, list(args), dict(clauses), 1), 2.0)

    for args in _SAMPLES:
        for clauses in _CLAUSES:
            asyncio.run(probe(args, clauses))
    return (recorder.asked | _named_in_source(handler)) - {"unsupported_keywords"}


# How handlers ask for services: ``rt.service("mail", …)`` or a family's helper.
_SERVICE_CALL = re.compile(r"\bservice\(\s*\"(\w+)\"")
_HELPERS = {"_crm(": "crm", "table_service(": "tables", "http_request(": "http"}


def _named_in_source(handler: Any) -> set[str]:
    """Services the handler's own code names (it may refuse sample arguments first)."""
    try:
        code = inspect.getsource(handler)
    except (OSError, TypeError):
        return set()
    return set(_SERVICE_CALL.findall(code)) | {svc for call, svc in _HELPERS.items()
                                               if call in code}


def classify(phrase: str, kinds: set[str]) -> tuple[Status, str]:
    if phrase in NOT_SUPPORTED_WHY:
        return Status.NOT_SUPPORTED, NOT_SUPPORTED_WHY[phrase]
    if phrase in NEEDS:
        note = ("; the engine itself registers it as a function whose name has spaces, which "
                "its scripts cannot call") if kinds == {"fn "} else ""
        return Status.NEEDS_SERVICE, f"needs {NEEDS[phrase]}{note}"
    if phrase in KEYWORDS:
        services = sorted(services_of(phrase))
        if services:
            return Status.RUNS_WITH_SERVICE, "service: " + ", ".join(services)
        return Status.RUNS, "keyword"
    if phrase in LANGUAGE:
        return Status.RUNS, "language: " + LANGUAGE[phrase]
    if phrase.lower().replace(" ", "_") in ERROR_STATE_NAMES or phrase in ("ERR", "ERR CLEAR",
                                                                         "ERROR"):
        return Status.RUNS, "the run's error state (ON ERROR RESUME NEXT)"
    if lookup_builtin(phrase) is not None:
        return Status.RUNS, "built-in function"
    if phrase in OPERATOR_FUNCTIONS and phrase in OPERATOR_WORDS:
        return Status.RUNS, f"as the operator {phrase} (the function form is not)"
    if kinds == {"fn "}:
        return Status.NOT_SUPPORTED, ("the engine registers it as a function whose name has "
                                      "spaces, which no script can call (Rhai names have "
                                      "none); Talkbench has no such function either")
    return Status.NOT_SUPPORTED, ("not implemented; check warns about an unknown function "
                                  "or keyword and run stops at it")


def rows() -> list[Row]:
    out = []
    for phrase, (shown, kinds, files) in sorted(engine_keywords().items()):
        status, detail = classify(phrase, kinds)
        out.append(Row(shown, tuple(sorted(files)), status, detail))
    return out


def render() -> str:
    table = rows()
    counts = {s: sum(r.status is s for r in table) for s in Status}
    lines = [
        "# General Bots keywords in Talkbench",
        "",
        "Generated by `python -m app.cli.keyword_status` from docs/engine-registry.tsv (every",
        "`register_custom_syntax` and `register_fn` of the engine's `botserver/crates/botbasic_*`",
        "at generalbots/generalbots f59afde5, extracted by scripts/engine_registry.py) and from",
        "Talkbench's own registries; tests/app/cli/test_keyword_status.py fails when this page is",
        "stale. Names are shown upper-case with spaces for underscores, as Talkbench accepts",
        "either spelling.",
        "",
        "- **runs**: works in Talkbench with nothing to configure;",
        "- **runs with a configured service**: works once the named service is set up (see",
        "  README, \"Services\"); without it the run stops saying what to set;",
        "- **parses, needs a service**: `check` accepts it and warns; running it stops with",
        "  \"needs …\" (or skips the statement with `--skip-unsupported`);",
        "- **not supported**: Talkbench has no such keyword; the detail says why.",
        "",
        " · ".join(f"{s.value}: {counts[s]}" for s in Status),
        "",
        "| engine keyword | engine file | Talkbench | detail |",
        "|---|---|---|---|",
    ]
    for r in table:
        lines.append(f"| {r.phrase} | {', '.join(r.files)} | {r.status.value} | "
                     f"{r.detail} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)
