"""String literals that Rhai reads in a different way from Talkbench.

The converter passes a line's string literals on to Rhai unchanged, and Rhai's tokenizer
(rhai 1.24 ``src/tokenizer.rs`` ``parse_string_literal``) has its own rules for them:
- it knows only the escapes ``\\n \\t \\r \\\\ \\"`` and ``\\xHH \\uHHHH \\UHHHHHHHH``. Any other
  escape stops the compile ("Invalid escape sequence"), where Talkbench keeps the backslash
  (or reads ``\\'`` and ``\\0``);
- ``'…'`` is a single character, so longer single-quoted text does not compile;
- ``${…}`` is interpolated only in backtick strings, so in ``"…"`` it prints as written.
  The converter interpolates only BEGIN TALK text (``blocks/talk.rs``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax.lexer import (
    CODE_ESCAPES,
    Interpolation,
    Kind,
    Token,
    code_escape,
    straight_quotes,
)
from .findings import Concern, Finding
from .line_rules import clip, dropped, fails
from .source_lines import SourceLine

# The escapes Rhai reads in a double-quoted string besides the code-point ones.
_PLAIN_ESCAPES = frozenset('ntr\\"')
_HEX = frozenset("0123456789abcdefABCDEF")
_KNOWN = r"\n \t \r \\ \" \xHH \uHHHH \UHHHHHHHH"


def literal_findings(label: str, line: SourceLine) -> Iterator[Finding]:
    """The findings for each one-line string literal of ``line``."""
    if dropped(line):
        return
    for token in line.strings():
        raw = line.source_of(token)
        yield from _escape(label, line, token, raw)
        if token.quote == "'":
            yield from _single_quoted(label, line, token)
        elif token.quote == '"' and any(isinstance(part, Interpolation) for part in token.parts):
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} prints ${{…}} in {clip(raw)} as written: Rhai "
                          f"interpolates only in `…` strings and the converter only in "
                          f"BEGIN TALK blocks; join the parts with +")


def rejected_escape(raw: str) -> tuple[int, str] | None:
    """Where in ``raw`` (a double-quoted literal, quotes included) the first escape Rhai
    rejects starts, and the escape as written; None when Rhai reads them all."""
    i = 1
    while i < len(raw) - 1:
        if raw[i] != "\\":
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in _PLAIN_ESCAPES:
            i += 2
        elif nxt in CODE_ESCAPES and code_escape(raw, i) is not None:
            i += 2 + CODE_ESCAPES[nxt]
        else:
            return i, raw[i : _escape_end(raw, i, CODE_ESCAPES.get(nxt, 0))]
    return None


def _escape_end(raw: str, at: int, width: int) -> int:
    """Where a rejected escape ends as Rhai quotes it: at the first character that is not a
    hex digit, that character included."""
    last = min(at + 2 + width, len(raw) - 1)
    end = at + 2
    while end < last and raw[end] in _HEX:
        end += 1
    return end + 1 if end < last else end


def _escape(label: str, line: SourceLine, token: Token, raw: str) -> Iterator[Finding]:
    if token.quote != '"':
        return
    found = rejected_escape(raw)
    if found is not None:
        at, escape = found
        yield fails(label, line, token.col + at, token.col + at + len(escape),
                    f"Rhai rejects the escape {escape} in a string (it knows {_KNOWN}); "
                    f"write \\\\ for a backslash")


def _single_quoted(label: str, line: SourceLine, token: Token) -> Iterator[Finding]:
    text = "".join(p for p in token.parts if isinstance(p, str))
    if len(text) != 1 or len(token.parts) != 1:
        yield fails(label, line, token.col, token.end_col,
                    "Rhai reads '…' as one character, not as text; use double quotes")
    elif _argument(line, token):
        # A char joins text with + and equals the one-letter text, but no string function
        # takes one: UCASE('a') is "Function not found: UCASE (char)" there.
        yield Finding(Concern.VALUE, line.number, token.col, token.end_col,
                      f"{label} reads '{text}' as a character, not text, and its string "
                      f"functions reject one (Function not found: … (char)); use double "
                      f"quotes")


def _argument(line: SourceLine, token: Token) -> bool:
    """Does ``token`` follow ``(`` or ``,`` (an argument, as a rule)?"""
    at = next(i for i, t in enumerate(line.tokens) if t is token)
    before = line.tokens[at - 1] if at else None
    return before is not None and before.kind is Kind.OP and before.value in ("(", ",")


def curly_quote_findings(label: str, source: str) -> list[Finding]:
    """Curly quotes Talkbench reads as string delimiters (``TALK “Hi”``): Rhai's tokenizer
    does not, and stops at the first ("Unexpected '“'"). One finding per line."""
    if not any(q in source for q in "\u201c\u201d\u2018\u2019"):
        return []
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    found = []
    for number, (written, read) in enumerate(
            zip(text.split("\n"), straight_quotes(text).split("\n"), strict=True), start=1):
        if written != read:
            col = next(i for i, (a, b) in enumerate(zip(written, read)) if a != b) + 1
            found.append(Finding(Concern.TRANSLATION, number, col, col + 1,
                                 f"{label} fails to compile this: Rhai reads {written[col - 1]} "
                                 f"as a character, not a quote; use straight quotes"))
    return found
