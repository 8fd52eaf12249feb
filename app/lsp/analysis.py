"""One parse of a document, shared by the features: tokens, program and named places.

Names follow the language: variables are case-sensitive, SUB/FUNCTION names and labels are not.
Member names (after ``.``) are not variables. ``${name}`` inside strings counts as a use. A SUB's
parameters are its own (the same name in another SUB or the dialog is another variable); other
names are the dialog's, as a SUB falls back to the dialog's globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from interpreter.syntax import nodes as n
from interpreter.syntax.lexer import Interpolation, Kind, Token, tokenize
from interpreter.syntax.parser.core import parse

from .positions import lines_of

# Tokenizing and parsing cost about a second per 100,000 lines: past this size a keystroke
# would stall every request, so a document gets no names, symbols or folds (and diagnostics
# say why).
MAX_ANALYSED_CHARS = 2_000_000


class NameKind(Enum):
    VARIABLE = "variable"
    SUB = "sub"
    LABEL = "label"


@dataclass(frozen=True)
class Occurrence:
    """One spelling of a name in the text (1-based line, columns; ``end_col`` exclusive)."""

    kind: NameKind
    key: str  # what identifies the name: the spelling for variables, lower case otherwise
    text: str
    line: int
    col: int
    end_col: int


def _identifiers(tokens: list[Token]) -> list[Token]:
    """IDENT tokens that can name something (not member names), interpolations included."""
    found: list[Token] = []
    previous: Token | None = None
    for token in tokens:
        if token.kind is Kind.IDENT and not (
            previous is not None and previous.kind is Kind.OP and previous.value in (".", "?.")
        ):
            found.append(token)
        elif token.kind is Kind.STRING and isinstance(token.value, list):
            for part in token.value:
                if isinstance(part, Interpolation):
                    found.extend(_interpolated(part))
        previous = token
    return found


def _interpolated(part: Interpolation) -> list[Token]:
    inner, _ = tokenize(part.source)
    shifted = []
    for t in _identifiers(inner):
        if t.line == 1:  # an interpolation spanning lines keeps only its first line's names
            shifted.append(Token(t.kind, t.value, part.line, t.col + part.col - 1,
                                 t.end_col + part.col - 1))
    return shifted


class Analysis:
    """Everything the features need from one version of one document."""

    def __init__(self, source: str, file: str):
        self.source = source
        self.file = file
        self.lines = lines_of(source)
        analysed = source if len(source) <= MAX_ANALYSED_CHARS else ""
        self.tokens, _ = tokenize(analysed, file)
        self.program, _ = parse(analysed, file)

    @cached_property
    def labels(self) -> dict[str, n.Label]:
        return {node.name.lower(): node for node in self.program.body
                if isinstance(node, n.Label)}

    @cached_property
    def occurrences(self) -> list[Occurrence]:
        variables = self.program.names
        found = []
        for t in _identifiers(self.tokens):
            text = str(t.value)
            lower = text.lower()
            if lower in self.program.subs:
                kind, key = NameKind.SUB, lower
            elif lower in variables:
                kind, key = NameKind.VARIABLE, self._variable_key(text, t.line)
            elif lower in self.labels:
                kind, key = NameKind.LABEL, lower
            else:
                continue
            found.append(Occurrence(kind, key, text, t.line, t.col, t.end_col))
        return found

    @cached_property
    def _sub_spans(self) -> list[tuple[int, int, n.SubDef]]:
        return [(s.line, max(s.end_line, s.line), s) for s in self.program.subs.values()]

    def sub_at(self, line: int) -> n.SubDef | None:
        """The SUB or FUNCTION whose lines hold 1-based ``line``."""
        return next((sub for first, last, sub in self._sub_spans if first <= line <= last), None)

    def _variable_key(self, text: str, line: int) -> str:
        sub = self.sub_at(line)
        if sub is not None and text in sub.params:
            return f"{sub.name.lower()}.{text}"  # "." cannot be in a name: no clash
        return text

    def visible_at(self, o: Occurrence, line: int) -> bool:
        """Whether ``o`` names something usable on ``line`` (a parameter only in its SUB)."""
        if o.kind is not NameKind.VARIABLE or "." not in o.key:
            return True
        sub = self.sub_at(line)
        return sub is not None and o.key.startswith(sub.name.lower() + ".")

    def occurrence_at(self, line: int, col: int) -> Occurrence | None:
        """The name whose text covers 1-based ``line``/``col`` (or ends just before it)."""
        for o in self.occurrences:
            if o.line == line and o.col <= col <= o.end_col:
                return o
        return None

    def uses(self, target: Occurrence) -> list[Occurrence]:
        return [o for o in self.occurrences if o.kind is target.kind and o.key == target.key]

    def definition(self, target: Occurrence) -> Occurrence | None:
        uses = self.uses(target)
        if target.kind is NameKind.SUB:
            line = self.program.subs[target.key].line
        elif target.kind is NameKind.LABEL:
            line = self.labels[target.key].line
        else:  # a variable is defined where it is first written (or first seen)
            return uses[0] if uses else None
        return next((o for o in uses if o.line == line), uses[0] if uses else None)
