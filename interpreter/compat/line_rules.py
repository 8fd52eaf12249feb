"""Converter defects visible in one line alone: its strings, words and operators.

``converter_rules.ConverterModel`` calls these for every line; they need no state of the
passes (which IF or SELECT is open), only how ``convert_if_then_syntax`` splits an
``IF … THEN`` header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..syntax.lexer import Kind, Token
from .findings import Concern, Finding
from .source_lines import SourceLine
from .text_rewrites import rewritten_string

# convert_if_then_syntax leaves ``=`` alone in a line or condition holding any of these.
COMPOUND = ("==", "!=", "<=", ">=", "+=", "-=", "*=", "/=")
# preprocess_basic drops these lines (the engine registers them in its database instead).
DROPPED_PREFIXES = ("SET SCHEDULE", "WEBHOOK", "PARAM ", "DESCRIPTION ")
_IF_HEADER = re.compile(r"(ELSEIF|IF) ")


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


def dropped(line: SourceLine) -> bool:
    """Lines preprocess_basic removes before any other pass sees them."""
    return line.trimmed.startswith("REM") or line.upper.startswith(DROPPED_PREFIXES)


def fails(label: str, line: SourceLine, col: int, end_col: int, why: str) -> Finding:
    return Finding(Concern.TRANSLATION, line.number, col, end_col,
                   f"{label} fails to compile this: {why}")


def quote(text: str) -> str:
    return "`" + clip(text, 70) + "`"


def clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- words and operators


def word_findings(label: str, line: SourceLine) -> Iterator[Finding]:
    """MOD, NOT, AND/OR, CONTAINS/LIKE, GET BOT MEMORY and ``<>`` the passes leave broken."""
    if dropped(line):
        return
    header = IfHeader.of(line) if line.starts_statement else None
    tokens = line.tokens
    for i, token in enumerate(tokens):
        why = None
        if token.kind is Kind.IDENT:
            why = _word(line, header, i) if token.upper in _WORDS else None
        elif token.kind is Kind.OP and token.value == "<>" and not _spaced(line, token, None):
            why = "it turns <> into != only with a space on each side; write a <> b"
        if why:
            yield fails(label, line, token.col, token.end_col, why)
        elif token.value == "FIRST" and _first_swallows(tokens, i):
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} gives FIRST everything after it as its argument (its "
                          f"syntax is FIRST $expr$): FIRST(x) = 1 is the first word of "
                          f"\"x = 1\"'s value; write (FIRST(x)) = 1")


# The only words _word can object to: the others skip its tests (most of a check's words).
_WORDS = frozenset({"MOD", "CONTAINS", "LIKE", "NOT", "AND", "OR", "GET", "LAST"})


def _word(line: SourceLine, header: IfHeader | None, index: int) -> str | None:
    """Why the word at ``index`` (one of _WORDS) does not compile, or None."""
    tokens = line.tokens
    token = tokens[index]
    word = token.upper
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    called = after is not None and after.value == "("
    in_condition = header is not None and header.holds(line, token)
    if word == "LAST" and token.value == "LAST" and not called:
        # botbasic_core keywords/last.rs registers the syntax LAST ( $expr$ )
        return "its LAST syntax needs parentheses; write LAST(x)"
    if word == "MOD" and not called:
        return "Rhai has no MOD operator; write a % b"
    if word in ("CONTAINS", "LIKE") and index > 0 and not called:
        fix = "; write INSTR(text, part) > 0" if word == "CONTAINS" else ""
        return f"Rhai has no {word} operator{fix}"
    if word == "NOT" and not (in_condition and _spaced(line, token, "NOT IN")):
        return "Rhai has no NOT; write !x"
    if word in ("AND", "OR") and not (in_condition and _spaced(line, token, None)):
        symbol = "&&" if word == "AND" else "||"
        return (f"it turns {word} into {symbol} only in an IF condition written {word} or "
                f"{word.lower()}; write {symbol}")
    if word == "GET" and index > 0 and [t.upper for t in tokens[index + 1 : index + 3]] == [
            "BOT", "MEMORY"]:
        return "it converts GET BOT MEMORY only at the start of a line; write " \
               "GET_BOT_MEMORY(\"key\")"
    return None


# Tokens after FIRST's parentheses that end its argument there, as in Talkbench.
_ENDS_ARGUMENT = frozenset({")", "]", "}", ",", ";", ":"})
_OPERATOR_WORDS = frozenset({"AND", "OR", "MOD", "LIKE", "CONTAINS", "XOR", "IS", "NOT"})


def _first_swallows(tokens: tuple[Token, ...], index: int) -> bool:
    """Is ``FIRST(…)`` at ``index`` followed by an operator? botbasic_core keywords/first.rs
    registers ``FIRST $expr$``, and Rhai's expression goes on past the parentheses."""
    if index + 1 >= len(tokens) or tokens[index + 1].value != "(":
        return False
    depth = 0
    for j in range(index + 1, len(tokens)):
        token = tokens[j]
        if token.kind is Kind.OP and token.value in ("(", "[", "{", "#{"):
            depth += 1
        elif token.kind is Kind.OP and token.value in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                after = tokens[j + 1] if j + 1 < len(tokens) else None
                if after is None:
                    return False
                if after.kind is Kind.OP:
                    return after.value not in _ENDS_ARGUMENT
                return after.kind is Kind.IDENT and after.upper in _OPERATOR_WORDS
    return False


def _spaced(line: SourceLine, token: Token, phrase: str | None) -> bool:
    """Is the word written the way the IF pass's ``replace`` matches it (`` AND ``)?"""
    text = line.text
    value = str(token.value)
    if token.kind is Kind.IDENT and value not in (value.upper(), value.lower()):
        return False
    if text[token.col - 2 : token.col - 1] != " ":
        return False
    if phrase is None:
        return text[token.end_col - 1 : token.end_col] == " "
    wanted = phrase if value.isupper() else phrase.lower()
    return text[token.col - 1 :].startswith(wanted + " ")


# ---------------------------------------------------------------- text


def string_findings(label: str, line: SourceLine) -> Iterator[Finding]:
    """String literals whose text the passes' plain replacements change."""
    if dropped(line):
        return
    header = IfHeader.of(line) if line.starts_statement else None
    condition = header.condition(line) if header else ""
    for token in line.strings():
        raw = line.source_of(token)
        in_condition = header is not None and header.holds(line, token)
        changed = rewritten_string(raw, condition if in_condition else None)
        if changed != raw:
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} rewrites words inside this string: {clip(raw)} becomes "
                          f"{clip(changed)}")


def talk_text_findings(label: str, line: SourceLine) -> Iterator[Finding]:
    """BEGIN TALK lines become strings (blocks/talk.rs) and get the same rewrites."""
    if line.block != "TALK" or not line.trimmed or re.match(r"END[ \t_]+TALK\b", line.upper):
        return
    changed = rewritten_string(line.trimmed)
    if changed != line.trimmed:
        yield Finding(Concern.TRANSLATION, line.number, line.indent,
                      line.indent + len(line.trimmed),
                      f"{label} rewrites words inside this text: \"{clip(line.trimmed)}\" "
                      f"becomes \"{clip(changed)}\"")
