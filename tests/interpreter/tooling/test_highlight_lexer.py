"""The Pygments lexer and the per-line highlighting API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from interpreter.syntax import vocabulary as vocab
from interpreter.tooling.highlight_lexer import (
    STATE_BACKTICK,
    STATE_NORMAL,
    STATE_STRING,
    STATE_TABLE_BLOCK,
    STATE_TEXT_BLOCK,
    GBasicLexer,
    highlight_line_tokens,
    utf16_offsets,
)

LEXER = GBasicLexer()

SAMPLE = """\
' Greet returning visitors by counting visits in bot memory
visits = GET_BOT_MEMORY("visits")
IF visits = "" THEN visits = 0
visits = visits + 1
SET BOT MEMORY "visits", visits
TALK "Hello! This bot has been visited " + visits + " times."
HEAR name AS NAME
SET_BOT_MEMORY "last_visitor", name
TALK "Nice to meet you, " + name + "."
"""


def toks(code: str) -> list[tuple[object, str]]:
    """Non-blank (token, text) pairs of a whole document."""
    return [(t, v) for t, v in LEXER.get_tokens(code) if v.strip()]


def line_kinds(line: str, state: int = STATE_NORMAL) -> list[tuple[str, object]]:
    spans, _ = highlight_line_tokens(line, state)
    return [(line[s:s + n], t) for s, n, t in spans]


def kind_of(line: str, text: str, state: int = STATE_NORMAL) -> object:
    """The token type of the span whose text is exactly ``text``."""
    for value, token in line_kinds(line, state):
        if value == text:
            return token
    raise AssertionError(f"no span {text!r} in {line_kinds(line, state)}")


def lex_lines(lines: list[str], state: int = STATE_NORMAL) -> list[int]:
    """Outgoing state of each line, lexing them one by one like the editor does."""
    states = []
    for line in lines:
        _, state = highlight_line_tokens(line, state)
        states.append(state)
    return states


# --------------------------------------------------------------------------- keywords


@pytest.mark.parametrize("line, phrase", [
    ('SET_BOT_MEMORY "k", "v"', "SET_BOT_MEMORY"),
    ('SET BOT MEMORY "k", "v"', "SET BOT MEMORY"),
    ('set bot memory k, v', "set bot memory"),
    ('GET BOT MEMORY("k")', "GET BOT MEMORY"),
    ('SET_CONTEXT "x"', "SET_CONTEXT"),
    ('USE KB "docs"', "USE KB"),
    ('ADD_SUGGESTION "a" AS "b"', "ADD_SUGGESTION"),
    ("CLEAR SUGGESTIONS", "CLEAR SUGGESTIONS"),
])
def test_keyword_phrases_in_both_spellings_are_one_keyword_token(line: str, phrase: str) -> None:
    assert line_kinds(line)[0] == (phrase, Keyword)


@pytest.mark.parametrize("phrase", sorted(set(vocab.STATEMENT_PHRASES)))
def test_every_vocabulary_phrase_is_a_keyword(phrase: str) -> None:
    for spelling in (phrase, phrase.replace(" ", "_"), phrase.lower()):
        assert line_kinds(f"{spelling} x")[0] == (spelling, Keyword)


def test_assignment_result_uses_keyword() -> None:
    line = 'x = GET_BOT_MEMORY("visits")'
    assert kind_of(line, "x") in Name
    assert kind_of(line, "GET_BOT_MEMORY") is Keyword
    assert kind_of(line, '"visits"') is String.Double


def test_block_words_constants_and_operator_words() -> None:
    line = "IF a AND NOT b OR c MOD 2 = 0 THEN x = TRUE ELSE x = NULL"
    assert kind_of(line, "IF") is Keyword
    assert kind_of(line, "THEN") is Keyword
    assert kind_of(line, "ELSE") is Keyword
    for word in ("AND", "NOT", "OR", "MOD"):
        assert kind_of(line, word) is Operator.Word
    assert kind_of(line, "TRUE") is Keyword.Constant
    assert kind_of(line, "NULL") is Keyword.Constant
    assert kind_of(line, "2") in Number


def test_control_statements() -> None:
    assert [t for _, t in line_kinds("END IF")] == [Keyword, Keyword]
    assert kind_of("SELECT CASE choice", "CASE") is Keyword
    assert kind_of("FOR EACH item IN items", "EACH") is Keyword
    assert kind_of("FOR EACH item IN items", "item") in Name
    assert kind_of("NEXT item", "NEXT") is Keyword
    assert kind_of("DO WHILE i < 3", "WHILE") is Keyword


def test_keywords_are_not_reserved() -> None:
    assert kind_of('case = FIND "cases", "x=1"', "case") in Name
    assert kind_of("FOR EACH case IN cases", "case") in Name
    assert kind_of("NEXT case", "case") in Name
    assert kind_of("TALK list[0]", "list") in Name
    assert kind_of("TALK file.name", "file") in Name


def test_builtins_only_before_a_parenthesis() -> None:
    assert kind_of("n = LEN(name)", "LEN") is Name.Builtin
    assert kind_of("n = ubound (items)", "ubound") is Name.Builtin
    assert kind_of("n = IS_NUMERIC(x)", "IS_NUMERIC") is Name.Builtin
    assert kind_of("len = 3", "len") in Name
    assert kind_of("TALK len", "len") is Name


def test_sub_and_function_names() -> None:
    assert kind_of("SUB Greet(who)", "Greet") is Name.Function
    assert kind_of("FUNCTION Double(n)", "Double") is Name.Function
    assert kind_of("CALL Greet(name)", "Greet") is Name.Function
    assert [t for _, t in line_kinds("END SUB")] == [Keyword, Keyword]


def test_hear_and_param_types() -> None:
    assert kind_of("HEAR age AS INTEGER", "INTEGER") is Keyword.Type
    assert kind_of("hear mail as email", "email") is Keyword.Type
    assert kind_of("HEAR name AS NAME", "name") in Name
    assert kind_of("HEAR name AS NAME", "NAME") is Keyword.Type
    assert kind_of('PARAM qty AS INTEGER LIKE 10 DESCRIPTION "n"', "INTEGER") is Keyword.Type
    assert kind_of('HEAR pick AS "Yes", "No"', '"Yes"') is String.Double


def test_member_access_is_an_attribute_even_when_a_keyword() -> None:
    assert kind_of("x = lead.score", "score") is Name.Attribute
    assert kind_of("    .name = 1", "name") is Name.Attribute


# --------------------------------------------------------------------------- comments and strings


@pytest.mark.parametrize("line, text", [
    ("' a comment", "' a comment"),
    ("   ' indented comment", "' indented comment"),
    ("TALK x ' trailing note", "' trailing note"),
    ("END IF 'done'", "'done'"),
    ("x = y 'note'", "'note'"),
    ("CLEAR SUGGESTIONS ' don't keep them", "' don't keep them"),
    ("REM hello", "REM hello"),
    ("REM", "REM"),
    ("  rem\tlower case", "rem\tlower case"),
    ("// slashes", "// slashes"),
    ("# a note", "# a note"),
])
def test_comments(line: str, text: str) -> None:
    assert kind_of(line, text) in Comment


@pytest.mark.parametrize("line, text", [
    ("SAVE 'leads.csv', name, email", "'leads.csv'"),
    ("x = 'f'", "'f'"),
    ("listV[k].hierarquia = 'f'", "'f'"),
    ("f('a', 'b')", "'b'"),
    ("IF a = 'x' THEN", "'x'"),
])
def test_single_quoted_strings_in_operand_position(line: str, text: str) -> None:
    assert kind_of(line, text) is String.Single


def test_remember_is_not_a_comment() -> None:
    kinds = line_kinds('REMEMBER "k", v, "30 days"')
    assert kinds[0] == ("REMEMBER", Keyword)
    assert not any(t in Comment for _, t in kinds)
    assert not any(t in Comment for _, t in line_kinds('REMOVE_TOOL "x"'))
    assert kind_of("rem = 5", "rem") in Name


def test_hash_brace_map_is_not_a_comment() -> None:
    kinds = line_kinds("#{a: 1, b: 2}")
    assert not any(t in Comment for _, t in kinds)
    assert kinds[0][0] == "#{"
    assert kind_of("m = #{name: 'x'}", "'x'") is String.Single


def test_double_quoted_strings_escapes_and_interpolation() -> None:
    line = r'TALK "Hi ${name}! ""q"" \n \q"'
    assert kind_of(line, "${name}") is String.Interpol
    assert kind_of(line, '""') is String.Escape
    assert kind_of(line, r"\n") is String.Escape
    assert all(t in String for _, t in line_kinds(line)[1:])
    # A malformed `${` stays text.
    assert not any(t is String.Interpol for _, t in line_kinds('TALK "${oops"'))
    assert kind_of('TALK "a \' b"', '"a \' b"') is String.Double


def test_curly_quotes_are_strings() -> None:
    assert kind_of("TALK “Olá”", "“Olá”") is String.Double


# --------------------------------------------------------------------------- line states


def test_begin_talk_block_across_lines() -> None:
    lines = ["BEGIN TALK", "**Welcome**, ${name}! 'quoted' REM x", "END TALK", "' after"]
    assert lex_lines(lines) == [STATE_TEXT_BLOCK, STATE_TEXT_BLOCK, STATE_NORMAL, STATE_NORMAL]
    body = line_kinds(lines[1], STATE_TEXT_BLOCK)
    assert ("${name}", String.Interpol) in body
    assert all(t in String for _, t in body)
    assert line_kinds("  END TALK", STATE_TEXT_BLOCK) == [("END", Keyword), ("TALK", Keyword)]
    assert kind_of("' after", "' after") in Comment


def test_system_prompt_block_across_lines() -> None:
    lines = ["begin system prompt", "You help ${company}.", "END SYSTEM PROMPT"]
    assert lex_lines(lines) == [STATE_TEXT_BLOCK, STATE_TEXT_BLOCK, STATE_NORMAL]
    assert kind_of(lines[1], "${company}", STATE_TEXT_BLOCK) is String.Interpol


def test_table_block_across_lines() -> None:
    lines = ["TABLE leads ON maria", "  id UUID PRIMARY KEY", "  name AS string(150)",
             "  ' note", "END TABLE", "x = 1"]
    assert lex_lines(lines) == [STATE_TABLE_BLOCK] * 4 + [STATE_NORMAL] * 2
    assert kind_of(lines[1], "id", STATE_TABLE_BLOCK) is Name.Attribute
    assert kind_of(lines[1], "UUID", STATE_TABLE_BLOCK) is Keyword.Type
    assert kind_of(lines[2], "string", STATE_TABLE_BLOCK) is Keyword.Type
    assert kind_of(lines[3], "' note", STATE_TABLE_BLOCK) in Comment
    assert kind_of("table = 3", "table") in Name  # a variable, not a block


def test_multi_line_string_state() -> None:
    lines = ['body = "Dear ${name},', "your order ' is ready", 'bye" + sig \' done']
    assert lex_lines(lines) == [STATE_STRING, STATE_STRING, STATE_NORMAL]
    assert line_kinds(lines[1], STATE_STRING) == [(lines[1], String.Double)]
    last = line_kinds(lines[2], STATE_STRING)
    assert last[0] == ('bye"', String.Double)
    assert ("sig", Name) in last and ("' done", Comment.Single) in last


def test_backtick_string_across_lines() -> None:
    lines = ["TALK `Hi ${name}, ``quoted``", "IF x THEN ' not code \\n", "bye` + sig ' done"]
    assert lex_lines(lines) == [STATE_BACKTICK, STATE_BACKTICK, STATE_NORMAL]
    assert kind_of(lines[0], "${name}") is String.Interpol
    assert kind_of(lines[0], "``") is String.Escape
    assert line_kinds(lines[1], STATE_BACKTICK) == [(lines[1], String.Backtick)]
    last = line_kinds(lines[2], STATE_BACKTICK)
    assert last[0] == ("bye`", String.Backtick)
    assert ("sig", Name) in last and ("' done", Comment.Single) in last


def test_unknown_incoming_state_counts_as_normal() -> None:
    assert highlight_line_tokens("TALK 1", -1) == highlight_line_tokens("TALK 1", STATE_NORMAL)


def test_line_by_line_matches_whole_document() -> None:
    doc = SAMPLE + "BEGIN TALK\nHi ${x}\nEND TALK\nTABLE t\n  a AS INTEGER\nEND TABLE\n"
    whole = [(t, v) for t, v in LEXER.get_tokens(doc) if v.strip()]
    state, per_line = STATE_NORMAL, []
    for line in doc.splitlines():
        spans, state = highlight_line_tokens(line, state)
        per_line += [(t, line[s:s + n]) for s, n, t in spans]
    # Lines merge adjacent same-type pieces; compare the joined text per token type.
    assert "".join(v for _, v in whole).replace(" ", "") == \
        "".join(v for _, v in per_line).replace(" ", "")
    assert {t for t, _ in whole} == {t for t, _ in per_line}


def test_sample_dialog_has_no_error_tokens() -> None:
    assert not any(t in Error for t, _ in toks(SAMPLE))


# --------------------------------------------------------------------------- UTF-16


def test_utf16_offsets_with_an_emoji() -> None:
    line = 'TALK "😀 ${x}"'
    offsets = utf16_offsets(line)
    assert len(offsets) == len(line) + 1
    assert offsets[6] == 6 and offsets[7] == 8  # the emoji takes two UTF-16 units
    assert offsets[-1] == len(line.encode("utf-16-le")) // 2
    start = line.index("${x}")
    assert kind_of(line, "${x}") is String.Interpol
    assert offsets[start] == start + 1


def test_utf16_offsets_bmp_is_identity() -> None:
    assert utf16_offsets("olá ação") == list(range(9))
    assert utf16_offsets("") == [0]


# --------------------------------------------------------------------------- robustness

_FRAGMENTS = st.sampled_from([
    '"', "`", "``", "'", "‘", "“", "${", "}", "{", "#{", "#", "//", "REM", "REMEMBER", "BEGIN TALK\n",
    "BEGIN SYSTEM PROMPT\n", "END TALK", "END SYSTEM PROMPT", "TABLE t\n", "END TABLE", "\n",
    " ", "\t", "x", "=", "(", ")", "\\", "😀", "SET_BOT_MEMORY", "SET BOT MEMORY", "HEAR a AS ",
    "INTEGER", "SUB ", "IF", "THEN", "END IF", "LEN(", "1.5", ",", "SAVE ", "\r", "\x00", "é",
])
_GARBAGE = st.one_of(st.text(max_size=200), st.lists(_FRAGMENTS, max_size=40).map("".join))


@settings(max_examples=200, deadline=None)
@given(_GARBAGE)
def test_lexing_anything_never_raises_and_keeps_the_text(text: str) -> None:
    pieces = [v for _, _, v in LEXER.get_tokens_unprocessed(text)]
    assert "".join(pieces) == text


@settings(max_examples=200, deadline=None)
@given(_GARBAGE, st.sampled_from([-1, 0, 1, 2, 3, 4, 99]))
def test_highlighting_any_line_never_raises(text: str, state: int) -> None:
    for line in text.split("\n"):
        spans, state = highlight_line_tokens(line, state)
        assert state in (STATE_NORMAL, STATE_TEXT_BLOCK, STATE_TABLE_BLOCK, STATE_STRING,
                         STATE_BACKTICK)
        for start, length, _ in spans:
            assert 0 <= start and length > 0 and start + length <= len(line)
        assert [s for s, _, _ in spans] == sorted(s for s, _, _ in spans)


# --------------------------------------------------------------------------- Pygments plugin


def test_registered_with_pygments() -> None:
    assert isinstance(get_lexer_by_name("gbasic"), GBasicLexer)
    assert isinstance(get_lexer_by_name("generalbots"), GBasicLexer)
    assert isinstance(get_lexer_for_filename("start.gbdialog"), GBasicLexer)


def _pygmentize() -> list[str]:
    # The project's own environment: a pygmentize elsewhere on PATH cannot see our entry point.
    return [sys.executable, "-m", "pygments"]


def test_pygmentize_command_line(tmp_path: Path) -> None:
    source = tmp_path / "start.bas"
    source.write_text(SAMPLE, encoding="utf-8")
    result = subprocess.run([*_pygmentize(), "-l", "gbasic", "-f", "raw", str(source)],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Token.Keyword\t'SET BOT MEMORY'" in result.stdout
    assert "Token.Comment.Single" in result.stdout


# A fresh process: the lexer's rules are compiled once per process, on first use.
LAZY_RULES = """\
import json, sys
from pathlib import Path
from interpreter.tooling import highlight_lexer as hl

def lex_all(lines):
    state, out = 0, []
    for line in lines:
        spans, state = hl.highlight_line_tokens(line, state)
        out.append([(a, b, str(t)) for a, b, t in spans] + [state])
    return out

def compiled():
    rules = [m for rs in hl._lexer()._tokens.values() for m, _a, _s in rs]
    return sum(not isinstance(m, hl._RuleMatch) or m._match is not None for m in rules), len(rules)

def all_plain():
    return all(not isinstance(m, hl._RuleMatch)
               for rs in hl._lexer()._tokens.values() for m, _a, _s in rs)

sample = Path(sys.argv[1]).read_text().splitlines()
if sys.argv[2] == "compare":
    hl.EAGER_AFTER_LINES = 10 ** 9  # every line through the rules compiled on demand
    lex_all(["' A new dialog", 'TALK "Hello!"'])
    after_first_lines = compiled()
    lazy = lex_all(sample)
    hl.compile_rules()
    result = {"after_first_lines": after_first_lines, "same": lazy == lex_all(sample),
              "all_plain": all_plain()}
else:  # the default: compiled once a screenful and more has been lexed
    lex_all(sample[:hl.EAGER_AFTER_LINES - 1])
    before = all_plain()
    lex_all(sample[:1])
    result = {"before": before, "after": all_plain()}
print(json.dumps(result))
"""


def test_rules_compile_when_first_tried_and_compile_rules_changes_no_colour(tmp_path):
    """The first lines compile only the rules they try (the IDE colours them before its
    first paint); ``compile_rules`` compiles the rest, and every line lexes the same."""
    import json

    root = Path(__file__).resolve().parents[3]
    sample = tmp_path / "all.bas"
    sample.write_text("\n".join(p.read_text() for p in sorted(
        (root / "resources" / "samples").glob("*.bas"))))

    def lex(mode: str) -> dict:
        done = subprocess.run([sys.executable, "-c", LAZY_RULES, str(sample), mode], cwd=root,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    compared = lex("compare")
    compiled, total = compared["after_first_lines"]
    assert 0 < compiled < total
    assert compared["same"] and compared["all_plain"]
    assert lex("default") == {"before": False, "after": True}
