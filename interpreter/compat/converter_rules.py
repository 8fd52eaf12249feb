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
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from ..lexer import Kind, TextBlock, Token
from ..vocabulary import STATEMENT_PHRASES
from .builds import EngineBuild
from .findings import Concern, Finding
from .source_lines import SourceLine
from .text_rewrites import rewritten_string

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
    MIXED_EQUALS = COMPILER + "syntax_transforms.rs convert_if_then_syntax (replace(\"=\", \"==\"))"
    AND_OR = COMPILER + "syntax_transforms.rs convert_if_then_syntax (AND/OR in IF only)"
    NOT = COMPILER + "syntax_transforms.rs (no pass rewrites NOT)"
    MOD = COMPILER + "syntax_transforms.rs (no pass rewrites MOD)"
    INFIX_WORD = COMPILER + "syntax_transforms.rs (no pass rewrites CONTAINS or LIKE)"
    ELSE_IF = COMPILER + "syntax_transforms.rs convert_if_then_syntax (ELSEIF only)"
    NOT_EQUAL = COMPILER + "syntax_transforms.rs convert_if_then_syntax (replace(\" <> \"))"
    GET_MEMORY = COMPILER + "syntax_transforms.rs convert_multiword_keywords (^GET BOT MEMORY)"
    WITH_FIELDS = COMPILER + "syntax_transforms.rs convert_if_then_syntax (in_with_block)"
    MULTI_LINE = COMPILER + "syntax_transforms.rs convert_if_then_syntax (line continuation)"
    RAW_BLOCK = COMPILER + "blocks/mod.rs convert_begin_blocks (BEGIN TALK and MAIL only)"
    WAIT = "botbasic_ai/src/keywords/events.rs (WAIT FOR EVENT replaces WAIT)"


# convert_if_then_syntax leaves ``=`` alone in a line or condition holding any of these.
_COMPOUND = ("==", "!=", "<=", ">=", "+=", "-=", "*=", "/=")
_SIMPLE_ASSIGNMENT = re.compile(r"[^\W\d]\w*\s*=(?!=)")
_IF_HEADER = re.compile(r"(ELSEIF|IF) ")
_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in STATEMENT_PHRASES)
_DROPPED_PREFIXES = ("SET SCHEDULE", "WEBHOOK", "PARAM ", "DESCRIPTION ")


def _is_var_assignment(trimmed: str) -> bool:
    """The converter's own test (``is_var_assignment``): a letter first, an ``=``, no pair."""
    return (bool(trimmed) and (trimmed[0].isalpha() or trimmed[0] == "_") and "=" in trimmed
            and not any(pair in trimmed for pair in _COMPOUND))


@dataclass(frozen=True)
class IfHeader:
    """An ``IF … THEN`` or ``ELSEIF … THEN`` line as the converter splits it."""

    cond_start: int  # index in the trimmed line
    then_pos: int  # index of " THEN"

    @classmethod
    def of(cls, line: SourceLine) -> IfHeader | None:
        upper = line.upper
        m = _IF_HEADER.match(upper)
        if not m or " THEN" not in upper:
            return None
        return cls(3 if m.group(1) == "IF" else 6, upper.find(" THEN"))

    def condition(self, line: SourceLine) -> str:
        return line.trimmed[self.cond_start : self.then_pos]

    def holds(self, line: SourceLine, token: Token) -> bool:
        """Is ``token`` inside the condition (so the IF pass rewrites it)?"""
        start = line.col_of(self.cond_start)
        return start <= token.col and token.end_col <= line.col_of(self.then_pos) + 1


class ConverterModel:
    """Walks the lines like the converter's passes and yields what they break."""

    def __init__(self, build: EngineBuild):
        self.label = build.label
        self.if_depth = 0
        self.while_depth = 0
        self.select_open = False
        self.case_seen = False
        self.with_open = False
        self.with_reported = False

    def findings(self, lines: list[SourceLine]) -> Iterator[Finding]:
        for i, line in enumerate(lines):
            if line.in_text_block or not line.tokens:
                yield from self._comment_line(line)
                yield from self._talk_text(line)
                continue
            block = line.opens_block
            if block is not None:
                yield from self._raw_block(line, block)
                continue
            yield from self._strings(line)
            if line.starts_statement:
                yield from self._statement(line)
                yield from self._multi_line(line, lines[i + 1 :])
            yield from self._tokens(line)

    def _multi_line(self, line: SourceLine, rest: list[SourceLine]) -> Iterator[Finding]:
        """A statement spread over lines: each later line is converted on its own."""
        following = next((later for later in rest if later.tokens), None)
        if following is None or following.starts_statement or following.in_text_block:
            return
        if line.trimmed.startswith("REM") or line.upper.startswith(_DROPPED_PREFIXES):
            return
        yield self._whole(line, "it converts every line on its own (ending each with ';' or "
                                "quoting it as text), so a statement spread over several "
                                "lines breaks; write it on one line")

    # ------------------------------------------------------------ reporting

    def _fails(self, line: SourceLine, col: int, end_col: int, why: str) -> Finding:
        return Finding(Concern.TRANSLATION, line.number, col, end_col,
                       f"{self.label} fails to compile this: {why}")

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
            return
        where = ("keep TABLE definitions in tables.bas (the engine still creates the table "
                 "from them)" if block.kind == "TABLE" else
                 "no keyword is registered for it; set the prompt another way")
        yield self._fails(line, line.indent, line.indent + len(line.code),
                          f"no pass converts a {block.kind} block, so its text lines are "
                          f"compiled as code; {where}")

    def _talk_text(self, line: SourceLine) -> Iterator[Finding]:
        """BEGIN TALK lines become strings and get the same keyword rewrites."""
        if line.block != "TALK" or not line.trimmed or re.match(
                r"END[ \t_]+TALK\b", line.upper):
            return
        changed = rewritten_string(line.trimmed)
        if changed != line.trimmed:
            yield Finding(Concern.TRANSLATION, line.number, line.indent,
                          line.indent + len(line.trimmed),
                          f"{self.label} rewrites words inside this text: "
                          f"\"{_clip(line.trimmed)}\" becomes \"{_clip(changed)}\"")

    # ------------------------------------------------------------ statements

    def _statement(self, line: SourceLine) -> Iterator[Finding]:
        upper = line.upper
        if line.trimmed.startswith("REM"):
            yield from self._rem_prefix(line)
            return
        if upper.startswith(_DROPPED_PREFIXES):
            return
        header = IfHeader.of(line)
        yield from self._comment(line, header)
        if upper.startswith("WHILE "):
            self.while_depth += 1
        elif upper == "WEND" and self.while_depth and not self.if_depth:
            self.while_depth -= 1
        elif header is not None:
            yield from self._if_header(line, header)
        elif upper == "END IF":
            self.if_depth = max(0, self.if_depth - 1)
        elif re.match(r"ELSE\s+IF\b", upper):
            yield self._at_token(line, line.tokens[0], "it knows ELSEIF, and passes ELSE IF "
                                                       "through unchanged; write ELSEIF")
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
        elif upper.startswith("WAIT") and not re.match(r"WAIT\s+FOR\b", upper):
            yield from self._wait(line)
        else:
            yield from self._let_prefix(line)

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
        if line.upper.startswith("IF "):
            self.if_depth += 1
            rest = line.code[header.then_pos + 5 :].strip()
            if rest:
                start = line.col_of(header.then_pos + 1)
                yield self._fails(line, start, start + 4,
                                  f"it keeps only the condition of a single-line IF and "
                                  f"drops {_quote(rest)}; write IF … THEN, the statement and "
                                  f"END IF on lines of their own")
        condition = header.condition(line)
        if any(pair in condition for pair in _COMPOUND):
            for token in line.tokens:
                if token.kind is Kind.OP and token.value == "=" and header.holds(line, token):
                    yield self._at_token(line, token,
                                         "in a condition that holds ==, <=, >= or != it keeps "
                                         "'=' as an assignment; write ==")

    def _let_prefix(self, line: SourceLine) -> Iterator[Finding]:
        trimmed = line.trimmed
        if (self.if_depth or self.while_depth or (self.select_open and self.case_seen)
                or not _is_var_assignment(trimmed) or _SIMPLE_ASSIGNMENT.match(trimmed)
                or trimmed.lower().startswith("let ") or line.upper.startswith(("ELSE", "FOR "))):
            return
        hint = ("put the text in a variable first (msg = \"…\", then TALK msg)"
                if line.upper.startswith(("TALK", "PRINT")) else
                "outside an IF or WHILE block only 'name = value' lines compile")
        yield self._whole(line, f"a line outside IF/WHILE that holds '=' becomes the "
                                f"assignment {_quote('let ' + line.code)}; {hint}")

    def _wait(self, line: SourceLine) -> Iterator[Finding]:
        yield self._at_token(line, line.tokens[0],
                             "WAIT FOR EVENT's syntax replaces WAIT <seconds> (Rhai keeps "
                             "one custom syntax per first word)")

    def _with_field(self, line: SourceLine) -> Iterator[Finding]:
        if line.trimmed.startswith(".") and "=" in line.trimmed and not self.with_reported:
            self.with_reported = True
            yield self._whole(line, "WITH becomes a map literal and this field keeps its "
                                    "leading '.' as part of the key")

    # ------------------------------------------------------------ SELECT CASE

    def _select(self, line: SourceLine) -> Iterator[Finding]:
        self.select_open, self.case_seen = True, False
        subject = line.trimmed[7:].strip()
        if subject.upper().startswith("CASE "):
            yield self._whole(line, f"it reads the subject as {_quote(subject)} and writes "
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

    # ------------------------------------------------------------ words and operators

    def _tokens(self, line: SourceLine) -> Iterator[Finding]:
        if line.trimmed.startswith("REM") or line.upper.startswith(_DROPPED_PREFIXES):
            return
        header = IfHeader.of(line) if line.starts_statement else None
        tokens = line.tokens
        for i, token in enumerate(tokens):
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.kind is Kind.IDENT:
                yield from self._word(line, header, token, after, i)
            elif token.kind is Kind.OP and token.value == "<>":
                yield from self._not_equal(line, token)

    def _word(self, line: SourceLine, header: IfHeader | None, token: Token,
              after: Token | None, index: int) -> Iterator[Finding]:
        word = token.upper
        in_condition = header is not None and header.holds(line, token)
        if word == "MOD" and not (after and after.value == "("):
            yield self._at_token(line, token, "Rhai has no MOD operator; write a % b")
        elif word in ("CONTAINS", "LIKE") and index > 0 and not (after and after.value == "("):
            yield self._at_token(line, token, f"Rhai has no {word} operator"
                                 + ("; write INSTR(text, part) > 0" if word == "CONTAINS"
                                    else ""))
        elif word == "NOT" and not (in_condition and _spaced(line, token, "NOT IN")):
            yield self._at_token(line, token, "Rhai has no NOT; write !x")
        elif word in ("AND", "OR") and not (in_condition and _spaced(line, token, None)):
            symbol = "&&" if word == "AND" else "||"
            yield self._at_token(line, token, f"it turns {word} into {symbol} only in an "
                                              f"IF condition written {word} or "
                                              f"{word.lower()}; write {symbol}")
        elif word == "GET" and index > 0 and _phrase_follows(line.tokens, index, "BOT MEMORY"):
            yield self._at_token(line, token, "it converts GET BOT MEMORY only at the start "
                                              "of a line; write GET_BOT_MEMORY(\"key\")")

    def _not_equal(self, line: SourceLine, token: Token) -> Iterator[Finding]:
        before = line.text[token.col - 2 : token.col - 1] if token.col > 1 else ""
        after = line.text[token.end_col - 1 : token.end_col]
        if before != " " or after != " ":
            yield self._at_token(line, token, "it turns <> into != only with a space on "
                                              "each side; write a <> b")

    # ------------------------------------------------------------ strings

    def _strings(self, line: SourceLine) -> Iterator[Finding]:
        if line.trimmed.startswith("REM") or line.upper.startswith(_DROPPED_PREFIXES):
            return
        header = IfHeader.of(line) if line.starts_statement else None
        condition = header.condition(line) if header else ""
        for token in line.strings():
            raw = line.source_of(token)
            in_condition = header is not None and header.holds(line, token)
            changed = rewritten_string(raw, condition if in_condition else None)
            if changed != raw:
                yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                              f"{self.label} rewrites words inside this string: "
                              f"{_clip(raw)} becomes {_clip(changed)}")


def _spaced(line: SourceLine, token: Token, phrase: str | None) -> bool:
    """Is the word written the way the IF pass's ``replace`` matches it (`` AND ``)?"""
    text = line.text
    if token.value not in (token.upper, token.upper.lower()):
        return False
    if text[token.col - 2 : token.col - 1] != " ":
        return False
    if phrase is None:
        return text[token.end_col - 1 : token.end_col] == " "
    wanted = phrase if token.value.isupper() else phrase.lower()
    return text[token.col - 1 :].startswith(wanted + " ")


def _phrase_follows(tokens: tuple[Token, ...], index: int, phrase: str) -> bool:
    words = phrase.split()
    following = tokens[index + 1 : index + 1 + len(words)]
    return [t.upper for t in following] == words


def _quote(text: str) -> str:
    return "`" + _clip(text, 70) + "`"


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
