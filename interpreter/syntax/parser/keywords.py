"""Keyword phrases for the parser: matching them, and reading their arguments and clauses.

A keyword is read the same way whether it stands as a statement (``TALK x``) or gives a value
(``y = LLM x``): the phrase is matched longest first on token boundaries (``SET_BOT_MEMORY``
≡ ``SET BOT MEMORY``), its words are consumed, the forms with their own grammar
(``data_syntax``, ``extra_syntax``) take over, and otherwise a generic argument list with
named clauses follows. The two uses differ only where an expression must stop early: there
an argument is an operand (``x = FIND t, f AND y`` keeps its AND), a comma inside ``f(…)``
belongs to the call, and only a few words open clauses, since almost anything may follow a
value.
"""

from __future__ import annotations

from .. import nodes as n
from ..lexer import Kind, Token
from ..suggestions import did_you_mean
from ..vocabulary import (
    CLAUSE_WORDS,
    EXPRESSION_PHRASES,
    NO_ARGUMENT_PHRASES,
    OPTIONAL_ARGUMENT_PHRASES,
    STATEMENT_PHRASES,
)
from .cursor import ParserCore
from .data_forms import DATA_PHRASES, Clauses, parse_data_keyword
from .extra_forms import EXTRA_PHRASES, parse_extra_keyword
from .side_by_side import explain, first_pair

PhraseTable = dict[str, list[tuple[str, ...]]]


def _phrase_table(phrases: tuple[str, ...]) -> PhraseTable:
    """First word → phrases (as word tuples), longest first."""
    table: PhraseTable = {}
    for p in phrases:
        words = tuple(p.split())
        table.setdefault(words[0], []).append(words)
    for v in table.values():
        v.sort(key=len, reverse=True)
    return table


# The memory keywords whose statement form is ``PHRASE key INTO var`` only.
_MEMORY_GETS = ("GET BOT MEMORY", "GET USER MEMORY")
_MEMORY_SETS = ("SET BOT MEMORY", "SET USER MEMORY")
_STATEMENT_TABLE = _phrase_table(STATEMENT_PHRASES + _MEMORY_GETS)
_EXPRESSION_TABLE = _phrase_table(EXPRESSION_PHRASES)
_MULTIWORD_EXPR = {p for p in EXPRESSION_PHRASES if " " in p}

# Words that never start an operand, so ``FIRST and`` keeps FIRST a variable.
NON_OPERAND_WORDS = frozenset({
    "AND", "OR", "NOT", "MOD", "IS", "LIKE", "CONTAINS", "IN", "TO", "STEP", "THEN", "ELSE",
    "AS", "INTO", "WITH", "DEFAULT", "OF", "BY", "WHERE", "DO", "LOOP", "NEXT", "END",
})
# Words that only follow a complete value (``IF send_email THEN``); clause words such as TO
# may instead be a variable passed as the keyword's argument (``SEND_EMAIL to, body``).
_ENDS_A_VALUE = frozenset({"THEN", "AND", "OR", "MOD", "IS", "ELSE", "STEP", "DO", "LOOP",
                           "CONTAINS", "LIKE"})
# Clause words of one statement phrase only, as the engine's syntax writes them.
_STATEMENT_CLAUSES: dict[str, frozenset[str]] = {
    "WAIT FOR EVENT": frozenset({"TIMEOUT"}),  # events.rs
    "USE WEBSITE": frozenset({"REFRESH"}),  # use_website.rs
}
# Keyword statements whose argument count is fixed (checked at parse time for `check`).
_ARITY = {"TALK": (1, 1), "SET BOT MEMORY": (2, 2), "GET BOT MEMORY": (1, 1),
          "WAIT": (1, 1), "SET USER MEMORY": (2, 2), "GET USER MEMORY": (1, 1),
          "TALK TO": (2, 2), "SET CONTEXT": (1, 2), "SET USER": (1, 1),
          "CLEAR SUGGESTIONS": (0, 0), "ADD SUGGESTION": (1, 2)}
# The clause words a keyword *expression* reads after an operand. A phrase whose handler
# takes another word in both uses (``ASSIGN CONVERSATION s TO a``) adds it here, so the value
# form gives the handler the same clauses as the statement form.
_EXPRESSION_CLAUSES = frozenset({"AS", "WHERE", "INTO"})
# CRM keywords read ``X a TO b`` / ``X a WITH b`` like ``X a, b``, as values too.
_PHRASE_CLAUSES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ASSIGN CONVERSATION", "SET PRIORITY", "ADD NOTE"),
                    _EXPRESSION_CLAUSES | {"TO"}),
    **dict.fromkeys(("TAG CONVERSATION", "RESOLVE CONVERSATION"),
                    _EXPRESSION_CLAUSES | {"WITH"}),
}


class KeywordRules(ParserCore):
    """Mixed into :class:`~interpreter.syntax.parser.core.Parser`: keyword phrases in both uses."""

    # ------------------------------------------------------------ phrase matching

    def words_from(self, start: int, limit: int = 6) -> list[tuple[str, int]]:
        """Keyword words from token ``start`` on: (word, index of the token it ends)."""
        out: list[tuple[str, int]] = []
        j = start
        while j < len(self.toks) and len(out) < limit:
            t = self.toks[j]
            if t.kind is not Kind.IDENT or t.text.startswith("_") or t.text.endswith("_"):
                break  # ``__import__`` is a name, never the keyword IMPORT
            parts = [p for p in t.text.upper().split("_") if p]
            for k, p in enumerate(parts):
                out.append((p, j if k == len(parts) - 1 else -1))
            j += 1
        return out

    def match_phrase(self, table: PhraseTable, start: int | None = None
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

    def statement_phrase(self) -> tuple[str, int] | None:
        """The keyword statement phrase this token starts, if any: (phrase, tokens used)."""
        return self.match_phrase(_STATEMENT_TABLE)

    def expression_phrase(self) -> tuple[str, int] | None:
        """The keyword expression phrase this token starts, if any: (phrase, tokens used)."""
        return self.match_phrase(_EXPRESSION_TABLE)

    def starts_keyword_expression(self, phrase: str, used: int) -> bool:
        nxt = self.peek(used)
        if phrase in OPTIONAL_ARGUMENT_PHRASES and used > 1:
            return True
        if used == 1 and " " in phrase and self.tok.text.lower() in self.names and not (
                nxt.kind is Kind.OP and nxt.value == "("):
            return False  # ``get_queue = FALSE`` … ``IF get_queue OR x``: the variable
        if used == 1 and " " in phrase and phrase not in NO_ARGUMENT_PHRASES and (
                nxt.kind in (Kind.NEWLINE, Kind.EOF) or nxt.kind is Kind.OP and nxt.value
                not in ("(", "[", "{", "#{", "-")
                or nxt.kind is Kind.IDENT and nxt.upper in _ENDS_A_VALUE):
            # ``TALK qr_code``, ``IF send_email THEN``: one underscored word with no
            # arguments is a variable (keywords are not reserved)
            return False
        if phrase in _MULTIWORD_EXPR or used > 1:
            return True
        if phrase == "INSERT" and nxt.kind is Kind.IDENT and nxt.upper == "INTO":
            return True
        if nxt.kind is Kind.OP:
            if nxt.value == "[" and phrase.lower() in self.names:
                return False  # ``list[0]`` indexes a variable the dialog already uses
            return nxt.value in ("[", "{", "#{")
        if nxt.kind is Kind.IDENT:
            return nxt.upper not in NON_OPERAND_WORDS
        return nxt.kind in (Kind.STRING, Kind.NUMBER)

    # ------------------------------------------------------------ both uses

    def keyword_statement(self, t: Token, phrase: str, used: int) -> n.Node:
        return n.KeywordStmt(t.line, t.col, *self.keyword_call(t, phrase, used, True))

    def keyword_expression(self, t: Token, phrase: str, used: int) -> n.Node:
        return n.KeywordExpr(t.line, t.col, *self.keyword_call(t, phrase, used, False))

    def keyword_call(self, t: Token, phrase: str, used: int, statement: bool
                     ) -> tuple[str, list[n.Node], Clauses]:
        """Phrase (a fallback may shorten it), arguments and clauses of the keyword at ``t``,
        whose phrase takes ``used`` tokens."""
        for _ in range(used):
            self.advance()
        if not statement and self.at_op("("):
            # GET BOT MEMORY("k") + x: the parenthesis holds the arguments
            return phrase, self.bracketed_list(), {}
        if statement and self.at_op("(") and self.paren_spans_line() \
                and not self.unit_follows(self.tok):
            # SET_BOT_MEMORY("k", v): the engine registers the keyword as a function too
            args = self.bracketed_list()
            self.check_arity(t, phrase, args)
            return phrase, args, {}
        if phrase in DATA_PHRASES:
            return phrase, *parse_data_keyword(self, t, phrase, statement)
        if phrase in EXTRA_PHRASES:
            return parse_extra_keyword(self, t, phrase, statement)
        if statement:
            return phrase, *self.statement_arguments(t, phrase)
        return phrase, *self.expression_arguments(phrase)

    def keyword_value(self, statement: bool) -> n.Node:
        """One argument: a whole expression in a statement, an operand in an expression."""
        return self.expression() if statement else self.concat()

    def keyword_commas_allowed(self, statement: bool) -> bool:
        # Inside f(…) a comma belongs to the call, as for every keyword expression.
        return statement or self.nesting == 0

    def open_clause(self, clauses: Clauses) -> list[n.Node]:
        """Consume a clause word; the list its values go to."""
        return clauses.setdefault(self.advance().upper, [])

    def clause_word_is_value(self) -> bool:
        """``SEND MAIL to, subject, body``: a clause word followed by a comma, the end of
        the line or an operator that only follows values is a variable."""
        nxt = self.peek()
        return nxt.kind in (Kind.NEWLINE, Kind.EOF) or (
            nxt.kind is Kind.OP and nxt.value in (",", ".", "?.", "&", ")"))

    # ------------------------------------------------------------ statement use

    def statement_arguments(self, t: Token, phrase: str) -> tuple[list[n.Node], Clauses]:
        args: list[n.Node] = []
        if phrase == "SET HEADER":
            args.append(self.concat())
            if self.accept_op("="):  # the docs' SET HEADER "k" = "v"
                args.append(self.expression())
                return args, {}
        if phrase in _MEMORY_GETS:
            args = [self.concat()]
            clauses = self.keyword_clauses([])
            if "INTO" not in clauses:
                raise self.fail(f"expected INTO after {phrase} key (or use "
                                f"x = {phrase}(\"key\"))", self.tok)
            return args, clauses
        if phrase in _MEMORY_SETS:
            # Accept ``k, v``, ``k v`` (docs) and ``k = v``.
            args.append(self.concat())
            if not (self.accept_op(",") or self.accept_op("=")) and self.at_eol():
                raise self.fail(f"{phrase} needs a key and a value", self.tok)
            args.append(self.expression())
            if not self.at_eol():
                raise self.fail(f"unexpected {self.tok.describe()} after the value of {phrase}",
                                self.tok)
            return args, {}
        self.reject_unknown_phrase(t, phrase)
        clauses = self.keyword_clauses(args, _STATEMENT_CLAUSES.get(phrase, frozenset()))
        self.check_arity(t, phrase, args)
        return args, clauses

    def reject_unknown_phrase(self, t: Token, phrase: str) -> None:
        """``GET FOO BAR BAZ "a"``: upper-case words the dialog never used as variables,
        written one after the other with no comma, continue the keyword's name; no keyword
        has that name, so it is an error, as General Bots cannot parse it either."""
        words: list[Token] = []
        j = self.i
        while self.toks[j].kind is Kind.IDENT and self.toks[j].text.isupper() and \
                self.toks[j].text.lower() not in self.names and \
                self.toks[j].upper not in CLAUSE_WORDS and \
                self.toks[j].upper not in NON_OPERAND_WORDS:
            words.append(self.toks[j])
            j += 1
        after = self.toks[j]
        if not words or after.kind in (Kind.NEWLINE, Kind.EOF, Kind.OP):
            return  # ``TALK LEN(x)``, ``TALK TOTAL + 1``: values
        if self.match_phrase(_EXPRESSION_TABLE, self.i) is not None:
            return  # ``SAVE FIND …``: an argument that is itself a keyword
        written = " ".join([phrase, *(w.text for w in words)])
        raise self.fail(f"unknown keyword '{written}'{did_you_mean(written)}", t)

    def check_arity(self, t: Token, phrase: str, args: list[n.Node]) -> None:
        lo, hi = _ARITY.get(phrase, (0, 99))
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            message = f"{phrase} expects {want} argument{'s' if hi != 1 else ''}, " \
                      f"got {len(args)}"
            pair = self.side_by_side(args[0]) if hi == 1 and len(args) > 1 else None
            if pair is None:
                self.error(message, t)
            else:  # TALK "Hi " name: blame the place the + or the quote went wrong
                self.error(f"{message}: {explain(pair)}", pair[1])

    def side_by_side(self, first: n.Node) -> tuple[Token, Token] | None:
        """Two values side by side from the argument ``first`` to the cursor."""
        start = self.i
        while (self.toks[start].line, self.toks[start].col) != (first.line, first.col):
            start -= 1
            if start < 0 or self.toks[start].line < first.line:
                return None
        return first_pair(self.toks, start, self.i)

    def keyword_clauses(self, args: list[n.Node], extra: frozenset[str] = frozenset()
                        ) -> Clauses:
        """Comma or space separated arguments, then named clauses (AS, INTO, WITH …, and
        the phrase's own ``extra`` clause words)."""
        clauses: Clauses = {}
        current = args
        opened = False  # a clause word was just read: ``TO to`` makes the second one a value
        while not self.at_eol():
            if self.tok.kind is Kind.IDENT and (self.tok.upper in CLAUSE_WORDS
                                                or self.tok.upper in extra) \
                    and not self.clause_word_is_value() \
                    and not (opened and self.tok.upper != "BY"):
                current = self.open_clause(clauses)
                opened = True
                continue
            opened = False
            if self.at_op(","):
                comma = self.advance()
                if self.at_eol():  # TALK "a", — General Bots cannot compile it either
                    raise self.fail("a value is missing after the ',' at the end of the line",
                                    comma)
                continue
            if self.at_op("*"):
                star = self.advance()
                current.append(n.Literal(star.line, star.col, "*"))
                continue
            current.append(self.keyword_value(True))
        return clauses

    # ------------------------------------------------------------ expression use

    def starts_operand(self) -> bool:
        t = self.tok
        if t.kind in (Kind.STRING, Kind.NUMBER):
            return True
        if t.kind is Kind.OP:
            return t.value in ("(", "[", "{", "#{", "-")
        return t.kind is Kind.IDENT and t.upper not in NON_OPERAND_WORDS

    def expression_arguments(self, phrase: str) -> tuple[list[n.Node], Clauses]:
        """Operands separated by commas or clause words; stops at anything else, which
        belongs to the enclosing expression."""
        clauses: Clauses = {}
        if phrase in NO_ARGUMENT_PHRASES:  # x = LIST TOOLS: nothing to read
            return [], clauses
        if phrase in OPTIONAL_ARGUMENT_PHRASES and not self.starts_operand():
            return [], clauses
        words = _PHRASE_CLAUSES.get(phrase, _EXPRESSION_CLAUSES)
        args = [self.keyword_value(False)]
        current = args
        while not self.at_eol():
            top = self.keyword_commas_allowed(False)
            if self.at_op(",") and top:
                self.advance()
                current.append(self.keyword_value(False))
            elif self.tok.kind is Kind.IDENT and self.tok.upper in words and top:
                current = self.open_clause(clauses)
                current.append(self.keyword_value(False))
            elif phrase == "FORMAT" and len(args) == 1 and self.tok.kind is Kind.STRING:
                args.append(self.keyword_value(False))  # FORMAT v "pattern" (no comma)
            else:
                break
        return args, clauses
