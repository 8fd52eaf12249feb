"""Shared helpers for interpreter tests: run a snippet and collect what it did."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.debug.debugger import Debugger
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import BasicValueError


@dataclass
class Outcome:
    result: Any
    talks: list[str]
    memory: dict[str, str]
    variables: dict[str, Any]
    events: list[Any] = field(default_factory=list)


def run(source: str, answers: list[str] | None = None, memory: dict[str, str] | None = None,
        **options: Any) -> Outcome:
    """Run ``source`` to the end with queued answers and an in-memory bot memory."""
    channel = QueuedChannel.with_answers(answers or [])
    mem = DictMemory(dict(memory or {}))
    events: list[Any] = []
    compiled = load_source(source, "test.bas", debug=options.get("debugger") is not None)
    rt = Runtime(compiled, channel, mem, on_event=events.append, **options)
    result = asyncio.run(rt.run())
    return Outcome(result, channel.texts, mem.data, rt.globals, events)


def talks(source: str, answers: list[str] | None = None, **kw: Any) -> list[str]:
    return run(source, answers, **kw).talks


def outcome(source: str, variables: dict[str, Any], debug: bool) -> tuple[str, Any]:
    """('ok', RETURN value) or ('error', message) of ``source`` in a release build, or in a
    debug build with a debugger attached."""
    compiled = load_source(source, "fast.bas", debug=debug)
    rt = Runtime(compiled, QueuedChannel(), DictMemory(), initial_vars=dict(variables),
                 debugger=Debugger(compiled.program) if debug else None)
    try:
        return "ok", asyncio.run(rt.run())
    except BasicRuntimeError as e:
        return "error", e.message


def both(source: str, variables: dict[str, Any]) -> tuple[str, Any]:
    """The outcome, which release and debug builds must agree on (their fast paths differ)."""
    release, debug = outcome(source, variables, False), outcome(source, variables, True)
    assert release == debug, (source, variables, release, debug)
    return release


def model(fn: Any) -> tuple[str, Any]:
    """A model's outcome to compare with :func:`outcome`'s: ('ok', value) or ('error', None)
    when it raises what the language reports as an error."""
    try:
        return "ok", fn()
    except (BasicValueError, ZeroDivisionError):
        return "error", None


def check(got: tuple[str, Any], want: tuple[str, Any]) -> None:
    """``got`` (an outcome) agrees with ``want`` (a model's): the same kind, and when both
    are values, equal values of the same class (1 and 1.0 differ in the language)."""
    assert got[0] == want[0], (got, want)
    if got[0] == "ok":
        assert got[1] == want[1] and type(got[1]) is type(want[1]), (got, want)
