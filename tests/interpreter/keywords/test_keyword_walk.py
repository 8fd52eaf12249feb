"""``talkbench check`` and ``talkbench run`` agree on every keyword the parser accepts: each
phrase either runs (a handler, a built-in or code of its own), or ``check`` already warns
that it needs a service Talkbench does not provide; none is accepted by check only to be
"not supported yet" when run."""

from __future__ import annotations

import asyncio

import pytest

from interpreter import (
    BasicRuntimeError,
    BasicSyntaxError,
    Runtime,
    Severity,
    check_source,
    load_source,
)
from interpreter.keywords.registry import KEYWORDS
from interpreter.library.builtins.core import lookup_builtin
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.syntax.vocabulary import EXPRESSION_PHRASES, STATEMENT_PHRASES

# Phrases the code generator turns into code of their own (not through the registry).
GENERATED = {"TALK", "PRINT", "WAIT", "SET BOT MEMORY", "GET BOT MEMORY",
             "ON ERROR RESUME NEXT", "ON ERROR GOTO", "FIRST", "LAST", "FORMAT", "DATEADD"}
PHRASES = sorted(set(STATEMENT_PHRASES) | set(EXPRESSION_PHRASES))
NOT_YET = "is not supported by Talkbench yet"


def test_every_phrase_has_a_runtime() -> None:
    missing = [p for p in PHRASES
               if p not in KEYWORDS and p not in GENERATED and lookup_builtin(p) is None]
    assert missing == []


@pytest.mark.parametrize("phrase", PHRASES)
def test_check_warns_wherever_run_says_not_supported(phrase: str) -> None:
    source = f'{phrase} "a"' if phrase in STATEMENT_PHRASES else f'x = {phrase} "a"'
    diagnostics = check_source(source, "walk.bas")
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return  # the sample arguments do not fit this keyword: check already refuses it
    try:
        compiled = load_source(source, "walk.bas")
    except BasicSyntaxError:
        return
    rt = Runtime(compiled, QueuedChannel.with_answers(["a"]), DictMemory(), skip_waits=True,
                 timeout=5.0)
    try:
        asyncio.run(rt.run())
    except BasicRuntimeError as e:
        if NOT_YET in e.message:
            warned = [d.message for d in diagnostics if d.severity is Severity.WARNING]
            assert any(phrase in w and "does not provide" in w for w in warned), (
                phrase, e.message, warned)
