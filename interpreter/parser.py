"""Recursive-descent parser: tokens → :class:`~interpreter.nodes.Program`.

The dialect is tolerant, as real dialogs need: keywords are not reserved (a line
``word = …`` is an assignment first), multi-word keywords may use spaces or underscores,
and both ``NEXT``/``END FOR``, ``ELSE IF``/``ELSEIF`` etc. close blocks. Errors are
collected per statement so one run of ``check`` reports all of them.
"""

from __future__ import annotations

from . import nodes as n
from .data_syntax import DATA_PHRASES, parse_data_keyword
from .extra_syntax import EXTRA_PHRASES, parse_extra_keyword
from .errors import BasicSyntaxError, Diagnostic, Severity
from .lexer import Interpolation, Kind, TextBlock, Token, tokenize
from .nesting import MAX_BLOCK_DEPTH, MAX_NESTING, too_deep
from .vocabulary import CLAUSE_WORDS, EXPRESSION_PHRASES, NO_ARGUMENT_PHRASES, STATEMENT_PHRASES


class ParseError(Exception):
    def __init__(self, message: str, tok: Token):
        super().__init__(message)
        self.message = message
        self.tok = tok


def _phrase_table(phrases: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """First word → phrases (as word tuples), longest first."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        words = tuple(p.split())
        table.setdefault(words[0], []).append(words)
    for v in table.values():
        v.sort(key=len, reverse=True)
    return table


_STATEMENT_TABLE = _phrase_table(STATEMENT_PHRASES + ("GET BOT MEMORY", "GET USER MEMORY"))
_EXPRESSION_TABLE = _phrase_table(EXPRESSION_PHRASES)
_MULTIWORD_EXPR = {p for p in EXPRESSION_PHRASES if " " in p}

_COMPARISON_OPS = {"=": "=", "==": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=",
                   ">": ">", ">=": ">="}
_WORD_COMPARISONS = {"LIKE", "CONTAINS", "IN"}
# Words that never start an operand, so ``FIRST and`` keeps FIRST a variable.
_NON_OPERAND_WORDS = frozenset(
    "AND OR NOT MOD IS LIKE CONTAINS IN TO STEP THEN ELSE AS INTO WITH DEFAULT OF BY WHERE "
    "DO LOOP NEXT END".split()
)
_END_BLOCKS = {"IF", "FOR", "SUB", "FUNCTION", "SELECT", "SWITCH", "WITH", "WHILE", "ON",
               "SCHEDULE", "TALK", "TABLE"}
# Keyword statements whose argument count is fixed (checked at parse time for `check`).
_ARITY = {"TALK": (1, 1), "SET BOT MEMORY": (2, 2), "GET BOT MEMORY": (1, 1),
          "WAIT": (1, 1), "SET USER MEMORY": (2, 2), "GET USER MEMORY": (1, 1),
          "TALK TO": (2, 2), "SET CONTEXT": (1, 2), "SET USER": (1, 1),
          "CLEAR SUGGESTIONS": (0, 0), "ADD SUGGESTION": (1, 2)}


class Parser:
    def __init__(self, tokens: list[Token], file: str, source: str):
        self.toks = tokens
        self.i = 0
        self.file = file
        self.lines = source.split("\n")
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.names: dict[str, str] = {}
        self.nesting = 0  # inside (), [] or {}: keyword expressions stop at commas
        self.depth = 0  # recursion of expressions and blocks, bounded (hostile input)
        self.block_depth = 0
        self.single_if = 0  # inside ``IF c THEN stmt ELSE stmt``: arguments stop at ELSE
        self.subs: dict[str, n.SubDef] = {}
        self.params: list[n.Param] = []
        self.descriptions: list[n.Description] = []
        self.tables: list[n.TableDef] = []
        self.statement_lines: set[int] = set()

    # ------------------------------------------------------------ token helpers

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        j = min(self.i + k, len(self.toks) - 1)
        return self.toks[j]

    def advance(self) -> Token:
        t = self.toks[self.i]
        if t.kind is not Kind.EOF:
            self.i += 1
        return t

    def at_op(self, *ops: str) -> bool:
        t = self.tok
        return t.kind is Kind.OP and t.value in ops

    def at_word(self, *words: str) -> bool:
        t = self.tok
        return t.kind is Kind.IDENT and t.upper in words

    def at_eol(self) -> bool:
        t = self.tok
        return t.kind in (Kind.NEWLINE, Kind.EOF) or (
            self.single_if > 0 and t.kind is Kind.IDENT and t.upper == "ELSE")

    def accept_op(self, op: str) -> bool:
        if self.at_op(op):
            self.advance()
            return True
        return False

    def accept_word(self, word: str) -> bool:
        if self.at_word(word):
            self.advance()
            return True
        return False

    def fail(self, message: str, tok: Token) -> ParseError:
        """A ParseError to raise (for helpers outside this module, e.g. ``data_syntax``)."""
        return ParseError(message, tok)

    def expect_op(self, op: str, context: str = "") -> Token:
        if not self.at_op(op):
            where = f" {context}" if context else ""
            raise ParseError(f"expected '{op}'{where}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_word(self, word: str, context: str = "") -> Token:
        if not self.at_word(word):
            where = f" {context}" if context else ""
            raise ParseError(f"expected {word}{where}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_ident(self, what: str) -> Token:
        if self.tok.kind is not Kind.IDENT:
            raise ParseError(f"expected {what}, got {self.tok.describe()}", self.tok)
        return self.advance()

    def expect_eol(self, context: str = "") -> None:
        if not self.at_eol():
            where = f" after {context}" if context else ""
            raise ParseError(f"expected end of line{where}, got {self.tok.describe()}", self.tok)

    def skip_line(self) -> None:
        while not self.at_eol():
            self.advance()
        if self.tok.kind is Kind.NEWLINE:
            self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind is Kind.NEWLINE:
            self.advance()

    def error(self, message: str, tok: Token, severity: Severity = Severity.ERROR) -> None:
        end = tok.end_col if tok.end_col > tok.col else tok.col + 1
        self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, severity, message, end))

    def note_name(self, name: str) -> None:
        self.names.setdefault(name.lower(), name)

    # ------------------------------------------------------------ line shapes

    def words_from(self, start: int, limit: int = 6) -> list[tuple[str, int]]:
        """Keyword words from token ``start`` on: (word, index of the token it ends)."""
        out: list[tuple[str, int]] = []
        j = start
        while j < len(self.toks) and len(out) < limit:
            t = self.toks[j]
            if t.kind is not Kind.IDENT:
                break
            parts = [p for p in t.value.upper().split("_") if p]
            for k, p in enumerate(parts):
                out.append((p, j if k == len(parts) - 1 else -1))
            j += 1
        return out

    def match_phrase(self, table: dict[str, list[tuple[str, ...]]], start: int | None = None
                     ) -> tuple[str, int] | None:
        """Longest phrase at ``start`` ending on a token boundary: (phrase, tokens used)."""
        start = self.i if start is None else start
        words = self.words_from(start)
        if not words:
            return None
        for cand in table.get(words[0][0], ()):
            if len(cand) <= len(words) and all(words[k][0] == cand[k] for k in range(len(cand))):
                last = words[len(cand) - 1][1]
                if last >= 0:
                    return " ".join(cand), last - start + 1
        return None

    def is_assignment_line(self, start: int | None = None) -> bool:
        """``word [.x | [i]]* = …`` — an assignment even when ``word`` is a keyword."""
        j = self.i if start is None else start
        toks = self.toks
        if toks[j].kind is not Kind.IDENT:
            return False
        j += 1
        while True:
            t = toks[j]
            if t.kind is Kind.OP and t.value in (".", "?.") and toks[j + 1].kind in (
                    Kind.IDENT, Kind.NUMBER):
                j += 2
            elif t.kind is Kind.OP and t.value == "[":
                depth = 0
                while toks[j].kind is not Kind.EOF:
                    if toks[j].kind is Kind.OP and toks[j].value in ("[", "(", "{", "#{"):
                        depth += 1
                    elif toks[j].kind is Kind.OP and toks[j].value in ("]", ")", "}"):
                        depth -= 1
                        if depth == 0:
                            break
                    elif toks[j].kind in (Kind.NEWLINE,):
                        return False
                    j += 1
                j += 1
            else:
                return t.kind is Kind.OP and t.value == "="

    def terminator(self) -> str | None:
        """The block-closing word(s) this line starts with, if any."""
        t = self.tok
        if t.kind is not Kind.IDENT or self.is_assignment_line():
            return None
        w = t.upper
        if w == "END":
            nxt = self.peek()
            if nxt.kind is Kind.IDENT and nxt.upper in _END_BLOCKS:
                return "END " + nxt.upper
            return None
        if w in ("ENDIF", "END_IF"):
            return "END IF"
        if w in ("NEXT", "LOOP", "WEND", "ELSEIF"):
            return w
        if w == "ELSE":
            return "ELSEIF" if self.peek().kind is Kind.IDENT and self.peek().upper == "IF" \
                else "ELSE"
        if w == "CASE":
            return "CASE"
        if w == "DEFAULT" and self.peek().kind in (Kind.NEWLINE, Kind.EOF):
            return "DEFAULT"
        return None

    def consume_terminator(self, term: str) -> None:
        self.advance()
        if term.startswith("END ") or (term == "ELSEIF" and self.at_word("IF")):
            self.advance()

    # ------------------------------------------------------------ program and blocks

    def parse_program(self) -> n.Program:
        body: list[n.Node] = []
        while True:
            body.extend(self.block())
            if self.tok.kind is Kind.EOF:
                break
            term = self.terminator() or self.tok.describe()
            self.error(f"{term} without a matching opening statement", self.tok)
            self.skip_line()
        body = [s for s in body if not isinstance(s, n.SubDef)]
        return n.Program(self.file, body, self.subs, self.params, self.descriptions,
                         self.tables, self.names, self.source, frozenset(self.statement_lines))

    def block(self) -> list[n.Node]:
        """Statements up to (not including) a block terminator or end of file."""
        self.block_depth += 1
        try:
            if self.block_depth > MAX_BLOCK_DEPTH:
                raise ParseError(f"blocks are nested too deeply (more than {MAX_BLOCK_DEPTH} "
                                 f"levels)", self.tok)
            return self._block()
        finally:
            self.block_depth -= 1

    def _block(self) -> list[n.Node]:
        body: list[n.Node] = []
        while True:
            self.skip_newlines()
            if self.tok.kind is Kind.EOF or self.terminator():
                return body
            start = self.i
            try:
                stmt = self.statement()
                if stmt is not None:
                    body.append(stmt)
                if not self.at_eol() and self.toks[self.i - 1].kind is not Kind.NEWLINE:
                    raise ParseError(f"unexpected {self.tok.describe()} after the statement",
                                     self.tok)
            except ParseError as e:
                self.error(e.message, e.tok)
                if self.i == start:
                    self.advance()
                self.skip_line()

    def close_block(self, opener: Token, what: str, expected: tuple[str, ...]) -> str | None:
        """Consume the terminator that closes ``what``; report a missing one at the opener."""
        term = self.terminator()
        if term in expected:
            self.consume_terminator(term)
            return term
        wanted = " or ".join(expected)
        found = term or "end of file"
        self.error(f"{what} at line {opener.line} is not closed: expected {wanted}, "
                   f"found {found}", opener if term is None else self.tok)
        return None

    # ------------------------------------------------------------ statements

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
        w = t.upper
        handler = _STATEMENT_HANDLERS.get(w)
        if handler is not None:
            result = handler(self, t)
            if result is not False:
                return result
        phrase = self.match_phrase(_STATEMENT_TABLE)
        if phrase is not None:
            return self.keyword_statement(t, *phrase)
        return self.call_or_expression(t)

    def assignment(self, t: Token) -> n.Assign:
        target = self.postfix(self.name_node(self.advance()))
        self.expect_op("=")
        return n.Assign(t.line, t.col, target, self.expression())

    def name_node(self, t: Token) -> n.Name:
        self.note_name(t.value)
        return n.Name(t.line, t.col, t.value)

    def stmt_let(self, t: Token) -> n.Node | bool:
        if self.is_assignment_line(self.i + 1):
            self.advance()
            return self.assignment(self.tok)
        if t.upper == "LET":
            raise ParseError("expected an assignment after LET", self.peek())
        return False  # SET as a keyword

    def stmt_set(self, t: Token) -> n.Node | bool:
        r = self.stmt_let(t)
        if r is not False:
            return r
        if self.match_phrase(_STATEMENT_TABLE) is not None:
            return False
        # SET "session.k", v / SET "session.k" = v  and the table form SET "t", "f", "u".
        self.advance()
        args: list[n.Node] = [self.expression_no_eq()]
        if self.accept_op("=") or self.accept_op(","):
            args.append(self.expression())
        while self.accept_op(","):
            args.append(self.expression())
        phrase = "SET SESSION" if len(args) == 2 else "SET"
        return n.KeywordStmt(t.line, t.col, phrase, args)

    def stmt_if(self, t: Token) -> n.Node:
        self.advance()
        cond = self.expression()
        if self.at_op("{"):
            raise ParseError("Rhai-style 'if … {' is not supported: write IF … THEN … END IF",
                             self.tok)
        self.expect_word("THEN", "after the IF condition")
        if not self.at_eol():
            return self.single_line_if(t, cond)
        branches = [(cond, self.block())]
        else_body = None
        while True:
            term = self.terminator()
            if term == "ELSEIF":
                self.consume_terminator(term)
                c = self.expression()
                self.expect_word("THEN", "after the ELSEIF condition")
                self.expect_eol("THEN")
                branches.append((c, self.block()))
            elif term == "ELSE" and else_body is None:
                self.advance()
                self.expect_eol("ELSE")
                else_body = self.block()
            else:
                self.close_block(t, "IF", ("END IF",))
                break
        return n.If(t.line, t.col, branches, else_body)

    def single_line_if(self, t: Token, cond: n.Node) -> n.Node:
        then = self.inline_statement()
        else_body = None
        if self.accept_word("ELSE"):
            else_body = [self.inline_statement()]
        self.expect_eol("the single-line IF")
        return n.If(t.line, t.col, [(cond, [then])], else_body)

    def inline_statement(self) -> n.Node:
        """A statement inside a single-line IF; stops before ELSE."""
        start = self.tok
        if start.kind is Kind.IDENT and start.upper in ("IF", "FOR", "DO", "WHILE", "SELECT",
                                                        "SUB", "FUNCTION", "WITH"):
            raise ParseError(f"{start.upper} cannot be used inside a single-line IF", start)
        self.single_if += 1
        try:
            stmt = self.statement()
        finally:
            self.single_if -= 1
        if stmt is None:
            raise ParseError("expected a statement after THEN", start)
        return stmt

    def stmt_for(self, t: Token) -> n.Node:
        self.advance()
        each = self.accept_word("EACH")
        var = self.expect_ident("a loop variable")
        self.note_name(var.value)
        if not each and self.at_op("="):
            self.advance()
            start = self.expression()
            self.expect_word("TO", "in FOR … = … TO …")
            end = self.expression()
            step = self.expression() if self.accept_word("STEP") else None
            self.expect_eol("FOR")
            body = self.block()
            self.close_for(t, var)
            return n.ForTo(t.line, t.col, var.value, start, end, step, body)
        self.expect_word("IN", "after FOR EACH variable")
        iterable = self.expression()
        last = self.expression() if self.accept_word("LAST") else None
        self.accept_word("DO")
        self.expect_eol("FOR EACH")
        body = self.block()
        self.close_for(t, var)
        return n.ForEach(t.line, t.col, var.value, iterable, body, last)

    def close_for(self, t: Token, var: Token) -> None:
        term = self.close_block(t, "FOR", ("NEXT", "END FOR"))
        if term == "NEXT" and self.tok.kind is Kind.IDENT:
            named = self.advance()
            if named.value.lower() != var.value.lower():
                self.error(f"NEXT {named.value} does not match FOR {var.value}", named)

    def stmt_do(self, t: Token) -> n.Node:
        self.advance()
        cond, until = None, False
        if self.at_word("WHILE", "UNTIL"):
            until = self.advance().upper == "UNTIL"
            cond = self.expression()
        self.expect_eol("DO")
        body = self.block()
        if self.close_block(t, "DO", ("LOOP",)) and cond is None and \
                self.at_word("WHILE", "UNTIL"):
            until = self.advance().upper == "UNTIL"
            return n.DoLoop(t.line, t.col, self.expression(), until, True, body)
        return n.DoLoop(t.line, t.col, cond, until, False, body)

    def stmt_while(self, t: Token) -> n.Node:
        self.advance()
        cond = self.expression()
        self.accept_word("DO")
        self.expect_eol("WHILE")
        body = self.block()
        self.close_block(t, "WHILE", ("WEND", "END WHILE"))
        return n.DoLoop(t.line, t.col, cond, False, False, body, "WHILE")

    def stmt_select(self, t: Token) -> n.Node:
        self.advance()
        switch = t.upper == "SWITCH"
        if not switch:
            self.expect_word("CASE", "after SELECT")
        subject = self.expression()
        self.expect_eol("SELECT CASE" if not switch else "SWITCH")
        stray = self.block()
        if stray:
            self.error("statements before the first CASE are never run", t, Severity.WARNING)
        cases: list[tuple[list[n.Node], list[n.Node]]] = []
        else_body: list[n.Node] | None = None
        end = "END SWITCH" if switch else "END SELECT"
        while True:
            term = self.terminator()
            if term == "CASE":
                case_tok = self.advance()
                if self.accept_word("ELSE"):
                    self.expect_eol("CASE ELSE")
                    else_body = self.block()
                    continue
                values = [self.expression()]
                while self.accept_op(","):
                    values.append(self.expression())
                self.accept_op(":")
                if not self.at_eol():
                    raise ParseError(f"unexpected {self.tok.describe()} in CASE", self.tok)
                cases.append((values, self.block()))
                if not values:
                    self.error("CASE needs a value", case_tok)
            elif term == "DEFAULT":
                self.advance()
                else_body = self.block()
            else:
                self.close_block(t, "SWITCH" if switch else "SELECT CASE", (end,))
                break
        return n.Select(t.line, t.col, subject, cases, else_body)

    def stmt_sub(self, t: Token) -> n.Node | None:
        self.advance()
        is_function = t.upper == "FUNCTION"
        name = self.expect_ident("a name after " + t.upper)
        params: list[str] = []
        if self.accept_op("("):
            while not self.at_op(")"):
                self.accept_word("BYVAL") or self.accept_word("BYREF")
                p = self.expect_ident("a parameter name")
                self.note_name(p.value)
                params.append(p.value)
                if self.accept_word("AS"):
                    self.expect_ident("a type")
                if not self.accept_op(","):
                    break
            self.expect_op(")", "to close the parameter list")
        if self.accept_word("AS"):
            self.expect_ident("a return type")
        self.expect_eol(t.upper)
        body = self.block()
        end_tok = self.tok
        self.close_block(t, t.upper, ("END FUNCTION",) if is_function else ("END SUB",))
        sub = n.SubDef(t.line, t.col, name.value, params, body, is_function, end_tok.line)
        key = name.value.lower()
        if key in self.subs:
            self.error(f"{t.upper} {name.value} is already defined at line "
                       f"{self.subs[key].line}", name)
        else:
            self.subs[key] = sub
        return sub

    def stmt_call(self, t: Token) -> n.Node:
        self.advance()
        if self.tok.kind is Kind.STRING:
            args = [self.expression()]
            while self.accept_op(","):
                args.append(self.expression())
            return n.KeywordStmt(t.line, t.col, "CALL SCRIPT", args)
        name = self.expect_ident("a SUB name after CALL")
        return n.CallSub(t.line, t.col, name.value, self.call_args())

    def call_args(self) -> list[n.Node]:
        """``(a, b)`` or ``a, b`` up to the end of the line."""
        if self.at_op("(") and self.paren_spans_line():
            self.advance()
            self.nesting += 1
            try:
                args = self.expression_list(")")
            finally:
                self.nesting -= 1
            self.expect_op(")")
            return args
        args: list[n.Node] = []
        while not self.at_eol():
            args.append(self.expression())
            if not self.accept_op(","):
                break
        return args

    def paren_spans_line(self) -> bool:
        """True when the ``(`` here closes at the end of the statement (an argument list)."""
        depth = 0
        j = self.i
        while self.toks[j].kind not in (Kind.NEWLINE, Kind.EOF):
            t = self.toks[j]
            if t.kind is Kind.OP and t.value in ("(", "[", "{", "#{"):
                depth += 1
            elif t.kind is Kind.OP and t.value in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return self.toks[j + 1].kind in (Kind.NEWLINE, Kind.EOF)
            j += 1
        return False

    def stmt_return(self, t: Token) -> n.Node:
        self.advance()
        return n.Return(t.line, t.col, None if self.at_eol() else self.expression())

    def stmt_exit(self, t: Token) -> n.Node:
        self.advance()
        kind = ""
        if self.at_word("FOR", "DO", "WHILE", "SUB", "FUNCTION"):
            kind = self.advance().upper
        return n.Exit(t.line, t.col, kind)

    def stmt_end(self, t: Token) -> n.Node | bool:
        if self.peek().kind in (Kind.NEWLINE, Kind.EOF):
            self.advance()
            return n.Exit(t.line, t.col, "")
        return False

    def stmt_with(self, t: Token) -> n.Node:
        self.advance()
        target = self.postfix(self.name_node(self.expect_ident("an object after WITH")))
        self.expect_eol("WITH")
        fields: list[tuple[str, n.Node, int, int]] = []
        while True:
            self.skip_newlines()
            if self.terminator() or self.tok.kind is Kind.EOF:
                break
            try:
                ft = self.tok
                self.accept_op(".")
                name_tok = self.advance()
                if name_tok.kind not in (Kind.IDENT, Kind.NUMBER):
                    raise ParseError("expected 'field = value' inside WITH", name_tok)
                self.expect_op("=", "inside WITH")
                fields.append((str(name_tok.value), self.expression(), ft.line, ft.col))
                self.expect_eol()
            except ParseError as e:
                self.error(e.message, e.tok)
                self.skip_line()
        self.close_block(t, "WITH", ("END WITH",))
        return n.With(t.line, t.col, target, fields)

    def stmt_param(self, t: Token) -> n.Node:
        self.advance()
        name = self.expect_ident("a parameter name after PARAM")
        self.note_name(name.value)
        ptype, like, desc, default, optional = "STRING", None, "", None, False
        while not self.at_eol():
            w = self.advance()
            word = w.upper
            if word == "AS":
                ptype = self.expect_ident("a type after AS").upper
            elif word == "LIKE":
                like = self.literal_value(self.primary())
            elif word == "DESCRIPTION":
                desc = self.rest_as_text()
            elif word == "DEFAULT":
                default = self.expression()
            elif word in ("OPTIONAL", "REQUIRED"):
                optional = word == "OPTIONAL"
            else:
                raise ParseError(f"unexpected {w.describe()} in PARAM", w)
        p = n.Param(t.line, t.col, name.value, ptype, like, desc, default, optional)
        self.params.append(p)
        return p

    def stmt_description(self, t: Token) -> n.Node:
        self.advance()
        d = n.Description(t.line, t.col, self.rest_as_text())
        self.descriptions.append(d)
        return d

    def rest_as_text(self) -> str:
        """A quoted string, or (for the unquoted form) the raw rest of the line."""
        if self.tok.kind is Kind.STRING and self.peek().kind in (Kind.NEWLINE, Kind.EOF) or (
                self.tok.kind is Kind.STRING and self.peek().kind is Kind.IDENT):
            parts = self.advance().value
            return "".join(p if isinstance(p, str) else "${" + p.source + "}" for p in parts)
        start = self.tok
        text = self.lines[start.line - 1][start.col - 1:] if not self.at_eol() else ""
        self.skip_to_eol()
        return text.strip()

    def skip_to_eol(self) -> None:
        while not self.at_eol():
            self.advance()

    def stmt_on(self, t: Token) -> n.Node | bool:
        nxt = self.peek()
        if nxt.kind is Kind.IDENT and nxt.upper == "FORM":
            self.advance()
            self.advance()
            self.expect_word("SUBMIT", "after ON FORM")
            args = self.call_args()
            body = self.block()
            self.close_block(t, "ON FORM SUBMIT", ("END ON",))
            return n.OnBlock(t.line, t.col, "FORM SUBMIT", args, body)
        if self.match_phrase(_STATEMENT_TABLE) is not None:
            return False
        self.advance()
        args: list[n.Node] = []
        if self.tok.kind is Kind.IDENT:
            ev = self.advance()
            args.append(n.Literal(ev.line, ev.col, ev.upper))
        clauses = self.keyword_clauses(args)
        return n.KeywordStmt(t.line, t.col, "ON", args, clauses)

    def stmt_schedule(self, t: Token) -> n.Node | bool:
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

    def stmt_hear(self, t: Token) -> n.Node:
        self.advance()
        if self.at_eol():
            raise ParseError("HEAR needs a variable to store the answer in", self.tok)
        target = self.postfix(self.name_node(self.expect_ident("a variable after HEAR")))
        kind, options, prompt, default = "STRING", [], None, None
        if self.accept_word("AS"):
            if self.tok.kind is Kind.IDENT and not self.at_word("WITH", "DEFAULT"):
                kind = self.advance().upper
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

    def stmt_ignored(self, t: Token) -> None:
        self.advance()

    def text_block(self, t: Token) -> n.Node | None:
        block: TextBlock = t.value  # type: ignore[assignment]
        if block.kind == "TABLE":
            return self.table_def(t, block)
        lines = [text for _, text in block.lines]
        indent = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
        text = "\n".join(s[indent:].rstrip() for s in lines)
        first_line = block.lines[0][0] if block.lines else t.line
        value = self.interpolated(text, first_line, 1 + indent, t)
        for ln, _ in block.lines:
            self.statement_lines.discard(ln)
        return n.TextBlockStmt(t.line, t.col, block.kind, value)

    def table_def(self, t: Token, block: TextBlock) -> n.Node:
        header = block.header.split()
        name = header[0].strip("\"'") if header else ""
        conn = header[2] if len(header) >= 3 and header[1].upper() == "ON" else ""
        columns: list[tuple[str, str]] = []
        for _, text in block.lines:
            s = text.strip()
            if not s or s.startswith("'") or s.upper().startswith("REM "):
                continue
            parts = s.replace(" AS ", " ").replace(" as ", " ").split(None, 1)
            columns.append((parts[0], parts[1] if len(parts) > 1 else ""))
        table = n.TableDef(t.line, t.col, name, conn, columns)
        self.tables.append(table)
        return table

    # ------------------------------------------------------------ keyword statements

    def keyword_statement(self, t: Token, phrase: str, used: int) -> n.Node:
        for _ in range(used):
            self.advance()
        args: list[n.Node] = []
        if phrase in DATA_PHRASES:
            args, clauses = parse_data_keyword(self, t, phrase, statement=True)
            return n.KeywordStmt(t.line, t.col, phrase, args, clauses)
        if phrase in EXTRA_PHRASES:
            phrase, args, clauses = parse_extra_keyword(self, t, phrase, statement=True)
            return n.KeywordStmt(t.line, t.col, phrase, args, clauses)
        if phrase == "SET HEADER":
            args.append(self.concat())
            if self.accept_op("="):  # the docs' SET HEADER "k" = "v"
                args.append(self.expression())
                return n.KeywordStmt(t.line, t.col, phrase, args)
        if phrase == "GET BOT MEMORY" or phrase == "GET USER MEMORY":
            args = [self.concat()]
            clauses = self.keyword_clauses([])
            if "INTO" not in clauses:
                raise ParseError(f"expected INTO after {phrase} key (or use "
                                 f"x = {phrase}(\"key\"))", self.tok)
            return n.KeywordStmt(t.line, t.col, phrase, args, clauses)
        if phrase == "SET BOT MEMORY" or phrase == "SET USER MEMORY":
            # Accept ``k, v``, ``k v`` (docs) and ``k = v``.
            args.append(self.concat())
            if not (self.accept_op(",") or self.accept_op("=")) and self.at_eol():
                raise ParseError(f"{phrase} needs a key and a value", self.tok)
            args.append(self.expression())
            if not self.at_eol():
                raise ParseError(f"unexpected {self.tok.describe()} after the value of {phrase}",
                                 self.tok)
            return n.KeywordStmt(t.line, t.col, phrase, args)
        clauses = self.keyword_clauses(args)
        self.check_arity(t, phrase, args)
        return n.KeywordStmt(t.line, t.col, phrase, args, clauses)

    def check_arity(self, t: Token, phrase: str, args: list[n.Node]) -> None:
        lo, hi = _ARITY.get(phrase, (0, 99))
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            self.error(f"{phrase} expects {want} argument{'s' if hi != 1 else ''}, "
                       f"got {len(args)}", t)

    def keyword_clauses(self, args: list[n.Node]) -> dict[str, list[n.Node]]:
        """Comma or space separated arguments, then named clauses (AS, INTO, WITH …)."""
        clauses: dict[str, list[n.Node]] = {}
        current = args
        opened = False  # a clause word was just read: ``TO to`` makes the second one a value
        while not self.at_eol():
            if self.tok.kind is Kind.IDENT and self.tok.upper in CLAUSE_WORDS \
                    and not self.clause_word_is_value() \
                    and not (opened and self.tok.upper != "BY"):
                current = clauses.setdefault(self.advance().upper, [])
                opened = True
                continue
            opened = False
            if self.accept_op(","):
                continue
            if self.at_op("*"):
                star = self.advance()
                current.append(n.Literal(star.line, star.col, "*"))
                continue
            current.append(self.expression())
        return clauses

    def clause_word_is_value(self) -> bool:
        """``SEND MAIL to, subject, body``: a clause word followed by a comma, the end of
        the line or an operator that only follows values is a variable."""
        nxt = self.peek()
        return nxt.kind in (Kind.NEWLINE, Kind.EOF) or (
            nxt.kind is Kind.OP and nxt.value in (",", ".", "?.", "&", ")"))

    def call_or_expression(self, t: Token) -> n.Node:
        nxt = self.peek()
        starts_args = nxt.kind in (Kind.STRING, Kind.NUMBER, Kind.IDENT) or (
            nxt.kind is Kind.OP and nxt.value in ("(", "[", "{", "#{"))
        if nxt.kind is Kind.IDENT and nxt.upper in _NON_OPERAND_WORDS:
            starts_args = False
        if nxt.kind in (Kind.NEWLINE, Kind.EOF) or starts_args:
            self.advance()
            return n.CallSub(t.line, t.col, t.value, self.call_args())
        expr = self.expression()
        return n.ExprStmt(t.line, t.col, expr)

    # ------------------------------------------------------------ expressions

    def deeper(self) -> None:
        """Enter one more level of expression recursion; refuse past MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.depth -= 1
            raise ParseError(f"expression is nested too deeply (more than {MAX_NESTING} "
                             f"levels)", self.tok)

    def expression(self) -> n.Node:
        self.deeper()
        try:
            left = self.or_expr()
            while self.at_op("??"):
                op = self.advance()
                left = n.Binary(op.line, op.col, "??", left, self.or_expr())
        finally:
            self.depth -= 1
        return left

    def expression_no_eq(self) -> n.Node:
        """An operand up to (not including) a top-level ``=`` (``SET "k" = v``)."""
        return self.concat()

    def or_expr(self) -> n.Node:
        left = self.and_expr()
        while self.at_word("OR") or self.at_op("||"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "OR", left, self.and_expr())
        return left

    def and_expr(self) -> n.Node:
        left = self.not_expr()
        while self.at_word("AND") or self.at_op("&&"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "AND", left, self.not_expr())
        return left

    def not_expr(self) -> n.Node:
        if self.at_word("NOT") or self.at_op("!"):
            op = self.advance()
            self.deeper()
            try:
                return n.Unary(op.line, op.col, "NOT", self.not_expr())
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> n.Node:
        left = self.concat()
        while True:
            t = self.tok
            if t.kind is Kind.OP and t.value in _COMPARISON_OPS:
                self.advance()
                left = n.Binary(t.line, t.col, _COMPARISON_OPS[t.value], left, self.concat())
            elif t.kind is Kind.IDENT and t.upper in _WORD_COMPARISONS:
                self.advance()
                left = n.Binary(t.line, t.col, t.upper, left, self.concat())
            elif t.kind is Kind.IDENT and t.upper == "NOT" and self.peek().kind is Kind.IDENT \
                    and self.peek().upper in ("LIKE", "CONTAINS", "IN"):
                self.advance()
                op = self.advance().upper
                inner = n.Binary(t.line, t.col, op, left, self.concat())
                left = n.Unary(t.line, t.col, "NOT", inner)
            elif t.kind is Kind.IDENT and t.upper == "IS":
                self.advance()
                negate = self.accept_word("NOT")
                self.expect_word("NULL", "after IS")
                left = n.IsNull(t.line, t.col, left, negate)
            else:
                return left

    def concat(self) -> n.Node:
        left = self.additive()
        while self.at_op("&"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "&", left, self.additive())
        return left

    def additive(self) -> n.Node:
        left = self.modulo()
        while self.at_op("+", "-"):
            op = self.advance()
            left = n.Binary(op.line, op.col, op.value, left, self.modulo())
        return left

    def modulo(self) -> n.Node:
        left = self.int_division()
        while self.at_word("MOD") or self.at_op("%"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "MOD", left, self.int_division())
        return left

    def int_division(self) -> n.Node:
        left = self.multiplicative()
        while self.at_op("\\"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "\\", left, self.multiplicative())
        return left

    def multiplicative(self) -> n.Node:
        left = self.unary()
        while self.at_op("*", "/"):
            op = self.advance()
            left = n.Binary(op.line, op.col, op.value, left, self.unary())
        return left

    def unary(self) -> n.Node:
        if self.at_op("-", "+"):
            op = self.advance()
            self.deeper()
            try:
                operand = self.unary()
            finally:
                self.depth -= 1
            if op.value == "-" and isinstance(operand, n.Literal) and isinstance(
                    operand.value, (int, float)) and not isinstance(operand.value, bool):
                return n.Literal(op.line, op.col, -operand.value)
            return n.Unary(op.line, op.col, op.value, operand)
        return self.power()

    def power(self) -> n.Node:
        base = self.postfix(self.primary())
        if self.at_op("^"):
            op = self.advance()
            self.deeper()
            try:
                return n.Binary(op.line, op.col, "^", base, self.unary())
            finally:
                self.depth -= 1
        return base

    def postfix(self, node: n.Node) -> n.Node:
        while True:
            t = self.tok
            if t.kind is not Kind.OP:
                return node
            if t.value in (".", "?.") and self.peek().kind in (Kind.IDENT, Kind.NUMBER):
                self.advance()
                name = str(self.advance().value)
                if self.at_op("(") and not self.tok_is_spaced():
                    args = self.paren_args()
                    node = n.MethodCall(t.line, t.col, node, name, args)
                else:
                    node = n.Member(t.line, t.col, node, name, t.value == "?.")
            elif t.value == "[":
                self.advance()
                self.nesting += 1
                try:
                    index = self.expression()
                finally:
                    self.nesting -= 1
                self.expect_op("]", "to close the index")
                node = n.Index(t.line, t.col, node, index)
            else:
                return node

    def tok_is_spaced(self) -> bool:
        prev = self.toks[self.i - 1]
        return prev.line == self.tok.line and prev.end_col < self.tok.col

    def paren_args(self) -> list[n.Node]:
        self.expect_op("(")
        self.nesting += 1
        try:
            args = self.expression_list(")")
        finally:
            self.nesting -= 1
        self.expect_op(")", "to close the argument list")
        return args

    def expression_list(self, closer: str) -> list[n.Node]:
        items: list[n.Node] = []
        while not self.at_op(closer):
            if self.tok.kind is Kind.NEWLINE:
                self.advance()
                continue
            items.append(self.expression())
            if not self.accept_op(","):
                break
        return items

    def primary(self) -> n.Node:
        t = self.tok
        if t.kind is Kind.NUMBER:
            self.advance()
            return n.Literal(t.line, t.col, t.value)
        if t.kind is Kind.STRING:
            self.advance()
            return self.string_node(t)
        if t.kind is Kind.OP:
            return self.primary_op(t)
        if t.kind is Kind.IDENT:
            return self.primary_word(t)
        raise ParseError(f"expected a value, got {t.describe()}", t)

    def primary_op(self, t: Token) -> n.Node:
        if t.value == "(":
            self.advance()
            self.nesting += 1
            try:
                inner = self.expression()
            finally:
                self.nesting -= 1
            self.expect_op(")", "to close the parenthesis")
            return inner
        if t.value == "[":
            self.advance()
            self.nesting += 1
            try:
                items = self.expression_list("]")
            finally:
                self.nesting -= 1
            self.expect_op("]", "to close the array")
            return n.ArrayLit(t.line, t.col, items)
        if t.value in ("{", "#{"):
            return self.map_literal(t)
        raise ParseError(f"expected a value, got {t.describe()}", t)

    def map_literal(self, t: Token) -> n.Node:
        self.advance()
        self.nesting += 1
        pairs: list[tuple[str, n.Node]] = []
        try:
            while not self.at_op("}"):
                k = self.tok
                if k.kind is Kind.STRING:
                    key = "".join(p if isinstance(p, str) else "${" + p.source + "}"
                                  for p in k.value)
                elif k.kind in (Kind.IDENT, Kind.NUMBER):
                    key = str(k.value)
                else:
                    raise ParseError(f"expected a key in the object, got {k.describe()}", k)
                self.advance()
                if not self.accept_op(":"):
                    self.expect_op("=", "after the object key (use key: value)")
                pairs.append((key, self.expression()))
                if not self.accept_op(","):
                    break
        finally:
            self.nesting -= 1
        self.expect_op("}", "to close the object")
        return n.MapLit(t.line, t.col, pairs)

    def primary_word(self, t: Token) -> n.Node:
        w = t.upper
        if w in ("TRUE", "FALSE"):
            self.advance()
            return n.Literal(t.line, t.col, w == "TRUE")
        if w in ("NULL", "NOTHING"):
            self.advance()
            return n.Literal(t.line, t.col, None)
        if w in ("NEW", "CREATE") and self.peek().kind is Kind.IDENT and self.peek().upper in (
                "OBJECT", "ARRAY", "LIST", "MAP"):
            self.advance()
            kind = self.advance().upper
            if self.at_op("(") and self.peek().kind is Kind.OP and self.peek().value == ")":
                self.advance()
                self.advance()
            return n.ArrayLit(t.line, t.col, []) if kind in ("ARRAY", "LIST") else \
                n.MapLit(t.line, t.col, [])
        if w == "HEAR":
            self.advance()
            args = [] if self.at_eol() or self.at_op(")", ",") else [self.concat()]
            return n.KeywordExpr(t.line, t.col, "HEAR", args)
        phrase = self.match_phrase(_EXPRESSION_TABLE)
        if phrase is not None and self.starts_keyword_expression(*phrase):
            return self.keyword_expression(t, *phrase)
        self.advance()
        if self.at_op("("):
            return n.Call(t.line, t.col, t.value, self.paren_args())
        if w in ("NOW", "TODAY"):
            return n.Call(t.line, t.col, t.value, [])
        return self.name_node(t)

    def starts_keyword_expression(self, phrase: str, used: int) -> bool:
        nxt = self.peek(used)
        if used == 1 and " " in phrase and phrase not in NO_ARGUMENT_PHRASES and (
                nxt.kind in (Kind.NEWLINE, Kind.EOF) or nxt.kind is Kind.OP and nxt.value
                not in ("(", "[", "{", "#{", "-")):
            return False  # ``TALK qr_code``: one underscored word with no arguments is a variable
        if phrase in _MULTIWORD_EXPR or used > 1:
            return True
        if phrase == "INSERT" and nxt.kind is Kind.IDENT and nxt.upper == "INTO":
            return True
        if nxt.kind is Kind.OP:
            if nxt.value == "[" and phrase.lower() in self.names:
                return False  # ``list[0]`` indexes a variable the dialog already uses
            return nxt.value in ("[", "{", "#{")
        if nxt.kind is Kind.IDENT:
            return nxt.upper not in _NON_OPERAND_WORDS
        return nxt.kind in (Kind.STRING, Kind.NUMBER)

    def keyword_expression(self, t: Token, phrase: str, used: int) -> n.Node:
        for _ in range(used):
            self.advance()
        if self.at_op("("):  # GET BOT MEMORY("k") + x: the parenthesis holds the arguments
            return n.KeywordExpr(t.line, t.col, phrase, self.paren_args())
        if phrase in DATA_PHRASES:
            args, clauses = parse_data_keyword(self, t, phrase, statement=False)
            return n.KeywordExpr(t.line, t.col, phrase, args, clauses)
        if phrase in EXTRA_PHRASES:
            phrase, args, clauses = parse_extra_keyword(self, t, phrase, statement=False)
            return n.KeywordExpr(t.line, t.col, phrase, args, clauses)
        if phrase in NO_ARGUMENT_PHRASES:  # x = LIST TOOLS: nothing to read
            return n.KeywordExpr(t.line, t.col, phrase, [])
        args = [self.concat()]
        clauses: dict[str, list[n.Node]] = {}
        current = args
        while not self.at_eol():
            if self.at_op(",") and self.nesting == 0:
                self.advance()
                current.append(self.concat())
            elif self.tok.kind is Kind.IDENT and self.tok.upper in ("AS", "WHERE", "INTO") \
                    and self.nesting == 0:
                current = clauses.setdefault(self.advance().upper, [])
                current.append(self.concat())
            elif phrase == "FORMAT" and len(args) == 1 and self.tok.kind is Kind.STRING:
                args.append(self.concat())  # FORMAT v "pattern" (no comma)
            else:
                break
        return n.KeywordExpr(t.line, t.col, phrase, args, clauses)

    def string_node(self, t: Token) -> n.Node:
        parts = t.value
        if all(isinstance(p, str) for p in parts):
            return n.Literal(t.line, t.col, "".join(parts))  # type: ignore[arg-type]
        out: list[object] = []
        for p in parts:
            if isinstance(p, Interpolation):
                node = self.sub_expression(p.source, p.line, p.col)
                out.append(node if node is not None else "${" + p.source + "}")
            else:
                out.append(p)
        return n.Interp(t.line, t.col, out)

    def interpolated(self, text: str, line: int, col: int, t: Token) -> n.Node:
        """A text block body with ``${expr}`` parts."""
        out: list[object] = []
        pos = 0
        while True:
            start = text.find("${", pos)
            end = text.find("}", start + 2) if start >= 0 else -1
            if start < 0 or end < 0:
                out.append(text[pos:])
                break
            out.append(text[pos:start])
            src = text[start + 2 : end]
            ln = line + text.count("\n", 0, start)
            node = self.sub_expression(src, ln, col)
            out.append(node if node is not None else text[start : end + 1])
            pos = end + 1
        if all(isinstance(p, str) for p in out):
            return n.Literal(t.line, t.col, "".join(out))  # type: ignore[arg-type]
        return n.Interp(t.line, t.col, out)

    def sub_expression(self, source: str, line: int, col: int) -> n.Node | None:
        """Parse a ``${}`` body; a malformed one stays literal text (as the notes say)."""
        tokens, diags = tokenize(source, self.file)
        if diags:
            return None
        for tok in tokens:
            if tok.line == 1:
                tok.col += col - 1
                tok.end_col += col - 1
            tok.line += line - 1
        sub = Parser(tokens, self.file, source)
        sub.names = self.names
        sub.depth = self.depth  # nested ${} strings recurse too
        try:
            node = sub.expression()
        except ParseError:
            return None
        if sub.tok.kind not in (Kind.NEWLINE, Kind.EOF):
            return None
        return node

    @staticmethod
    def literal_value(node: n.Node) -> object:
        if isinstance(node, n.Literal):
            return node.value
        if isinstance(node, n.Name):
            return node.name
        return None


def _looks_like_prompt(text: str) -> bool:
    return any(c in text for c in " ?!:.,")


_STATEMENT_HANDLERS = {
    "LET": Parser.stmt_let,
    "SET": Parser.stmt_set,
    "IF": Parser.stmt_if,
    "FOR": Parser.stmt_for,
    "DO": Parser.stmt_do,
    "WHILE": Parser.stmt_while,
    "SELECT": Parser.stmt_select,
    "SWITCH": Parser.stmt_select,
    "SUB": Parser.stmt_sub,
    "FUNCTION": Parser.stmt_sub,
    "CALL": Parser.stmt_call,
    "RETURN": Parser.stmt_return,
    "EXIT": Parser.stmt_exit,
    "END": Parser.stmt_end,
    "WITH": Parser.stmt_with,
    "PARAM": Parser.stmt_param,
    "DESCRIPTION": Parser.stmt_description,
    "ON": Parser.stmt_on,
    "SCHEDULE": Parser.stmt_schedule,
    "HEAR": Parser.stmt_hear,
    "BREAK": Parser.stmt_ignored,
}


def parse(source: str, file: str = "<script>") -> tuple[n.Program, list[Diagnostic]]:
    """Parse ``source``; returns the program (best effort) and all syntax diagnostics."""
    tokens, diagnostics = tokenize(source, file)
    parser = Parser(tokens, file, source)
    program = parser.parse_program()
    parser.diagnostics.extend(too_deep(program))
    # A lexical error already explains its line; the parser's follow-on error there is noise.
    lexed = {d.line for d in diagnostics}
    all_diags = sorted(diagnostics + [d for d in parser.diagnostics if d.line not in lexed],
                       key=lambda d: (d.line, d.col))
    return program, all_diags


def parse_or_raise(source: str, file: str = "<script>") -> n.Program:
    """Parse ``source``; raise :class:`BasicSyntaxError` with every error if there are any."""
    program, diagnostics = parse(source, file)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise BasicSyntaxError(errors)
    return program
