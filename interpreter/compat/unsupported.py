"""Constructs that no General Bots build can run: errors that say so, at the construct.

They come from other BASICs, from General Bots 3.x (the Node.js era: ANSWER, REWRITE, QUERY)
or from botbook pages that describe keywords the engine never registered. Talkbench's parser
rejects most of them with a generic "unexpected …"; this module names them instead. It reads
tokens, not the syntax tree, so it works on lines that do not parse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..syntax.lexer import Kind, Token
from .findings import Concern, Finding
from .source_lines import SourceLine, source_lines

Tokens = tuple[Token, ...]


@dataclass(frozen=True)
class Construct:
    what: str
    fix: str
    find: Callable[[Tokens], Token | None]  # the token to blame, or None
    # Words (upper case) or operators of which the line must hold one for ``find`` to blame
    # anything: most lines hold none, and skipping them is most of this module's speed.
    triggers: frozenset[str]


def _word(token: Token | None, *words: str) -> bool:
    return token is not None and token.kind is Kind.IDENT and token.upper in words


def _op(token: Token | None, *ops: str) -> bool:
    return token is not None and token.kind is Kind.OP and token.value in ops


def _pairs(tokens: Tokens) -> Iterator[tuple[int, Token, Token | None]]:
    for i, token in enumerate(tokens):
        yield i, token, tokens[i + 1] if i + 1 < len(tokens) else None


def _ternary(tokens: Tokens) -> Token | None:
    for i, token in enumerate(tokens):
        if _op(token, "?") and any(_op(t, ":") for t in tokens[i + 1 :]):
            return token
    return None


def _with_as(tokens: Tokens) -> Token | None:
    for i, token, after in _pairs(tokens):
        if _word(token, "SAVE", "FIND", "UPDATE") and after is not None:
            rest = tokens[i + 1 :]
            with_at = next((j for j, t in enumerate(rest) if _word(t, "WITH")), None)
            if with_at is not None and any(_word(t, "AS") for t in rest[with_at:]):
                return rest[with_at]
    return None


def _followed(first: str, second: str) -> Callable[[Tokens], Token | None]:
    def find(tokens: Tokens) -> Token | None:
        for _, token, after in _pairs(tokens):
            if _word(token, first) and _word(after, second):
                return token
        return None
    return find


def _workflow_block(tokens: Tokens) -> Token | None:
    """ORCHESTRATE WORKFLOW with more than the one name string the engine registers
    (botbasic_ai/src/keywords/orchestration.rs: ["ORCHESTRATE", "WORKFLOW", "$string$"])."""
    header = len(tokens) >= 2 and _word(tokens[0], "ORCHESTRATE") and _word(tokens[1],
                                                                            "WORKFLOW")
    registered = len(tokens) == 3 and tokens[2].kind is Kind.STRING
    return tokens[0] if header and not registered else None


def _step_label(tokens: Tokens) -> Token | None:
    if len(tokens) >= 3 and _word(tokens[0], "STEP") and tokens[1].kind is Kind.NUMBER \
            and _op(tokens[2], ":"):
        return tokens[0]
    return None


def _keyword_3x(tokens: Tokens) -> Token | None:
    """ANSWER/REWRITE/QUERY used as a keyword: at the start or after '=', with an operand."""
    for i, token, after in _pairs(tokens):
        starts = i == 0 or _op(tokens[i - 1], "=")
        operand = after is not None and after.kind in (Kind.STRING, Kind.IDENT, Kind.NUMBER)
        if _word(token, "ANSWER", "REWRITE", "QUERY") and starts and operand:
            return token
    return None


def _sort_by(tokens: Tokens) -> Token | None:
    if tokens and _word(tokens[0], "SORT") and any(_word(t, "BY") for t in tokens[1:]):
        return tokens[0]
    return None


def _dir(tokens: Tokens) -> Token | None:
    for i, token, after in _pairs(tokens):
        starts = i == 0 or _op(tokens[i - 1], "=")
        if _word(token, "DIR") and starts and after is not None and after.kind is Kind.STRING:
            return token
    return None


def _bare_call(name: str) -> Callable[[Tokens], Token | None]:
    def find(tokens: Tokens) -> Token | None:
        for i, token, after in _pairs(tokens):
            after_value = i > 0 and _op(tokens[i - 1], "=", ",", "(", "+", "-", "*", "/")
            operand = after is not None and after.kind in (Kind.IDENT, Kind.NUMBER,
                                                           Kind.STRING)
            if _word(token, name) and after_value and operand:
                return token
        return None
    return find


def _select_from(tokens: Tokens) -> Token | None:
    for i, token in enumerate(tokens):
        if _word(token, "SELECT") and any(_word(t, "FROM") for t in tokens[i + 1 :]):
            return token
    return None


def _on(*triggers: str) -> frozenset[str]:
    return frozenset(triggers)


CONSTRUCTS = (
    Construct("C-style a ? b : c", "write IF … THEN … ELSE … END IF", _ternary, _on("?")),
    Construct("SAVE/FIND/UPDATE \"table\" WITH col AS value",
              "write SAVE \"table\", v1, v2 / FIND \"table\", \"col=value\" / "
              "UPDATE \"table\", \"filter\", \"col=value\"", _with_as,
              _on("SAVE", "FIND", "UPDATE")),
    Construct("RETURN WITH", "return one value: RETURN x", _followed("RETURN", "WITH"),
              _on("RETURN")),
    Construct("ORCHESTRATE WORKFLOW with steps (only ORCHESTRATE WORKFLOW \"name\" exists)",
              "call the dialogs one after another", _workflow_block, _on("ORCHESTRATE")),
    # register_step_keyword exists only in botserver/src/basic/mod.rs.backup: nothing calls it.
    Construct("STEP n: labels", "remove the label", _step_label, _on("STEP")),
    Construct("the 3.x keywords ANSWER, REWRITE and QUERY", "use TALK and LLM", _keyword_3x,
              _on("ANSWER", "REWRITE", "QUERY")),
    Construct("STARTS WITH", "compare LEFT(text, n) with the prefix",
              _followed("STARTS", "WITH"), _on("STARTS")),
    Construct("SORT x BY", "sort before the data reaches the dialog", _sort_by, _on("SORT")),
    Construct("FIND ALL", "write FIND \"table\", \"filter\"", _followed("FIND", "ALL"),
              _on("FIND")),
    Construct("DIR", "use LIST \"folder\"", _dir, _on("DIR")),
    Construct("MAX without parentheses", "write MAX(a, b)", _bare_call("MAX"), _on("MAX")),
    Construct("DATEDIFF without parentheses", "write DATEDIFF(a, b, c)",
              _bare_call("DATEDIFF"), _on("DATEDIFF")),
    Construct("an inline SELECT … FROM", "read rows with FIND \"table\", \"filter\"",
              _select_from, _on("SELECT")),
)


# Every construct's triggers: a line with none of them needs no construct's test.
_ANY_TRIGGER = frozenset().union(*(construct.triggers for construct in CONSTRUCTS))


def unsupported_constructs(source: str) -> list[Finding]:
    """One error per line that uses a construct no General Bots build has."""
    found = []
    for line in source_lines(source):
        finding = _first(line)
        if finding is not None:
            found.append(finding)
    return found


def _line_words(tokens: Tokens) -> set[str]:
    """The line's words (upper case) and operators, to match against ``triggers``."""
    return {t.upper if t.kind is Kind.IDENT else t.text for t in tokens
            if t.kind in (Kind.IDENT, Kind.OP)}


def _first(line: SourceLine) -> Finding | None:
    if line.in_text_block or not line.tokens:
        return None
    words = _line_words(line.tokens)
    if _ANY_TRIGGER.isdisjoint(words):
        return None
    for construct in CONSTRUCTS:
        if construct.triggers.isdisjoint(words):
            continue
        token = construct.find(line.tokens)
        if token is not None:
            return Finding(Concern.UNSUPPORTED, line.number, token.col, token.end_col,
                           f"no General Bots build can run {construct.what}; {construct.fix}")
    return None
