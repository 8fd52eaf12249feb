"""Turns source text into tokens, one logical line per statement.

Physical lines are joined while a string or a bracket is open (multi-line arrays and
objects are common in real dialogs). Raw-text blocks (BEGIN TALK, BEGIN SYSTEM PROMPT,
TABLE) become one TEXTBLOCK token each, because their bodies are not statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import cast

from ..errors import Diagnostic, Severity
from .vocabulary import EXPRESSION_PHRASES, STATEMENT_PHRASES


class Kind(Enum):
    IDENT = "identifier"
    NUMBER = "number"
    STRING = "string"
    OP = "operator"
    NEWLINE = "end of line"
    TEXTBLOCK = "text block"
    EOF = "end of file"


@dataclass(frozen=True, slots=True)
class Interpolation:
    """``${expr}`` inside a string: the expression's source and where it starts."""

    source: str
    line: int
    col: int


@dataclass(slots=True)
class Token:
    kind: Kind
    value: object  # str for most; list of str|Interpolation for STRING; TextBlock for blocks
    line: int
    col: int
    end_col: int = 0
    quote: str = ""  # the quote char of a STRING token
    # The value in capitals ("" when not a str): kept, as the parser and the compatibility
    # rules ask it of most tokens several times (nothing changes a token's value).
    upper: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.upper = self.value.upper() if isinstance(self.value, str) else ""

    @property
    def text(self) -> str:
        """The value of an IDENT or OP token: its text as written."""
        return cast(str, self.value)

    @property
    def parts(self) -> list[str | Interpolation]:
        """The value of a STRING token: its text pieces and ``${…}`` interpolations."""
        return cast("list[str | Interpolation]", self.value)

    def describe(self) -> str:
        if self.kind is Kind.IDENT:
            return f"'{self.value}'"
        if self.kind is Kind.OP:
            return f"'{self.value}'"
        if self.kind is Kind.NUMBER:
            return f"number {self.value}"
        return self.kind.value


@dataclass(slots=True)
class TextBlock:
    """A raw block: kind is TALK, MAIL, SYSTEM PROMPT or TABLE; header holds what followed."""

    kind: str
    header: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, raw text)
    end_line: int = 0


CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})

_OPERATORS = (
    "#{", "**", "<<", ">>", "<>", "<=", ">=", "==", "!=", "&&", "||", "??", "?.",
    "+", "-", "*", "/", "\\", "^", "&", "|", "=", "<", ">", "(", ")", "[", "]", "{", "}",
    ",", ".", ":", "!", "%", "?",
)
_OPENERS = {"(", "[", "{", "#{"}
_CLOSERS = {")", "]", "}"}
MAX_NUMBER_DIGITS = 308  # a float's range: 1.8e308
_IDENT_RE = re.compile(r"[^\W\d]\w*")
# Rhai's number tokens (rhai src/tokenizer.rs, ``get_next_token_inner``): digits, a fraction,
# an exponent (``1e15``, ``2.5E-3``: a float); ``1.`` before anything but a name or a
# second dot is the float 1.0. (``.5`` is no Rhai number; Talkbench reads it anyway.)
_NUMBER_RE = re.compile(
    r"\d+\.(?![\w.])|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?(?![\w])")
I64_MAX = 2**63 - 1
_GLUING_WORDS = frozenset(["IF", "ELSEIF", "WHILE", "RETURN", "AND", "OR", "IN"])
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}
# Rhai's code-point escapes and their digit counts (rhai src/tokenizer.rs
# parse_string_literal): \xHH, \uHHHH, \UHHHHHHHH.
CODE_ESCAPES = {"x": 2, "u": 4, "U": 8}


def code_escape(text: str, at: int) -> str | None:
    """The character of the escape ``\\x…``/``\\u…``/``\\U…`` at ``text[at]`` (its
    backslash), or None when it is not one Rhai accepts (a wrong digit count, a surrogate)."""
    width = CODE_ESCAPES.get(text[at + 1 : at + 2])
    digits = text[at + 2 : at + 2 + width] if width else ""
    if not width or len(digits) != width or any(c not in _HEX for c in digits):
        return None
    code = int(digits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


_HEX = frozenset("0123456789abcdefABCDEF")

_BLOCK_START = re.compile(
    r"\s*(?:BEGIN[ \t_]+(TALK|MAIL|SYSTEM[ \t_]+PROMPT)\b(.*)|(TABLE)[ \t]+([\w.\"'-]+.*))$",
    re.IGNORECASE,
)
_BLOCK_END = {
    "TALK": re.compile(r"\s*END[ \t_]+TALK\s*;?\s*$", re.IGNORECASE),
    "MAIL": re.compile(r"\s*END[ \t_]+MAIL\s*;?\s*$", re.IGNORECASE),
    "SYSTEM PROMPT": re.compile(r"\s*END[ \t_]+SYSTEM[ \t_]+PROMPT\s*;?\s*$", re.IGNORECASE),
    "TABLE": re.compile(r"\s*END[ \t_]+TABLE\s*;?\s*$", re.IGNORECASE),
}
_REM_RE = re.compile(r"REM(?:\s|$)", re.IGNORECASE)

# After these words an operand follows, so a ``'`` there opens a string, not a comment.
_OPERAND_WORDS = frozenset(
    w for p in STATEMENT_PHRASES + EXPRESSION_PHRASES for w in p.split()
) | frozenset(
    ["RETURN", "THEN", "ELSE", "AND", "OR", "NOT", "IN", "TO", "STEP", "AS", "CASE", "IS", "LIKE",
     "CONTAINS", "MOD", "WHILE", "UNTIL", "IF", "DEFAULT", "INTO", "WITH", "WHERE", "BY", "OF",
     "CALL"]
)


def normalized(source: str) -> str:
    """``source`` as the lexer reads it: curly quotes that delimit strings straight, every
    line end a \\n."""
    return straight_quotes(source.replace("\r\n", "\n").replace("\r", "\n"))


_CURLY = frozenset("\u201c\u201d\u2018\u2019")
_RAW_BLOCK_START = re.compile(r"\s*BEGIN[ \t_]+(TALK|MAIL|SYSTEM[ \t_]+PROMPT)\b", re.IGNORECASE)
_RAW_BLOCK_END = re.compile(r"\s*END[ \t_]+(TALK|MAIL|SYSTEM[ \t_]+PROMPT)\b", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"\s*(?:'|//|#|REM\b)", re.IGNORECASE)


def straight_quotes(text: str) -> str:
    """``text`` (``\\n`` line ends) with the curly quotes that delimit strings made
    straight. Inside a string opened by a straight ``"``, in comment lines and in the text
    of BEGIN TALK/MAIL/SYSTEM PROMPT blocks they stay characters of the text, as General Bots
    reads them (``"It’s “fine”"`` prints as written)."""
    if not _CURLY.intersection(text):
        return text
    lines = text.split("\n")
    in_block = False
    for k, line in enumerate(lines):
        if in_block:
            in_block = not _RAW_BLOCK_END.match(line)
        elif _RAW_BLOCK_START.match(line):
            in_block = True
        elif _CURLY.intersection(line) and not _COMMENT_LINE.match(line):
            lines[k] = _straight_line(line)
    return "\n".join(lines)


def _straight_line(line: str) -> str:
    out = list(line)
    in_straight = in_curly = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_straight:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_straight = line.startswith('""', i)
                i += 1 if in_straight else 0
        elif ch in _CURLY:
            out[i] = ch.translate(CURLY_QUOTES)
            in_curly = (not in_curly) if out[i] == '"' else in_curly
        elif ch == '"':
            in_straight, in_curly = not in_curly, False
        i += 1
    return "".join(out)


class Lexer:
    """Produces the token list for one source file, collecting errors as diagnostics."""

    def __init__(self, source: str, file: str = "<script>", first_line: int = 1):
        self.text = normalized(source)
        self.file = file
        self.pos = 0
        self.line = first_line  # > 1 when lexing a piece of a dialog (``syntax.pieces``)
        # Set when lexing read to the end of the text in a way the text after it would
        # change (a string, raw block or bracket still open): a piece lexed on its own then
        # differs from the same lines lexed in their dialog.
        self.reached_end = False
        self.line_start = 0
        self.depth = 0
        self.openers: list[Token] = []  # open brackets, for "never closed" errors
        self.tokens: list[Token] = []
        self.diagnostics: list[Diagnostic] = []

    # ------------------------------------------------------------ helpers

    @property
    def col(self) -> int:
        return self.pos - self.line_start + 1

    def error(self, message: str, line: int, col: int, end_col: int = 0) -> None:
        self.diagnostics.append(
            Diagnostic(self.file, line, col, Severity.ERROR, message, end_col)
        )

    def at_statement_start(self) -> bool:
        return not self.tokens or self.tokens[-1].kind in (Kind.NEWLINE, Kind.TEXTBLOCK)

    def emit(self, kind: Kind, value: object, line: int, col: int, end_col: int = 0) -> Token:
        tok = Token(kind, value, line, col, end_col or col + 1)
        self.tokens.append(tok)
        return tok

    def newline(self) -> None:
        if self.tokens and self.tokens[-1].kind is not Kind.NEWLINE:
            self.emit(Kind.NEWLINE, "\n", self.line, self.col)

    def advance_line(self) -> None:
        self.pos += 1
        self.line += 1
        self.line_start = self.pos

    def rest_of_line(self) -> str:
        end = self.text.find("\n", self.pos)
        return self.text[self.pos : end if end >= 0 else len(self.text)]

    def skip_to_eol(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = end if end >= 0 else len(self.text)

    def operand_expected(self) -> bool:
        if not self.tokens:
            return False
        prev = self.tokens[-1]
        if prev.kind is Kind.OP:
            return prev.value not in _CLOSERS
        if prev.kind is Kind.IDENT:
            return prev.upper in _OPERAND_WORDS
        return False

    # ------------------------------------------------------------ main loop

    def tokenize(self) -> list[Token]:
        text = self.text
        n = len(text)
        while self.pos < n:
            ch = text[self.pos]
            if ch == "\n":
                if self.depth > 0 and not self.continues_next_line():
                    opener = self.openers[0]
                    self.error(f"'{opener.value}' is never closed (or a ',' is missing at "
                               f"the end of line {self.line})", opener.line, opener.col,
                               opener.end_col)
                    self.depth = 0
                    self.openers.clear()
                if self.depth == 0:
                    self.newline()
                self.advance_line()
                continue
            if ch in " \t\f\v\ufeff":
                self.pos += 1
                continue
            if self.depth == 0 and self.at_statement_start() and self.statement_prefix():
                continue
            if ch == '"' or (ch == "'" and self.operand_expected()):
                self.string(ch)
                continue
            if ch == "`":
                self.backtick_string()
                continue
            if ch == "'":
                self.skip_to_eol()
                continue
            if ch == ";" and self.depth == 0:
                self.newline()
                self.pos += 1
                continue
            if ch.isdigit() or (ch == "." and self.pos + 1 < n and text[self.pos + 1].isdigit()
                                and self.operand_expected()):
                self.number()
                continue
            m = _IDENT_RE.match(text, self.pos)
            if m:
                self.emit(Kind.IDENT, m.group(), self.line, self.col, self.col + len(m.group()))
                self.pos = m.end()
                continue
            self.operator()
        self.newline()
        self.emit(Kind.EOF, "", self.line, self.col)
        if self.depth > 0:
            self.reached_end = True
            opener = self.openers[0]
            self.error(f"'{opener.value}' is never closed", opener.line, opener.col,
                       opener.end_col)
        return self.tokens

    def continues_next_line(self) -> bool:
        """Inside brackets, does the next line continue this statement?

        Multi-line arrays, objects and calls end lines with an opener, a comma or an
        operator, or the next line closes a bracket. Anything else means a bracket was left
        open by mistake; stopping here keeps the rest of the file parseable.
        """
        last = self.tokens[-1] if self.tokens else None
        if last is not None and last.kind is Kind.OP and last.value not in _CLOSERS:
            return True
        m = re.compile(r"\n\s*(\S)").search(self.text, self.pos)
        self.reached_end |= m is None
        return m is not None and m.group(1) in ")]}."

    def statement_prefix(self) -> bool:
        """Comments and raw blocks, recognised only at the start of a statement."""
        rest = self.rest_of_line()
        if rest.startswith(("'", "//")) or _REM_RE.match(rest):
            self.skip_to_eol()
            return True
        if rest.startswith("#") and not rest.startswith("#{"):
            self.skip_to_eol()
            return True
        m = _BLOCK_START.match(rest)
        if m:
            if m.group(3) and not self.looks_like_table_header(m.group(4)):
                return False
            self.text_block(m)
            return True
        return False

    @staticmethod
    def looks_like_table_header(after: str) -> bool:
        # ``table = ...`` or ``TABLE.x`` is code; ``TABLE name [ON conn]`` opens a block.
        return re.fullmatch(r"\s*[\w.\"'-]+(\s+ON\s+\w+)?\s*;?\s*(?:'.*)?", after,
                            re.IGNORECASE) is not None

    def text_block(self, m: re.Match[str]) -> None:
        kind = "TABLE" if m.group(3) else " ".join(m.group(1).upper().split()).replace("_", " ")
        kind = "SYSTEM PROMPT" if kind.startswith("SYSTEM") else kind
        header = (m.group(4) if m.group(3) else m.group(2)).strip()
        block = TextBlock(kind, header)
        start_line, start_col = self.line, self.col + (len(m.group(0)) - len(m.group(0).lstrip()))
        self.skip_to_eol()
        end_re = _BLOCK_END[kind]
        while self.pos < len(self.text):
            self.advance_line()
            line_text = self.rest_of_line()
            if end_re.match(line_text):
                block.end_line = self.line
                self.skip_to_eol()
                break
            block.lines.append((self.line, line_text))
            self.skip_to_eol()
        tok = self.emit(Kind.TEXTBLOCK, block, start_line, start_col, start_col + 5)
        if not block.end_line:
            self.reached_end = True
            self.error(f"BEGIN {kind} has no matching END {kind}" if kind != "TABLE"
                       else "TABLE has no matching END TABLE", tok.line, tok.col)
        self.emit(Kind.NEWLINE, "\n", self.line, self.col)

    def number(self) -> None:
        m = _NUMBER_RE.match(self.text, self.pos)
        if not m:  # a lone "." handled as operator
            self.operator()
            return
        s = m.group()
        whole = s.partition(".")[0]
        if len(whole.lstrip("0")) > MAX_NUMBER_DIGITS:
            # Beyond any float (and beyond Python's int-from-text limit): General Bots
            # would read it as infinity.
            self.error(f"number too large ({len(whole)} digits; the largest number has "
                       f"{MAX_NUMBER_DIGITS})", self.line, self.col, self.col + len(s))
            value: int | float = 0
        else:
            value = self.number_value(s)
        self.emit(Kind.NUMBER, value, self.line, self.col, self.col + len(s))
        self.pos = m.end()

    def number_value(self, s: str) -> int | float:
        """Rhai reads digits as an i64, else (too large for one) as a float:
        ``9223372036854775808`` is 9.223372036854776e18. The tokenizer glues a ``-`` that
        follows an operator to the digits, so ``x = -9223372036854775808`` is i64::MIN (the
        parser folds the minus), while after a name (``TALK -9223…808``) it is a float."""
        if "." in s or "e" in s or "E" in s:
            return float(s)
        value = int(s)
        if value <= I64_MAX or (value == I64_MAX + 1 and self.minus_glues()):
            return value
        return float(value)

    def minus_glues(self) -> bool:
        """Whether Rhai reads the ``-`` before these digits as part of the number: after an
        operator or opener, or a word the converter makes a Rhai keyword (``if``, ``&&``...;
        rhai src/tokenizer.rs, ``Token::is_next_unary``), not after a name such as TALK."""
        toks = self.tokens
        if len(toks) < 2 or toks[-1].kind is not Kind.OP or toks[-1].value != "-":
            return False
        before = toks[-2]
        if before.kind is Kind.OP:
            return before.value not in _CLOSERS
        return before.kind is Kind.IDENT and before.upper in _GLUING_WORDS

    def operator(self) -> None:
        text = self.text
        for op in _OPERATORS:
            if text.startswith(op, self.pos):
                tok = self.emit(Kind.OP, op, self.line, self.col, self.col + len(op))
                if op in _OPENERS:
                    self.depth += 1
                    self.openers.append(tok)
                elif op in _CLOSERS and self.depth > 0:
                    self.depth -= 1
                    self.openers.pop()
                self.pos += len(op)
                return
        ch = text[self.pos]
        self.error(f"unexpected character {ch!r}", self.line, self.col, self.col + 1)
        self.pos += 1

    # ------------------------------------------------------------ strings

    def string(self, quote: str) -> None:
        """A quoted string with escapes, ``""`` doubling, newlines and ``${}`` parts."""
        text = self.text
        line, col = self.line, self.col
        self.pos += 1
        parts: list[str | Interpolation] = []
        buf: list[str] = []
        while not self.cut_off(quote, line, col):
            ch = text[self.pos]
            if ch == quote:
                if text.startswith(quote * 2, self.pos) and quote == '"':
                    buf.append('"')
                    self.pos += 2
                    continue
                self.pos += 1
                break
            if ch == "\\" and self.pos + 1 < len(text):
                nxt = text[self.pos + 1]
                if nxt in _ESCAPES:
                    buf.append(_ESCAPES[nxt])
                    self.pos += 2
                    continue
                decoded = code_escape(text, self.pos) if nxt in CODE_ESCAPES else None
                if decoded is not None:
                    buf.append(decoded)
                    self.pos += 2 + CODE_ESCAPES[nxt]
                    continue
                buf.append(ch)
                self.pos += 1
                continue
            if ch == "$" and text.startswith("${", self.pos):
                end = self.interpolation_end(self.pos + 2, quote)
                if end > 0:
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    parts.append(Interpolation(text[self.pos + 2 : end], self.line, self.col + 2))
                    self.pos = end + 1
                    continue
            if ch == "\n":
                buf.append(ch)
                self.advance_line()
                continue
            buf.append(ch)
            self.pos += 1
        if buf or not parts:
            parts.append("".join(buf))
        tok = self.emit(Kind.STRING, parts, line, col, self.col if self.line == line else col + 1)
        tok.quote = quote

    def cut_off(self, quote: str, line: int, col: int) -> bool:
        """Whether the text ends inside the string opened at ``line``, ``col`` (reported)."""
        if self.pos < len(self.text):
            return False
        self.reached_end = True
        self.error(f"string is never closed (missing {quote})", line, col, col + 1)
        return True

    def backtick_string(self) -> None:
        """Rhai's `…` string (tokenizer.rs, ``parse_string_literal`` with ``allow_interpolation``):
        no escapes but a doubled backtick, line breaks kept, ``${expr}`` evaluated."""
        text = self.text
        line, col = self.line, self.col
        self.pos += 1
        parts: list[str | Interpolation] = []
        buf: list[str] = []
        while not self.cut_off("`", line, col):
            ch = text[self.pos]
            if text.startswith("``", self.pos):
                buf.append("`")
                self.pos += 2
            elif ch == "`":
                self.pos += 1
                break
            elif text.startswith("${", self.pos):
                end = _interpolation_close(text, self.pos + 2)
                if end < 0:
                    self.reached_end = True
                    self.error("'${' in a `…` string is never closed with '}'", self.line,
                               self.col, self.col + 2)
                    self.pos = len(text)
                    break
                parts.append("".join(buf))
                buf = []
                source = text[self.pos + 2 : end]
                if source.strip():  # ${} is empty text in Rhai
                    parts.append(Interpolation(source, self.line, self.col + 2))
                if "\n" in source:  # an expression over lines: count them as advance_line
                    self.line += source.count("\n")
                    self.line_start = text.rfind("\n", 0, end) + 1
                self.pos = end + 1
            elif ch == "\n":
                buf.append(ch)
                self.advance_line()
            else:
                buf.append(ch)
                self.pos += 1
        parts = [p for p in [*parts, "".join(buf)] if p != ""] or [""]
        tok = self.emit(Kind.STRING, parts, line, col, self.col if self.line == line else col + 1)
        tok.quote = "`"

    def interpolation_end(self, start: int, quote: str) -> int:
        """Index of the ``}`` closing a ``${``, or -1 (then the text stays literal)."""
        depth = 0
        i = start
        text = self.text
        while i < len(text):
            c = text[i]
            if c == quote or c == "\n":
                return -1
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0:
                    return i if i > start else -1
                depth -= 1
            i += 1
        return -1


def _interpolation_close(text: str, start: int) -> int:
    """Index of the ``}`` closing a ``${`` of a `…` string, or -1: braces nest, and a string
    inside (``${"}"}``, ``${`x${y}`}``) is skipped whole."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _quoted_end(text, i + 1)
        elif c == "`":
            i = _backtick_end(text, i + 1)
        elif c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i
            depth -= 1
        if i < 0:
            return -1
        i += 1
    return -1


def _quoted_end(text: str, i: int) -> int:
    while i < len(text) and text[i] not in '"\n':
        i += 2 if text[i] == "\\" else 1
    return i if i < len(text) and text[i] == '"' else -1


def _backtick_end(text: str, i: int) -> int:
    while i < len(text):
        if text.startswith("``", i):
            i += 2
        elif text[i] == "`":
            return i
        elif text.startswith("${", i):
            close = _interpolation_close(text, i + 2)
            if close < 0:
                return -1
            i = close + 1
        else:
            i += 1
    return -1


def tokenize(source: str, file: str = "<script>") -> tuple[list[Token], list[Diagnostic]]:
    """Tokens of ``source`` and the lexical errors found."""
    lexer = Lexer(source, file)
    tokens = lexer.tokenize()
    return tokens, lexer.diagnostics


@dataclass(frozen=True)
class Chunk:
    """Whole lines of a dialog that lex on their own exactly as inside the dialog (see
    :mod:`interpreter.syntax.pieces`): the lexer reaches the line after them with nothing
    open, so the tokens after them do not depend on them but for their line numbers."""

    first_line: int
    text: str  # the lines as the lexer reads them, each with its \n (the last chunk's last
    # line may have none)
    tokens: tuple[Token, ...]  # ending with a NEWLINE (or empty); no EOF


@dataclass(frozen=True)
class Lexed:
    """A whole dialog lexed once, for every pass that reads its tokens (the parser and the
    compatibility rules' physical lines). Shared: nothing may change these tokens."""

    text: str  # the source as the lexer reads it (curly quotes straight, \n line ends)
    tokens: tuple[Token, ...]
    diagnostics: tuple[Diagnostic, ...]  # file "<script>"
    chunks: tuple[Chunk, ...] = ()  # the tokens (but the EOF) in pieces, for a parse by pieces
