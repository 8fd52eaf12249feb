"""Translation defects of the General Bots 2026-05 converter, one test per rule.

Each rule was checked against the engine-oracle (the engine's own converter and Rhai 1.24):
the rule fires exactly on the lines the oracle fails to compile, drops or mangles. The cited
functions are in generalbots/generalbots f59afde5, botserver/crates/botbasic_compiler/src/.
"""

from __future__ import annotations

import pytest

from interpreter import Severity, check_source
from interpreter.compat import EngineOptions
from interpreter.compat.converter_rules import Rewrite

LABEL = "General Bots 2026-05"


def engine(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_source(source, "t.bas")
            if LABEL in d.message]


def one(source: str, line: int) -> tuple[int, int, str]:
    """The one finding on ``line`` (a SELECT CASE header has its own, on its own line)."""
    found = [f for f in engine(source) if f[0] == line]
    assert len(found) == 1, engine(source)
    return found[0]


# Each case: (rule, dialog, expected line, expected column, words of the message)
FIRES = [
    # syntax_transforms.rs convert_keywords_to_lowercase: \bIF\b etc. inside strings too;
    # lib.rs preprocess_basic: replace("FOR EACH", "FOR_EACH") on the whole line.
    (Rewrite.TEXT_CHANGED, 'TALK "IF you say TRUE FOR EACH one"\n', 1, 6,
     '"if you say true FOR_EACH one"'),
    # convert_if_then_syntax: " AND " -> " && " in the IF condition, strings included.
    (Rewrite.TEXT_CHANGED, 'x = "a"\nIF x = "a AND b" THEN\n  TALK "y"\nEND IF\n', 2, 8,
     '"a && b"'),
    # convert_if_then_syntax: result.replace(" <> ", " != ") over the whole script.
    (Rewrite.TEXT_CHANGED, 'TALK "x <> y"\n', 1, 6, '"x != y"'),
    # convert_if_then_syntax is_var_assignment: "let " before a top-level line with "=".
    (Rewrite.LET_PREFIX, 'TALK "1 + 1 = 2"\n', 1, 1, '`let TALK "1 + 1 = 2"`'),
    (Rewrite.LET_PREFIX, 'o = #{a: 1};\no.a = 2\n', 2, 1, "`let o.a = 2`"),
    # lib.rs preprocess_basic skips only whole comment lines; the ' stays in the Rhai code.
    (Rewrite.TRAILING_COMMENT, "x = 1 ' set x\nTALK x\n", 1, 7, "' comment"),
    # lib.rs preprocess_basic: trimmed.starts_with("REM") -> continue.
    (Rewrite.REM_DROPPED, "REMAINING = 3\nTALK REMAINING\n", 1, 1, "rename the variable"),
    (Rewrite.REM_DROPPED, 'REMOVE TOOL "x"\n', 1, 1, "this keyword never runs there"),
    # lib.rs preprocess_basic: starts_with("REM") is case-sensitive; Talkbench's rem is not.
    (Rewrite.LOWER_REM, "rem a note\nTALK 1\n", 1, 1, "upper-case REM"),
    # convert_select_case_syntax: select_var = trimmed[7..] keeps "CASE x".
    (Rewrite.SELECT_CASE, 'x = "a"\nSELECT CASE x\nCASE "a"\n  TALK "A"\nEND SELECT\n', 2, 1,
     "`CASE x`"),
    # convert_select_case_syntax: case_value = format!("\"{}\"", ...) for unquoted values.
    (Rewrite.CASE_AS_TEXT, ('x = 2\nSELECT CASE x\nCASE "1"\n  TALK "1"\nCASE 2\n  TALK "2"\n'
     'END SELECT\n'), 5, 6, "compares CASE 2 as text"),
    # ... so CASE ELSE is the text "ELSE", lowercased by convert_keywords_to_lowercase.
    (Rewrite.CASE_ELSE, ('x = "b"\nSELECT CASE x\nCASE "a"\n  TALK "A"\nCASE ELSE\n'
     '  TALK "B"\nEND SELECT\n'), 5, 6, 'the text "else"'),
    # ... and `x == "a", "b"` is no expression.
    (Rewrite.CASE_LIST, 'x = "a"\nSELECT CASE x\nCASE "a", "b"\n  TALK "A"\nEND SELECT\n',
     3, 9, "one CASE per value"),
    # convert_if_then_syntax: the text after THEN is dropped and a block is opened.
    (Rewrite.SINGLE_LINE_IF, 'x = 1\nIF x = 1 THEN TALK "one"\n', 2, 10, '`TALK "one"`'),
    # convert_if_then_syntax: with ">=" in the condition, "=" is not turned into "==".
    (Rewrite.MIXED_EQUALS, "a = 2\nb = 2\nIF a >= 1 AND b = 2 THEN\n  TALK 1\nEND IF\n", 3,
     17, "write =="),
    # convert_if_then_syntax rewrites AND/OR only between IF and THEN.
    (Rewrite.AND_OR, "a = true\nb = false\nx = a AND b\nTALK x\n", 3, 7, "write &&"),
    (Rewrite.AND_OR, "a = true\nb = 0\nWHILE a AND b < 2\n  b = b + 1\nWEND\n", 3, 9,
     "write &&"),
    # No pass rewrites NOT or MOD; Rhai has neither.
    (Rewrite.NOT, "x = false\nIF NOT x THEN\n  TALK 1\nEND IF\n", 2, 4, "write !x"),
    (Rewrite.MOD, "x = 7 MOD 2\nTALK x\n", 1, 7, "write a % b"),
    # Nor CONTAINS/LIKE as operators (botbasic_core arrays/contains.rs registers a function).
    (Rewrite.INFIX_WORD, 'e = "a@gmail"\nIF e CONTAINS "@gmail" THEN\n  TALK 1\nEND IF\n', 2, 6,
     "INSTR(text, part) > 0"),
    # convert_if_then_syntax knows ELSEIF; "ELSE IF" is passed through as text.
    (Rewrite.ELSE_IF, 'x = 2\nIF x = 1 THEN\n  TALK 1\nELSE IF x = 2 THEN\n  TALK 2\nEND IF\n', 4, 1,
     "write ELSEIF"),
    # convert_if_then_syntax replaces " <> " only with a space on each side.
    (Rewrite.NOT_EQUAL, "a = 2\nIF a<>1 THEN\n  TALK 1\nEND IF\n", 2, 5, "space on each side"),
    # convert_multiword_keywords anchors GET BOT MEMORY at the start of the line.
    (Rewrite.GET_MEMORY, 'x = GET BOT MEMORY("k")\nTALK x\n', 1, 5, "GET_BOT_MEMORY"),
    # convert_if_then_syntax in_with_block: " .product: value," keeps the dot.
    (Rewrite.WITH_FIELDS, 'WITH order\n  .product = "p"\n  .qty = 2\nEND WITH\n', 2, 3,
     "leading '.'"),
    # convert_if_then_syntax ends each line with ";" or quotes continuation lines.
    (Rewrite.MULTI_LINE, "basket = [\n  1,\n  2\n]\nTALK basket\n", 1, 1, "on one line"),
    # blocks/mod.rs convert_begin_blocks converts BEGIN TALK and BEGIN MAIL only.
    (Rewrite.RAW_BLOCK, 'BEGIN SYSTEM PROMPT\nYou are helpful.\nEND SYSTEM PROMPT\nTALK "hi"\n', 1,
     1, "SYSTEM PROMPT block"),
    (Rewrite.RAW_BLOCK, "TABLE leads\n  name STRING\nEND TABLE\n", 1, 1, "tables.bas"),
    # ... and BEGIN TALK text gets convert_keywords_to_lowercase like any string.
    (Rewrite.TEXT_CHANGED, "x = 2\nBEGIN TALK\nIF you need help, call ${x}\nEND TALK\n", 3, 1,
     '"if you need help, call ${x}"'),
    # botbasic_ai events.rs registers WAIT FOR EVENT after WAIT: one syntax per first word.
    (Rewrite.WAIT, 'WAIT 1\nTALK "x"\n', 1, 1, "WAIT FOR EVENT"),
    # convert_if_then_syntax: ends_with_block_brace -> no ';' after a map literal, so Rhai
    # reads the next statement as part of it ("Expecting ';' to terminate this statement").
    (Rewrite.BRACE_END, "m = #{a: 1}\nTALK m\n", 1, 11, "';' after the '}'"),
    (Rewrite.BRACE_END, "i = 0\nWHILE i < 1\n  i = 1\n  m = #{}\n  TALK m\nWEND\n", 4, 9,
     "';' after the '}'"),
    # convert_if_then_syntax replaces = by == in IF/ELSEIF conditions only; elsewhere Rhai
    # reads a comparing = as an assignment ("Possibly a typo of '=='?").
    (Rewrite.EQUALS_COMPARISON, "a = 1\nok = a = 1\nTALK ok\n", 2, 8, "write =="),
    (Rewrite.EQUALS_COMPARISON, "i = 0\nWHILE i = 0\n  i = 1\nWEND\n", 2, 9, "write =="),
    (Rewrite.EQUALS_COMPARISON, "a = 1\nIF a = 1 THEN\n  TALK a = 1\nEND IF\n", 3, 10,
     "write =="),
    (Rewrite.EQUALS_COMPARISON, "a = [1]\nIF a[0] = 1 THEN\n  a[0] = a[0] = 1\nEND IF\n", 3,
     15, "write =="),
    # botbasic_core keywords/last.rs registers LAST ( $expr$ ): without '(' it cannot parse.
    (Rewrite.LAST_PARENS, 'x = LAST "a b"\nTALK x\n', 1, 5, "LAST(x)"),
    # convert_select_case_syntax stops the outer SELECT at any line starting with SELECT.
    (Rewrite.NESTED_SELECT, ('a = "1"\nb = "x"\nSELECT a\nCASE "1"\n  SELECT b\n  CASE "x"\n'
     '    TALK "ax"\n  END SELECT\nEND SELECT\n'), 5, 3, "ends the outer SELECT"),
    # botbasic_core keywords/first.rs registers FIRST $expr$: the expression goes on past
    # the parentheses, so FIRST(s) = "a" is FIRST of a boolean ("Data type incorrect").
    (Rewrite.FIRST_GREEDY, 's = "a b"\nIF FIRST(s) = "a" THEN\n  TALK 1\nEND IF\n', 2, 4,
     "write (FIRST(x)) = 1"),
    # arrays/push_pop.rs registers functions only: the statement form cannot parse, and the
    # call form returns a new array that the statement drops (the array is passed by value).
    (Rewrite.PUSH_STATEMENT, 'cart = []\nAPPEND cart, "tea"\nTALK cart\n', 2, 1,
     "not a statement; write list = APPEND(list, item)"),
    (Rewrite.PUSH_STATEMENT, 'cart = []\nPUSH(cart, "tea")\nTALK cart\n', 2, 1,
     "leaves the list unchanged"),
]


@pytest.mark.parametrize(("rule", "source", "line", "col", "words"), FIRES,
                         ids=[f"{c[0].name}-{i}" for i, c in enumerate(FIRES)])
def test_rule_fires_at_the_line_the_engine_breaks(rule: Rewrite, source: str, line: int,
                                                  col: int, words: str) -> None:
    found = one(source, line)
    assert found[1] == col
    others = [f for f in engine(source) if f[0] != line]
    assert all("SELECT" in source.splitlines()[f[0] - 1] for f in others), others
    assert words in found[2]


QUIET = [
    'TALK "Hello, how are you?"\n',  # no keyword words in upper case
    'msg = "1 + 1 = 2"\nTALK msg\n',  # the fix of LET_PREFIX
    'x = 1\nIF x = 1 THEN\n  TALK "a = b"\nEND IF\n',  # inside an IF block no let is added
    "' a comment\nREM another\nx = 1\nTALK x\n",  # whole-line comments are dropped, fine
    "x = 1\nIF x = 1 THEN ' a note\n  TALK x\nEND IF\n",  # text after THEN goes, comment too
    "a = true\nb = false\nIF a AND b THEN\n  TALK 1\nEND IF\n",  # AND in an IF condition
    "a = 2\nIF a <> 1 THEN\n  TALK 1\nEND IF\n",  # <> with spaces becomes !=
    'x = GET_BOT_MEMORY("k")\nTALK x\n',  # the underscore form is a function
    "x = 7 % 2\nTALK x\n",
    "l = [1, 2]\nIF CONTAINS(l, 2) THEN\n  TALK 1\nEND IF\n",
    "x = 2\nIF x = 1 THEN\n  TALK 1\nELSEIF x = 2 THEN\n  TALK 2\nEND IF\n",
    "x = false\nIF !x THEN\n  TALK 1\nEND IF\n",
    'a = 2\nIF a NOT IN [1, 3] THEN\n  TALK "y"\nEND IF\n',  # NOT IN -> !in in conditions
    "basket = [1, 2]\nTALK basket\n",
    "x = 2\nBEGIN TALK\nYou have ${x} new messages.\nEND TALK\n",
    "i = 0\nWHILE i < 3\n  i = i + 1\nWEND\nTALK i\n",
    "m = #{a: 1};\nTALK m\n",  # the fix of BRACE_END
    "IF 1 = 1 THEN\n  m = #{a: 1}\nEND IF\nTALK m\n",  # a block's last statement needs no ;
    "m = #{a: 1}\n",  # nor does the script's
    'm = #{a: 1}\n\' a comment\n',
    "a = 1\nok = a == 1\nTALK ok\n",  # the fix of EQUALS_COMPARISON
    "a = [1]\nIF 1 = 1 THEN\n  a[0] = 2\n  TALK a\nEND IF\n",
    'x = LAST("a b")\nTALK x\n',  # the fix of LAST_PARENS
    "last = 1\nTALK last\n",  # a name, not the keyword (Rhai's syntax is case-sensitive)
    'cart = []\ncart = PUSH(cart, "tea")\nTALK cart\n',  # the fix of PUSH_STATEMENT
    'a = "1"\nSELECT a\nCASE "1"\n  TALK 1\nEND SELECT\nSELECT a\nCASE "2"\n  TALK 2\nEND SELECT\n',
    's = "a b"\nx = (FIRST(s)) + "!"\ny = [FIRST(s), 2]\nTALK x\n',  # FIRST_GREEDY's fix
]


@pytest.mark.parametrize("source", QUIET)
def test_rules_stay_quiet_where_the_engine_converts_correctly(source: str) -> None:
    assert engine(source) == []


def test_engine_errors_turn_translation_warnings_into_errors() -> None:
    source = "REMAINING = 3\nTALK REMAINING\n"
    assert [d.severity for d in check_source(source)] == [Severity.WARNING]
    strict = check_source(source, engine=EngineOptions(errors=True))
    assert [d.severity for d in strict] == [Severity.ERROR]
    assert LABEL in strict[0].message


def test_a_line_the_dialog_needs_once_per_word_is_reported_at_that_word_only() -> None:
    # Two defects on two lines: each is reported at its own line and nowhere else.
    found = engine("x = 7 MOD 2\ny = x\nREMOVED = 1\nTALK y\n")
    assert [(line, col) for line, col, _ in found] == [(1, 7), (3, 1)]


def test_a_data_keywords_own_equals_is_no_comparison() -> None:
    # FIND … WHERE email = e: that '=' is the keyword's syntax; "write ==" would mislead
    found = engine('e = "a"\nrows = FIND "t" WHERE email = e\n')
    assert not any("write ==" in message for *_, message in found)
