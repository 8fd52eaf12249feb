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
    # ... also before a parenthesis: after a value, MOD ( is no call (a % b is meant).
    (Rewrite.MOD, "x = 5\ny = x MOD (2)\nTALK y\n", 2, 7, "write a % b"),
    # NOT (…) compiles as a call of the engine's NOT(bool) (string_functions.rs) on the
    # group alone: a comparison after it then compares NOT's result.
    (Rewrite.NOT, "x = 1.5\nIF NOT (x > 1) = x THEN\n  TALK 1\nEND IF\n", 2, 4,
     "group alone"),
    # NOT before a sign compiles as the variable NOT minus …; the run stops there.
    (Rewrite.NOT, "x = 1\nIF NOT -x = 2 THEN\n  TALK 1\nEND IF\n", 2, 4,
     "Variable not found: NOT"),
    # Nor CONTAINS/LIKE as operators (botbasic_core arrays/contains.rs registers a function).
    (Rewrite.INFIX_WORD, 'e = "a@gmail"\nIF e CONTAINS "@gmail" THEN\n  TALK 1\nEND IF\n', 2, 6,
     "INSTR(text, part) > 0"),
    # convert_if_then_syntax knows ELSEIF; "ELSE IF" is passed through as text.
    (Rewrite.ELSE_IF, 'x = 2\nIF x = 1 THEN\n  TALK 1\nELSE IF x = 2 THEN\n  TALK 2\nEND IF\n', 4, 1,
     "write ELSEIF"),
    # ... and closes an IF only at END IF: ENDIF stays a name, the block is never closed
    # ("Expecting '}' to terminate this block").
    (Rewrite.ENDIF, 'x = 1\nIF x = 1 THEN\n  TALK "y"\nENDIF\nTALK x\n', 4, 1, "write END IF"),
    (Rewrite.ENDIF, 'x = 1\nIF x = 1 THEN\n  TALK "y"\nEND_IF\n', 4, 1, "write END IF"),
    # convert_if_then_syntax replaces " <> " only with a space on each side.
    (Rewrite.NOT_EQUAL, "a = 2\nIF a<>1 THEN\n  TALK 1\nEND IF\n", 2, 5, "space on each side"),
    # convert_multiword_keywords anchors GET BOT MEMORY at the start of the line.
    (Rewrite.GET_MEMORY, 'x = GET BOT MEMORY("k")\nTALK x\n', 1, 5, "GET_BOT_MEMORY"),
    # ... and converts SET BOT MEMORY only when parse_parameters, which splits at every space
    # and comma outside quotes, gives two pieces; else the line meets Rhai's last SET syntax.
    (Rewrite.MEMORY_ARGUMENTS, 'SET BOT MEMORY "last_" + "x", "v"\n', 1, 1,
     'gives 4 (`"last_"`, `+`, `"x"`, `"v"`)'),
    (Rewrite.MEMORY_ARGUMENTS, 'IF 1 = 1 THEN\n  SET BOT MEMORY "k", STR(1 + 2)\nEND IF\n', 2, 3,
     "(v = …, then SET BOT MEMORY k, v)"),
    (Rewrite.MEMORY_ARGUMENTS, 'SET BOT MEMORY "k", FORMAT(1,"0")\n', 1, 1, "gives 3"),
    # botbasic_data bot_memory.rs registers SET_BOT_MEMORY and GET_BOT_MEMORY as functions
    # only, so the underscore spellings need their parentheses.
    (Rewrite.MEMORY_FUNCTION, 'SET_BOT_MEMORY "k", "v"\n', 1, 1, 'SET_BOT_MEMORY("key", value)'),
    (Rewrite.MEMORY_FUNCTION, 'SET_BOT_MEMORY "k" "v"\n', 1, 1, "called with parentheses"),
    (Rewrite.MEMORY_FUNCTION, 'x = GET_BOT_MEMORY "k"\nTALK x\n', 1, 5,
     'GET_BOT_MEMORY("key")'),
    # botbasic_comms add_suggestion.rs registers ADD_SUGGESTION's '$expr$ as $expr$' form and
    # then its one-value form: Rhai keeps the last syntax of each first word.
    (Rewrite.SUGGESTION_AS, 'ADD SUGGESTION "orders" AS "Track an order"\n', 1, 25,
     "one-value syntax"),
    (Rewrite.SUGGESTION_AS, 'ADD_SUGGESTION "hours" AS "Opening hours"\n', 1, 24,
     'ADD SUGGESTION "button text"'),
    # Rhai keeps one syntax per first word (src/api/custom_syntax.rs), the last registered
    # (interpreter/compat/syntax_survivors.py): SET's is botbasic_ai model_routing.rs's, GET's
    # botbasic_comms social/get_posts.rs's, registered after data's GET <url>.
    (Rewrite.SHADOWED_SYNTAX, 'SET USER MEMORY "a", "1"\n', 1, 1, "`SET MODEL ROUTING …`"),
    (Rewrite.SHADOWED_SYNTAX, 'SET CONTEXT "k" AS "v"\n', 1, 1, "last SET syntax registered"),
    (Rewrite.SHADOWED_SYNTAX, 'SET HEADER "a", "b"\n', 1, 1, "no other SET keyword compiles"),
    # In a block the IF pass adds no let, so SET x = … meets SET's one syntax (the '=' is the
    # assignment's, not a comparison to report).
    (Rewrite.SHADOWED_SYNTAX, 'x = 1\nIF x = 1 THEN\n  SET o.a = "b"\nEND IF\n', 3, 3,
     "write the assignment without SET"),
    (Rewrite.SHADOWED_SYNTAX, 'page = GET "https://example.com"\nTALK page\n', 1, 8,
     "`GET <name> POSTS`"),
    (Rewrite.SHADOWED_SYNTAX, 'x = GET USER MEMORY("k")\nTALK x\n', 1, 5, "get_posts.rs"),
    (Rewrite.SHADOWED_SYNTAX, 'USE KB "docs" + "v2"\n', 1, 1, "`USE WEBSITE … REFRESH …`"),
    (Rewrite.SHADOWED_SYNTAX, 'RUN PYTHON "print(1)"\n', 1, 1, "`RUN BASH …`"),
    (Rewrite.SHADOWED_SYNTAX, 'CLEAR USER MEMORY\n', 1, 1, "`CLEAR WEBSITES`"),
    # The other first words shared by several keywords (scripts/engine_syntax_order.py's
    # table; none of these crates is in the engine-oracle, so read from their source):
    # comms add_bot.rs registers ADD BOT … WITH SCHEDULE … last (after data's ADD NOTE);
    # preprocess_basic joins ADD SUGGESTION and ADD SWITCHER first (see QUIET).
    (Rewrite.SHADOWED_SYNTAX, 'ADD TOOL "create-lead"\n', 1, 1, "`ADD BOT … WITH SCHEDULE …`"),
    (Rewrite.SHADOWED_SYNTAX, 'ADD BOT "b" WITH TRIGGER "t"\n', 1, 1, "add_bot.rs"),
    # data search.rs's SEARCH … , … replaces products.rs's SEARCH PRODUCTS and its own
    # three-value form.
    (Rewrite.SHADOWED_SYNTAX, 'SEARCH PRODUCTS "tea"\n', 1, 1, "`SEARCH … , …`"),
    (Rewrite.SHADOWED_SYNTAX, 'x = SEARCH "t", "q", 5\nTALK x\n', 1, 5, "search.rs"),
    # ai enhanced_memory.rs: BOT SYNC MEMORY FROM "…" replaces BOT SHARE MEMORY.
    (Rewrite.SHADOWED_SYNTAX, 'BOT SHARE MEMORY "k" WITH "other"\n', 1, 1, "BOT SYNC MEMORY"),
    # ai web_data.rs RSS … , … and qrcode.rs QR CODE … , … come after their one-value forms;
    # data attendance.rs RESOLVE CONVERSATION … WITH … after RESOLVE CONVERSATION ….
    (Rewrite.SHADOWED_SYNTAX, 'RSS "https://a.b/feed"\n', 1, 1, "`RSS … , …`"),
    (Rewrite.SHADOWED_SYNTAX, 'QR CODE "hello"\n', 1, 1, "`QR CODE … , …`"),
    (Rewrite.SHADOWED_SYNTAX, 'RESOLVE CONVERSATION "c1"\n', 1, 1, "WITH"),
    # core procedures.rs registers EXIT FOR (for_next.rs), EXIT WHILE, then EXIT DO; the
    # converter joins EXIT FOR into EXIT_FOR only.
    (Rewrite.SHADOWED_SYNTAX, 'i = 0\nWHILE i < 3\n  i = i + 1\n  EXIT WHILE\nWEND\n', 4, 3,
     "`EXIT DO`"),
    # A first word with one syntax the line does not fit: ai events.rs PUBLISH EVENT "…",
    # ai web_data.rs SCRAPE … , … (SCRAPE ALL has its own word, SCRAPE_ALL), comms book.rs.
    (Rewrite.SHADOWED_SYNTAX, 'PUBLISH "my-bot"\n', 1, 1, "its one PUBLISH syntax"),
    (Rewrite.SHADOWED_SYNTAX, 'x = SCRAPE ALL "https://a.b", "p"\nTALK x\n', 1, 5,
     "`SCRAPE … , …`"),
    (Rewrite.SHADOWED_SYNTAX, 'ASSIGN SMART "t", "a", "b"\n', 1, 1, "ASSIGN CONVERSATION"),
    (Rewrite.SHADOWED_SYNTAX, 'BOOK MEETING "a", "b"\n', 1, 1, "book.rs"),
    # system file_ops/handlers.rs COPY … , …, WRITE … , …; data find.rs FIND … , … (botbook
    # writes COPY a TO b, WRITE x TO f, FIND "t" WHERE …)
    (Rewrite.SHADOWED_SYNTAX, 'COPY "a.pdf" TO "b.pdf"\n', 1, 1, "its one COPY syntax"),
    (Rewrite.SHADOWED_SYNTAX, 'd = "x"\nWRITE d TO "f.md"\n', 2, 1, "`WRITE … , …`"),
    (Rewrite.SHADOWED_SYNTAX, 'x = FIND "t" WHERE a = 1\nTALK x\n', 1, 5, "find.rs"),
    # botbasic_data data_operations.rs registers JOIN … , … , … (tables): JOIN(a, b) starts
    # that syntax, and (a, b) is no Rhai value.
    (Rewrite.SYNTAX_CALL, 'l = ["a", "b"]\nx = JOIN(l, ",")\nTALK x\n', 2, 5,
     "JOIN is a custom syntax there"),
    (Rewrite.SYNTAX_CALL, 'l = ["a", "b"]\nTALK JOIN(l)\n', 2, 6, "JOIN(…) is not a call"),
    # Rhai matches a custom syntax's first word exactly and no converter pass upper-cases
    # TALK or PRINT: `talk "hi"` is the name talk followed by a string (botbook's keywords.md
    # says both casings work).
    (Rewrite.KEYWORD_CASE, 'TALK "a"\ntalk "hi"\n', 2, 1, "write TALK"),
    (Rewrite.KEYWORD_CASE, 'x = 1\nIF x = 1 THEN\n  Talk "a"\nEND IF\n', 3, 3, "upper-cases Talk"),
    (Rewrite.KEYWORD_CASE, 'Print "debug"\n', 1, 1, "write PRINT"),
    (Rewrite.KEYWORD_CASE, 'x = first "a b"\nTALK x\n', 1, 5, "upper-cases first; write FIRST"),
    # talk.rs registers TALK TO … , … and then TALK …, which Rhai keeps in its place
    # (botbook's TALK and PRINT pages write TALK TO "whatsapp:…", "…").
    (Rewrite.TALK_TO, 'TALK TO "whatsapp:+5511999887766", "Your order is confirmed!"\n', 1, 6,
     "no way to talk to another recipient"),
    # No syntax starts with SEND, QUALIFY or FORMAT in 2026-05; a line no pass converts (SEND MAIL
    # with three values: convert_multiword_keywords wants four) reads as a name and a value.
    (Rewrite.NO_SYNTAX, 'SEND MAIL "a@b.c", "Hi", "Body"\n', 1, 1, "no syntax there starts with SEND"),
    (Rewrite.NO_SYNTAX, 'x = FORMAT 3, "0.00"\nTALK x\n', 1, 5, "arguments need brackets"),
    (Rewrite.NO_SYNTAX, 'SEND EMAIL "a@b.c", "Hi", "Body, more"\n', 1, 1, "starts with SEND"),
    # A built-in function called as a statement without brackets: Talkbench calls it, Rhai
    # reads a name followed by a value ("Expecting ';' to terminate this statement").
    (Rewrite.NO_SYNTAX, 'LEFT "abc", 1\nTALK 1\n', 1, 1, "starts with LEFT"),
    (Rewrite.NO_SYNTAX, 's = "a"\nRound s\n', 2, 1, "write ROUND(…)"),
    (Rewrite.NO_SYNTAX, 'TALK 1\nASC "a"\n', 2, 1, "no function ASC either"),
    # convert_if_then_syntax turns SEND EMAIL with three comma pieces into send_mail(…, []).
    (Rewrite.MISSING_FUNCTION, 'SEND EMAIL "a@b.c", "Hi", "Body"\n', 1, 1,
     "Function not found: send_mail"),
    # Talkbench reads SET_CONTEXT as SET CONTEXT; the engine joins only its own few keywords
    # with '_' (botbook's set-context page writes SET_CONTEXT "sales_mode"). A bare name is a
    # statement Rhai's optimiser drops, with no error.
    (Rewrite.UNDERSCORED_KEYWORD, 'SET_CONTEXT "sales_mode"\n', 1, 1, "SET_CONTEXT is no syntax"),
    (Rewrite.UNDERSCORED_KEYWORD, 'USE_KB "docs"\n', 1, 1, 'write USE KB "docs"'),
    (Rewrite.UNDERSCORED_KEYWORD, 'WAIT_FOR_EVENT "paid"\n', 1, 1, "a name followed by a value"),
    (Rewrite.UNDERSCORED_KEYWORD, 'CLEAR_SUGGESTIONS\nTALK 1\n', 1, 1, "optimiser drops"),
    # Rhai's tokenizer refuses its reserved words and keywords as names ("'case' is a
    # reserved keyword", "Expecting name of a variable"); BASIC reserves none of them.
    (Rewrite.RESERVED_NAME, 'TALK "a"\nnew = 1\nTALK new\n', 2, 1, "'new' is a word Rhai"),
    (Rewrite.RESERVED_NAME, 'x = 1\ncase = x + 1\nTALK case\n', 2, 1, "cannot name a variable"),
    (Rewrite.RESERVED_NAME, 'loop = 2\nTALK loop\n', 1, 1, "'loop' is a word Rhai reserves"),
    # botbasic_system on.rs registers ON <name> OF "table" after core's ON ERROR forms.
    (Rewrite.SHADOWED_SYNTAX, 'ON ERROR RESUME NEXT\nTALK 1\n', 1, 1, '`ON <name> OF "…"`'),
    # comms play.rs registers PLAY … WITH OPTIONS … after PLAY …; system pdf.rs's MERGE PDF
    # replaces data_operations.rs's MERGE table, rows, key.
    (Rewrite.SHADOWED_SYNTAX, 'PLAY "intro.mp3"\n', 1, 1, "`PLAY … WITH OPTIONS …`"),
    (Rewrite.SHADOWED_SYNTAX, 'rows = [#{id: 1}]\nMERGE "leads", rows, "id"\n', 2, 1,
     "`MERGE PDF … , …`"),
    # convert_multiword_keywords: SET CONTEXT (2 pieces) and SET USER (1) become calls of
    # SET_CONTEXT and SET_USER, which no crate registers: a run-time stop, not a compile error.
    (Rewrite.MISSING_FUNCTION, 'SET CONTEXT "k", "v"\n', 1, 1, "Function not found: SET_CONTEXT"),
    (Rewrite.MISSING_FUNCTION, 'SET USER "u1"\n', 1, 1, "SET_USER(…)"),
    (Rewrite.MISSING_FUNCTION, 'TALK "Pick one"\nCLEAR SUGGESTIONS\n', 2, 1,
     "CLEAR_SUGGESTIONS(…)"),
    (Rewrite.MISSING_FUNCTION, 'SEND MAIL "a@b.c", "Hi", "Body", ""\n', 1, 1, "SEND_MAIL"),
    # convert_if_then_syntax in_with_block: " .product: value," keeps the dot.
    (Rewrite.WITH_FIELDS, 'WITH order\n  .product = "p"\n  .qty = 2\nEND WITH\n', 2, 3,
     "leading '.'"),
    # convert_if_then_syntax ends each line with ";" or quotes continuation lines.
    (Rewrite.MULTI_LINE, "basket = [\n  1,\n  2\n]\nTALK basket\n", 1, 1, "on one line"),
    # A string's later lines hold no tokens of their own ("Open string is not terminated"),
    # as botbook's GRAPHQL and BOOK pages write them.
    (Rewrite.MULTI_LINE, 'x = "line one\nline two"\nTALK x\n', 1, 5, "string spread over"),
    (Rewrite.MULTI_LINE, "q = '\n  query { a }\n'\nTALK q\n", 1, 5, "cut open"),
    # a `…` string over lines compiles, but its later lines were converted as code first
    # (the oracle prints "one 5;", "two 10", "if x {", "  three" for this one)
    (Rewrite.MULTI_LINE, "x = 5\nTALK `one ${x}\ntwo ${x * 2}\nIF x THEN\nthree`\n", 2, 6,
     "the later lines of this `…` string too, as if they were code"),
    (Rewrite.MULTI_LINE, "x = 5\ns = `one ${x}\ntwo`\nTALK s\n", 2, 5, "keep a `…` string"),
    # blocks/mod.rs convert_begin_blocks converts BEGIN TALK and BEGIN MAIL only.
    (Rewrite.RAW_BLOCK, 'BEGIN SYSTEM PROMPT\nYou are helpful.\nEND SYSTEM PROMPT\nTALK "hi"\n', 1,
     1, "SYSTEM PROMPT block"),
    (Rewrite.RAW_BLOCK, "TABLE leads\n  name STRING\nEND TABLE\n", 1, 1, "tables.bas"),
    # ... and BEGIN TALK text gets convert_keywords_to_lowercase like any string.
    (Rewrite.TEXT_CHANGED, "x = 2\nBEGIN TALK\nIF you need help, call ${x}\nEND TALK\n", 3, 1,
     '"if you need help, call ${x}"'),
    # botbasic_ai events.rs registers WAIT FOR EVENT after WAIT: one syntax per first word.
    (Rewrite.WAIT, 'WAIT 1\nTALK "x"\n', 1, 1, "WAIT FOR EVENT"),
    # convert_if_then_syntax turns = into == only between IF and THEN; Rhai reads any other
    # = as an assignment, which is no expression ("Expecting ';'", "Possibly a typo of '=='").
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nok = a = 1\nTALK ok\n", 2, 8, "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nIF a > 0 THEN\n  TALK a = 1\nEND IF\n", 3, 10,
     "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nWHILE a = 1\n  a = 2\nWEND\n", 2, 9, "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, 'a = "x" = 1\nTALK a\n', 1, 9, "write =="),  # after text
    # rhai src/tokenizer.rs has no \ symbol ("Unexpected '\'") and no pass rewrites it.
    (Rewrite.BACKSLASH, "x = 7 \\ 2\nTALK x\n", 1, 7, "a / b of two integers"),
    # rhai src/tokenizer.rs: -- and ++ are single reserved tokens ("Unknown operator: '--'").
    (Rewrite.DOUBLE_SIGN, "x = 5--3\nTALK x\n", 1, 6, "put a space between them"),
    # rhai src/tokenizer.rs reads digits only after a digit: ".5" is "Unexpected '.'".
    (Rewrite.LEADING_POINT, "x = .5\nTALK x\n", 1, 5, "write 0.5"),
    # rhai src/tokenizer.rs parse_string_literal: "Invalid escape sequence: '\\d'".
    (Rewrite.BAD_ESCAPE, 'TALK "C:\\data"\n', 1, 9, "Rhai rejects the escape \\d"),
    # rhai src/tokenizer.rs: 'abc' is a malformed character literal.
    (Rewrite.CHAR_QUOTES, "TALK 'abc'\n", 1, 6, "reads '…' as one character"),
    # Rhai interpolates only `…` strings; blocks/talk.rs expands ${} only in BEGIN TALK.
    (Rewrite.PLAIN_INTERPOLATION, 'n = 1\nTALK "n: ${n}"\n', 2, 6, "prints ${…}"),
    # convert_if_then_syntax: then_pos is a byte offset in the upper-cased line ("ﬁ" is 3
    # bytes, "FI" 2), so &trimmed[3..then_pos] loses the 1 of x1 (the oracle prints "same").
    (Rewrite.THEN_SHIFT, 'x1 = "b"\nx = "ﬁ"\nIF "ﬁ" = x1 THEN\n  TALK 1\nEND IF\n', 3, 1,
     'the condition becomes `"ﬁ" = x`'),
    (Rewrite.THEN_SHIFT, 'x = "ﬁ"\nIF "ﬁ" = é THEN\n  TALK 1\nEND IF\n', 2, 1,
     "converter stops (a Rust panic)"),
    # syntax_transforms.rs preprocess_llm_keyword: "llm " in any case, strings included,
    # becomes "LLM " (the engine-oracle prints "I am an LLM model").
    (Rewrite.TEXT_CHANGED, 'TALK "I am an llm model"\n', 1, 6, '"I am an LLM model"'),
    # ... and a string ending with "LLM " is read as LLM's prompt: the text up to the next
    # quote (line 2's x = ) gets WITH OPTIMIZE FOR "speed"; compile error.
    (Rewrite.TEXT_CHANGED, 'TALK "Ask the LLM "\nx = "a"\nTALK x\n', 1, 6,
     "is taken for the LLM keyword's prompt"),
    # lib.rs preprocess_basic skips blank and comment lines, block text too; blocks/mod.rs
    # trims each line; blocks/talk.rs makes the text a Rhai string (\t is a tab, \d fails).
    # The engine-oracle prints "A\nB" for the first dialog.
    (Rewrite.TALK_BLOCK_TEXT, "BEGIN TALK\nA\n\nB\nEND TALK\n", 3, 1,
     "drops the blank lines of a BEGIN TALK block"),
    (Rewrite.TALK_BLOCK_TEXT, "BEGIN TALK\nA\n' C\nEND TALK\n", 3, 1,
     "it skips every line of the dialog that starts with '"),
    (Rewrite.TALK_BLOCK_TEXT, "BEGIN TALK\nA\n  B\nEND TALK\n", 3, 1,
     "trims each line of a BEGIN TALK block"),
    (Rewrite.TALK_BLOCK_TEXT, "BEGIN TALK\nD\\tE\nEND TALK\n", 2, 2,
     "prints a tab for \\t here"),
    (Rewrite.TALK_BLOCK_TEXT, "BEGIN TALK\nC:\\data\nEND TALK\n", 2, 3,
     "Rhai rejects the escape \\d"),
    # Only IF conditions get = -> ==; elsewhere Rhai reads = as an assignment: "Expecting ';'"
    # for x = a = 1, "Expression cannot be assigned to" for TALK a = 1 in a block.
    (Rewrite.EQUALS_OUTSIDE_IF, 'a = 1\nx = LEN("a=b") = 3\nTALK x\n', 2, 16, "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nIF a = 1 THEN\n  TALK a = 1\nEND IF\n", 3, 10,
     "Rhai reads this '=' as an assignment"),
    # convert_if_then_syntax: ends_with_block_brace -> no ';' after a map literal, so Rhai
    # reads the next statement as part of it ("Expecting ';' to terminate this statement").
    (Rewrite.BRACE_END, "m = #{a: 1}\nTALK m\n", 1, 11, "';' after the '}'"),
    (Rewrite.BRACE_END, "i = 0\nWHILE i < 1\n  i = 1\n  m = #{}\n  TALK m\nWEND\n", 4, 9,
     "';' after the '}'"),
    # convert_if_then_syntax replaces = by == in IF/ELSEIF conditions only; elsewhere Rhai
    # reads a comparing = as an assignment ("Possibly a typo of '=='?").
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nok = a = 1\nTALK ok\n", 2, 8, "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "i = 0\nWHILE i = 0\n  i = 1\nWEND\n", 2, 9, "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "a = 1\nIF a = 1 THEN\n  TALK a = 1\nEND IF\n", 3, 10,
     "write =="),
    (Rewrite.EQUALS_OUTSIDE_IF, "a = [1]\nIF a[0] = 1 THEN\n  a[0] = a[0] = 1\nEND IF\n", 3,
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
    # The method form is the same function (Rhai's method call passes the array by value).
    (Rewrite.PUSH_STATEMENT, 'cart = []\ncart.push("tea")\nTALK cart\n', 2, 6,
     "its push returns a new array (Rhai passes arrays by value); write list = PUSH("),
    (Rewrite.PUSH_STATEMENT, 'o = #{l: [1]};\no.l.pop()\nTALK o\n', 2, 5,
     "its pop returns an item"),
    # The line alone cannot tell a list from a text, whose append (rhai string_more.rs)
    # changes it in place: the message says so.
    (Rewrite.PUSH_STATEMENT, 'cart = []\ncart.append("tea")\nTALK cart\n', 2, 6,
     "APPEND(list, item); a text is changed in place there too"),
    # convert_if_then_syntax (needs_semicolon): no ';' after a line starting SELECT , CASE ,
    # WEND or ELSE in capitals, so a variable named so swallows the next statement
    # ("Expecting ';' to terminate this statement").
    (Rewrite.BLOCK_WORD_NAME, "Case = 1\nTALK Case\n", 1, 1, "starts with `Case` with ';'"),
    (Rewrite.BLOCK_WORD_NAME, "Select = 1\n' note\nTALK Select\n", 1, 1, "rename 'Select'"),
    (Rewrite.BLOCK_WORD_NAME, "wend_count = 1\nTALK wend_count\n", 1, 1, "`wend`"),
    (Rewrite.BLOCK_WORD_NAME, "Wend = 1\nTALK Wend\n", 1, 1, "`Wend`"),
    (Rewrite.BLOCK_WORD_NAME, "ELSEVAL = 3\nTALK ELSEVAL\n", 1, 1, "`ELSE`"),
    (Rewrite.BLOCK_WORD_NAME, "Case = 1\nCase = 2\n", 1, 1, "`Case`"),  # no CASE: no '}'
    (Rewrite.BLOCK_WORD_NAME,
     "x = 1\nIF x = 1 THEN\n  elsewhere = 2\n  TALK elsewhere\nEND IF\n", 3, 3,
     "rename 'elsewhere'"),
    # preprocess_llm_keyword: the first LLM "…" loses its closing quote to WITH OPTIMIZE FOR
    # "speed" (the oracle registers no LLM syntax: read from the converter's source).
    (Rewrite.LLM_PROMPT, 'answer = LLM "What time is it?"\nTALK answer\n', 1, 10,
     "put the prompt in a variable first"),
    (Rewrite.LLM_PROMPT, "' a note\nTALK 1\nx = LLM \"a\" + \"b\"\ny = LLM \"c\"\n", 3, 5,
     "the dialog's first LLM"),
    # No pass converts SWITCH; Rhai's switch wants { ("Expecting '{' to start a switch block").
    (Rewrite.SWITCH_BLOCK, ('color = "red"\nSWITCH color\n  CASE "red"\n    TALK "Stop"\n'
     '  DEFAULT\n    TALK "?"\nEND SWITCH\n'), 2, 1, "write SELECT x"),
    # predeclare_variables skips names like its keywords, and a block gets no let: the
    # assignment meets no variable at run time ("Variable not found: Print").
    (Rewrite.UNDECLARED_NAME, "x = 1\nIF x = 1 THEN\n  Print = 2\nEND IF\nTALK x\n", 3, 3,
     'stops here with "Variable not found: Print"'),
    (Rewrite.UNDECLARED_NAME, "i = 0\nWHILE i < 1\n  i = i + 1\n  Find = i\nWEND\nTALK i\n",
     4, 3, "assign Find before the block"),
    # No pass rewrites IS NULL; Rhai reads IS as a name ("Expecting '{'", "Expecting ';'").
    (Rewrite.INFIX_WORD, 'x = ""\nIF x IS NULL || x == "" THEN\n  TALK 1\nEND IF\n', 2, 6,
     "write x == ()"),
    (Rewrite.INFIX_WORD, 'x = ""\nok = x IS NOT NULL\nTALK ok\n', 2, 8, "write x != ()"),
    # convert_while_wend_syntax: every line starting WHILE  becomes a loop ("Unexpected '='").
    (Rewrite.BLOCK_WORD_NAME, "While = 1\nTALK While\n", 1, 1, "becomes `while = 1 {`"),
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
    'a = 1\nx = a == 1\nIF a = 1 THEN\n  TALK "a = 1"\nEND IF\nTALK x\n',  # EQUALS_OUTSIDE_IF's fix
    "x = 2\nBEGIN TALK\n  Two lines, ${x}\n  one indent\nEND TALK\n",  # common indent
    'x = "é"\nIF "ɐ" = x THEN\n  TALK 1\nEND IF\n',  # a longer capital: the cut is a space
    'x = "C:\\\\data \\x41 \\u00e9"\nTALK x + \'a\'\n',  # the fix of BAD_ESCAPE, one character
    'TALK "Hello, how are you?"\n',  # no keyword words in upper case
    'msg = "1 + 1 = 2"\nTALK msg\n',  # the fix of LET_PREFIX
    'x = 1\nIF x = 1 THEN\n  TALK "a = b"\nEND IF\n',  # inside an IF block no let is added
    "' a comment\nREM another\nx = 1\nTALK x\n",  # whole-line comments are dropped, fine
    "x = 1\nIF x = 1 THEN ' a note\n  TALK x\nEND IF\n",  # text after THEN goes, comment too
    "a = true\nb = false\nIF a AND b THEN\n  TALK 1\nEND IF\n",  # AND in an IF condition
    "a = 2\nIF a <> 1 THEN\n  TALK 1\nEND IF\n",  # <> with spaces becomes !=
    # an ELSEIF whose condition starts with an array is no item assignment to ELSEIF
    'a = 1\nIF a = 2 THEN\n  TALK 0\nELSEIF [a, 2] = [1, 2] THEN\n  TALK 1\nEND IF\n',
    'x = GET_BOT_MEMORY("k")\nTALK x\n',  # the underscore form is a function
    'SET_BOT_MEMORY("k", "v")\n',
    'SET BOT MEMORY "k", "v"\nSET BOT MEMORY "k" "v"\nSET BOT MEMORY "a key", "a value"\n',
    'x = 3\nSET BOT MEMORY "k", STR(x)\nSET BOT MEMORY "k",x+"1"\n',  # no space: two pieces
    "x = 7 % 2\nTALK x\n",
    "l = [1, 2]\nIF CONTAINS(l, 2) THEN\n  TALK 1\nEND IF\n",
    "x = 2\nIF x = 1 THEN\n  TALK 1\nELSEIF x = 2 THEN\n  TALK 2\nEND IF\n",
    "x = false\nIF !x THEN\n  TALK 1\nEND IF\n",
    'a = 2\nIF a NOT IN [1, 3] THEN\n  TALK "y"\nEND IF\n',  # NOT IN -> !in in conditions
    "basket = [1, 2]\nTALK basket\n",
    "x = 2\nBEGIN TALK\nYou have ${x} new messages.\nEND TALK\n",
    "x = 5\ny = `a ${x} ``q``, \\n`\nTALK `v ${y} ${[1]}`\n",  # Rhai's `…` on one line
    "i = 0\nWHILE i < 3\n  i = i + 1\nWEND\nTALK i\n",
    "a = 3\nok = a == 3\nTALK ok\n",  # the fix of EQUALS_OUTSIDE_IF
    "a = [1, 2]\nIF a[0] = 1 THEN\n  a[1] = 5\n  a[0] = a[1] - -1\nEND IF\nTALK a\n",
    "x = 5 - -3\nTALK x\n",  # a sign with a space before it
    # NOT (…) is a call of the engine's NOT(bool) (botbasic_core string_functions.rs)
    "x = 7\nIF NOT (x > 5) AND x > 1 THEN\n  TALK 1\nEND IF\nok = NOT (x > 7)\nTALK ok\n",
    "m = #{a: 1};\nTALK m\n",  # the fix of BRACE_END
    "IF 1 = 1 THEN\n  m = #{a: 1}\nEND IF\nTALK m\n",  # a block's last statement needs no ;
    "m = #{a: 1}\n",  # nor does the script's
    'm = #{a: 1}\n\' a comment\n',
    "a = 1\nok = a == 1\nTALK ok\n",  # the fix of EQUALS_OUTSIDE_IF
    "a = [1]\nIF 1 = 1 THEN\n  a[0] = 2\n  TALK a\nEND IF\n",
    'x = LAST("a b")\nTALK x\n',  # the fix of LAST_PARENS
    "last = 1\nTALK last\n",  # a name, not the keyword (Rhai's syntax is case-sensitive)
    "talk = 1\ntalk += 1\nx = talk\ny = talk + 1\nTALK talk\n",  # KEYWORD_CASE: names
    'x = FORMAT(3, "0.00")\nsend = 1\ny = send + 1\nTALK x\n',  # NO_SYNTAX: a call, a name
    'LEFT("abc", 1)\nleft = 2\nLEN = 3\nNOW\nTALK left + LEN\n',  # bare functions: calls, names
    "NEW = 2\nexit = 3\nTALK NEW + exit\n",  # RESERVED_NAME: other casings; exit is free
    'set bot memory "k", "v"\nIf 1 = 1 Then\n  TALK 1\nEnd If\n',  # converted in any case
    'cart = []\ncart = PUSH(cart, "tea")\nTALK cart\n',  # the fix of PUSH_STATEMENT
    'cart = [1]\nTALK cart.pop()\nx = cart.push(2)\nTALK x\n',  # array methods in values
    'a = "1"\nSELECT a\nCASE "1"\n  TALK 1\nEND SELECT\nSELECT a\nCASE "2"\n  TALK 2\nEND SELECT\n',
    's = "a b"\nx = (FIRST(s)) + "!"\ny = [FIRST(s), 2]\nTALK x\n',  # FIRST_GREEDY's fix
    'x = ""\nok = x != ()\nTALK ok\nIF x == () THEN\n  TALK 2\nEND IF\n',  # IS NULL's fix
    'color = "red"\nSELECT color\n  CASE "red"\n    TALK "Stop"\nEND SELECT\n',  # SWITCH's fix
    "Mod = 2\nOr = 3\nAnd = 4\nTALK Mod + Or + And\nTALK Or\n",  # names, not operators
    "Print = 0\nx = 1\nIF x = 1 THEN\n  Print = 2\nEND IF\nTALK Print\n",  # declared first
    "Case = 1\n",  # BLOCK_WORD_NAME: the script's last line needs no ';'
    "x = 1\nIF x = 1 THEN\n  elsewhere = 2\nEND IF\nTALK elsewhere\n",  # nor a block's
    "cases = 1\nSELECTED = 2\nWHILE_X = 3\nCASE_N = 4\nTALK cases + SELECTED + WHILE_X + CASE_N\n",
]


# Rules about keywords of crates the engine-oracle does not register (botbasic_data's JOIN):
# scripts/compat_oracle_check.py leaves their cases out.
BEYOND_ORACLE = frozenset({Rewrite.SYNTAX_CALL, Rewrite.LLM_PROMPT})


# Quiet cases whose keywords the engine-oracle does not register (ADD SUGGESTION is in
# botbasic_comms), so scripts/compat_oracle_check.py cannot run them.
QUIET_BEYOND_ORACLE = [
    # a comment's LLM "…" is the first one (the pass runs before comments go): later ones stay
    "' ask the LLM \"why\"\nx = LLM \"a\"\nTALK x\n",
    'SET MODEL ROUTING "fast"\n',  # the one SET syntax left (botbasic_ai is not in the oracle)
    'r = POST "https://example.com/api", data\n',  # POST's one syntax is the HTTP one
    'RUN BASH "ls"\nDELETE FILE "old.txt"\n',
    'USE KB "docs"\nCLEAR KB\n',  # converted into USE_KB and CLEAR_KB, which botbasic_data has
    'ADD SUGGESTION "Track an order"\nADD_SUGGESTION "Opening hours"\n',
    'ADD SUGGESTION TOOL "order" AS "Order"\nADD_SUGGESTION_TEXT "hi" AS "Say hi"\n',
    'x = FIRST("a b")\nTALK x\n',  # FIRST $expr$ reads (…) as its value: the same thing
    'COPY "a", "b"\nx = READ "f.txt"\ny = FIND "t", "a=1"\np = "p"\nz = LLM p\nTALK x + y + z\n',
    # lines that fit their first word's one syntax, or that the converter joins first
    'ADD SUGGESTION "x"\nADD SUGGESTION TOOL "t" AS "x"\nADD SWITCHER "s" AS "x"\n',
    'ADD BOT "b" WITH SCHEDULE "0 9 * * *"\nBOT SYNC MEMORY FROM "other"\n',
    'x = SEARCH "t", "q"\nTALK x\nr = RSS "u", 5\nTALK r\nQR CODE "a", "b"\n',
    'p = SCRAPE "https://a.b" + "/x", FORMAT(1, "0")\nTALK p\n',
    'RESOLVE CONVERSATION "c" WITH "done"\nASSIGN CONVERSATION "c" TO "ana"\n',
]


@pytest.mark.parametrize("source", QUIET + QUIET_BEYOND_ORACLE)
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


def test_rules_survive_a_string_where_an_operator_is_looked_for() -> None:
    """A string token's value is a list: the NOT (…) and '=' rules must not hash it."""
    for source in ('x = true\nTALK NOT (x) "y"\n', 'a = "x" = "y"\n'):
        check_source(source, "t.bas")
def test_a_data_keywords_own_equals_is_no_comparison() -> None:
    # FIND … WHERE email = e: that '=' is the keyword's syntax; "write ==" would mislead
    found = engine('e = "a"\nrows = FIND "t" WHERE email = e\n')
    assert not any("write ==" in message for *_, message in found)
