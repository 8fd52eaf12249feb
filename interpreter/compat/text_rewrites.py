"""The converter's plain-text replacements, applied to one string literal.

The engine runs them over whole lines, so they change the text inside strings too:
``syntax_transforms.rs`` ``preprocess_llm_keyword`` capitalises "llm ", ``lib.rs``
``preprocess_basic`` joins multi-word keywords, ``convert_if_then_syntax``
rewrites ``AND``/``OR``/``NOT IN``/``=`` in IF conditions and `` <> `` everywhere, and
``convert_keywords_to_lowercase`` lowercases Rhai's keywords wherever they stand as words.
"""

from __future__ import annotations

import re

# syntax_transforms.rs preprocess_llm_keyword, first of all: "LLM " in any case, anywhere in
# the script (strings too), is written in capitals.
_LLM = re.compile("llm ", re.IGNORECASE)
# lib.rs preprocess_basic, in its order.
_JOINED = (
    ("FOR EACH", "FOR_EACH"), ("EXIT FOR", "EXIT_FOR"), ("GROUP BY", "GROUP_BY"),
    ("ADD SUGGESTION TOOL", "ADD_SUGGESTION_TOOL"),
    ("ADD SUGGESTION TEXT", "ADD_SUGGESTION_TEXT"),
    ("ADD SUGGESTION", "ADD_SUGGESTION"), ("ADD SWITCHER", "ADD_SWITCHER"),
)
# convert_if_then_syntax, on the text between IF and THEN.
_CONDITION = (
    (" NOT IN ", " !in "), (" not in ", " !in "), (" AND ", " && "), (" and ", " && "),
    (" OR ", " || "), (" or ", " || "),
)
_COMPOUND = ("==", "!=", "<=", ">=", "+=", "-=", "*=", "/=")
# convert_keywords_to_lowercase: whole words, upper case only (the regex is case-sensitive).
_RHAI_KEYWORDS = (
    "IF", "ELSE", "WHILE", "FOR", "IN", "LOOP", "RETURN", "LET", "CONST", "IMPORT", "EXPORT",
    "FN", "PRIVATE", "SWITCH", "MATCH", "TRUE", "FALSE", "BREAK", "CONTINUE", "DO", "TRY",
    "CATCH", "THROW", "AS",
)
_KEYWORD_RE = re.compile(r"\b(" + "|".join(_RHAI_KEYWORDS) + r")\b")


def rewritten_string(raw: str, condition: str | None = None) -> str:
    """What becomes of the string literal ``raw`` (quotes included) in the converted script.

    ``condition`` is the whole IF condition when the string stands in one: its ``=`` become
    ``==`` only when the condition holds none of the compound operators.
    """
    text = _LLM.sub("LLM ", raw)
    for old, new in _JOINED:
        text = text.replace(old, new)
    if condition is not None:
        for old, new in _CONDITION:
            text = text.replace(old, new)
        if not any(pair in condition for pair in _COMPOUND):
            text = text.replace("=", "==")
    text = text.replace(" <> ", " != ")
    return _KEYWORD_RE.sub(lambda m: m.group(1).lower(), text)
