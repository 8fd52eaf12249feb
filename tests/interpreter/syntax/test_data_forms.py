"""Parsing the SQL-like table forms, SET HEADER "k" = "v", LIST TOOLS and SEND MAIL to, …"""

from __future__ import annotations

from typing import Any

import pytest

from interpreter import Session
from interpreter.errors import Severity
from interpreter.ports import where
from interpreter.ports.services import MailMessage
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse

from ..helpers import run


def only(source: str) -> n.Node:
    program, diags = parse(source)
    assert [d.message for d in diags] == []
    assert len(program.body) == 1
    return program.body[0]


def keyword(source: str) -> n.KeywordStmt | n.KeywordExpr:
    node = only(source)
    if isinstance(node, n.Assign):
        node = node.value
    assert isinstance(node, (n.KeywordStmt, n.KeywordExpr)), node
    return node


def show(node: n.Node) -> object:
    """A compact, comparable view of an argument node."""
    if isinstance(node, n.Literal):
        return where.to_text(node.value) if isinstance(node.value, where.CONDITIONS) \
            else node.value
    if isinstance(node, n.Name):
        return "$" + node.name
    if isinstance(node, n.MapLit):
        return {k: show(v) for k, v in node.pairs}
    return type(node).__name__


def shape(source: str) -> tuple[str, list[object], dict[str, list[object]]]:
    k = keyword(source)
    return k.phrase, [show(a) for a in k.args], {c: [show(v) for v in vs]
                                                  for c, vs in k.clauses.items()}


@pytest.mark.parametrize("source, expected", [
    ('user = FIND "users.csv" WHERE email = email',
     ("FIND", ["users.csv"], {"WHERE": ["email = ?", "$email"]})),
    ('rows = FIND "leads" WHERE status = "Active" AND score >= 50 ORDER BY name',
     ("FIND", ["leads"], {"WHERE": ["status = ? AND score >= ?", "Active", 50],
                          "ORDER": ["name"]})),
    ('rows = FIND "leads" WHERE score <> 1 ORDER BY name DESC, id ASC LIMIT n + 1',
     ("FIND", ["leads"], {"WHERE": ["score <> ?", 1], "ORDER": ["name DESC, id ASC"],
                          "LIMIT": ["Binary"]})),
    ('rec = FIND "leads" WHERE id = x OR name LIKE x FIRST',
     ("FIND", ["leads"], {"WHERE": ["id = ? OR name LIKE ?", "$x", "$x"], "FIRST": [True]})),
    ('FIND "t" WHERE a IS NULL',
     ("FIND", ["t"], {"WHERE": ["a IS NULL"]})),
    ('r = FIND "t" WHERE a IS NOT NULL AND b NOT LIKE "%x" AND c CONTAINS y',
     ("FIND", ["t"], {"WHERE": ["a IS NOT NULL AND b NOT LIKE ? AND c LIKE ?", "%x", "$y"]})),
    ('r = FIND "t" WHERE a IN (1, "two", x) AND b NOT IN ids',
     ("FIND", ["t"], {"WHERE": ["a IN (?, ?, ?) AND b NOT IN (?)", 1, "two", "$x", "$ids"]})),
    ('r = FIND "t" WHERE NOT (a = 1 OR b = 2) AND c == "x" + y',
     ("FIND", ["t"], {"WHERE": ["NOT (a = ? OR b = ?) AND c = ?", 1, 2, "Binary"]})),
    ('r = FIND "t" WHERE "status = \'open\'"', ("FIND", ["t"], {"WHERE": ["status = 'open'"]})),
    ('r = FIND "t" WHERE filter_text LIMIT 2',
     ("FIND", ["t"], {"WHERE": ["$filter_text"], "LIMIT": [2]})),
    ('r = FIND "t", "a=1" ORDER BY "a DESC"', ("FIND", ["t", "a=1"], {"ORDER": ["a DESC"]})),
    ('FIND "t" WHERE a = 1 INTO found', ("FIND", ["t"], {"WHERE": ["a = ?", 1],
                                                          "INTO": ["$found"]})),
    ('INSERT INTO "t" VALUES m', ("INSERT", ["t", "$m"], {})),
    ('INSERT INTO "t", a, b', ("INSERT", ["t", "$a", "$b"], {})),
    ('id = INSERT "t", m', ("INSERT", ["t", "$m"], {})),
    ('id = INSERT INTO "t" VALUES {"a": 1}', ("INSERT", ["t", {"a": 1}], {})),
    ('UPDATE "t" SET a = x, b = y + 1 WHERE id = z',
     ("UPDATE", ["t"], {"SET": [{"a": "$x", "b": "Binary"}], "WHERE": ["id = ?", "$z"]})),
    ('n = UPDATE "t" SET done = NOT open', ("UPDATE", ["t"], {"SET": [{"done": "Unary"}]})),
    ('n = UPDATE "t", "id=1", m', ("UPDATE", ["t", "id=1", "$m"], {})),
    ('DELETE FROM "t" WHERE a < 3', ("DELETE", ["t"], {"WHERE": ["a < ?", 3]})),
    ('k = DELETE "t", 7', ("DELETE", ["t", 7], {})),
    ('MERGE "t" WITH list BY "key"', ("MERGE", ["t", "$list", "key"], {})),
    ('n = MERGE "t" WITH list BY "key"', ("MERGE", ["t", "$list", "key"], {})),
    ('n = MERGE "t", list, "key"', ("MERGE", ["t", "$list", "key"], {})),
    ('k = SAVE "t", name, email', ("SAVE", ["t", "$name", "$email"], {})),
    ('SET HEADER "k" = "v" & token', ("SET HEADER", ["k", "Binary"], {})),
    ('SET HEADER "k", "v"', ("SET HEADER", ["k", "v"], {})),
    ('x = LIST TOOLS', ("LIST TOOLS", [], {})),
    ('x = LIST_TOOLS', ("LIST TOOLS", [], {})),
    ('LIST TOOLS', ("LIST TOOLS", [], {})),
    ('SEND MAIL to, subject, body', ("SEND MAIL", ["$to", "$subject", "$body"], {})),
    ('SEND MAIL to.address, "Hi", body', ("SEND MAIL", ["Member", "Hi", "$body"], {})),
    ('SEND EMAIL TO x SUBJECT s BODY b',
     ("SEND EMAIL", [], {"TO": ["$x", "$SUBJECT", "$s", "$BODY", "$b"]})),
])
def test_forms_parse_to_the_handlers_argument_shapes(source: str, expected: object) -> None:
    assert shape(source) == expected


def test_where_keeps_values_out_of_the_filter_text() -> None:
    _, _, clauses = shape('''x = FIND "t" WHERE name = "a' OR 1=1 --" AND b = 2''')
    assert clauses["WHERE"] == ["name = ? AND b = ?", "a' OR 1=1 --", 2]


def test_where_is_parsed_into_a_tree_with_one_param_per_value() -> None:
    clause = keyword('x = FIND "t" WHERE a == x AND NOT (b CONTAINS "y" || c IN (1, z))'
                     ).clauses["WHERE"]
    assert isinstance(clause[0], n.Literal)
    assert clause[0].value == where.And((
        where.Compare("a", "=", where.Param(0)),
        where.Not(where.Or((where.Like("b", where.Param(1)),
                            where.In("c", (where.Param(2), where.Param(3))))))))
    assert [show(v) for v in clause[1:]] == ["$x", "y", 1, "$z"]


def test_keywords_stay_usable_as_names() -> None:
    assert isinstance(only('case = FIND "cases", "id=1"'), n.Assign)
    assert isinstance(only('update = 1'), n.Assign)
    node = only('x = update + insert * delete')
    assert isinstance(node, n.Assign) and isinstance(node.value, n.Binary)
    node = only('IF merge THEN x = 1')
    assert isinstance(node, n.If) and isinstance(node.branches[0][0], n.Name)
    node = only('insert = INSERT "t", m')
    assert isinstance(node, n.Assign) and isinstance(node.value, n.KeywordExpr)
    # a column named like a keyword
    assert shape('x = FIND "t" WHERE first = 1 FIRST')[2]["WHERE"][0] == "first = ?"
    node = only('x = COUNT(FIND "t" WHERE a IN (1, 2))')
    assert isinstance(node, n.Assign) and isinstance(node.value, n.Call)
    assert len(node.value.args) == 1


@pytest.mark.parametrize("source, line, col, message", [
    ('x = FIND "t" WHERE', 1, 19, "expected a condition after WHERE"),
    ('TALK 1\nx = FIND "t" WHERE a 5', 2, 22, "expected a comparison after a in WHERE"),
    ('x = FIND "t" WHERE a =', 1, 23, "expected a value in WHERE"),
    ('x = FIND "t" WHERE a = 1 AND', 1, 29, "expected a column name in WHERE"),
    ('x = FIND "t" WHERE 1 = a', 1, 20, "expected a column name in WHERE, got number"),
    ('x = FIND "t" WHERE a IN (1, 2 3)', 1, 31, "expected ')' to close the IN list"),
    ('x = FIND "t" WHERE a IS 3', 1, 25, "expected NULL after IS"),
    ('x = FIND "t" WHERE a NOT 3', 1, 26, "expected LIKE or IN after NOT"),
    ('x = FIND "t" WHERE (a = 1 b = 2)', 1, 27, "expected ')' to close the condition"),
    ('x = FIND "t" ORDER name', 1, 20, "expected BY after ORDER"),
    ('x = FIND "t" ORDER BY 3', 1, 23, "expected a column name after ORDER BY"),
    ('x = FIND "t" WHERE a = 1 WHERE b = 2', 1, 26, "FIND has more than one WHERE clause"),
    ('x = FIND "t" FIRST FIRST', 1, 20, "FIND has more than one FIRST clause"),
    ('FIND "t", "a=1" WHERE b = 2', 1, 1, "FIND takes a filter text or a WHERE clause"),
    ('FIND', 1, 5, "FIND needs a table name"),
    ('x = FIND "t" LIMIT', 1, 19, "expected a value"),
    ('UPDATE "t" SET = 3', 1, 16, "expected a column name after SET"),
    ('UPDATE "t" SET a 3', 1, 18, "expected '=' after a in UPDATE … SET"),
    ('UPDATE "t", 1 SET a = 3', 1, 15, "unexpected 'SET' after the statement"),
    ('MERGE "t" WITH rows "key"', 1, 21, "expected BY in MERGE"),
    ('DELETE FROM', 1, 12, "DELETE needs a table name"),
    ('INSERT INTO', 1, 12, "INSERT needs a table name"),
])
def test_malformed_forms_are_parse_errors_with_position(source: str, line: int, col: int,
                                                        message: str) -> None:
    _, diags = parse(source)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    assert errors, source
    assert (errors[0].line, errors[0].col) == (line, col), errors[0].message
    assert message in errors[0].message


def test_set_header_docs_form_sets_the_session_header() -> None:
    session = Session()
    run('token = "t1"\nSET HEADER "Authorization" = "Bearer " + token\n'
        'SET HEADER "X-A", 1', session=session)
    assert session.http_headers == {"Authorization": "Bearer t1", "X-A": "1"}


def test_list_tools_as_a_value() -> None:
    out = run('x = LIST TOOLS\ny = LIST_TOOLS()', session=Session(tools=["faq", "orders"]))
    assert out.variables["x"] == out.variables["y"]
    assert "(2)" in out.variables["x"] and "2. orders" in out.variables["x"]
    assert run('x = LIST_TOOLS').variables["x"] == "No tools are active in this conversation"


class _Outbox:
    """A mail provider that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[MailMessage] = []

    async def send(self, message: MailMessage) -> str:
        self.sent.append(message)
        return f"<m{len(self.sent)}@test>"


def test_send_mail_with_a_variable_named_to() -> None:
    outbox = _Outbox()
    services: dict[str, Any] = {"mail": outbox}
    out = run('to = "ann@x.test"\nsubject = "Hi"\nbody = "Welcome"\n'
              'SEND MAIL to, subject, body\nSEND EMAIL TO to SUBJECT "S2" BODY "B2"',
              services=services)
    assert [(m.to, m.subject, m.body) for m in outbox.sent] == [
        (("ann@x.test",), "Hi", "Welcome"), (("ann@x.test",), "S2", "B2")]
    assert out.variables["to"] == "ann@x.test"
