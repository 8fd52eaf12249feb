"""Pygments lexer for General Bots BASIC, plus a per-line API for editor highlighting.

The lexer is an ``ExtendedRegexLexer`` (a ``RegexLexer`` whose state stack lives in a context
object) so that ``highlight_line_tokens`` can lex one line at a time and read back the state the
line ends in — the multi-line constructs (text blocks, TABLE blocks, open strings) become the
editor's per-block state. Keyword words come from ``interpreter.syntax.vocabulary``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from typing import ClassVar

from pygments.lexer import ExtendedRegexLexer, Future, LexerContext, bygroups, default, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from interpreter.syntax import vocabulary as vocab

# Line states shared with the editor (Qt stores one int per block).
STATE_NORMAL = 0
STATE_TEXT_BLOCK = 1  # inside BEGIN TALK / BEGIN SYSTEM PROMPT
STATE_TABLE_BLOCK = 2  # inside TABLE … END TABLE
STATE_STRING = 3  # inside a "…" string left open on an earlier line
STATE_BACKTICK = 4  # inside a `…` string left open on an earlier line

_STACKS: dict[int, tuple[str, ...]] = {
    STATE_NORMAL: ("root",),
    STATE_TEXT_BLOCK: ("root", "textblock"),
    STATE_TABLE_BLOCK: ("root", "tableblock"),
    STATE_STRING: ("root", "dqstring"),
    STATE_BACKTICK: ("root", "btstring"),
}
_STATE_OF_TOP = {"textblock": STATE_TEXT_BLOCK, "tableblock": STATE_TABLE_BLOCK,
                 "dqstring": STATE_STRING, "btstring": STATE_BACKTICK}

Span = tuple[int, int, _TokenType]

# ---------------------------------------------------------------------------------------------
# Word lists and the regexes built from them
# ---------------------------------------------------------------------------------------------

# The registry is written in parallel; until it exists (or if it is broken) the core names do.
_FALLBACK_BUILTINS: tuple[str, ...] = (
    "LEN", "LEFT", "RIGHT", "MID", "UCASE", "LCASE", "TRIM", "INSTR", "REPLACE", "SPLIT", "JOIN",
    "VAL", "STR", "INT", "ROUND", "ABS", "NOW", "TODAY", "UBOUND", "FORMAT", "FIRST", "LAST",
    "ISEMPTY", "IS_NUMERIC",
)


def _builtin_names() -> tuple[str, ...]:
    try:
        from interpreter.library.builtins.core import BUILTINS
        names = tuple(str(k) for k in BUILTINS)
    except Exception:  # noqa: BLE001 - a half-written registry must not break highlighting
        names = ()
    return names or _FALLBACK_BUILTINS


# Block words after which a statement is complete, so a following `'` starts a comment.
_CLOSED_WORDS = frozenset({
    "THEN", "ELSE", "ENDIF", "END", "NEXT", "EXIT", "DO", "LOOP", "WEND", "DEFAULT", "EACH",
    "SUB", "FUNCTION", "BEGIN", "TABLE", "BREAK",
}) & frozenset(vocab.BLOCK_WORDS)
_CONSTANTS = ("TRUE", "FALSE", "NULL")
# Blocks that END/EXIT name; `END IF 'note'` must leave a comment, not an operand.
_BLOCK_ENDS = ("IF", "SUB", "FUNCTION", "SELECT", "SWITCH", "WITH", "FOR", "WHILE", "DO", "ON",
               "TABLE", "TALK")
# PARAM accepts a few structural types on top of the HEAR ones.
_PARAM_EXTRA_TYPES = ("ARRAY", "LIST", "OBJECT", "MAP", "DATETIME")
# Column types and modifiers of TABLE blocks (raw SQL types appear as well).
_TABLE_TYPES = (
    "NUMBER", "INTEGER", "INT", "BIGINT", "SMALLINT", "SERIAL", "DOUBLE", "FLOAT", "REAL",
    "DECIMAL", "NUMERIC", "MONEY", "STRING", "TEXT", "VARCHAR", "CHAR", "DATE", "DATETIME",
    "TIMESTAMP", "TIMESTAMPTZ", "TIME", "BOOLEAN", "BOOL", "UUID", "JSON", "JSONB", "BLOB",
)
_TABLE_MODIFIERS = ("KEY", "PRIMARY", "UNIQUE", "DEFAULT", "NOT", "NULL", "REFERENCES",
                    "AUTOINCREMENT", "INDEX", "ON")

_SEP = r"(?:[ \t]+|_)"  # a multi-word keyword may be spelled with spaces or underscores
_IDENT = r"[^\W\d]\w*"
# A keyword word used as a variable (`case = …`, `list[0]`, `file.name`) is a name.
_NOT_VARIABLE = r"(?!\[|\.(?!\.)|[ \t]*=(?!=))"
_SQ_STRING = r"['‘’](?:[^'‘’\\\n]|\\.)*['‘’]"
# After a keyword, `'…'` is a string only if a plausible continuation follows it; otherwise
# `CLEAR TOOLS ' don't'` would turn a comment into a string.
_AFTER_ARG = r"(?=[ \t]*(?:$|[,)\]};:+\-*/&=<>]|(?:AS|AND|OR|INTO|WITH|THEN|TO)\b))"


def _trie_regex(phrases: Iterable[str]) -> str:
    """A regex matching any phrase, longest first, with words joined by spaces or underscores."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[""] = {}  # end-of-phrase marker
    return _trie_node(trie)


def _trie_node(node: dict[str, dict]) -> str:
    branches = []
    for word in sorted((w for w in node if w), key=lambda w: (-len(w), w)):
        child = node[word]
        tail = _trie_node({w: c for w, c in child.items() if w})
        if not tail:
            branches.append(re.escape(word) + r"\b")
        elif "" in child:
            branches.append(f"{re.escape(word)}(?:{_SEP}{tail})?" + r"\b")
        else:
            branches.append(f"{re.escape(word)}{_SEP}{tail}")
    return "(?:" + "|".join(branches) + ")" if branches else ""




def _words_regex(items: Iterable[str], suffix: str = r"\b") -> words:
    return words(sorted(set(items), key=lambda w: (-len(w), w)), suffix=suffix)


def _builtin_phrases() -> list[str]:
    # `IS_NUMERIC` and `IS NUMERIC` are one name, like keyword phrases.
    return [name.replace("_", " ") for name in _builtin_names()]


def _keyword_phrases() -> list[str]:
    closed_and_constants = _CLOSED_WORDS | set(_CONSTANTS)
    phrases = set(vocab.STATEMENT_PHRASES) | set(vocab.EXPRESSION_PHRASES)
    return sorted(phrases | (set(vocab.BLOCK_WORDS) - closed_and_constants))


_HEAR_TYPES_RE = "(?:" + "|".join(
    sorted(set(vocab.HEAR_TYPES) | set(_PARAM_EXTRA_TYPES), key=lambda w: (-len(w), w))
) + r")\b"
_OPERATOR_WORDS = tuple(w for w in vocab.OPERATOR_WORDS if w not in _CONSTANTS)

# ---------------------------------------------------------------------------------------------
# The lexer
# ---------------------------------------------------------------------------------------------


def _interpolated(token: _TokenType, stop: str) -> list:
    """Rules for text with `${expr}` interpolation; `stop` lists characters handled elsewhere."""
    return [
        (r"\$\{[^}\n" + stop + r"]*\}", String.Interpol),
        (r"[^$\n" + stop + r"]+", token),
        (r"\$", token),
    ]


class _RuleMatch:
    """A rule's ``match``, its regex compiled the first time a line tries the rule.

    Pygments compiles all ~70 regexes (the keyword tries are large) when the lexer is first
    made, 30-50 ms before the IDE's first lines could be coloured; the first screen tries a
    few. After ``EAGER_AFTER_LINES`` lines ``compile_rules`` puts every compiled ``match`` in
    place of these (the rest take ~2 ms), so lexing a file pays no indirection."""

    __slots__ = ("_flags", "_match", "_pattern")

    def __init__(self, pattern: str | Future, flags: int) -> None:
        self._pattern, self._flags = pattern, flags
        self._match: Callable[..., re.Match[str] | None] | None = None

    def compiled(self) -> Callable[..., re.Match[str] | None]:
        if self._match is None:
            pattern = self._pattern
            self._match = re.compile(
                pattern.get() if isinstance(pattern, Future) else pattern, self._flags).match
        return self._match

    def __call__(self, text: str, pos: int = 0,
                 end: int = sys.maxsize) -> re.Match[str] | None:
        if pos >= end or pos >= len(text):
            # Pygments tries every rule once more at the end of the text: none matches
            # there (a test checks each), so the first line compiles only what it uses.
            return None
        return self.compiled()(text, pos, end)


class _Trie(Future):
    """A rule matching the longest of some phrases (words joined by spaces or underscores),
    then ``suffix``. Its regex is one alternative per first word, so the alternatives of
    one first letter match at a position starting with that letter and no others do
    (the phrases are ASCII): ``_TrieMatch`` compiles them per letter, when a line first
    needs that letter. The keyword tries are the largest regexes of the lexer (~10 ms to
    compile at once); the first lines need a few letters. ``needs``: a character the rule
    never matches without, further on the line (the builtins' opening bracket)."""

    def __init__(self, phrases: Callable[[], Iterable[str]], suffix: str,
                 needs: str = "") -> None:
        self._phrases = phrases
        self._suffix = suffix
        self.needs = needs

    def get(self) -> str:
        """The whole rule's regex (the phrases of every letter)."""
        return _trie_regex(self._phrases()) + self._suffix

    def by_first_letter(self) -> dict[str, str]:
        """The rule's regex for each first letter (upper case) of its phrases."""
        groups: dict[str, list[str]] = {}
        for phrase in self._phrases():
            if not phrase.isascii():  # a non-ASCII letter may match several under IGNORECASE
                raise ValueError(f"{phrase!r}: trie rules need ASCII phrases")
            groups.setdefault(phrase[0].upper(), []).append(phrase)
        return {letter: _trie_regex(group) + self._suffix for letter, group in groups.items()}


def _no_match(_text: str, _pos: int = 0, _end: int = sys.maxsize) -> None:
    return None


class _TrieMatch:
    """A ``_Trie`` rule's ``match``: by the character at the position, the regex of the
    phrases starting with it (compiled when first needed), or none; a non-ASCII character
    uses the whole rule's regex (IGNORECASE folds some onto ASCII letters, the Kelvin sign
    onto K)."""

    __slots__ = ("_by_char", "_flags", "_letters", "_needs", "_trie")

    def __init__(self, trie: _Trie, flags: int) -> None:
        self._trie, self._flags, self._needs = trie, flags, trie.needs
        self._letters: dict[str, str] | None = None
        self._by_char: dict[str, Callable[..., re.Match[str] | None]] = {}

    def __call__(self, text: str, pos: int = 0,
                 end: int = sys.maxsize) -> re.Match[str] | None:
        if pos >= end or pos >= len(text):
            return None
        if self._needs and text.find(self._needs, pos, end) < 0:
            return None
        char = text[pos]
        match = self._by_char.get(char)
        if match is None:
            match = self._by_char[char] = self._match_for(char)
        return match(text, pos, end)

    def _match_for(self, char: str) -> Callable[..., re.Match[str] | None]:
        if not char.isascii():
            return re.compile(self._trie.get(), self._flags).match
        if self._letters is None:
            self._letters = self._trie.by_first_letter()
        pattern = self._letters.get(char.upper())
        if pattern is None:
            return _no_match
        same = self._by_char.get(char.swapcase())  # `t` and `T` share one compiled regex
        return same if same is not None else re.compile(pattern, self._flags).match


class GBasicLexer(ExtendedRegexLexer):
    """Lexer for General Bots BASIC dialogs (``.bas``), both keyword spellings."""

    name = "General Bots BASIC"
    aliases: ClassVar[list[str]] = ["gbasic", "gbdialog", "generalbots"]
    filenames: ClassVar[list[str]] = ["*.bas", "*.gbdialog"]
    mimetypes: ClassVar[list[str]] = ["text/x-gbasic"]
    flags = re.IGNORECASE | re.MULTILINE

    tokens: ClassVar[dict[str, list]] = {
        "root": [
            # Line-start forms first: they look at the whole line.
            (r"^([ \t]*)((?://|#(?!\{)).*)$", bygroups(Whitespace, Comment.Single)),
            (r"^([ \t]*)(REM(?![ \t]*=(?!=))(?:[ \t].*)?)$", bygroups(Whitespace, Comment.Single)),
            (r"^([ \t]*)(TABLE)([ \t]+)(" + _IDENT + r")(?![ \t]*(?:=|\.|\[))",
             bygroups(Whitespace, Keyword, Whitespace, Name.Class), "tablehead"),
            # Keywords are not reserved: `word = …` at statement start is an assignment.
            (r"^([ \t]*)(" + _IDENT + r")([ \t]*)(=)(?!=)",
             bygroups(Whitespace, Name.Variable, Whitespace, Operator), "operand"),
            (r"[^\S\n]+", Whitespace),
            (r"\n", Whitespace),
            # Here a statement is complete (or not begun), so a quote starts a comment.
            (r"['‘’].*", Comment.Single),
            (r"[\"“”]", String.Double, "dqstring"),
            (r"`", String.Backtick, "btstring"),
            (r"(BEGIN)([ \t]+)(TALK|SYSTEM[ \t]+PROMPT)\b",
             bygroups(Keyword, Whitespace, Keyword), "blockhead"),
            (r"(END|EXIT)([ \t]+)(" + "|".join(_BLOCK_ENDS) + r")\b",
             bygroups(Keyword, Whitespace, Keyword)),
            (r"(FOR)([ \t]+)(EACH)([ \t]+)(" + _IDENT + ")",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Name.Variable)),
            (r"(FOR)([ \t]+)(" + _IDENT + r")(?=[ \t]*=)",
             bygroups(Keyword, Whitespace, Name.Variable)),
            (r"(HEAR|PARAM)([ \t]+)(" + _IDENT + r")(?:([ \t]+)(AS)([ \t]+)(" + _HEAR_TYPES_RE
             + "))?" + r"(?![ \t]*=(?!=))",
             bygroups(Keyword, Whitespace, Name.Variable, Whitespace, Operator.Word,
                      Whitespace, Keyword.Type)),
            # NEXT IN QUEUE is a keyword, not NEXT closing a FOR over a variable `IN`.
            (r"NEXT" + _SEP + "IN" + _SEP + r"QUEUE\b" + _NOT_VARIABLE, Keyword, "kwoperand"),
            (r"(NEXT)([ \t]+)(" + _IDENT + ")", bygroups(Keyword, Whitespace, Name.Variable)),
            (r"(SUB|FUNCTION|CALL)([ \t]+)(" + _IDENT + ")",
             bygroups(Keyword, Whitespace, Name.Function)),
            (r"\d+\.\d+", Number.Float),
            (r"\d+", Number.Integer),
            (r"(\?\.|\.)(\w+)", bygroups(Punctuation, Name.Attribute)),
            (_words_regex(_CONSTANTS, r"\b" + _NOT_VARIABLE), Keyword.Constant),
            (_Trie(_builtin_phrases, r"(?=[ \t]*\()", needs="("), Name.Builtin),
            (_words_regex(_CLOSED_WORDS, r"\b" + _NOT_VARIABLE), Keyword),
            (_Trie(_keyword_phrases, _NOT_VARIABLE), Keyword, "kwoperand"),
            (_words_regex(_OPERATOR_WORDS, r"\b" + _NOT_VARIABLE), Operator.Word, "operand"),
            (_IDENT, Name),
            (r"<>|<=|>=|==|!=|&&|\|\||\?\?|[-+*/\\^&=<>!]", Operator, "operand"),
            (r"#\{|[(\[{,:]", Punctuation, "operand"),
            (r"[)\]};.]", Punctuation),
        ],
        # Where an operand is expected a quote starts a string (`x = 'a'`, `f('a', 'b')`).
        "operand": [
            (r"[^\S\n]+", Whitespace),
            (_SQ_STRING, String.Single, "#pop"),
            default("#pop"),
        ],
        # Right after a keyword the string must also look like an argument (see _AFTER_ARG).
        "kwoperand": [
            (r"[^\S\n]+", Whitespace),
            (_SQ_STRING + _AFTER_ARG, String.Single, "#pop"),
            default("#pop"),
        ],
        "dqstring": [
            (r'\\[ntr\\"]|""', String.Escape),
            (r"\\", String.Double),
            (r"[\"“”]", String.Double, "#pop"),
            (r"\n", String.Double),
            *_interpolated(String.Double, "\"“”\\\\"),
        ],
        # Rhai's `…` string: no escapes but a doubled backtick, over lines, ${expr} evaluated.
        "btstring": [
            (r"``", String.Escape),
            (r"`", String.Backtick, "#pop"),
            (r"\n", String.Backtick),
            *_interpolated(String.Backtick, "`"),
        ],
        # The rest of a BEGIN TALK / BEGIN SYSTEM PROMPT line; the body starts on the next.
        "blockhead": [
            (r"[^\S\n]+", Whitespace),
            (r"['‘’].*", Comment.Single),
            (r"\n", Whitespace, ("#pop", "textblock")),
            (r"[^\s'‘’]+", Text),
        ],
        "textblock": [
            (r"^([ \t]*)(END)([ \t]+)(TALK|SYSTEM[ \t]+PROMPT)\b",
             bygroups(Whitespace, Keyword, Whitespace, Keyword), "#pop"),
            (r"\n", String),
            *_interpolated(String, ""),
        ],
        "tablehead": [
            (r"[^\S\n]+", Whitespace),
            (r"['‘’].*", Comment.Single),
            (r"\n", Whitespace, ("#pop", "tableblock")),
            (r"ON\b", Keyword),
            (_IDENT, Name),
            (r"\"[^\"\n]*\"?", String.Double),
            (r"[^\s\w'‘’\"]+|\d+", Punctuation),
        ],
        "tableblock": [
            (r"^([ \t]*)(END)([ \t]+)(TABLE)\b",
             bygroups(Whitespace, Keyword, Whitespace, Keyword), "#pop"),
            (r"^([ \t]*)((?:['‘’]|//|#|REM(?:[ \t]|$)).*)$",
             bygroups(Whitespace, Comment.Single)),
            (r"^([ \t]*)(" + _IDENT + ")", bygroups(Whitespace, Name.Attribute)),
            (r"[^\S\n]+", Whitespace),
            (r"\n", Whitespace),
            (r"['‘’].*", Comment.Single),
            (r"AS\b", Operator.Word),
            (_words_regex(_TABLE_TYPES), Keyword.Type),
            (_words_regex(_TABLE_MODIFIERS), Keyword),
            (r"\d+(?:\.\d+)?", Number),
            (r"\"[^\"\n]*\"?", String.Double),
            (_IDENT, Name),
            (r"[^\s\w'‘’\"]", Punctuation),
        ],
    }

    @classmethod
    def _process_regex(cls, regex: str | Future, rflags: int,
                       state: str) -> _RuleMatch | _TrieMatch:
        """Each rule compiles its regex when first tried (see ``_RuleMatch``, ``_TrieMatch``)."""
        return _TrieMatch(regex, rflags) if isinstance(regex, _Trie) else _RuleMatch(regex, rflags)

    def analyse_text(text: str) -> float:
        """Claim ``.bas`` files that use General Bots keywords (QBasic owns ``*.bas`` too)."""
        markers = r"^\s*(TALK|HEAR|SET[_ ]BOT[_ ]MEMORY|GET[_ ]BOT[_ ]MEMORY|BEGIN TALK)\b"
        return 0.5 if re.search(markers, text, re.IGNORECASE | re.MULTILINE) else 0.0


# ---------------------------------------------------------------------------------------------
# Per-line API for the editor
# ---------------------------------------------------------------------------------------------

_LEXER: GBasicLexer | None = None
# Lines lexed with rules compiled on demand before all are compiled (a screenful and more).
EAGER_AFTER_LINES = 100
_lines_lexed = 0


def _lexer() -> GBasicLexer:
    global _LEXER  # one compiled lexer is enough; building it compiles every regex
    if _LEXER is None:
        _LEXER = GBasicLexer()
    return _LEXER


def compile_rules() -> None:
    """Compile every rule's regex now and drop the per-rule indirection."""
    global _lines_lexed
    _lines_lexed = EAGER_AFTER_LINES
    for rules in _lexer()._tokens.values():
        for i, (match, action, new_state) in enumerate(rules):
            if isinstance(match, _RuleMatch):
                rules[i] = (match.compiled(), action, new_state)


def highlight_line_tokens(line: str, state: int) -> tuple[list[Span], int]:
    """Lex one line from an incoming line state; return (start, length, token) spans and the
    outgoing state. Offsets are Python characters; an unknown state (Qt's -1) counts as 0."""
    global _lines_lexed
    if _lines_lexed < EAGER_AFTER_LINES:
        _lines_lexed += 1
        if _lines_lexed == EAGER_AFTER_LINES:
            compile_rules()
    ctx = LexerContext(line + "\n", 0, list(_STACKS.get(state, _STACKS[STATE_NORMAL])))
    spans: list[Span] = []
    # Consume every token, including the final newline: its rule may switch state.
    for pos, token, value in _lexer().get_tokens_unprocessed(context=ctx):
        end = min(pos + len(value), len(line))
        if end > pos and token not in Whitespace:
            _append_span(spans, pos, end - pos, token)
    return spans, _STATE_OF_TOP.get(ctx.stack[-1], STATE_NORMAL)


def _append_span(spans: list[Span], start: int, length: int, token: _TokenType) -> None:
    # Merge adjacent pieces of one kind (`"`, text, `"`) so the editor applies fewer formats.
    if spans and spans[-1][2] is token and spans[-1][0] + spans[-1][1] == start:
        spans[-1] = (spans[-1][0], spans[-1][1] + length, token)
    else:
        spans.append((start, length, token))


_NON_BMP = re.compile("[\U00010000-\U0010ffff]")


def utf16_offsets(line: str) -> list[int]:
    """Map each Python index of ``line`` (0..len, end included) to its UTF-16 index."""
    if line.isascii() or not _NON_BMP.search(line):
        return list(range(len(line) + 1))
    offsets = [0] * (len(line) + 1)
    unit = 0
    for i, ch in enumerate(line):
        offsets[i] = unit
        unit += 2 if ord(ch) > 0xFFFF else 1
    offsets[len(line)] = unit
    return offsets
