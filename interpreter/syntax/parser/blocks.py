"""Statements that hold blocks: IF, FOR, DO, WHILE, SELECT CASE/SWITCH, SUB/FUNCTION, WITH,
ON FORM SUBMIT, ON EVENT and SCHEDULE IN.

A header line with a syntax error is reported and its block still opened (``block_header``),
so the block's END is not reported a second time.

Each opener parses its own body with ``block()`` and closes it with ``close_block``, which
reports a missing terminator at the opener. ``ON`` and ``SCHEDULE`` open a block only as
``ON FORM SUBMIT`` / ``SCHEDULE IN``; otherwise they are keyword statements (``ON ERROR …``). Both ``NEXT`` and ``END FOR`` close a FOR loop,
``ELSE IF`` and ``ELSEIF`` continue an IF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from ...errors import Severity
from .. import nodes as n
from ..lexer import Kind, Token
from .cursor import ParserCore
from .parse_error import ParseError

_H = TypeVar("_H")


# Statements with their own rule that may follow THEN (keyword phrases are found apart).
_INLINE_STATEMENT_WORDS = frozenset({"HEAR", "SET", "LET", "CALL", "EXIT", "RETURN", "GOTO"})


class BlockRules(ParserCore):
    """Mixed into :class:`~interpreter.syntax.parser.core.Parser` (through ``StatementRules``)."""

    def stmt_if(self, t: Token) -> n.Node:
        self.advance()
        single = self.then_has_statement() or self.then_forgotten()
        cond = self.block_header(self.if_header)
        if cond is None:  # reported; a multi-line IF still opens, so END IF is not stray
            if single:
                return n.If(t.line, t.col, [], None)
            cond = n.Literal(t.line, t.col, False)
        elif not self.at_eol():
            return self.single_line_if(t, cond)
        branches = [(cond, self.block())]
        else_body = None
        while True:
            term = self.terminator()
            if term == "ELSEIF":
                self.consume_terminator(term)
                c = self.block_header(self.elseif_header)  # reported; the IF goes on
                branches.append((c or n.Literal(t.line, t.col, False), self.block()))
            elif term == "ELSE" and else_body is None:
                self.advance()
                self.expect_eol("ELSE")
                else_body = self.block()
            elif term == "ELSE":  # reported; its lines still belong to this IF
                self.error(f"a second ELSE in the IF at line {t.line}: another branch is "
                           f"ELSEIF condition THEN", self.tok)
                self.skip_line()
                else_body = (else_body or []) + self.block()
            else:
                self.close_block(t, "IF", ("END IF",))
                break
        return n.If(t.line, t.col, branches, else_body)

    def if_header(self) -> n.Node:
        cond = self.expression()
        if self.at_op("{"):
            raise self.fail("Rhai-style 'if … {' is not supported: write IF … THEN … END IF",
                             self.tok)
        self.expect_word("THEN", "after the IF condition")
        return cond

    def elseif_header(self) -> n.Node:
        cond = self.expression()
        self.expect_word("THEN", "after the ELSEIF condition")
        self.expect_eol("THEN")
        return cond

    def then_has_statement(self) -> bool:
        """True when this line has THEN followed by more (a single-line IF)."""
        j = self.i
        while self.toks[j].kind not in (Kind.NEWLINE, Kind.EOF):
            t = self.toks[j]
            if t.kind is Kind.IDENT and t.upper == "THEN":
                return self.toks[j + 1].kind not in (Kind.NEWLINE, Kind.EOF)
            j += 1
        return False

    def block_header(self, rule: Callable[[], _H]) -> _H | None:
        """``rule`` reads a block's first line; a syntax error there is reported and the
        rest of the line skipped, and the caller still opens the block (a single-line IF
        does not): one error per mistake, not a second one for the block's END."""
        try:
            return rule()
        except ParseError as e:
            self.error(e.message, e.tok)
            self.skip_to_eol()
            return None

    def then_forgotten(self) -> bool:
        """``IF x = 1 TALK "y"``: a single-line IF missing its THEN (no block follows), told
        by a trial parse of the condition (undone) that stops at a statement's first word."""
        if any(w.kind is Kind.IDENT and w.upper == "THEN" for w in self.line_tokens()):
            return False  # the usual IF: no trial parse
        start, reported = self.i, len(self.diagnostics)
        try:
            self.expression()
            t = self.tok
            return t.kind is Kind.IDENT and t.upper != "THEN" and (
                t.upper in _INLINE_STATEMENT_WORDS or self.statement_phrase() is not None)
        except ParseError:
            return False
        finally:
            self.i = start
            del self.diagnostics[reported:]

    def line_tokens(self) -> list[Token]:
        j = self.i
        while self.toks[j].kind not in (Kind.NEWLINE, Kind.EOF):
            j += 1
        return self.toks[self.i:j]

    def single_line_if(self, t: Token, cond: n.Node) -> n.Node:
        words = self.line_tokens()
        if len(words) >= 2 and words[-2].upper == "END" and words[-1].upper == "IF":
            raise self.fail("a single-line IF (IF … THEN statement) has no END IF: drop it, or "
                            "put the statement on a line of its own", words[-2])
        then = self.inline_statement()
        else_body = None
        if self.accept_word("ELSE"):
            if self.at_eol():  # IF c THEN TALK "a" ELSE
                raise self.fail("expected a statement after ELSE, on the same line", self.tok)
            else_body = [self.inline_statement()]
        self.expect_eol("the single-line IF")
        return n.If(t.line, t.col, [(cond, [then])], else_body)

    def inline_statement(self) -> n.Node:
        """A statement inside a single-line IF; stops before ELSE."""
        start = self.tok
        if start.kind is Kind.IDENT and start.upper in ("IF", "FOR", "DO", "WHILE", "SELECT",
                                                        "SUB", "FUNCTION", "WITH"):
            raise self.fail(f"{start.upper} cannot be used inside a single-line IF", start)
        self.single_if += 1
        try:
            stmt = self.statement()
        finally:
            self.single_if -= 1
        if stmt is None:
            raise self.fail("expected a statement after THEN", start)
        return stmt

    def stmt_for(self, t: Token) -> n.Node:
        self.advance()
        header = self.block_header(self.for_header)
        body = self.block()
        if header is None:  # reported: the loop still ends at its NEXT
            self.close_block(t, "FOR", ("NEXT", "END FOR"))
            if self.tok.kind is Kind.IDENT:
                self.advance()
            return n.ForEach(t.line, t.col, "_", n.ArrayLit(t.line, t.col, []), body, None)
        var, parts = header
        end_line = self.close_for(t, var)
        if len(parts) == 3:
            start, end, step = parts
            return n.ForTo(t.line, t.col, var.text, start, end, step, body, end_line)
        iterable, last = parts
        return n.ForEach(t.line, t.col, var.text, iterable, body, last, end_line)

    def for_header(self) -> tuple[Token, tuple]:
        each = self.accept_word("EACH")
        var = self.expect_ident("a loop variable")
        self.note_name(var.text)
        if not each and self.at_op("="):
            self.advance()
            start = self.expression()
            self.expect_word("TO", "in FOR … = … TO …")
            end = self.expression()
            step = self.expression() if self.accept_word("STEP") else None
            self.expect_eol("FOR")
            return var, (start, end, step)
        if each and var.upper == "IN" and not self.at_word("IN"):
            raise self.fail("expected a loop variable after FOR EACH, got 'IN'", var)
        self.expect_word("IN", "after FOR EACH variable")
        iterable = self.expression()
        last = self.expression() if self.accept_word("LAST") else None
        self.accept_word("DO")
        self.expect_eol("FOR EACH")
        return var, (iterable, last)

    def close_for(self, t: Token, var: Token) -> int:
        """Consume NEXT / END FOR; returns its line (0 when it is missing)."""
        line = self.tok.line
        term = self.close_block(t, "FOR", ("NEXT", "END FOR"))
        if term is None:
            return 0
        self.closer_lines.add(line)
        if term == "NEXT" and self.tok.kind is Kind.IDENT:
            named = self.advance()
            if named.text.lower() != var.text.lower():
                self.error(f"NEXT {named.value} does not match FOR {var.value}", named)
        return line

    def stmt_do(self, t: Token) -> n.Node:
        self.advance()
        cond, until = self.block_header(self.do_header) or (None, False)
        body = self.block()
        if self.close_block(t, "DO", ("LOOP",)) and cond is None and \
                self.at_word("WHILE", "UNTIL"):
            until = self.advance().upper == "UNTIL"
            return n.DoLoop(t.line, t.col, self.expression(), until, True, body)
        return n.DoLoop(t.line, t.col, cond, until, False, body)

    def do_header(self) -> tuple[n.Node | None, bool]:
        cond, until = None, False
        if self.at_word("WHILE", "UNTIL"):
            until = self.advance().upper == "UNTIL"
            cond = self.expression()
        self.expect_eol("DO")
        return cond, until

    def stmt_while(self, t: Token) -> n.Node:
        self.advance()
        cond = self.block_header(self.while_header) or n.Literal(t.line, t.col, False)
        body = self.block()
        self.close_block(t, "WHILE", ("WEND", "END WHILE"))
        return n.DoLoop(t.line, t.col, cond, False, False, body, "WHILE")

    def while_header(self) -> n.Node:
        cond = self.expression()
        self.accept_word("DO")
        self.expect_eol("WHILE")
        return cond

    def stmt_select(self, t: Token) -> n.Node:
        self.advance()
        switch = t.upper == "SWITCH"
        subject = self.block_header(lambda: self.select_header(switch)) or \
            n.Literal(t.line, t.col, None)
        stray = self.block()
        if stray:
            self.error("statements before the first CASE are never run", t, Severity.WARNING)
        cases: list[tuple[list[n.Node], list[n.Node]]] = []
        else_body: list[n.Node] | None = None
        end = "END SWITCH" if switch else "END SELECT"
        while True:
            term = self.terminator()
            if term == "CASE":
                self.advance()
                if self.accept_word("ELSE"):
                    self.expect_eol("CASE ELSE")
                    else_body = self.block()
                    continue
                values = [self.expression()]
                while self.accept_op(","):
                    values.append(self.expression())
                self.accept_op(":")
                if not self.at_eol():
                    raise self.fail(f"unexpected {self.tok.describe()} in CASE", self.tok)
                cases.append((values, self.block()))
            elif term == "DEFAULT":
                self.advance()
                else_body = self.block()
            else:
                self.close_block(t, "SWITCH" if switch else "SELECT CASE", (end,))
                break
        return n.Select(t.line, t.col, subject, cases, else_body)

    def select_header(self, switch: bool) -> n.Node:
        if not switch:
            # "SELECT x" is the only form General Bots 2026-05 converts
            # (syntax_transforms.rs convert_select_case_syntax reads trimmed[7..])
            self.accept_word("CASE")
        subject = self.expression()
        self.expect_eol("SELECT CASE" if not switch else "SWITCH")
        return subject

    def sub_header(self, t: Token, params: list[str]) -> None:
        """The parameter list and return type after a SUB's name, onto ``params``."""
        if self.accept_op("("):
            while not self.at_op(")"):
                self.accept_word("BYVAL") or self.accept_word("BYREF")
                p = self.expect_ident("a parameter name")
                self.note_name(p.text)
                params.append(p.text)
                if self.accept_word("AS"):
                    self.expect_ident("a type")
                if not self.accept_op(","):
                    break
            self.expect_op(")", "to close the parameter list")
        if self.accept_word("AS"):
            self.expect_ident("a return type")
        self.expect_eol(t.upper)

    def stmt_sub(self, t: Token) -> n.Node:
        self.advance()
        is_function = t.upper == "FUNCTION"
        name = self.expect_ident("a name after " + t.upper)
        if not name.text.isascii():
            # Rhai (without its unicode-xid-ident feature, as General Bots builds it)
            # reads only ASCII names: "Unexpected 'Ｆ'".
            odd = next(c for c in name.text if not c.isascii())
            self.error(f"{t.upper} name {name.value!r} has the non-ASCII character {odd!r} "
                       f"(U+{ord(odd):04X}); General Bots accepts only ASCII letters, digits "
                       f"and _ in names", name)
        params: list[str] = []
        # reported; the SUB is still defined, so its END SUB and its calls are no errors
        self.block_header(lambda: self.sub_header(t, params))
        outer, self.in_sub = self.in_sub, True
        try:
            body = self.block()
        finally:
            self.in_sub = outer
        end_tok = self.tok
        if self.close_block(t, t.upper, ("END FUNCTION",) if is_function else ("END SUB",)):
            self.closer_lines.add(end_tok.line)
        sub = n.SubDef(t.line, t.col, name.text, params, body, is_function, end_tok.line)
        key = name.text.lower()
        earlier = self.subs.line_of(key)
        if earlier is not None:
            self.error(f"{t.upper} {name.value} is already defined at line {earlier}", name)
        else:
            self.subs.define(key, sub)
        return sub

    def stmt_with(self, t: Token) -> n.Node:
        self.advance()
        target = self.postfix(self.name_node(self.expect_ident("an object after WITH")))
        self.expect_eol("WITH")
        fields: list[tuple[str, n.Node, int, int]] = []
        while True:
            self.skip_newlines()
            if self.terminator() or self.tok.kind is Kind.EOF:
                break
            field = self.recover(self.with_field)
            if field is not None:
                fields.append(field)
        self.close_block(t, "WITH", ("END WITH",))
        return n.With(t.line, t.col, target, fields)

    def with_field(self) -> tuple[str, n.Node, int, int]:
        """``[.]field = value`` inside WITH: (field, value, line, column)."""
        ft = self.tok
        self.accept_op(".")
        name_tok = self.advance()
        if name_tok.kind not in (Kind.IDENT, Kind.NUMBER):
            raise self.fail("expected 'field = value' inside WITH", name_tok)
        self.expect_op("=", "inside WITH")
        field = (str(name_tok.value), self.expression(), ft.line, ft.col)
        self.expect_eol()
        return field

    def stmt_on(self, t: Token) -> n.Node | Literal[False]:
        nxt = self.peek()
        if nxt.kind is Kind.IDENT and nxt.upper == "FORM":
            self.advance()
            self.advance()
            self.expect_word("SUBMIT", "after ON FORM")
            args = self.call_args()
            body = self.block()
            self.close_block(t, "ON FORM SUBMIT", ("END ON",))
            return n.OnBlock(t.line, t.col, "FORM SUBMIT", args, body)
        if nxt.kind is Kind.IDENT and nxt.upper == "EVENT":
            # ON EVENT "name" DO … END ON (botbasic_ai/src/keywords/events.rs)
            self.advance()
            self.advance()
            args = [self.concat()]
            self.expect_word("DO", "after ON EVENT name")
            self.expect_eol("ON EVENT … DO")
            body = self.block()
            self.close_block(t, "ON EVENT", ("END ON",))
            return n.OnBlock(t.line, t.col, "EVENT", args, body)
        if self.statement_phrase() is not None:
            return False
        self.advance()
        args = []
        if self.tok.kind is Kind.IDENT:
            ev = self.advance()
            args.append(n.Literal(ev.line, ev.col, ev.upper))
        clauses = self.keyword_clauses(args)
        return n.KeywordStmt(t.line, t.col, "ON", args, clauses)

    def stmt_schedule(self, t: Token) -> n.Node | Literal[False]:
        if not (self.peek().kind is Kind.IDENT and self.peek().upper == "IN"):
            return False
        self.advance()
        self.advance()
        delay = self.expression()
        self.accept_word("SECONDS") or self.accept_word("SECOND")
        self.accept_word("DO")
        self.expect_eol("SCHEDULE IN")
        body = self.block()
        self.close_block(t, "SCHEDULE IN", ("END SCHEDULE",))
        return n.OnBlock(t.line, t.col, "SCHEDULE IN", [delay], body)

