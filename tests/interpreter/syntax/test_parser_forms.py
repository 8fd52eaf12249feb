"""Keyword forms of real General Bots dialogs that used to be syntax errors:
``x = ASSIGN CONVERSATION s TO a`` and ``NEXT IN QUEUE`` (which must not close a FOR loop)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from app.db.database import open_database, sqlite_url
from app.services.crm_store import CrmStore
from interpreter import BasicRuntimeError, Runtime, Session, load_source
from interpreter.events import Printed
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse
from interpreter.tooling.keyword_help import help_for

from ..helpers import run

SKIP = {"unsupported_keywords": "skip"}
CRM_NEED = "a CRM attendance back end"


def parsed(source: str) -> list[n.Node]:
    program, diagnostics = parse(source)
    assert [d.message for d in diagnostics] == []
    return program.body


def run_crm(source: str, crm: CrmStore) -> dict[str, Any]:
    rt = Runtime(load_source(source, "crm.bas"), QueuedChannel.with_answers([]), DictMemory({}),
                 services={"crm": crm}, session=Session(id="s-1", user_id="ann"))
    asyncio.run(rt.run())
    return rt.globals


@pytest.fixture
def crm(tmp_path: Path) -> CrmStore:
    return CrmStore(open_database(sqlite_url(tmp_path / "crm.db")), "shop")


# ------------------------------------------------------------------ ASSIGN CONVERSATION … TO


def test_assign_conversation_to_as_a_value_gives_the_statement_s_clauses() -> None:
    [stmt] = parsed('x = ASSIGN CONVERSATION sid TO "ana"')
    [same] = parsed('ASSIGN CONVERSATION sid TO "ana"')
    assert isinstance(stmt, n.Assign) and isinstance(stmt.value, n.KeywordExpr)
    assert isinstance(same, n.KeywordStmt)
    expr = stmt.value
    assert expr.phrase == same.phrase == "ASSIGN CONVERSATION"
    assert [a.name for a in expr.args] == [a.name for a in same.args] == ["sid"]
    assert [c.value for c in expr.clauses["TO"]] == [c.value for c in same.clauses["TO"]] \
        == ["ana"]


def test_assign_conversation_to_value_stops_at_the_operand() -> None:
    [stmt] = parsed('ok = ASSIGN CONVERSATION "s" TO who + "x" AND flag')
    value = stmt.value
    assert isinstance(value, n.Binary) and value.op == "AND"  # AND is the script's, not an arg
    keyword = value.left
    assert isinstance(keyword, n.KeywordExpr) and isinstance(keyword.clauses["TO"][0], n.Binary)


def test_other_keyword_values_still_reject_to() -> None:
    _, diagnostics = parse('x = LLM "a" TO b')
    assert [d.message for d in diagnostics] == ["unexpected 'TO' after the statement"]


def test_assign_conversation_to_value_runs_like_the_comma_form(crm: CrmStore) -> None:
    v = run_crm('a = ASSIGN CONVERSATION "s-1" TO "bob"\n'
                'b = ASSIGN CONVERSATION "s-1", "ana"\n', crm)
    assert v["a"] == {"success": True, "session_id": "s-1", "assigned_to": "bob",
                      "message": "Conversation assigned"}
    assert v["b"]["assigned_to"] == "ana"
    record = crm.conversation("s-1")
    assert record is not None and record.assignee == "ana"


@pytest.mark.parametrize("phrase, word", [
    ("SET PRIORITY", "TO"), ("ADD NOTE", "TO"),
    ("TAG CONVERSATION", "WITH"), ("RESOLVE CONVERSATION", "WITH")])
def test_the_other_crm_clause_keywords_are_values_too(phrase: str, word: str) -> None:
    [stmt] = parsed(f'x = {phrase} "s-1" {word} "high"')
    [same] = parsed(f'{phrase} "s-1" {word} "high"')
    assert stmt.value.phrase == same.phrase == phrase
    assert [c.value for c in stmt.value.clauses[word]] == [c.value for c in same.clauses[word]]


def test_set_priority_to_as_a_value_runs(crm: CrmStore) -> None:
    v = run_crm('p = SET PRIORITY "s-1" TO "high"\n', crm)
    record = crm.conversation("s-1")
    assert v["p"] == {"success": True, "priority": 3}  # "high" on the 1-4 scale
    assert record is not None and record.priority == 3


def test_assign_conversation_to_an_empty_attendant_fails(crm: CrmStore) -> None:
    with pytest.raises(BasicRuntimeError, match="needs an attendant"):
        run_crm('x = ASSIGN CONVERSATION "s-1" TO ""', crm)


# ------------------------------------------------------------------ NEXT IN QUEUE


@pytest.mark.parametrize("source", ["NEXT IN QUEUE", "next in queue", "NEXT_IN_QUEUE"])
def test_next_in_queue_is_a_statement(source: str) -> None:
    [stmt] = parsed(source)
    assert isinstance(stmt, n.KeywordStmt) and stmt.phrase == "NEXT IN QUEUE" and stmt.args == []


def test_next_in_queue_is_a_value() -> None:
    [stmt] = parsed("item = NEXT IN QUEUE")
    assert isinstance(stmt, n.Assign)
    assert isinstance(stmt.value, n.KeywordExpr) and stmt.value.phrase == "NEXT IN QUEUE"
    assert stmt.value.args == []


def test_next_in_queue_inside_a_for_loop_does_not_close_it() -> None:
    [loop] = parsed("FOR i = 1 TO 3\n  NEXT IN QUEUE\n  TALK i\nNEXT i\nTALK 0")[:1]
    assert isinstance(loop, n.ForTo)
    assert [type(s).__name__ for s in loop.body] == ["KeywordStmt", "KeywordStmt"]
    assert loop.body[0].phrase == "NEXT IN QUEUE"


def test_next_in_queue_alone_does_not_close_a_for_loop() -> None:
    _, diagnostics = parse("FOR i = 1 TO 3\n  NEXT IN QUEUE\n")
    assert [d.message for d in diagnostics] == [
        "FOR at line 1 is not closed: expected NEXT or END FOR, found end of file"]


def test_next_and_next_variable_still_close_nested_loops() -> None:
    body = parsed("FOR EACH x IN [1, 2]\n"
                  "  FOR i = 1 TO 2\n"
                  "    IF i = 2 THEN NEXT IN QUEUE\n"
                  "    TALK x * i\n"
                  "  NEXT i\n"
                  "  FOR j = 1 TO 2\n"
                  "    q = NEXT IN QUEUE\n"
                  "  NEXT\n"
                  "NEXT\n"
                  "TALK \"done\"")
    outer, after = body
    assert isinstance(outer, n.ForEach) and isinstance(after, n.KeywordStmt)
    inner_i, inner_j = outer.body
    assert isinstance(inner_i, n.ForTo) and inner_i.var == "i" and len(inner_i.body) == 2
    assert isinstance(inner_j, n.ForTo) and inner_j.var == "j"
    assert isinstance(inner_j.body[0], n.Assign)


def test_nested_loops_run_with_next_and_next_variable() -> None:
    out = run("FOR EACH x IN [1, 2]\n  FOR i = 1 TO 2\n    TALK x * 10 + i\n  NEXT i\nNEXT\n"
              "TALK \"end\"")
    assert out.talks == ["11", "12", "21", "22", "end"]


def test_next_with_the_wrong_variable_is_still_reported() -> None:
    _, diagnostics = parse("FOR i = 1 TO 2\nNEXT j")
    assert [d.message for d in diagnostics] == ["NEXT j does not match FOR i"]


def test_next_in_queue_stops_the_run_naming_the_service() -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run('TALK "a"\nNEXT IN QUEUE\nTALK "b"')
    assert err.value.line == 2
    assert f"NEXT IN QUEUE is not supported by Talkbench yet: it needs {CRM_NEED}" \
        in err.value.message
    assert "--skip-unsupported" in err.value.message


def test_next_in_queue_statement_is_skipped_with_skip_inside_a_loop() -> None:
    out = run('FOR i = 1 TO 2\n  NEXT IN QUEUE\n  TALK i\nNEXT i\nTALK "b"', services=SKIP)
    assert out.talks == ["1", "2", "b"]
    warnings = [e.text for e in out.events if isinstance(e, Printed) and e.level == "warning"]
    assert warnings and all(w.startswith("test.bas:2:3: skipped NEXT IN QUEUE: it needs "
                                         + CRM_NEED) for w in warnings)


@pytest.mark.parametrize("source", ["item = NEXT IN QUEUE", "NEXT IN QUEUE INTO item"])
def test_next_in_queue_as_a_value_fails_even_with_skip(source: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source, services=SKIP)
    assert CRM_NEED in err.value.message and "--skip-unsupported" not in err.value.message


def test_next_in_queue_has_help_like_get_queue() -> None:
    entry = help_for("next_in_queue")
    assert entry is not None and entry.phrase == "NEXT IN QUEUE"
    assert help_for("GET QUEUE") is not None
