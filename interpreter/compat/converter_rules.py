"""Lines the General Bots converter mangles, drops or cannot compile (translation defects).

The converter (generalbots/generalbots ``botserver/crates/botbasic_compiler``) rewrites BASIC
into Rhai one physical line at a time with string matching. :class:`ConverterModel` follows
its passes in order — ``lib.rs`` ``preprocess_basic`` (drops comment and REM lines, joins
``FOR EACH``), ``syntax_transforms.rs`` ``convert_while_wend_syntax``,
``convert_if_then_syntax`` (adds ``let``, tracks IF/WHILE blocks), ``convert_select_case_syntax``
and ``convert_keywords_to_lowercase`` — and reports each line whose translation differs from
its documented meaning. Each :class:`Rewrite` names the engine function that causes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import Enum

from ..syntax.brackets import closing_bracket
from ..syntax.lexer import Kind, TextBlock, Token
from ..syntax.vocabulary import STATEMENT_PHRASES
from .builds import EngineBuild
from .dialog_rules import next_code_lines, whole_dialog_findings
from .findings import Concern, Finding
from .line_rules import (
    COMPOUND,
    COMPOUND_SIGNS,
    DROPPED_PREFIXES,
    IfHeader,
    assignment_sign,
    dropped,
    fails,
    memory_arguments,
    quote,
    shifted_condition,
    string_findings,
    talk_text_findings,
    word_findings,
)
from .multiword import conversion
from .source_lines import LinePiece, PieceKey, SourceLine
from .string_literals import literal_findings
from .syntax_words import (
    keyword_case,
    no_syntax,
    set_assignment,
    shadowed,
    talk_to,
    underscored_keyword,
)
from .talk_blocks import talk_block_findings

COMPILER = "botbasic_compiler/src/"


class Rewrite(Enum):
    """One converter defect; the value is where the engine does it."""

    TEXT_CHANGED = COMPILER + "syntax_transforms.rs convert_keywords_to_lowercase"
    LET_PREFIX = COMPILER + "syntax_transforms.rs convert_if_then_syntax (is_var_assignment)"
    TRAILING_COMMENT = COMPILER + "lib.rs preprocess_basic (comment lines only)"
    REM_DROPPED = COMPILER + "lib.rs preprocess_basic (starts_with(\"REM\"))"
    LOWER_REM = COMPILER + "lib.rs preprocess_basic (REM is case-sensitive)"
    SELECT_CASE = COMPILER + "syntax_transforms.rs convert_select_case_syntax (select_var)"
    CASE_AS_TEXT = COMPILER + "syntax_transforms.rs convert_select_case_syntax (case_value)"
    CASE_ELSE = COMPILER + "syntax_transforms.rs convert_select_case_syntax (CASE ELSE)"
    CASE_LIST = COMPILER + "syntax_transforms.rs convert_select_case_syntax (CASE a, b)"
    SINGLE_LINE_IF = COMPILER + "syntax_transforms.rs convert_if_then_syntax (then_pos)"
    THEN_SHIFT = COMPILER + "syntax_transforms.rs convert_if_then_syntax (then_pos in bytes " \
                            "of the upper-cased line)"
    MIXED_EQUALS = COMPILER + "syntax_transforms.rs convert_if_then_syntax (replace(\"=\", \"==\"))"
    AND_OR = COMPILER + "syntax_transforms.rs convert_if_then_syntax (AND/OR in IF only)"
    NOT = COMPILER + "syntax_transforms.rs (no pass rewrites NOT)"
    MOD = COMPILER + "syntax_transforms.rs (no pass rewrites MOD)"
    INFIX_WORD = COMPILER + "syntax_transforms.rs (no pass rewrites CONTAINS or LIKE)"
    ELSE_IF = COMPILER + "syntax_transforms.rs convert_if_then_syntax (ELSEIF only)"
    ENDIF = COMPILER + "syntax_transforms.rs convert_if_then_syntax (upper == \"END IF\" only)"
    NOT_EQUAL = COMPILER + "syntax_transforms.rs convert_if_then_syntax (replace(\" <> \"))"
    GET_MEMORY = COMPILER + "syntax_transforms.rs convert_multiword_keywords (^GET BOT MEMORY)"
    MEMORY_ARGUMENTS = COMPILER + "syntax_transforms.rs convert_multiword_keywords " \
                                  "(parse_parameters)"
    MEMORY_FUNCTION = "botbasic_data/src/keywords/bot_memory.rs (register_fn only)"
    SUGGESTION_AS = "botbasic_comms/src/keywords/add_suggestion.rs (ADD_SUGGESTION $expr$ last)"
    SHADOWED_SYNTAX = "rhai src/api/custom_syntax.rs (one syntax per first word; the last wins)"
    SYNTAX_CALL = "rhai src/parser.rs (a custom syntax's word starts that syntax, not a call)"
    RESERVED_NAME = ("rhai src/tokenizer.rs (is_reserved_keyword_or_symbol and the keyword "
                     "table: such a word names no variable)")
    TALK_TO = ("botbasic_core/src/keywords/hearing/talk.rs (registers TALK TO … , … and then "
               "TALK …, which replaces it); botbasic_comms registers no SEND TO")
    NO_SYNTAX = ("scripts/engine_syntax_order.py's table (interpreter/compat/syntax_survivors.py):"
                 " no registered syntax starts with the word (botbasic_comms leaves send_mail and "
                 "universal_messaging out, botbasic_system's create_site registers nothing)")
    UNDERSCORED_KEYWORD = ("rhai src/parser.rs (a name followed by a value); no pass of "
                           + COMPILER + " joins these words (lib.rs joins FOR EACH, EXIT FOR, "
                           "ADD SUGGESTION …; convert_multiword_keywords needs spaces)")
    KEYWORD_CASE = ("rhai src/api/custom_syntax.rs (a syntax's first word is matched exactly); "
                    "no pass of " + COMPILER + " upper-cases a keyword")
    MISSING_FUNCTION = COMPILER + "syntax_transforms.rs convert_multiword_keywords " \
                                  "(into functions no crate registers)"
    WITH_FIELDS = COMPILER + "syntax_transforms.rs convert_if_then_syntax (in_with_block)"
    MULTI_LINE = COMPILER + "syntax_transforms.rs convert_if_then_syntax (line continuation)"
    RAW_BLOCK = COMPILER + "blocks/mod.rs convert_begin_blocks (BEGIN TALK and MAIL only)"
    TALK_BLOCK_TEXT = COMPILER + "lib.rs preprocess_basic, blocks/mod.rs and blocks/talk.rs " \
                                 "(BEGIN TALK lines skipped, trimmed, read as a Rhai string)"
    BRACE_END = COMPILER + "syntax_transforms.rs convert_if_then_syntax (ends_with_block_brace)"
    UNDECLARED_NAME = COMPILER + "syntax_transforms.rs predeclare_variables (reserved) and " \
                                 "convert_if_then_syntax (no let in a block)"
    SWITCH_BLOCK = "botbasic_core/src/keywords/switch_case.rs (preprocess_switch, never called)"
    LLM_PROMPT = COMPILER + "syntax_transforms.rs preprocess_llm_keyword (the first LLM \"…\")"
    BLOCK_WORD_NAME = COMPILER + "syntax_transforms.rs convert_if_then_syntax (needs_semicolon: " \
                                 "no ';' after SELECT, CASE, WEND, ELSE …) and " \
                                 "convert_while_wend_syntax (WHILE )"
    LAST_PARENS = "botbasic_core/src/keywords/last.rs (syntax LAST ( $expr$ ))"
    NESTED_SELECT = COMPILER + "syntax_transforms.rs convert_select_case_syntax (SELECT ends one)"
    FIRST_GREEDY = "botbasic_core/src/keywords/first.rs (syntax FIRST $expr$)"
    PUSH_STATEMENT = "botbasic_core/src/keywords/arrays/push_pop.rs (PUSH/APPEND return an array)"
    WAIT = "botbasic_ai/src/keywords/events.rs (WAIT FOR EVENT replaces WAIT)"
    EQUALS_OUTSIDE_IF = COMPILER + "syntax_transforms.rs convert_if_then_syntax (== in IF only)"
    BACKSLASH = "rhai src/tokenizer.rs (no \\ symbol; no pass rewrites it)"
    DOUBLE_SIGN = "rhai src/tokenizer.rs (-- and ++ are reserved symbols)"
    LEADING_POINT = "rhai src/tokenizer.rs (a number starts with a digit)"
    # Rhai's tokenizer reads the strings the converter passes on (string_literals.py).
    BAD_ESCAPE = "rhai src/tokenizer.rs parse_string_literal (escapes)"
    CHAR_QUOTES = "rhai src/tokenizer.rs ('…' is one character)"
    PLAIN_INTERPOLATION = ("rhai src/tokenizer.rs (${} only in `…` strings); "
                           + COMPILER + "blocks/talk.rs (BEGIN TALK only)")


_SIMPLE_ASSIGNMENT = re.compile(r"[^\W\d]\w*\s*=(?!=)")
# preprocess_basic turns "ADD SUGGESTION" into ADD_SUGGESTION (case-sensitive), but leaves
# the TOOL and TEXT forms their own first words, each with its one syntax.
_PLAIN_SUGGESTION = re.compile(r"ADD[ _]SUGGESTION(?![ _](TOOL|TEXT)\b)\b")
_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in STATEMENT_PHRASES)


def _is_var_assignment(trimmed: str) -> bool:
    """The converter's own test (``is_var_assignment``): a letter first, an ``=``, no pair."""
    return (bool(trimmed) and (trimmed[0].isalpha() or trimmed[0] == "_") and "=" in trimmed
            and not any(pair in trimmed for pair in COMPOUND))


@dataclass(frozen=True)
class Blocks:
    """What the converter's passes carry from one line to the next: the blocks open."""

    if_depth: int = 0
    while_depth: int = 0
    select_open: bool = False
    case_seen: bool = False
    with_open: bool = False
    with_reported: bool = False


class ConverterModel:
    """Walks the lines like the converter's passes and yields what they break."""

    def __init__(self, build: EngineBuild, blocks: Blocks = Blocks()):
        self.label = build.label
        self.resume(blocks)

    def blocks(self) -> Blocks:
        return Blocks(self.if_depth, self.while_depth, self.select_open, self.case_seen,
                      self.with_open, self.with_reported)

    def resume(self, blocks: Blocks) -> None:
        self.if_depth = blocks.if_depth
        self.while_depth = blocks.while_depth
        self.select_open = blocks.select_open
        self.case_seen = blocks.case_seen
        self.with_open = blocks.with_open
        self.with_reported = blocks.with_reported

    def findings(self, lines: list[SourceLine]) -> Iterator[Finding]:
        following = next_code_lines(lines)
        for line, after in zip(lines, following, strict=True):
            if line.in_text_block or not line.tokens:
                yield from self._comment_line(line)
                yield from talk_text_findings(self.label, line)
                continue
            block = line.opens_block
            if block is not None:
                yield from self._raw_block(line, block)
                continue
            yield from string_findings(self.label, line)
            yield from literal_findings(self.label, line)
            if line.starts_statement:
                yield from self._statement(line)
                yield from self._multi_line(line, after)
            yield from word_findings(self.label, line)

    def _multi_line(self, line: SourceLine, following: SourceLine | None) -> Iterator[Finding]:
        """A statement spread over lines: each later line is converted on its own."""
        if dropped(line):
            return
        string = line.open_string()
        if string is not None and string.quote == "`":
            # Rhai reads a `…` string over lines, but the converter has already treated each
            # later line as a statement of its own (syntax_transforms.rs trims it, may end
            # it with ';', start it with 'let ', turn IF … THEN into 'if … {' …)
            yield Finding(Concern.TRANSLATION, line.number, string.col,
                          len(line.text.rstrip()) + 1,
                          f"{self.label} converts every line on its own, the later lines of "
                          f"this `…` string too, as if they were code: it trims them and may "
                          f"add ';' or 'let ' or rewrite words (IF … THEN becomes 'if … {{'), "
                          f"so production can show other text than Talkbench, which keeps "
                          f"the text as written; keep a `…` string on one line, or use "
                          f"BEGIN TALK for text over several lines")
            return
        if string is not None:  # its later lines hold no tokens: "following" skips them
            yield self._fails(line, string.col, len(line.text.rstrip()) + 1,
                              "it converts every line on its own (ending each with ';'), so "
                              "a string spread over several lines is cut open; write it on "
                              "one line, with \\n where a line break belongs")
            return
        if following is None or following.starts_statement or following.in_text_block:
            return
        yield self._whole(line, "it converts every line on its own (ending each with ';' or "
                                "quoting it as text), so a statement spread over several "
                                "lines breaks; write it on one line")

    # ------------------------------------------------------------ reporting

    def _fails(self, line: SourceLine, col: int, end_col: int, why: str) -> Finding:
        return fails(self.label, line, col, end_col, why)

    def _at_token(self, line: SourceLine, token: Token, why: str) -> Finding:
        return self._fails(line, token.col, token.end_col, why)

    def _whole(self, line: SourceLine, why: str) -> Finding:
        return self._fails(line, line.indent, line.indent + len(line.code), why)

    # ------------------------------------------------------------ preprocess_basic

    def _comment_line(self, line: SourceLine) -> Iterator[Finding]:
        """Talkbench reads ``rem …`` as a comment; the engine only skips upper-case REM."""
        trimmed = line.trimmed
        if line.in_text_block or not re.match(r"rem(\s|$)", trimmed, re.IGNORECASE):
            return
        if not trimmed.startswith("REM"):
            yield self._fails(line, line.indent, line.indent + 3,
                              "only an upper-case REM starts a comment there; write REM or '")

    def _rem_prefix(self, line: SourceLine) -> Iterator[Finding]:
        if line.trimmed.startswith("REM"):
            word = line.tokens[0]
            keyword = word.upper in _FIRST_WORDS
            fix = "this keyword never runs there" if keyword else "rename the variable"
            yield Finding(Concern.TRANSLATION, line.number, word.col, word.end_col,
                          f"{self.label} drops this line: it skips every line that starts "
                          f"with \"REM\", '{word.value}' included; {fix}")

    # ------------------------------------------------------------ raw blocks

    def _raw_block(self, line: SourceLine, block: TextBlock) -> Iterator[Finding]:
        """BEGIN SYSTEM PROMPT and TABLE stay in the script: their lines become code."""
        if block.kind == "TALK":
            yield from talk_block_findings(self.label, block)
            return
        where = ("keep TABLE definitions in tables.bas (the engine still creates the table "
                 "from them)" if block.kind == "TABLE" else
                 "no keyword is registered for it; set the prompt another way")
        yield self._fails(line, line.indent, line.indent + len(line.code),
                          f"no pass converts a {block.kind} block, so its text lines are "
                          f"compiled as code; {where}")

    # ------------------------------------------------------------ statements

    def _statement(self, line: SourceLine) -> Iterator[Finding]:
        upper = line.upper
        if line.trimmed.startswith("REM"):
            yield from self._rem_prefix(line)
            return
        if upper.startswith(DROPPED_PREFIXES):
            return
        header = IfHeader.of(line)
        yield from self._comment(line, header)
        if not line.comment_col and (why := memory_arguments(line)):
            yield self._whole(line, why)  # the line reaches Rhai as it is: one reason is enough
            return
        converted = None if line.comment_col else conversion(line.code)
        if converted is not None and not converted.registered:
            yield self._missing_function(line, converted.function)
            return
        if _sends_email(line):
            yield self._missing_function(line, "send_mail")
            return
        if converted is None and (first_word := keyword_case(self.label, line)
                                  or underscored_keyword(self.label, line)
                                  or no_syntax(self.label, line)):
            yield first_word  # Rhai stops at the first word: nothing after it matters
            return
        if upper.startswith("WHILE "):
            self.while_depth += 1
            if assignment_sign(line.tokens) is None:
                yield from self._comparing_equals(line, None)
            else:  # While = 1: convert_while_wend_syntax makes it ``while = 1 {``
                yield self._at_token(line, line.tokens[0],
                                     f"it reads every line that starts with "
                                     f"{quote(line.trimmed[:5])} as a WHILE loop, so this "
                                     f"becomes {quote('while ' + line.trimmed[6:] + ' {')}; "
                                     f"rename '{line.tokens[0].value}'")
        elif upper == "WEND" and self.while_depth and not self.if_depth:
            self.while_depth -= 1
        elif header is not None:
            yield from self._if_header(line, header)
        elif upper == "END IF":
            self.if_depth = max(0, self.if_depth - 1)
        elif upper in ("ENDIF", "END_IF"):  # a name to Rhai: the IF's block stays open
            yield self._at_token(line, line.tokens[0], f"it closes an IF only at END IF, and "
                                                       f"passes {line.trimmed} through "
                                                       f"unchanged; write END IF")
        elif re.match(r"ELSE\s+IF\b", upper):
            yield self._at_token(line, line.tokens[0], "it knows ELSEIF, and passes ELSE IF "
                                                       "through unchanged; write ELSEIF")
        elif re.match(r"SWITCH\s", upper) and assignment_sign(line.tokens) is None:
            yield self._at_token(line, line.tokens[0],
                                 "no pass converts SWITCH … END SWITCH (switch_case.rs's "
                                 "preprocess_switch is never called), so Rhai's own switch "
                                 "meets the line as it is; write SELECT x with CASE lines "
                                 "and END SELECT")
        elif upper.startswith("SELECT ") and " THEN" not in upper:
            yield from self._select(line)
        elif upper.startswith("CASE ") and self.select_open:
            yield from self._case(line)
        elif upper == "END SELECT":
            self.select_open = False
        elif upper.startswith("WITH "):
            self.with_open, self.with_reported = True, False
        elif upper == "END WITH":
            self.with_open = False
        elif self.with_open:
            yield from self._with_field(line)
        elif re.match(r"TALK\s+TO\b", upper) and line.tokens[0].value == "TALK":
            yield talk_to(self.label, line)
        elif re.match(r"WAIT\b", upper) and not re.match(r"WAIT\s+FOR\b", upper):
            yield from self._wait(line)
        elif _PLAIN_SUGGESTION.match(line.trimmed):
            yield from self._suggestion(line)
        elif _appends(line.tokens):
            yield from self._push_statement(line)
        elif line.tokens[0].value == "SET" and assignment_sign(line.tokens[1:]) is not None \
                and self._in_block():
            yield set_assignment(self.label, line)
        elif (method := _array_method_alone(line.tokens)) is not None:
            yield from self._push_method(line, method)
        else:
            let_prefix = list(self._let_prefix(line))
            yield from let_prefix or self._comparing_equals(line, assignment_sign(line.tokens))
        if converted is None:
            yield from shadowed(self.label, line)

    def _comment(self, line: SourceLine, header: IfHeader | None) -> Iterator[Finding]:
        if not line.comment_col:
            return
        # The IF pass keeps only the condition, so a comment after THEN goes with the rest.
        if header is not None and line.col_of(header.then_pos) < line.comment_col:
            return
        if line.upper.startswith("CASE ") and not line.code[5:].strip().startswith('"'):
            return  # the whole CASE text, comment included, becomes one quoted string
        yield self._fails(line, line.comment_col, len(line.text.rstrip()) + 1,
                          "it keeps a ' comment that follows code, and Rhai reads ' as a "
                          "character; put the comment on a line of its own")

    def _if_header(self, line: SourceLine, header: IfHeader) -> Iterator[Finding]:
        cut = shifted_condition(line, header)
        if cut is not None:
            outcome = ("its converter stops (a Rust panic)" if not cut else
                       f"the condition becomes {quote(cut)}")
            yield Finding(Concern.TRANSLATION, line.number, line.indent,
                          line.indent + len(line.code),
                          f"{self.label} cuts this condition where THEN stands in the "
                          f"upper-cased line, counting bytes, and a letter here changes "
                          f"length when upper-cased (ﬁ becomes FI): {outcome}; spell the "
                          f"text another way or put it in a variable first")
            return
        if line.upper.startswith("IF "):
            self.if_depth += 1
            rest = line.code[header.then_pos + 5 :].strip()
            if rest:
                start = line.col_of(header.then_pos + 1)
                yield self._fails(line, start, start + 4,
                                  f"it keeps only the condition of a single-line IF and "
                                  f"drops {quote(rest)}; write IF … THEN, the statement and "
                                  f"END IF on lines of their own")
        condition = header.condition(line)
        if any(pair in condition for pair in COMPOUND):
            for token in line.tokens:
                if token.kind is Kind.OP and token.value == "=" and header.holds(line, token):
                    yield self._at_token(line, token,
                                         "in a condition that holds ==, <=, >= or != it keeps "
                                         "'=' as an assignment; write ==")

    def _let_prefix(self, line: SourceLine) -> Iterator[Finding]:
        trimmed = line.trimmed
        if (self._in_block() or not _is_var_assignment(trimmed) or _SIMPLE_ASSIGNMENT.match(trimmed)
                or trimmed.lower().startswith("let ")
                or line.upper.startswith(("ELSE", "FOR ", "DO ", "LOOP "))):  # see build_notes
            return
        hint = ("put the text in a variable first (msg = \"…\", then TALK msg)"
                if line.upper.startswith(("TALK", "PRINT")) else
                "outside an IF or WHILE block only 'name = value' lines compile")
        yield self._whole(line, f"a line outside IF/WHILE that holds '=' becomes the "
                                f"assignment {quote('let ' + line.code)}; {hint}")

    def _in_block(self) -> bool:
        """Is the line inside a block whose lines the IF pass leaves without ``let``?"""
        return bool(self.if_depth or self.while_depth or (self.select_open and self.case_seen))


    def _comparing_equals(self, line: SourceLine, own: int | None) -> Iterator[Finding]:
        """An ``=`` that compares, outside an IF condition: the converter turns ``=`` into
        ``==`` only between IF and THEN, and Rhai reads any other ``=`` as an assignment,
        which is no expression (``ok = a = b``, ``TALK x = 1`` in a block, ``WHILE x = 1``)."""
        if line.upper.startswith(("FOR ", "FOR_", "CASE ", "SELECT ", "DO ", "LOOP")):
            return
        if any(t.kind is Kind.IDENT and t.upper in _DATA_WORDS for t in line.tokens[1:]):
            return  # FIND … WHERE a = b: its '=' is the data keyword's, not a comparison
        for i, token in enumerate(line.tokens):
            before = line.tokens[i - 1] if i else None
            if i != own and token.kind is Kind.OP and token.value == "=" and not (
                    before is not None and before.kind is Kind.OP
                    and before.value in COMPOUND_SIGNS and before.end_col == token.col):
                yield self._at_token(line, token, "Rhai reads this '=' as an assignment (the "
                                                  "converter makes it '==' only in an IF "
                                                  "condition); write ==")

    def _push_statement(self, line: SourceLine) -> Iterator[Finding]:
        """``PUSH list, x`` / ``APPEND list, x`` append in place in Talkbench; the engine has
        only the functions, which return a new array and leave ``list`` as it was."""
        word = line.tokens[0]
        fix = f"write list = {word.upper}(list, item)"
        if _called_alone(line.tokens):
            yield Finding(Concern.TRANSLATION, line.number, word.col, word.end_col,
                          f"{self.label} leaves the list unchanged here: its {word.upper} "
                          f"returns a new array (Rhai passes arrays by value); {fix}")
        else:
            yield self._at_token(line, word, f"{word.upper} is a function there, not a "
                                              f"statement; {fix}")

    def _push_method(self, line: SourceLine, method: Token) -> Iterator[Finding]:
        """``xs.push(x)`` alone: Talkbench changes ``xs`` in place; the engine's ``push``
        (a function taking the array by value) gives a new array the statement drops."""
        word = str(method.value)
        fix = _METHOD_FIX.get(word.lower())
        yield Finding(Concern.TRANSLATION, line.number, method.col, method.end_col,
                      f"{self.label} leaves the list unchanged here: its {word} returns "
                      f"{'a new array' if fix else 'an item'} (Rhai passes arrays by value)"
                      + (f"; write list = {fix}" if fix else "")
                      # the one name Rhai also has for text, in place as Talkbench runs it
                      + ("; a text is changed in place there too" if word == "append" else ""))

    def _wait(self, line: SourceLine) -> Iterator[Finding]:
        yield self._at_token(line, line.tokens[0],
                             "WAIT FOR EVENT's syntax replaces WAIT <seconds> (Rhai keeps "
                             "one custom syntax per first word)")





    def _missing_function(self, line: SourceLine, name: str) -> Finding:
        """A run-time stop, not a compile error: the line converts into a call of a function
        no crate registers."""
        return Finding(Concern.TRANSLATION, line.number, line.indent,
                       line.indent + len(line.code),
                       f"{self.label} stops here: it converts this line into {name}(…), a "
                       f"function no crate registers (\"Function not found: {name}\")")


    def _suggestion(self, line: SourceLine) -> Iterator[Finding]:
        """add_suggestion.rs registers ``ADD_SUGGESTION $expr$ as $expr$`` and then
        ``ADD_SUGGESTION $expr$``, believing Rhai tries both; it keeps only the last."""
        as_word = next((t for t in line.tokens[2:] if t.kind is Kind.IDENT and t.upper == "AS"),
                       None)
        if as_word is not None:
            yield self._at_token(line, as_word,
                                 "ADD_SUGGESTION's one-value syntax replaces its '… AS …' form "
                                 "(Rhai keeps one custom syntax per first word); write "
                                 "ADD SUGGESTION \"button text\", which sends its text when "
                                 "clicked")

    def _with_field(self, line: SourceLine) -> Iterator[Finding]:
        if line.trimmed.startswith(".") and "=" in line.trimmed and not self.with_reported:
            self.with_reported = True
            yield self._whole(line, "WITH becomes a map literal and this field keeps its "
                                    "leading '.' as part of the key")

    # ------------------------------------------------------------ SELECT CASE

    def _select(self, line: SourceLine) -> Iterator[Finding]:
        if self.select_open and self.case_seen:
            yield self._at_token(line, line.tokens[0], "a SELECT inside a CASE ends the outer "
                                                       "SELECT there, so the lines after it "
                                                       "(its END SELECT, its other CASEs) are "
                                                       "left unconverted; use IF … ELSEIF "
                                                       "for one of them")
        self.select_open, self.case_seen = True, False
        subject = line.trimmed[7:].strip()
        if subject.upper().startswith("CASE "):
            yield self._whole(line, f"it reads the subject as {quote(subject)} and writes "
                                    f"'if {subject} == …' (it expects SELECT {subject[5:]})")

    def _case(self, line: SourceLine) -> Iterator[Finding]:
        self.case_seen = True
        value = line.trimmed[5:].strip()
        start = line.col_of(line.trimmed.index(value, 5)) if value else line.indent
        end = start + len(value)
        if value.upper() == "ELSE":
            yield Finding(Concern.TRANSLATION, line.number, start, end,
                          f"{self.label} reads CASE ELSE as the text \"else\": these lines "
                          f"run only when the value is \"else\"; use IF … ELSE instead")
        elif value.startswith('"'):
            commas = [t for t in line.tokens if t.kind is Kind.OP and t.value == ","]
            if commas:
                yield self._at_token(line, commas[0], "it compares the value with the whole "
                                                      "list after CASE, which is not an "
                                                      "expression; write one CASE per value")
        else:
            yield Finding(Concern.TRANSLATION, line.number, start, end,
                          f"{self.label} compares CASE {value} as text: it matches only "
                          f"the text \"{value}\", never the number or value {value}")










def _sends_email(line: SourceLine) -> bool:
    """convert_if_then_syntax rewrites ``SEND EMAIL a, b, c`` into ``send_mail(a, b, c, [])``
    when the text after those words splits at its commas (quotes not seen) into three."""
    return line.upper.startswith("SEND EMAIL") and len(line.trimmed[11:].split(",")) == 3




















# Words of the data keywords' SQL-like forms, whose '=' is part of the keyword's syntax.
_DATA_WORDS = frozenset({"FIND", "WHERE", "SET", "UPDATE", "DELETE", "INSERT", "MERGE",
                         "FILTER", "SAVE"})

def _appends(tokens: tuple[Token, ...]) -> bool:
    """A PUSH or APPEND statement (not ``push = 1``)."""
    return (len(tokens) > 1 and tokens[0].kind is Kind.IDENT
            and tokens[0].upper in ("PUSH", "APPEND") and tokens[1].value != "=")


# The array methods a statement may call alone, and the fix for those that give an array.
_METHOD_FIX: dict[str, str | None] = {
    "push": "PUSH(list, item)", "append": "APPEND(list, item)", "unshift": "UNSHIFT(list, item)",
    "prepend": "UNSHIFT(list, item)", "pop": None, "shift": None}


def _array_method_alone(tokens: tuple[Token, ...]) -> Token | None:
    """The method word of a line that is only ``name[.member|[index]]….push(…)`` (or
    append, pop, shift, unshift, prepend: the array functions of arrays/push_pop.rs, in the
    spellings Rhai finds, all lower or all upper case)."""
    if len(tokens) < 4 or tokens[0].kind is not Kind.IDENT or any(
            t.kind is Kind.OP and t.value == "=" for t in tokens):
        return None
    for i in range(len(tokens) - 2, 1, -1):
        word, dot = tokens[i], tokens[i - 1]
        if (word.kind is Kind.IDENT and str(word.value).lower() in _METHOD_FIX
                and str(word.value) in (word.upper, str(word.value).lower())
                and dot.kind is Kind.OP and dot.value == "."
                and _called_alone(tokens[i:]) and _is_path(tokens[: i - 1])):
            return word
    return None


def _is_path(tokens: tuple[Token, ...]) -> bool:
    """``name``, then only ``.member`` and ``[index]`` parts."""
    j = 1
    while j < len(tokens):
        token = tokens[j]
        if token.kind is Kind.OP and token.value == "." and j + 1 < len(tokens) \
                and tokens[j + 1].kind is Kind.IDENT:
            j += 2
        elif token.kind is Kind.OP and token.value == "[" and (
                end := closing_bracket(tokens, j)) is not None:
            j = end + 1
        else:
            return False
    return True


def _called_alone(tokens: tuple[Token, ...]) -> bool:
    """``NAME( … )`` and nothing after the closing parenthesis."""
    if tokens[1].value != "(":
        return False
    depth = 0
    for i, token in enumerate(tokens[1:], start=1):
        if token.kind is Kind.OP and token.value in ("(", "[", "#{", "{"):
            depth += 1
        elif token.kind is Kind.OP and token.value in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return i == len(tokens) - 1
    return False


# The findings of each piece of the dialog last checked, by (build, the piece's key, the blocks
# open before it) -> (its findings, the blocks open after it, the piece's first line then).
# The rules read a line's number only to say where a finding is (no message quotes one), so a
# piece found at another line has the same findings, moved.
_PieceFindings = tuple[tuple[Finding, ...], Blocks, int]
_remembered: dict[tuple[EngineBuild, PieceKey, Blocks], _PieceFindings] = {}


def converter_findings(build: EngineBuild, pieces: Iterable[LinePiece]) -> list[Finding]:
    """``ConverterModel(build).findings`` of the dialog's lines, by the pieces it was lexed
    in: a piece whose lines and open blocks are those of a piece of the dialog checked last
    has its findings again. (A piece's last line never continues onto the next piece, which
    starts a statement, so a piece's findings depend on nothing after it.)"""
    model = ConverterModel(build)
    found: list[Finding] = []
    kept: dict[tuple[EngineBuild, PieceKey, Blocks], _PieceFindings] = {}
    every_line: list[SourceLine] = []
    for key, lines in pieces:
        every_line.extend(lines)
        memo_key = (build, key, model.blocks())
        known = _remembered.get(memo_key)
        first = lines[0].number
        if known is None:
            known = (tuple(model.findings(list(lines))), model.blocks(), first)
        else:
            model.resume(known[1])
            if known[2] != first:
                delta = first - known[2]
                known = (tuple(replace(f, line=f.line + delta) for f in known[0]), known[1],
                         first)
        kept[memo_key] = known
        found.extend(known[0])
    _remembered.clear()
    _remembered.update(kept)
    found.extend(whole_dialog_findings(build.label, every_line, found))
    return found


def forget() -> None:
    _remembered.clear()
