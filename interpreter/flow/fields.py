"""The editable parts of a statement (a TALK's text, a HEAR's prompt and type, CASE values,
a memory key, an IF condition), found where the parser read them."""

from __future__ import annotations

from ..syntax import nodes as n
from ..syntax.lexer import Kind
from .classify import Kinded
from .model import Field, NodeKind
from .spans import ParsedDialog, Record


def fields_of(parsed: ParsedDialog, rec: Record, kinded: Kinded) -> tuple[Field, ...]:
    stmt = rec.node
    found: list[Field | None] = []
    if kinded.kind is NodeKind.TALK and isinstance(stmt, n.KeywordStmt) and stmt.args:
        found.append(expr_field(parsed, "text", stmt.args[0]))
    elif isinstance(stmt, n.Hear):
        found += [_hear_prompt(parsed, rec, stmt), _hear_type(parsed, rec, stmt)]
    elif isinstance(stmt, n.Select):
        found.append(expr_field(parsed, "subject", stmt.subject))
        found += [_values_field(parsed, f"case {k + 1}", values)
                  for k, (values, _body) in enumerate(stmt.cases)]
    elif isinstance(stmt, n.If):
        found += [expr_field(parsed, "condition" if k == 0 else f"elseif {k}", cond)
                  for k, (cond, _body) in enumerate(stmt.branches)]
    if kinded.key is not None:
        found.append(expr_field(parsed, "key", kinded.key))
    return tuple(f for f in found if f is not None)


def expr_field(parsed: ParsedDialog, name: str, node: n.Node | None) -> Field | None:
    span = parsed.expr_span(node)
    if span is None:
        return None
    start, end = span
    text = parsed.source.text
    if _plain_string(parsed, node, start) and end - start >= 2:
        return Field(name, start, end, text[start + 1:end - 1], text[start], text[end - 1])
    return Field(name, start, end, text[start:end])


def _plain_string(parsed: ParsedDialog, node: n.Node | None, start: int) -> bool:
    """A single string literal without ``${}`` parts."""
    if not isinstance(node, n.Literal) or not isinstance(node.value, str):
        return False
    index = parsed.token_at(node.line, node.col)
    return index is not None and parsed.tokens[index].kind is Kind.STRING and \
        parsed.token_start(index) == start


def _values_field(parsed: ParsedDialog, name: str, values: list[n.Node]) -> Field | None:
    first, last = parsed.expr_span(values[0]), parsed.expr_span(values[-1])
    if first is None or last is None:
        return None
    if len(values) == 1:
        return expr_field(parsed, name, values[0])
    return Field(name, first[0], last[1], parsed.source.text[first[0]:last[1]])


def _statement_end(parsed: ParsedDialog, rec: Record) -> int:
    """After the statement's last token (before a trailing comment)."""
    last = rec.end_tok - 1
    while last > rec.first_tok and parsed.tokens[last].kind in (Kind.NEWLINE, Kind.EOF):
        last -= 1
    return parsed.token_end(last)


def _hear_prompt(parsed: ParsedDialog, rec: Record, stmt: n.Hear) -> Field | None:
    if stmt.prompt is not None:
        return expr_field(parsed, "prompt", stmt.prompt)
    at = _statement_end(parsed, rec)
    return Field("prompt", at, at, "", '"', '"', " WITH ")


def _hear_type(parsed: ParsedDialog, rec: Record, stmt: n.Hear) -> Field | None:
    toks = parsed.tokens
    for k in range(rec.first_tok + 2, rec.end_tok - 1):
        if toks[k].kind is Kind.IDENT and toks[k].upper == "AS":
            typ = toks[k + 1]
            if typ.kind is Kind.IDENT and typ.upper not in ("WITH", "DEFAULT"):
                return Field("type", parsed.token_start(k + 1), parsed.token_end(k + 1),
                             str(typ.value))
            return None  # AS followed by options: a menu
    target = parsed.token_at(stmt.target.line, stmt.target.col)
    if target is None:
        return None
    at = parsed.token_end(target)
    return Field("type", at, at, "", before=" AS ")
