"""The expression grammar, lowest precedence first, and strings with ``${…}`` parts.

Precedence follows Rhai's (src/tokenizer.rs ``Token::precedence``), into which General Bots
converts BASIC: OR, ``|`` and ``^`` (XOR) → AND and ``&`` (bitwise AND) → NOT → ``= <>`` →
comparisons (also the words LIKE, CONTAINS, IN, IS [NOT] NULL) → ``??`` → ``+ -`` →
``* / MOD \\`` → ``**`` (power) → ``<< >>`` → unary → postfix
(``.member``, ``?.``, ``[index]``, ``.method(…)``) → primary. Recursion is bounded
(``MAX_NESTING``) because dialogs may be hostile input. A keyword phrase in operand position
(``x = LLM "p"``) is read by ``parse_keywords``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ...errors import Severity
from .. import nodes as n
from ..lexer import Interpolation, Kind, Token, tokenize
from ..nesting import MAX_NESTING
from .cursor import ParserCore

# Comparison operator → its canonical spelling (also the SQL one ``data_syntax`` writes).
COMPARISON_OPS = {"=": "=", "==": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=",
                  ">": ">", ">=": ">="}
_WORD_COMPARISONS = {"LIKE", "CONTAINS", "IN"}
_EQUALITY = {"=", "==", "<>", "!="}


class ExpressionRules(ParserCore):
    """Mixed into :class:`~interpreter.syntax.parser.core.Parser`: expressions and string values."""

    def deeper(self) -> None:
        """Enter one more level of expression recursion; refuse past MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.depth -= 1
            raise self.fail(f"expression is nested too deeply (more than {MAX_NESTING} "
                             f"levels)", self.tok)

    @contextmanager
    def in_brackets(self) -> Iterator[None]:
        """Inside (), [] or {}: a keyword expression leaves the commas to the brackets."""
        self.nesting += 1
        try:
            yield
        finally:
            self.nesting -= 1

    def expression(self) -> n.Node:
        self.deeper()
        try:
            return self.or_expr()
        finally:
            self.depth -= 1

    def or_expr(self) -> n.Node:
        """OR, ``|`` (bitwise OR) and ``^`` (XOR): Rhai's lowest precedence (30,
        src/tokenizer.rs)."""
        left = self.and_expr()
        while self.at_word("OR") or self.at_op("||", "^", "|"):
            op = self.advance()
            kind = op.value if op.value in ("^", "|") else "OR"
            left = n.Binary(op.line, op.col, kind, left, self.and_expr())
        return left

    def and_expr(self) -> n.Node:
        """AND, and ``&`` (bitwise AND): Rhai's precedence 60."""
        left = self.not_expr()
        while self.at_word("AND") or self.at_op("&&", "&"):
            op = self.advance()
            kind = "&" if op.value == "&" else "AND"
            left = n.Binary(op.line, op.col, kind, left, self.not_expr())
        return left

    def not_expr(self) -> n.Node:
        if self.at_word("NOT"):
            op = self.advance()
            self.deeper()
            try:
                return n.Unary(op.line, op.col, "NOT", self.not_expr())
            finally:
                self.depth -= 1
        return self.equality()

    def equality(self) -> n.Node:
        """``=`` ``<>`` (Rhai's ``==`` ``!=``, precedence 90: below ``<``)."""
        left = self.comparison()
        while (t := self.tok).kind is Kind.OP and t.value in _EQUALITY:
            self.advance()
            left = n.Binary(t.line, t.col, COMPARISON_OPS[t.value], left, self.comparison())
        return left

    def comparison(self) -> n.Node:
        left = self.coalesce()
        while True:
            t = self.tok
            if t.kind is Kind.OP and t.value in COMPARISON_OPS and t.value not in _EQUALITY:
                self.advance()
                left = n.Binary(t.line, t.col, COMPARISON_OPS[t.value], left, self.coalesce())
            elif t.kind is Kind.IDENT and t.upper in _WORD_COMPARISONS:
                self.advance()
                left = n.Binary(t.line, t.col, t.upper, left, self.coalesce())
            elif t.kind is Kind.IDENT and t.upper == "NOT" and self.peek().kind is Kind.IDENT \
                    and self.peek().upper in _WORD_COMPARISONS:
                self.advance()
                op = self.advance().upper
                inner = n.Binary(t.line, t.col, op, left, self.coalesce())
                left = n.Unary(t.line, t.col, "NOT", inner)
            elif t.kind is Kind.IDENT and t.upper == "IS":
                self.advance()
                negate = self.accept_word("NOT")
                self.expect_word("NULL", "after IS")
                left = n.IsNull(t.line, t.col, left, negate)
            else:
                return left

    def concat(self) -> n.Node:
        """An operand of a keyword: everything that binds tighter than the comparisons (so
        it stops before ``=``)."""
        return self.coalesce()

    def coalesce(self) -> n.Node:
        """``??``: Rhai's precedence 135, between comparisons and ``+``."""
        left = self.additive()
        while self.at_op("??"):
            op = self.advance()
            left = n.Binary(op.line, op.col, "??", left, self.additive())
        return left

    def additive(self) -> n.Node:
        left = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.advance()
            left = n.Binary(op.line, op.col, op.text, left, self.multiplicative())
        return left

    def multiplicative(self) -> n.Node:
        """``*`` ``/`` ``MOD`` (``%``) and ``\\``: one level, left to right, as Rhai's
        ``* / %`` (precedence 180)."""
        left = self.exponent()
        while True:
            if self.at_op("*", "/", "\\"):
                op = self.advance()
                kind = op.text
            elif self.at_word("MOD") or self.at_op("%"):
                op = self.advance()
                kind = "MOD"
            else:
                return left
            left = n.Binary(op.line, op.col, kind, left, self.exponent())

    def exponent(self) -> n.Node:
        """``**``: power, binding to the right, below unary minus (Rhai: ``-2 ** 2`` is 4)."""
        base = self.shift()
        if self.at_op("**"):
            op = self.advance()
            self.deeper()
            try:
                return n.Binary(op.line, op.col, "**", base, self.exponent())
            finally:
                self.depth -= 1
        return base

    def shift(self) -> n.Node:
        """``<<`` ``>>``: Rhai's highest binary precedence (210, above ``**``'s 190), left
        to right: ``1 + 2 << 1`` is 5."""
        left = self.unary()
        while self.at_op("<<", ">>"):
            op = self.advance()
            left = n.Binary(op.line, op.col, op.text, left, self.unary())
        return left

    def unary(self) -> n.Node:
        if self.at_op("!"):
            # Rhai's ``!`` is a unary operator like ``-``: ``!a = b`` is ``(!a) = b`` and
            # ``1 + !x`` parses (rhai src/parser.rs ``parse_unary``); BASIC's NOT stays low.
            op = self.advance()
            self.deeper()
            try:
                return n.Unary(op.line, op.col, "!", self.unary())
            finally:
                self.depth -= 1
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
            return n.Unary(op.line, op.col, op.text, operand)
        return self.postfix(self.primary())

    def postfix(self, node: n.Node) -> n.Node:
        while True:
            t = self.tok
            if t.kind is not Kind.OP:
                return node
            if t.value in (".", "?.") and self.peek().kind in (Kind.IDENT, Kind.NUMBER):
                self.advance()
                name = str(self.advance().value)
                if self.at_op("(") and not self.tok_is_spaced():
                    args = self.bracketed_list()
                    node = n.MethodCall(t.line, t.col, node, name, args)
                else:
                    node = n.Member(t.line, t.col, node, name, t.value == "?.")
            elif t.value == "[":
                self.advance()
                with self.in_brackets():
                    index = self.expression()
                self.expect_op("]", "to close the index")
                node = n.Index(t.line, t.col, node, index)
            else:
                return node

    def tok_is_spaced(self) -> bool:
        prev = self.toks[self.i - 1]
        return prev.line == self.tok.line and prev.end_col < self.tok.col

    def bracketed_list(self, closer: str = ")", context: str = "to close the argument list"
                       ) -> list[n.Node]:
        """The opening bracket here, comma-separated expressions, then ``closer``: by
        default a call's ``(a, b)``. (One method, not a wrapper per use: every level of
        ``f(f(…))`` costs Python frames, and MAX_NESTING is sized on their count.)"""
        self.advance()
        with self.in_brackets():
            items = self.expression_list(closer)
        self.expect_op(closer, context)
        return items

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
        raise self.fail(f"expected a value, got {t.describe()}", t)

    def primary_op(self, t: Token) -> n.Node:
        if t.value == "(" and self.unit_follows(t):
            self.advance()
            self.advance()
            return n.Literal(t.line, t.col, None)
        if t.value == "(":
            self.advance()
            with self.in_brackets():
                inner = self.expression()
            self.expect_op(")", "to close the parenthesis")
            return inner
        if t.value == "[":
            return n.ArrayLit(t.line, t.col, self.bracketed_list("]", "to close the array"))
        if t.value in ("{", "#{"):
            return self.map_literal(t)
        if t.value in (")", "]", "}") and not self.nesting:  # TALK "hi")
            raise self.fail(f"'{t.value}' has no matching opening bracket", t)
        raise self.fail(f"expected a value, got {t.describe()}", t)

    def map_literal(self, t: Token) -> n.Node:
        self.advance()
        pairs: list[tuple[str, n.Node]] = []
        with self.in_brackets():
            while not self.at_op("}"):
                k = self.tok
                if k.kind is Kind.STRING:
                    key = string_source(k)
                elif k.kind in (Kind.IDENT, Kind.NUMBER):
                    key = str(k.value)
                else:
                    raise self.fail(f"expected a key in the object, got {k.describe()}", k)
                self.advance()
                if not self.accept_op(":"):
                    self.expect_op("=", "after the object key (use key: value)")
                pairs.append((key, self.expression()))
                if not self.accept_op(","):
                    break
        self.expect_op("}", "to close the object")
        return n.MapLit(t.line, t.col, pairs)

    def primary_word(self, t: Token) -> n.Node:
        w = t.upper
        if w == "THEN":  # ``IF x = THEN``: the value is missing, THEN is not a variable
            raise self.fail("expected a value, got THEN", t)
        nxt = self.peek()
        if w == "IS" and nxt.kind is Kind.IDENT and nxt.upper == "NUMERIC" and \
                self.peek(2).kind is Kind.OP and self.peek(2).value == "(":
            # The botbook's ``IS NUMERIC(x)``; the engine registers only IS_NUMERIC, and its
            # converter leaves the spaced form for Rhai to reject.
            self.error("General Bots cannot compile IS NUMERIC(…) (Rhai: \"Expecting '{'\"): "
                       "write IS_NUMERIC(…)", t, Severity.WARNING)
            self.advance()
            self.advance()
            return n.Call(t.line, t.col, "IS_NUMERIC", self.bracketed_list())
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
        phrase = self.expression_phrase()
        called = nxt.kind is Kind.OP and nxt.value == "("
        if w == "FIRST" and phrase is not None and (
                called or self.starts_keyword_expression(*phrase)):
            # first.rs registers the custom syntax ``FIRST $expr$``: Rhai gives it the whole
            # expression after the word, so ``FIRST(a) + "!"`` is ``FIRST(a + "!")``.
            self.advance()
            closer = self.matching_paren(self.i) if called else -1
            arg = self.expression()
            if called and self.i - 1 != closer:
                self.error("General Bots's FIRST takes the whole expression after it "
                           "(first.rs registers FIRST $expr$): this is FIRST of all of it, not "
                           "of the parentheses; put FIRST(…) in a variable first", t,
                           Severity.WARNING)
            return n.Call(t.line, t.col, t.text, [arg]) if called else \
                n.KeywordExpr(t.line, t.col, "FIRST", [arg])
        if phrase is not None and self.starts_keyword_expression(*phrase):
            if w == "LAST":
                self.error("General Bots cannot compile LAST without parentheses (last.rs "
                           "registers LAST ( $expr$ ); Rhai: \"Expecting '('\"): write "
                           "LAST(…)", t, Severity.WARNING)
            return self.keyword_expression(t, *phrase)
        self.advance()
        if self.at_op("("):
            return n.Call(t.line, t.col, t.text, self.bracketed_list())
        if w in ("NOW", "TODAY"):
            return n.Call(t.line, t.col, t.text, [], bare=True)
        return self.name_node(t)

    def matching_paren(self, start: int) -> int:
        """Index of the ``)`` closing the ``(`` at token ``start`` (-1 when none)."""
        depth = 0
        for j in range(start, len(self.toks)):
            tok = self.toks[j]
            if tok.kind is Kind.OP and tok.value in ("(", ")"):
                depth += 1 if tok.value == "(" else -1
                if depth == 0:
                    return j
        return -1

    def name_node(self, t: Token) -> n.Name:
        self.note_name(t.text)
        return n.Name(t.line, t.col, t.text)

    # ------------------------------------------------------------ strings

    def string_node(self, t: Token) -> n.Node:
        parts = t.parts
        if all(isinstance(p, str) for p in parts):
            return n.Literal(t.line, t.col, "".join(parts))  # type: ignore[arg-type]
        out: list[object] = []
        live = t.quote == "`"  # Rhai interpolates only in `…` strings
        for p in parts:
            if isinstance(p, Interpolation):
                node = self.sub_expression(p.source, p.line, p.col)
                if node is None and live:
                    first, *more = p.source.split("\n")
                    shown = "${" + first + ("…" if more else "}")
                    self.error(f"'{shown}' holds no expression Talkbench can read (General "
                               f"Bots cannot compile it either)",
                               Token(Kind.STRING, p.source, p.line, p.col - 2),
                               end_col=p.col + len(shown) - 2)
                out.append(node if node is not None else "${" + p.source + "}")
            else:
                out.append(p)
        return n.Interp(t.line, t.col, out, inert=not live)

    def interpolated(self, text: str, line: int, col: int, t: Token,
                     inert: bool = False) -> n.Node:
        """A text block body with ``${expr}`` parts (``inert``: see n.Interp)."""
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
            # its own column: col is where each line of ``text`` starts
            at = col + start + 2 - (text.rfind("\n", 0, start) + 1)
            node = self.sub_expression(src, ln, at)
            out.append(node if node is not None else text[start : end + 1])
            pos = end + 1
        if all(isinstance(p, str) for p in out):
            return n.Literal(t.line, t.col, "".join(out))  # type: ignore[arg-type]
        return n.Interp(t.line, t.col, out, inert=inert)

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
        sub = type(self)(tokens, self.file, source)
        sub.names = self.names
        sub.depth = self.depth  # nested ${} strings recurse too
        return sub.expression_only()


def string_source(t: Token) -> str:
    """A string token's text as written, its ``${…}`` parts included."""
    return "".join(p if isinstance(p, str) else "${" + p.source + "}" for p in t.parts)
