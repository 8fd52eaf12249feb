"""Keywords declare how many arguments they take; the runtime checks the count once, before
the handler runs, with one message format (interpreter.keywords.Arity)."""

from __future__ import annotations

import asyncio

import pytest

from interpreter import BasicRuntimeError, Runtime, Session, load_source
from interpreter.keywords.registry import ARITY, KEYWORDS, Arity
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.values import BasicValueError
from tests.interpreter.helpers import run


def _call(phrase: str, count: int) -> None:
    """Run the keyword ``phrase`` with ``count`` NULL arguments on a runtime with no
    services configured."""
    runtime = Runtime(load_source("", "arity.bas"), QueuedChannel.with_answers([]),
                      DictMemory(), skip_waits=True)
    asyncio.run(runtime.keyword(phrase, [None] * count, {}, 1))


def _wrong_counts(arity: Arity) -> list[int]:
    counts = [arity.least - 1] if arity.least > 0 else []
    return counts + ([arity.most + 1] if arity.most is not None else [])


@pytest.mark.parametrize("phrase", sorted(ARITY))
def test_every_declared_arity_refuses_other_counts_before_the_handler_runs(phrase: str) -> None:
    arity = ARITY[phrase]
    assert phrase in KEYWORDS
    for count in _wrong_counts(arity):
        with pytest.raises(BasicValueError) as err:
            _call(phrase, count)
        assert str(err.value) == arity.message(phrase, count)


def test_many_keywords_declare_their_arity() -> None:
    # The count checks that handlers used to write by hand now live in the registry.
    assert len(ARITY) >= 80


@pytest.mark.parametrize("arity, count, message", [
    (Arity(1, 1), 0, "X expects 1 argument, got 0"),
    (Arity(2, 2), 3, "X expects 2 arguments, got 3"),
    (Arity(1, 3), 4, "X expects 1 to 3 arguments, got 4"),
    (Arity(2, None), 1, "X expects at least 2 arguments, got 1"),
    (Arity(0, 0), 2, "X takes no arguments, got 2"),
    (Arity(2, 2, "a key and a value"), 1, "X expects a key and a value, got 1 value"),
    (Arity(2, 3, "name, value[, tags]"), 0, "X expects name, value[, tags], got 0 values"),
])
def test_the_message_names_the_keyword_and_what_it_takes(arity: Arity, count: int,
                                                         message: str) -> None:
    assert not arity.accepts(count)
    assert arity.message("X", count) == message


def test_a_wrong_count_in_a_dialog_is_an_error_at_its_line_and_changes_nothing() -> None:
    session = Session()
    with pytest.raises(BasicRuntimeError) as err:
        run('SET SESSION "a", 1\nSET SESSION "b"', session=session)
    assert err.value.line == 2
    assert "SET SESSION expects a key and a value, got 1 value" in err.value.message
    assert session.variables == {"a": 1}


def test_the_count_is_checked_before_the_keyword_asks_for_its_service() -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run('x = TRANSLATE "hello"')
    assert 'TRANSLATE expects a text and a language: TRANSLATE text, "pt", got 1 value' \
        in err.value.message


def test_a_declared_count_lets_the_handler_run() -> None:
    session = Session()
    run('SET SESSION "k", 5\nx = GET SESSION "k"', session=session)
    assert session.variables == {"k": 5}
