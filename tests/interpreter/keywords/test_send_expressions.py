"""SEND SMS, SEND MAIL / SEND EMAIL and SEND TEMPLATE used as expressions (``result = SEND SMS
phone, text`` in the General Bots docs), parsed by the keyword-expression mechanism."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from interpreter import BasicSyntaxError, Runtime, load_source
from interpreter.ports.host import DictMemory
from interpreter.ports.services import MailMessage
from interpreter.runtime.channels import QueuedChannel
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse
from interpreter.syntax.vocabulary import EXPRESSION_PHRASES


def value_of(source: str) -> n.Node:
    program, diags = parse(source)
    assert [d.message for d in diags] == []
    node = program.body[-1]
    assert isinstance(node, n.Assign), node
    return node.value


def shown(node: n.Node) -> object:
    if isinstance(node, n.Literal):
        return node.value
    if isinstance(node, n.Name):
        return "$" + node.name
    if isinstance(node, n.Binary):
        return (shown(node.left), node.op, shown(node.right))
    if isinstance(node, n.MapLit):
        return {k: shown(v) for k, v in node.pairs}
    return type(node).__name__


@pytest.mark.parametrize("source, phrase, args", [
    ('r = SEND SMS phone, message', "SEND SMS", ["$phone", "$message"]),
    ('r = SEND_SMS "+15551234567", "code " + c, "twilio"', "SEND SMS",
     ["+15551234567", ("code ", "+", "$c"), "twilio"]),
    ('r = send sms(phone, "hi")', "SEND SMS", ["$phone", "hi"]),
    ('status = SEND MAIL to, "Subject", body', "SEND MAIL", ["$to", "Subject", "$body"]),
    ('status = SEND_EMAIL to, "one line"', "SEND EMAIL", ["$to", "one line"]),
    ('r = SEND TEMPLATE "welcome", "email", to, #{name: n}', "SEND TEMPLATE",
     ["welcome", "email", "$to", {"name": "$n"}]),
    ('r = SEND_TEMPLATE "welcome", "sms", phone', "SEND TEMPLATE", ["welcome", "sms", "$phone"]),
])
def test_send_keywords_parse_as_expressions(source: str, phrase: str, args: list) -> None:
    expr = value_of(source)
    assert isinstance(expr, n.KeywordExpr)
    assert (expr.phrase, [shown(a) for a in expr.args], expr.clauses) == (phrase, args, {})


def test_the_phrases_come_from_the_shared_vocabulary() -> None:
    assert {"SEND SMS", "SEND MAIL", "SEND EMAIL", "SEND TEMPLATE"} <= set(EXPRESSION_PHRASES)


def test_a_send_expression_inside_a_larger_expression_and_a_call() -> None:
    program, diags = parse('IF SEND_SMS(p, "x") <> "" THEN TALK "sent"\n'
                           'TALK "Status: " + SEND SMS(p, "y")')
    assert diags == []
    cond = program.body[0].branches[0][0]
    assert isinstance(cond, n.Binary) and cond.op == "<>"
    assert isinstance(cond.left, n.KeywordExpr) and cond.left.phrase == "SEND SMS"
    talk = program.body[1]
    inner = talk.args[0]
    assert isinstance(inner, n.Binary) and isinstance(inner.right, n.KeywordExpr)
    assert [shown(a) for a in inner.right.args] == ["$p", "y"]


def test_the_statement_forms_are_unchanged() -> None:
    program, diags = parse('SEND SMS phone, "hi" INTO status\nSEND MAIL a, "s", "b"\n'
                           'SEND TEMPLATE "t", "email", a')
    assert diags == []
    stmts = program.body
    assert [type(s).__name__ for s in stmts] == ["KeywordStmt"] * 3
    assert [s.phrase for s in stmts] == ["SEND SMS", "SEND MAIL", "SEND TEMPLATE"]
    assert [shown(c) for c in stmts[0].clauses["INTO"]] == ["$status"]


def test_send_stays_an_ordinary_variable_name() -> None:
    expr = value_of("send = 2\nx = send * 3")
    assert shown(expr) == ("$send", "*", 3)


def test_words_that_are_not_a_send_phrase_still_fail() -> None:
    with pytest.raises(BasicSyntaxError, match="unexpected 'FAX'"):
        load_source('x = SEND FAX "a", "b"', "t.bas")


# ---------------------------------------------------------------- the value at run time


class _Sms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, to: str, text: str, provider: str = "") -> str:
        self.sent.append((to, text, provider))
        return f"id-{len(self.sent)}"


class _Mail:
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []

    async def send(self, message: MailMessage) -> str:
        self.sent.append(message)
        return f"<m{len(self.sent)}@test>"


class _Services:
    def __init__(self, **providers: Any) -> None:
        self.providers = providers

    def get(self, name: str) -> Any:
        return self.providers.get(name)

    def hint(self, name: str) -> str:
        return ""


def run_with(source: str, **providers: Any) -> dict[str, Any]:
    runtime = Runtime(load_source(source, "t.bas"), QueuedChannel(), DictMemory(),
                      services=_Services(**providers))
    asyncio.run(runtime.run())
    return runtime.globals


def test_the_expression_and_the_into_form_give_the_same_value() -> None:
    sms = _Sms()
    values = run_with('a = SEND SMS "+1 555 123 4567", "one"\n'
                      'SEND SMS "+1 555 123 4567", "two" INTO b\n'
                      'IF SEND_SMS("5551234567", "three") <> "" THEN c = "yes"', sms=sms)
    assert (values["a"], values["b"], values["c"]) == (
        "SMS sent to +15551234567 (id id-1)", "SMS sent to +15551234567 (id id-2)", "yes")
    assert sms.sent == [("+15551234567", "one", ""), ("+15551234567", "two", ""),
                        ("5551234567", "three", "")]


def test_send_mail_as_an_expression_returns_the_message_id_status() -> None:
    mail = _Mail()
    values = run_with('status = SEND MAIL "ana@x.test", "Hi", "Body " + 1', mail=mail)
    assert values["status"] == "Mail sent to ana@x.test (Message-ID <m1@test>)"
    assert [(m.to, m.subject, m.body) for m in mail.sent] == [(("ana@x.test",), "Hi", "Body 1")]
