"""Keyword forms of real dialogs that need services Talkbench lacks: they parse, and when run
they stop with what they need, or (statements, policy "skip") warn and go on."""

from __future__ import annotations

from typing import Any

import pytest

from interpreter import BasicRuntimeError, Severity, check_source
from interpreter.events import Printed
from interpreter.keywords import unsupported
from interpreter.keywords.registry import KEYWORDS
from interpreter.keywords.unsupported import NEEDS
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse

from ..helpers import run

REAL_LINES = [
    "CREATE INDEX idx_leads_email ON leads(email);",
    "CREATE INDEX IF NOT EXISTS idx_score ON leads (score)",
    'CREATE UNIQUE INDEX idx_both ON "leads" (email, score DESC)',
    'x = RUN PYTHON "print(1)"',
    'x = RUN JAVASCRIPT "1 + 1"',
    'x = RUN JS "1 + 1"',
    'RUN BASH "ls"',
    'RUN PYTHON WITH FILE "f.py"',
    'x = RUN PYTHON WITH FILE "f.py"',
    'ADD BOT "helper" WITH TRIGGER "x"',
    'ADD BOT "helper" WITH TOOLS "a, b"',
    'x = QR CODE "abc"',
    'x = QR CODE "abc", 300',
    'DELEGATE TO "bot2"',
    'SEND TO BOT "b" MESSAGE "m"',
    'WAIT FOR BOT "b" TIMEOUT 30',
    'r = WAIT FOR BOT "b" TIMEOUT 30',
    'POST TO "instagram" "hello"',
    "POST TO instagram, image, caption",
    'POST TO "instagram" "hello" AT "2025-01-01 10:00"',
    'SEND MESSAGE "hi"',
    "x = GET QUEUE",
    'WEATHER "Paris"',
    'w = WEATHER "Paris"',
    "bots = LIST BOTS",
    'REMOVE BOT "helper"',
]


@pytest.mark.parametrize("line", REAL_LINES)
def test_real_dialog_lines_have_no_syntax_errors(line: str) -> None:
    source = "image = 1\ncaption = 2\n" + line
    errors = [d.format() for d in check_source(source) if d.severity is Severity.ERROR]
    assert errors == []


def statement(source: str) -> Any:
    program, diagnostics = parse(source)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    return program.body[-1]


def literal_args(node: Any) -> list[Any]:
    out = []
    for a in node.args:
        out.append([i.value for i in a.items] if isinstance(a, n.ArrayLit) else a.value)
    return out


def test_create_index_gives_name_table_and_columns() -> None:
    node = statement("CREATE INDEX IF NOT EXISTS idx_s ON leads (score DESC, email)")
    assert node.phrase == "CREATE INDEX"
    assert literal_args(node) == ["idx_s", "leads", ["score DESC", "email"]]
    assert statement("create_unique_index u ON t(a);").phrase == "CREATE UNIQUE INDEX"


@pytest.mark.parametrize("source, message", [
    ("CREATE INDEX ON leads(email)", "expected ON after the index name ON"),
    ("CREATE INDEX i leads(email)", "expected ON after the index name i"),
    ("CREATE INDEX i ON leads", "expected '(' after the table name leads"),
    ("CREATE INDEX i ON leads()", "expected a column name"),
    ("CREATE INDEX i ON leads(a) WHERE a > 1", "unexpected 'WHERE'"),
    ("CREATE INDEX IF EXISTS i ON t(a)", "expected NOT in CREATE INDEX IF NOT EXISTS"),
])
def test_malformed_create_index_is_a_syntax_error(source: str, message: str) -> None:
    errors = [d.message for d in check_source(source) if d.severity is Severity.ERROR]
    assert len(errors) == 1 and message in errors[0], errors


def test_word_clauses_become_named_clauses() -> None:
    node = statement('ADD BOT "helper" WITH TRIGGER "x"')
    assert (node.phrase, node.args[0].value, node.clauses["TRIGGER"][0].value) == \
        ("ADD BOT", "helper", "x")
    node = statement('r = WAIT FOR BOT "b" TIMEOUT 30')
    assert (node.value.phrase, node.value.clauses["TIMEOUT"][0].value) == ("WAIT FOR BOT", 30)
    node = statement("POST TO instagram, image, caption")
    assert node.phrase == "POST TO" and node.args[0].value == "instagram"
    assert [a.name for a in node.args[1:]] == ["image", "caption"]


def test_a_value_after_the_keyword_expression_ends_it() -> None:
    node = statement('IF WAIT FOR BOT "b" TIMEOUT 3 = "ok" THEN TALK "y"')
    condition = node.branches[0][0]
    assert isinstance(condition, n.Binary) and condition.left.phrase == "WAIT FOR BOT"


def test_a_last_word_that_is_a_variable_keeps_the_shorter_keyword() -> None:
    node = statement('bot = "a@b.test"\nSEND TO bot, "hi"')
    assert node.phrase == "SEND TO" and node.args[0].name == "bot"
    node = statement('to = "https://x.test"\nPOST to, "body"')
    assert node.phrase == "POST" and node.args[0].name == "to"


def test_an_underscored_keyword_alone_is_a_variable() -> None:
    node = statement("qr_code = 1\nTALK qr_code")
    assert isinstance(node.args[0], n.Name) and node.args[0].name == "qr_code"
    assert statement("x = GET_QUEUE").value.phrase == "GET QUEUE"  # takes no arguments


# ------------------------------------------------------------------ running: policy "error"


@pytest.mark.parametrize("source, need", [
    ('TALK "a"\nx = RUN PYTHON "print(1)"', ("RUN PYTHON is not supported by Talkbench yet: "
                                             "it needs a code sandbox")),
    ('TALK "a"\nRUN BASH WITH FILE "x.sh"', "needs a code sandbox"),
    ('TALK "a"\nADD BOT "h" WITH TRIGGER "x"', "ADD BOT is not supported"),
    ('TALK "a"\nSEND TO BOT "b" MESSAGE "m"', "multi-agent service"),
    ('TALK "a"\nx = GET QUEUE', "CRM attendance back end"),
    ('TALK "a"\nPOST TO "instagram" "hi"', "social-network account"),
    ('TALK "a"\nSEND MESSAGE "hi"', "SEND MESSAGE text is not supported"),
])
def test_by_default_the_run_stops_saying_what_is_needed(source: str, need: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source)
    assert err.value.line == 2
    assert need in err.value.message
    assert "which Talkbench does not provide" in err.value.message


def test_the_statement_error_tells_how_to_skip() -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run('DELEGATE TO "bot2"')
    assert "--skip-unsupported" in err.value.message
    assert "unsupported-keywords = skip" in err.value.message


# ------------------------------------------------------------------ running: policy "skip"

SKIP = {"unsupported_keywords": "skip"}


def test_skip_warns_at_the_statement_and_goes_on() -> None:
    out = run('TALK "a"\n  RUN PYTHON "print(1)"\nDELEGATE TO "b"\nSEND MESSAGE "x"\n'
              'TALK "b"', services=SKIP)
    assert out.talks == ["a", "b"]
    warnings = [e for e in out.events if isinstance(e, Printed) and e.level == "warning"]
    assert [(w.line, w.text.split(": it needs")[0]) for w in warnings] == [
        (2, "test.bas:2:3: skipped RUN PYTHON"), (3, "test.bas:3:1: skipped DELEGATE TO"),
        (4, "test.bas:4:1: skipped SEND MESSAGE text")]
    assert "code sandbox, which Talkbench does not provide" in warnings[0].text


@pytest.mark.parametrize("source", [
    'x = RUN PYTHON "print(1)"',
    'TALK "n: " + WAIT FOR BOT "b" TIMEOUT 1',
    'RUN PYTHON "print(1)" INTO x',
    "q = GET QUEUE",
])
def test_a_keyword_used_for_its_value_fails_even_with_skip(source: str) -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run(source, services=SKIP)
    assert "which Talkbench does not provide" in err.value.message
    assert "--skip-unsupported" not in err.value.message


# Every phrase that has no implementation but this module's (others may implement some later).
FALLBACKS = sorted(p for p in NEEDS if KEYWORDS[p].__module__ == unsupported.__name__)


def test_the_fallbacks_cover_the_multi_agent_and_sandbox_keywords() -> None:
    assert {"RUN PYTHON", "RUN BASH WITH FILE", "ADD BOT", "DELEGATE TO", "SEND TO BOT",
            "WAIT FOR BOT", "POST TO", "GET QUEUE"} <= set(FALLBACKS)


@pytest.mark.parametrize("phrase", FALLBACKS)
def test_every_fallback_statement_is_skipped_with_skip(phrase: str) -> None:
    out = run(f'TALK "a"\n{phrase} "x"\nTALK "b"', services=SKIP)
    assert out.talks == ["a", "b"]
    warnings = [e.text for e in out.events if isinstance(e, Printed) and e.level == "warning"]
    assert warnings == [(f"test.bas:2:1: skipped {phrase}: it needs {NEEDS[phrase]}, which "
                         f"Talkbench does not provide")]
    with pytest.raises(BasicRuntimeError) as err:
        run(f'TALK "a"\n{phrase} "x"\nTALK "b"')
    assert err.value.line == 2 and NEEDS[phrase] in err.value.message


def test_send_message_with_a_recipient_still_sends() -> None:
    with pytest.raises(BasicRuntimeError) as err:
        run('SEND MESSAGE "ana@example.com", "hi"', services=SKIP)
    assert "needs the 'mail' service" in err.value.message


def test_an_unknown_policy_counts_as_error() -> None:
    with pytest.raises(BasicRuntimeError):
        run('DELEGATE TO "b"', services={"unsupported_keywords": "maybe"})
