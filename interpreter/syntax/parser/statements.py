"""Statements: the per-line dispatch and every statement that holds no block.

A line is, in this order: a text block (``BEGIN TALK … END TALK``, ``TABLE … END TABLE``),
an assignment (``word = …``, even when ``word`` is a keyword), a statement with its own
grammar (``_STATEMENT_HANDLERS``, first word), a keyword statement (``parse_keywords``) or a
SUB call / expression. Block statements live in ``parse_blocks``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from ...errors import Severity
from ...library.hear_types import known_kinds, normalize_kind
from .. import nodes as n
from ..lexer import Kind, TextBlock, Token
from ..suggestions import closest
from .blocks import BlockRules
from .expressions import string_source
from .keywords import NON_OPERAND_WORDS
from .parse_error import ParseError

# Rhai's compound assignments and the binary operator each applies (``%`` is MOD here).
_COMPOUND_OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "%": "MOD", "**": "**", "&": "&",
                 "|": "|", "^": "^", "<<": "<<", ">>": ">>"}


class StatementRules(BlockRules):
    """Mixed into :class:`~interpreter.syntax.parser.core.Parser`: one statement per call."""

    def statement(self) -> n.Node | None:
        t = self.tok
        self.statement_lines.add(t.line)
        if t.kind is Kind.TEXTBLOCK:
            self.advance()
            return self.text_block(t)
        if t.kind is not Kind.IDENT:
            expr = self.expression()
            return n.ExprStmt(t.line, t.col, expr)
        if self.is_assignment_line():
            return self.assignment(t)
        if self.is_compound_assignment():
            return self.compound_assignment(t)
        self.reject_increment(t)
        w = t.upper
        jump = self.label_or_goto(t)
        if jump is not None:
            return jump
        handler = _STATEMENT_HANDLERS.get(w)
        if handler is not None:
            self.open_words.append(w)  # the blocks being parsed, for ``close_block``
            try:
                result = handler(self, t)
            finally:
                self.open_words.pop()
            if result is not False:
                return result
        phrase = self.statement_phrase()
        if phrase is not None:
            return self.keyword_statement(t, *phrase)
        return self.call_or_expression(t)

    def label_or_goto(self, t: Token) -> n.Node | None:
        """``GOTO label`` and ``label:`` lines (General Bots turns a dialog that has them into
        a state machine: botbasic_compiler/src/goto_transform.rs). Labels stand at the
        dialog's top level, as that rewrite needs; a GOTO inside a SUB cannot reach them."""
        nxt, after = self.peek(), self.peek(2)
        ends = (Kind.NEWLINE, Kind.EOF)
        if t.upper == "GOTO" and nxt.kind is Kind.IDENT and after.kind in ends:
            if self.in_sub:
                raise self.fail("GOTO inside a SUB or FUNCTION is not supported: labels are "
                                "in the dialog's top level", t)
            self.advance()
            return n.Goto(t.line, t.col, self.advance().text.lower())
        if nxt.kind is Kind.OP and nxt.value == ":" and after.kind in ends and \
                t.upper not in ("CASE", "DEFAULT", "ELSE"):
            if self.block_depth != 1 or self.in_sub:
                raise self.fail(f"the label {t.value}: must stand at the dialog's top level "
                                f"(not inside IF, loops or SUBs), as General Bots needs", t)
            self.advance()
            self.advance()
            return n.Label(t.line, t.col, t.text.lower())
        return None

    def assignment(self, t: Token) -> n.Assign:
        target = self.postfix(self.name_node(self.advance()))
        self.expect_op("=")
        return n.Assign(t.line, t.col, target, self.expression())

    def is_compound_assignment(self) -> bool:
        """``name += value`` (``-=`` ``*=`` ``/=`` ``%=`` ``**=``): no pass of the converter
        touches it and Rhai runs it (the lexer gives the operator and ``=`` apart)."""
        toks = self.toks
        op, eq = toks[self.i + 1], toks[self.i + 2] if self.i + 2 < len(toks) else None
        return (op.kind is Kind.OP and op.value in _COMPOUND_OPS and eq is not None
                and eq.kind is Kind.OP and eq.value == "=" and eq.col == op.end_col
                and eq.line == op.line)

    def compound_assignment(self, t: Token) -> n.Assign:
        target = self.name_node(self.advance())
        op = self.advance()
        self.advance()
        current = n.Name(t.line, t.col, t.text)
        value = n.Binary(op.line, op.col, _COMPOUND_OPS[op.text], current, self.expression())
        return n.Assign(t.line, t.col, target, value)

    def reject_increment(self, t: Token) -> None:
        """``x++`` / ``x--``: neither BASIC nor Rhai has them; say what to write."""
        op, again, end = self.peek(), self.peek(2), self.peek(3)
        if op.kind is Kind.OP and op.value in ("+", "-") and again.kind is Kind.OP and \
                again.value == op.value and again.col == op.end_col and \
                end.kind in (Kind.NEWLINE, Kind.EOF):
            raise self.fail(f"{t.text}{op.value}{op.value} is not BASIC: write "
                            f"{t.text} = {t.text} {op.value} 1", op)

    def stmt_dim(self, t: Token) -> n.Node:
        """``DIM x AS INTEGER`` from other BASICs: General Bots cannot compile it."""
        name = self.peek()
        shown = name.text if name.kind is Kind.IDENT else "name"
        raise self.fail(f"DIM is not needed: a variable exists from its first assignment "
                        f"(write {shown} = …)", t)

    def stmt_let(self, t: Token) -> n.Node | Literal[False]:
        if self.is_assignment_line(self.i + 1):
            self.advance()
            return self.assignment(self.tok)
        if t.upper == "LET":
            raise self.fail("expected an assignment after LET", self.peek())
        return False  # SET as a keyword

    def stmt_set(self, t: Token) -> n.Node | Literal[False]:
        r = self.stmt_let(t)
        if r is not False:
            return r
        if self.statement_phrase() is not None:
            return False
        # SET "session.k", v / SET "session.k" = v  and the table form SET "t", "f", "u".
        self.advance()
        args: list[n.Node] = [self.concat()]  # an operand: stops before ``=``
        if self.accept_op("=") or self.accept_op(","):
            args.append(self.expression())
        while self.accept_op(","):
            args.append(self.expression())
        phrase = "SET SESSION" if len(args) == 2 else "SET"
        return n.KeywordStmt(t.line, t.col, phrase, args)

    def stmt_call(self, t: Token) -> n.Node:
        self.advance()
        if self.tok.kind is Kind.STRING:
            args = [self.expression()]
            while self.accept_op(","):
                args.append(self.expression())
            return n.KeywordStmt(t.line, t.col, "CALL SCRIPT", args)
        name = self.expect_ident("a SUB name after CALL")
        return n.CallSub(t.line, t.col, name.text, self.call_args())

    def call_args(self) -> list[n.Node]:
        """``(a, b)`` or ``a, b`` up to the end of the line."""
        if self.at_op("(") and self.paren_spans_line():
            return self.bracketed_list(")", "")
        args: list[n.Node] = []
        while not self.at_eol():
            args.append(self.expression())
            if not self.accept_op(","):
                break
        return args

    def paren_spans_line(self) -> bool:
        """True when the ``(`` here closes at the end of the statement (an argument list)."""
        close = self.closing_bracket(self.i)
        return close is not None and self.toks[close + 1].kind in (Kind.NEWLINE, Kind.EOF)

    def stmt_return(self, t: Token) -> n.Node:
        self.advance()
        return n.Return(t.line, t.col, None if self.at_eol() else self.expression())

    def stmt_exit(self, t: Token) -> n.Node:
        self.advance()
        kind = ""
        if self.at_word("FOR", "DO", "WHILE", "SUB", "FUNCTION"):
            kind = self.advance().upper
        return n.Exit(t.line, t.col, kind)

    def stmt_end(self, t: Token) -> n.Node | Literal[False]:
        nxt = self.peek()
        if nxt.kind in (Kind.NEWLINE, Kind.EOF):
            self.advance()
            return n.Exit(t.line, t.col, "")
        if nxt.kind is Kind.IDENT and self.peek(2).kind in (Kind.NEWLINE, Kind.EOF):
            # No keyword starts with END: the end of a block nothing resembles (END FOO)
            raise ParseError(f"unknown keyword '{t.text} {nxt.text}': END alone ends the "
                             f"dialog, and a block ends with END IF, END SUB, END FUNCTION, "
                             f"END SELECT, END WITH or NEXT", t, nxt.end_col)
        return False

    def stmt_param(self, t: Token) -> n.Node:
        self.advance()
        name = self.expect_ident("a parameter name after PARAM")
        self.note_name(name.text)
        ptype, like, desc, default, optional = "STRING", None, "", None, False
        options: list[str] = []
        while not self.at_eol():
            w = self.advance()
            word = w.upper
            if word == "AS" and self.tok.kind is Kind.STRING:
                options = self.param_options()  # PARAM unit AS "celsius", "fahrenheit"
            elif word == "AS":
                ptype = self.expect_ident("a type after AS").upper
            elif word == "ENUM":
                options = self.param_options()
            elif word == "LIKE":
                like = _literal_value(self.primary())
            elif word == "DESCRIPTION":
                desc = self.rest_as_text()
            elif word == "DEFAULT":
                default = self.expression()
            elif word in ("OPTIONAL", "REQUIRED"):
                optional = word == "OPTIONAL"
            else:
                raise self.fail(f"unexpected {w.describe()} in PARAM", w)
        p = n.Param(t.line, t.col, name.text, ptype, like, desc, default, optional,
                    tuple(options))
        self.params.append(p)
        return p

    def param_options(self) -> list[str]:
        """``"a", "b"`` or ``["a", "b"]``: the values a PARAM allows (the engine's
        tool_parsing.rs reads ENUM lists; it drops PARAM lines before running)."""
        bracketed = self.accept_op("[")
        options: list[str] = []
        while self.tok.kind is Kind.STRING:
            options.append(string_source(self.advance()))
            if not self.accept_op(","):
                break
        if bracketed:
            self.expect_op("]", "to close the PARAM's list of values")
        if not options:
            raise self.fail(f"expected quoted values, got {self.tok.describe()}", self.tok)
        return options

    def stmt_description(self, t: Token) -> n.Node:
        self.advance()
        d = n.Description(t.line, t.col, self.rest_as_text())
        self.descriptions.append(d)
        return d

    def rest_as_text(self) -> str:
        """A quoted string, or (for the unquoted form) the raw rest of the line."""
        if self.tok.kind is Kind.STRING and self.peek().kind in (Kind.NEWLINE, Kind.EOF,
                                                                 Kind.IDENT):
            return string_source(self.advance())
        start = self.tok
        text = self.lines[start.line - 1][start.col - 1:] if not self.at_eol() else ""
        self.skip_to_eol()
        return text.strip()

    def stmt_hear(self, t: Token) -> n.Node:
        self.advance()
        if self.at_eol():
            raise self.fail("HEAR needs a variable to store the answer in", self.tok)
        target = self.postfix(self.name_node(self.expect_ident("a variable after HEAR")))
        kind, options = "STRING", []
        prompt: n.Node | None = None
        default: n.Node | None = None
        if self.accept_word("AS"):
            if self.tok.kind is Kind.IDENT and not self.at_word("WITH", "DEFAULT"):
                kind = self.advance().upper
                self.check_hear_type(self.toks[self.i - 1])
            if kind == "MENU" or self.tok.kind is Kind.STRING or self.at_op("*", "["):
                options = self.hear_options()
                kind = "MENU"
                if (len(options) == 1 and isinstance(options[0], n.Literal)
                        and isinstance(options[0].value, str) and _looks_like_prompt(
                            options[0].value)):
                    prompt, options, kind = options[0], [], "STRING"
        while self.at_word("WITH", "DEFAULT"):
            if self.advance().upper == "WITH":
                prompt = self.expression()
            else:
                default = self.expression()
        return n.Hear(t.line, t.col, target, kind, options, prompt, default)

    def check_hear_type(self, word: Token) -> None:
        """``HEAR x AS NUMBR``: Talkbench would take any answer, unchecked; say so."""
        kinds = known_kinds()
        if normalize_kind(word.text) in kinds:
            return
        meant = closest(word.text, sorted(kinds))
        hint = f" (did you mean {meant}?)" if meant else ""
        self.error(f"unknown HEAR type '{word.text}'{hint}: any answer is taken as text, "
                   f"unchecked", word, Severity.WARNING)

    def hear_options(self) -> list[n.Node]:
        options: list[n.Node] = []
        while not self.at_eol() and not self.at_word("WITH", "DEFAULT"):
            if self.at_op("*"):
                star = self.advance()
                options.append(n.Literal(star.line, star.col, "*"))
            else:
                options.append(self.expression())
            if not self.accept_op(","):
                break
        return options

    def stmt_loop_jump(self, t: Token) -> n.Node | Literal[False]:
        """``BREAK`` / ``CONTINUE`` alone on a line (or before a single-line IF's ELSE): the
        converter lowercases them into Rhai's ``break`` / ``continue`` of the innermost loop
        (syntax_transforms.rs)."""
        start = self.i
        self.advance()
        if not self.at_eol():
            self.i = start
            return False
        return n.Exit(t.line, t.col, t.upper)

    def text_block(self, t: Token) -> n.Node | None:
        block: TextBlock = t.value  # type: ignore[assignment]
        if block.kind == "TABLE":
            return self.table_def(t, block)
        if block.kind == "MAIL":
            return self.mail_block(t, block)
        lines = [text for _, text in block.lines]
        indent = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
        text = "\n".join(s[indent:].rstrip() for s in lines)
        first_line = block.lines[0][0] if block.lines else t.line
        value = self.interpolated(text, first_line, 1 + indent, t,
                                  inert=block.kind == "SYSTEM PROMPT")
        for ln, _ in block.lines:
            self.statement_lines.discard(ln)
        return n.TextBlockStmt(t.line, t.col, block.kind, value)

    def mail_block(self, t: Token, block: TextBlock) -> n.Node:
        """``BEGIN MAIL to`` … ``END MAIL`` is ``SEND MAIL to, subject, body``, as the
        engine's ``blocks/mail.rs`` converts it: a ``Subject:`` line (taken as written) and
        the first blank line after it are not body; body lines keep ``${}``."""
        subject, body = "", []
        skip_blank = True
        for _, text in block.lines:
            if text.upper().startswith("SUBJECT:"):
                subject, skip_blank = text[8:].strip(), True
                continue
            if skip_blank and not text.strip():
                skip_blank = False
                continue
            skip_blank = False
            body.append(text)
        for ln, _ in block.lines:
            self.statement_lines.discard(ln)
        to = self.mail_recipient(t, block.header.strip())
        message = self.interpolated("\n".join(body),
                                    block.lines[0][0] if block.lines else t.line, 1, t)
        return n.KeywordStmt(t.line, t.col, "SEND MAIL",
                             [to, n.Literal(t.line, t.col, subject), message])

    def mail_recipient(self, t: Token, header: str) -> n.Node:
        """The engine quotes a header holding ``@``; anything else is an expression."""
        if not header:
            raise self.fail("BEGIN MAIL needs a recipient (BEGIN MAIL address)", t)
        if "@" in header:
            return n.Literal(t.line, t.col, header.strip('"'))
        col = t.col + len("BEGIN MAIL ")
        node = self.sub_expression(header, t.line, col)
        if node is None:
            raise self.fail(f"BEGIN MAIL: the recipient {header!r} is not an expression", t)
        return node

    def table_def(self, t: Token, block: TextBlock) -> n.Node:
        header = block.header.split()
        name = header[0].strip("\"'") if header else ""
        conn = header[2] if len(header) >= 3 and header[1].upper() == "ON" else ""
        columns: list[tuple[str, str]] = []
        unique: list[tuple[str, ...]] = []
        for _, text in block.lines:
            s = text.strip()
            if not s or s.startswith("'") or s.upper().startswith("REM "):
                continue
            constraint = _UNIQUE_LINE.fullmatch(s)
            if constraint:  # a table constraint, not a column named "UNIQUE(a,"
                unique.append(tuple(c.strip() for c in constraint.group(1).split(",")
                                    if c.strip()))
                continue
            parts = s.replace(" AS ", " ").replace(" as ", " ").split(None, 1)
            columns.append((parts[0], parts[1] if len(parts) > 1 else ""))
        table = n.TableDef(t.line, t.col, name, conn, columns, tuple(unique))
        self.tables.append(table)
        return table

    def call_or_expression(self, t: Token) -> n.Node:
        nxt = self.peek()
        starts_args = nxt.kind in (Kind.STRING, Kind.NUMBER, Kind.IDENT) or (
            nxt.kind is Kind.OP and nxt.value in ("(", "[", "{", "#{"))
        if nxt.kind is Kind.IDENT and nxt.upper in NON_OPERAND_WORDS:
            starts_args = False
        if nxt.kind in (Kind.NEWLINE, Kind.EOF) or starts_args:
            self.advance()
            return n.CallSub(t.line, t.col, t.text, self.call_args())
        expr = self.expression()
        if nxt.kind is Kind.OP and nxt.value == "==":
            self.error(f"this line compares {t.text} with a value and keeps nothing: to "
                       f"assign, write {t.text} = …", nxt, Severity.WARNING)
        return n.ExprStmt(t.line, t.col, expr)


_UNIQUE_LINE = re.compile(r"UNIQUE\s*\(([^()]*)\)\s*;?", re.IGNORECASE)


def _literal_value(node: n.Node) -> object:
    """``PARAM … LIKE example``: the example as written (a bare word counts as text)."""
    if isinstance(node, n.Literal):
        return node.value
    if isinstance(node, n.Name):
        return node.name
    return None


def _looks_like_prompt(text: str) -> bool:
    return any(c in text for c in " ?!:.,")


# First word → its rule; a rule returns False when the line is a keyword after all
# (``SET BOT MEMORY``, ``ON ERROR …``, ``END`` + more).
_Handler = Callable[[StatementRules, Token], n.Node | Literal[False] | None]
_STATEMENT_HANDLERS: dict[str, _Handler] = {
    "LET": StatementRules.stmt_let,
    "DIM": StatementRules.stmt_dim,
    "SET": StatementRules.stmt_set,
    "IF": StatementRules.stmt_if,
    "FOR": StatementRules.stmt_for,
    "DO": StatementRules.stmt_do,
    "WHILE": StatementRules.stmt_while,
    "SELECT": StatementRules.stmt_select,
    "SWITCH": StatementRules.stmt_select,
    "SUB": StatementRules.stmt_sub,
    "FUNCTION": StatementRules.stmt_sub,
    "CALL": StatementRules.stmt_call,
    "RETURN": StatementRules.stmt_return,
    "EXIT": StatementRules.stmt_exit,
    "END": StatementRules.stmt_end,
    "WITH": StatementRules.stmt_with,
    "PARAM": StatementRules.stmt_param,
    "DESCRIPTION": StatementRules.stmt_description,
    "ON": StatementRules.stmt_on,
    "SCHEDULE": StatementRules.stmt_schedule,
    "HEAR": StatementRules.stmt_hear,
    "BREAK": StatementRules.stmt_loop_jump,
    "CONTINUE": StatementRules.stmt_loop_jump,
}
