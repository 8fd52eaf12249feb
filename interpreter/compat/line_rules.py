"""Converter defects visible in one line alone: its strings, words and operators.

``converter_rules.ConverterModel`` calls these for every line; they need no state of the
passes (which IF or SELECT is open), only how ``convert_if_then_syntax`` splits an
``IF … THEN`` header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..syntax.brackets import closing_bracket, opens_call, opens_condition
from ..syntax.lexer import Kind, Token
from .findings import Concern, Finding
from .multiword import pieces
from .source_lines import SourceLine
from .text_rewrites import rewritten_string

# convert_if_then_syntax leaves ``=`` alone in a line or condition holding any of these.
COMPOUND = ("==", "!=", "<=", ">=", "+=", "-=", "*=", "/=")
# preprocess_basic drops these lines (the engine registers them in its database instead).
# Operators whose compound assignment (x += 1) is Rhai's own.
COMPOUND_SIGNS = frozenset({"+", "-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>"})
DROPPED_PREFIXES = ("SET SCHEDULE", "WEBHOOK", "PARAM ", "DESCRIPTION ")
_IF_HEADER = re.compile(r"(ELSEIF|IF) ")
_ENDS_WITH_LLM = re.compile(r'llm "$', re.IGNORECASE)


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


_THEN = re.compile(r" THEN", re.IGNORECASE)


def shifted_condition(line: SourceLine, header: IfHeader) -> str | None:
    """The condition ``convert_if_then_syntax`` cuts out when it differs from the written
    one, "" when the cut falls inside a character (a Rust panic), None when they agree.

    It finds " THEN" in the upper-cased line and cuts the line itself at that BYTE offset:
    a letter whose capital is longer or shorter in UTF-8 ("ﬁ" becomes "FI", 3 bytes to 2)
    moves the cut."""
    trimmed = line.trimmed
    found = _THEN.search(trimmed)
    if found is None or trimmed.isascii():
        return None
    raw = trimmed.encode("utf-8", "surrogatepass")
    start = len(trimmed[: header.cond_start].encode("utf-8", "surrogatepass"))
    then = trimmed.upper().encode("utf-8", "surrogatepass").find(b" THEN")
    if then > len(raw):
        return ""
    try:
        cut = raw[start:then].decode("utf-8").strip()
    except UnicodeDecodeError:
        return ""
    return None if cut == trimmed[header.cond_start : found.start()].strip() else cut


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
        if token.kind is Kind.IDENT and token.upper == "NOT" and _not_compared(line, header, i):
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} reads NOT (…) here as a call of its function NOT on the "
                          f"group alone, and the operators after it apply to that result "
                          f"(BASIC's NOT takes the whole comparison); write !(…) around all "
                          f"of it")
            continue
        if token.kind is Kind.IDENT and token.upper == "NOT" and i + 1 < len(tokens) and \
                tokens[i + 1].kind is Kind.OP and tokens[i + 1].value in _BINARY_AFTER_NOT:
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} reads NOT here as a variable followed by "
                          f"'{tokens[i + 1].value}', so the run stops with \"Variable not "
                          f"found: NOT\"; write !(…)")
            continue
        if token.kind is Kind.IDENT:
            why = _word(line, header, i) if token.upper in _WORDS else None
        elif token.kind is Kind.OP and token.value == "<>" and not _spaced(line, token, None):
            why = "it turns <> into != only with a space on each side; write a <> b"
        elif token.kind is Kind.OP:
            why = _operator(tokens, i)
        elif token.kind is Kind.NUMBER and line.source_of(token).startswith("."):
            why = f"Rhai has no number that starts with '.'; write 0{line.source_of(token)}"
        if why:
            yield fails(label, line, token.col, token.end_col, why)
        elif token.value == "FIRST" and _first_swallows(tokens, i):
            yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                          f"{label} gives FIRST everything after it as its argument (its "
                          f"syntax is FIRST $expr$): FIRST(x) = 1 is the first word of "
                          f"\"x = 1\"'s value; write (FIRST(x)) = 1")


def _operator(tokens: Sequence[Token], index: int) -> str | None:
    """Operators no pass rewrites and Rhai's tokenizer rejects (rhai src/tokenizer.rs):
    ``\\`` is no Rhai symbol, and two signs written together are one token, ``--`` or
    ``++`` (reserved), not a sign before a signed value."""
    token = tokens[index]
    if token.value == "\\":
        return "Rhai has no \\ operator; a / b of two integers is already whole (of " \
               "floats: INT(a / b))"
    if token.value in ("-", "+") and index + 1 < len(tokens):
        after = tokens[index + 1]
        if after.kind is Kind.OP and after.value == token.value and after.col == token.end_col:
            return (f"Rhai reads {token.value}{token.value} as one reserved symbol, not two "
                    f"signs; put a space between them or write {token.value}(…)")
    return None


# The only words _word can object to: the others skip its tests (most of a check's words).
_WORDS = frozenset({"MOD", "CONTAINS", "LIKE", "NOT", "AND", "OR", "GET", "SET_BOT_MEMORY",
                    "GET_BOT_MEMORY", "LAST", "IS"})
# bot_memory.rs registers these two with register_fn alone, and no pass converts them.
MEMORY_FUNCTIONS = {"SET_BOT_MEMORY": 'SET_BOT_MEMORY("key", value)',
                     "GET_BOT_MEMORY": 'GET_BOT_MEMORY("key")'}


def _word(line: SourceLine, header: IfHeader | None, index: int) -> str | None:
    """Why the word at ``index`` (one of _WORDS) does not compile, or None."""
    tokens = line.tokens
    token = tokens[index]
    word = token.upper
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    called = after is not None and after.value == "(" and _operand_at(tokens, index)
    in_condition = header is not None and header.holds(line, token)
    if word == "LAST" and token.value == "LAST" and not called:
        # botbasic_core keywords/last.rs registers the syntax LAST ( $expr$ )
        return "its LAST syntax needs parentheses; write LAST(x)"
    if word in ("MOD", "AND", "OR", "CONTAINS", "LIKE") and _operand_at(tokens, index) \
            and not called:
        return None  # where a value starts the word is a variable's name (Mod = 2, TALK Or)
    if word == "MOD" and not called:
        return "Rhai has no MOD operator; write a % b"
    if word == "IS" and index > 0 and after is not None and after.upper in ("NULL", "NOT"):
        negate = after.upper == "NOT"
        return (f"Rhai has no IS {'NOT ' if negate else ''}NULL operator (no pass rewrites "
                f"it); write x {'!=' if negate else '=='} ()")
    if word in ("CONTAINS", "LIKE") and index > 0 and not called:
        fix = "; write INSTR(text, part) > 0" if word == "CONTAINS" else ""
        return f"Rhai has no {word} operator{fix}"
    if word == "NOT" and index > 0 and tokens[index - 1].upper == "IS":
        return None  # IS NOT NULL: reported at IS
    if word == "NOT" and not (in_condition and _spaced(line, token, "NOT IN")) \
            and not _not_call(tokens, index):
        return None if called else "Rhai has no NOT; write !x"
    if word in ("AND", "OR") and not (in_condition and _spaced(line, token, None)):
        symbol = "&&" if word == "AND" else "||"
        return (f"it turns {word} into {symbol} only in an IF condition written {word} or "
                f"{word.lower()}; write {symbol}")
    if word in MEMORY_FUNCTIONS and not called:
        return (f"{word} is a function there, called with parentheses (only SET BOT MEMORY "
                f"written with spaces is converted); write {MEMORY_FUNCTIONS[word]}")
    if word == "GET" and index > 0 and [t.upper for t in tokens[index + 1 : index + 3]] == [
            "BOT", "MEMORY"]:
        return "it converts GET BOT MEMORY only at the start of a line; write " \
               "GET_BOT_MEMORY(\"key\")"
    return None


def memory_arguments(line: SourceLine) -> str | None:
    """Why a ``SET BOT MEMORY`` line is not converted, or None. convert_multiword_keywords
    rewrites it into ``SET_BOT_MEMORY(key, value)`` only when parse_parameters splits the
    rest of the line into exactly two pieces, and it splits at every space and comma outside
    quotes (brackets are not seen). Left as it is, the line meets Rhai's one ``SET`` syntax,
    the last registered: botbasic_ai model_routing.rs's SET MODEL ROUTING."""
    found = pieces("SET BOT MEMORY", line.trimmed)
    if found is None or len(found) == 2:
        return None
    shown = ", ".join(quote(p) for p in found[:5]) + (", …" if len(found) > 5 else "")
    return (f"it converts SET BOT MEMORY only when the rest of the line splits at spaces and "
            f"commas into two pieces, key and value; this line gives {len(found)} ({shown}); "
            f"put the key and the value in variables first (v = …, then SET BOT MEMORY k, v)")


# What may follow ``NOT (…)`` for Rhai's call NOT(…) to mean BASIC's NOT of the group: the
# end or an operator that binds less than a comparison (after ``NOT (a) = b`` Rhai compares
# NOT(a) with b, BASIC negates a = b).
_AFTER_NOT_CALL = frozenset({")", ",", "&&", "||", "AND", "OR", "THEN"})
# Words after which a value starts (so ``MOD (`` there is a call, not the infix MOD).
_LEADING_WORDS = frozenset({"AND", "OR", "NOT", "THEN", "ELSE", "RETURN", "TO", "STEP", "IN",
                            "IS", "LIKE", "CONTAINS", "MOD", "WHILE", "UNTIL", "IF", "ELSEIF",
                            "CASE", "TALK", "PRINT", "LET"})


def _operand_at(tokens: Sequence[Token], index: int) -> bool:
    """Does a value start at ``index``: no value ends just before it (``x MOD (2)`` is the
    infix MOD, ``y = MOD(7, 2)`` a call)?"""
    if index == 0:
        return True
    prev = tokens[index - 1]
    if prev.kind is Kind.OP:
        return prev.value not in (")", "]", "}")
    return prev.kind is Kind.IDENT and prev.upper in _LEADING_WORDS


# Operators Rhai reads as binary after the name NOT (``NOT -x`` is NOT minus x).
_BINARY_AFTER_NOT = frozenset({"-", "+", "*", "/", "%", "**", "<", ">", "<=", ">=", "=", "==",
                               "<>", "!=", "&", "^"})


def _not_compared(line: SourceLine, header: IfHeader | None, index: int) -> bool:
    """``NOT (a) > b`` where a value starts: Rhai's call NOT(a), then the comparison."""
    tokens = line.tokens
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    in_condition = header is not None and header.holds(line, tokens[index])
    return (after is not None and after.value == "(" and _operand_at(tokens, index)
            and not _not_call(tokens, index)
            and not (in_condition and _spaced(line, tokens[index], "NOT IN")))


def _not_call(tokens: Sequence[Token], index: int) -> bool:
    """``NOT (…)``: Rhai calls the engine's function NOT(bool) (botbasic_core
    string_functions.rs ``not_operator``), which compiles and means what BASIC means."""
    close = closing_bracket(tokens, index + 1) if opens_call(tokens, index) else None
    if close is None:
        return False
    after = tokens[close + 1] if close + 1 < len(tokens) else None
    if after is None:
        return True
    if after.kind is Kind.IDENT:
        return after.upper in _AFTER_NOT_CALL
    return after.kind is Kind.OP and after.value in _AFTER_NOT_CALL


# Tokens after FIRST's parentheses that end its argument there, as in Talkbench.
_ENDS_ARGUMENT = frozenset({")", "]", "}", ",", ";", ":"})
_OPERATOR_WORDS = frozenset({"AND", "OR", "MOD", "LIKE", "CONTAINS", "XOR", "IS", "NOT"})


def _first_swallows(tokens: tuple[Token, ...], index: int) -> bool:
    """Is ``FIRST(…)`` at ``index`` followed by an operator? botbasic_core keywords/first.rs
    registers ``FIRST $expr$``, and Rhai's expression goes on past the parentheses."""
    close = closing_bracket(tokens, index + 1) if opens_call(tokens, index) else None
    after = tokens[close + 1] if close is not None and close + 1 < len(tokens) else None
    if after is None:
        return False
    if after.kind is Kind.OP:
        return after.value not in _ENDS_ARGUMENT
    return after.kind is Kind.IDENT and after.upper in _OPERATOR_WORDS


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
        if _ENDS_WITH_LLM.search(raw):
            yield fails(label, line, token.col, token.end_col,
                        "a string that ends with \"LLM \" is taken for the LLM keyword's "
                        "prompt: it copies the text up to the next quote, on later lines too, "
                        "and adds WITH OPTIMIZE FOR \"speed\" "
                        "(syntax_transforms.rs preprocess_llm_keyword)")
        elif changed != raw:
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

def assignment_sign(tokens: Sequence[Token]) -> int | None:
    """The index of the ``=`` that assigns, when the line starts ``name =``, ``a.b =`` or
    ``a[i] =`` (``LET`` first allowed); None for any other statement."""
    i = 1 if tokens and tokens[0].upper == "LET" else 0
    if i >= len(tokens) or tokens[i].kind is not Kind.IDENT or opens_condition(tokens, i):
        return None
    i += 1
    depth = 0
    while i < len(tokens):
        t = tokens[i]
        op = t.value if t.kind is Kind.OP else None
        if op == "[":
            depth += 1
        elif op == "]":
            depth -= 1
        elif depth:
            pass
        elif op == "=":
            return i
        elif op == "." and i + 1 < len(tokens) and tokens[i + 1].kind is Kind.IDENT:
            i += 1
        else:
            return None
        i += 1
    return None
