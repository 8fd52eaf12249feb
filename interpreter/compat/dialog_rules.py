"""Converter defects that read across lines: where the next statement, the dialog's first
LLM prompt or the names assigned before a block decide what General Bots does with a line.

Apart from :class:`~interpreter.compat.converter_rules.ConverterModel`, whose findings are
remembered per piece of the dialog: these read lines of other pieces, so they run on the whole
dialog after the pieces' findings (:func:`whole_dialog_findings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Concern, Finding
from .line_rules import assignment_sign, dropped, fails, quote
from .reserved_names import KEYWORDS, RESERVED
from .source_lines import SourceLine


def whole_dialog_findings(label: str, lines: list[SourceLine], found: list[Finding]
                          ) -> list[Finding]:
    """The rules that read across the pieces (the next line, the first LLM prompt, the names
    assigned before a block), after ``found``, the pieces' own findings."""
    more = [*brace_end_findings(label, lines), *llm_prompt_findings(label, lines)]
    reported = {(f.line, f.col) for f in [*found, *more]}
    more += [f for f in undeclared_findings(label, lines)
             if (f.line, f.col) not in reported]  # one reason a line fails is enough
    return more


# Lines convert_if_then_syntax ends with ';' even when they end in '}' (is_keyword_stmt).
_KEYWORD_STATEMENTS = ("INSERT ", "SAVE ", "TALK ", "PRINT ", "MERGE ", "UPDATE ")


def brace_end_findings(label: str, lines: list[SourceLine]) -> Iterator[Finding]:
    """A line the converter ends without ';' fails when another statement follows it: a line
    ending in '}' (a map literal), or an assignment to a variable whose name starts like a
    block keyword (``Case = 1``, ``wend_count = 1``, ``elsewhere = 1``).

    Apart from :class:`ConverterModel`: it reads the next line, which may be in the next of
    the pieces the model's findings are remembered by."""
    for line, following in zip(lines, next_code_lines(lines), strict=True):
        if (line.in_text_block or not line.starts_statement or dropped(line)
                or following is None or not following.starts_statement
                or _closes_block(following)):
            continue
        if line.code.endswith("}") and not line.upper.startswith(_KEYWORD_STATEMENTS) \
                and line.open_string() is None:  # the '}' is text: the statement goes on
            brace = line.tokens[-1]
            yield fails(label, line, brace.col, brace.end_col,
                        "it ends no line that ends in '}' with ';', so the next statement is "
                        "read as part of this one; write ';' after the '}'")
        elif (prefix := _block_word_prefix(line)) is not None:
            name = line.tokens[0]
            yield fails(label, line, name.col, name.end_col,
                        f"it ends no line that starts with {quote(prefix)} with ';' (it takes "
                        f"the line for a block keyword), so the next statement is read as part "
                        f"of this one; rename '{name.value}'")


# syntax_transforms.rs predeclare_variables declares no variable whose name, lower-cased, is one
# of these (its ``reserved`` list).
_NOT_PREDECLARED = frozenset({
    "if", "else", "while", "for", "loop", "return", "break", "continue", "let", "fn", "true",
    "false", "in", "do", "match", "switch", "case", "mod", "and", "or", "not", "rem", "call",
    "talk", "hear", "save", "insert", "update", "delete", "find", "get", "set", "print",
})


def undeclared_findings(label: str, lines: list[SourceLine]) -> Iterator[Finding]:
    """An assignment inside an IF or WHILE block to a variable named like a keyword (``Print``,
    ``Find``, ``Case``): predeclare_variables skips such names and convert_if_then_syntax adds
    no ``let`` inside a block, so unless a line outside the blocks assigned it first, Rhai
    finds no variable to assign ("Variable not found: Print")."""
    depth = 0
    declared: set[str] = set()
    for line in lines:
        if line.in_text_block or not line.starts_statement or not line.tokens or dropped(line):
            continue
        upper = line.upper
        name = str(line.tokens[0].value)
        if assignment_sign(line.tokens) == 1 and name.lower() in _NOT_PREDECLARED \
                and name not in RESERVED and name not in KEYWORDS:
            if depth and name not in declared:
                token = line.tokens[0]
                yield Finding(Concern.TRANSLATION, line.number, token.col, token.end_col,
                              f"{label} stops here with \"Variable not found: {name}\": it "
                              f"declares no variable named like its keyword "
                              f"{name.upper()}, and inside a block it adds no 'let'; assign "
                              f"{name} before the block, or rename it")
            declared.add(name)
        elif _opens_if_or_while(line):
            depth += 1
        elif upper in ("END IF", "WEND"):
            depth = max(0, depth - 1)


def _opens_if_or_while(line: SourceLine) -> bool:
    """An IF … THEN line (the converter opens a block for it) or a WHILE loop."""
    upper = line.upper
    if upper.startswith("IF "):
        return " THEN" in upper
    return upper.startswith("WHILE ") and assignment_sign(line.tokens) is None


_LLM_PROMPT = re.compile(r'LLM "', re.IGNORECASE)
_OPTIMIZE = re.compile(r"WITH OPTIMIZE", re.IGNORECASE)


def llm_prompt_findings(label: str, lines: list[SourceLine]) -> Iterator[Finding]:
    """The dialog's first ``LLM "…"``, whose quotes preprocess_llm_keyword breaks.

    It runs over the whole script before any other pass (comment lines too), and at the
    first ``LLM "`` whose text up to its closing quote holds no ``WITH OPTIMIZE`` it drops the
    closing quote and appends `` WITH OPTIMIZE FOR "speed"``: the string is cut open. Every
    later LLM prompt is left alone, as the script then holds WITH OPTIMIZE."""
    for line in lines:
        match = _LLM_PROMPT.search(line.text)
        if match is None:
            if _OPTIMIZE.search(line.text):
                return
            continue
        end = line.text.find('"', match.end())
        if _OPTIMIZE.search(line.text, 0, len(line.text) if end < 0 else end + 1):
            return
        quote = match.end()  # the column of the quote after LLM
        inside = any(t.col < quote < t.end_col for t in line.strings())  # string_findings'
        if line.tokens and not line.in_text_block and not dropped(line) and not inside:
            col = match.start() + 1
            yield fails(label, line, col, col + 3,
                        "it writes WITH OPTIMIZE FOR \"speed\" into the quotes of the "
                        "dialog's first LLM \"…\" prompt (syntax_transforms.rs "
                        "preprocess_llm_keyword), which cuts the string open; put the prompt in "
                        "a variable first (prompt = \"…\", then LLM prompt)")
        return


# Lines convert_if_then_syntax leaves without ';' (needs_semicolon), by how they start in
# capitals; ELSE lines take its other branch, which adds nothing.
_NO_SEMICOLON_PREFIXES = ("SELECT ", "CASE ", "WEND", "ELSE")


def _block_word_prefix(line: SourceLine) -> str | None:
    """The keyword start of an assignment to a variable named like ``Case`` or ``wend_n``."""
    name = str(line.tokens[0].value)
    if (assignment_sign(line.tokens) is None or line.tokens[0].upper == "LET"
            or name in RESERVED or name in KEYWORDS):  # reserved_names reports those first
        return None
    for prefix in _NO_SEMICOLON_PREFIXES:
        if line.upper.startswith(prefix):
            return line.trimmed[:len(prefix)].rstrip()
    return None


def _closes_block(line: SourceLine) -> bool:
    """Does this line convert to code starting with '}' (a block's last statement needs no
    ';')? An assignment never does, whatever its name."""
    upper = line.upper
    return (upper in ("END IF", "ELSE", "WEND", "END SELECT")
            or upper.startswith(("ELSEIF ", "CASE "))) and assignment_sign(line.tokens) is None


def next_code_lines(lines: list[SourceLine]) -> list[SourceLine | None]:
    """For each line, the next line that holds tokens (one backward pass, not a scan each)."""
    following: list[SourceLine | None] = [None] * len(lines)
    nearest: SourceLine | None = None
    for i in range(len(lines) - 1, -1, -1):
        following[i] = nearest
        if lines[i].tokens:
            nearest = lines[i]
    return following
