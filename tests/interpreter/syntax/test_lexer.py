from interpreter.syntax.lexer import Interpolation, Kind, tokenize


def kinds(src: str) -> list[tuple[Kind, object]]:
    toks, diags = tokenize(src)
    assert diags == []
    return [(t.kind, t.value) for t in toks if t.kind not in (Kind.NEWLINE, Kind.EOF)]


def test_positions_are_one_based_lines_and_columns():
    toks, _ = tokenize('x = 1\n  TALK "hi"')
    talk = next(t for t in toks if t.value == "TALK")
    assert (talk.line, talk.col) == (2, 3)
    s = next(t for t in toks if t.kind is Kind.STRING)
    assert (s.line, s.col, s.end_col) == (2, 8, 12)


def test_comments_quote_rem_slashes_hash():
    src = "' c1\nREM c2\nREM\n// c3\n# c4\nx = 1 ' trailing\n"
    assert kinds(src) == [(Kind.IDENT, "x"), (Kind.OP, "="), (Kind.NUMBER, 1)]


def test_remember_is_not_a_comment_and_hash_brace_is_a_map():
    values = [v for _, v in kinds('REMEMBER "k", 1\nm = #{a: 1}')]
    assert values[0] == "REMEMBER" and "#{" in values


def test_single_quote_in_operand_position_is_a_string():
    toks = kinds("SAVE 'leads.csv', x\nf = 'a'")
    assert (Kind.STRING, ["leads.csv"]) in toks
    assert (Kind.STRING, ["a"]) in toks


def test_escapes_doubling_and_unknown_escape_keeps_backslash():
    toks = kinds(r'x = "a\nb\tc \"q\" ""d"" \w"')
    assert toks[-1] == (Kind.STRING, ['a\nb\tc "q" "d" \\w'])


def test_interpolation_parts_and_malformed_stays_text():
    toks = kinds('TALK "Hi ${name}!" + "${broken"')
    parts = toks[1][1]
    assert parts[0] == "Hi " and isinstance(parts[1], Interpolation) and parts[2] == "!"
    assert parts[1].source == "name"
    assert toks[3] == (Kind.STRING, ["${broken"])


def test_curly_quotes_are_straight_quotes():
    assert kinds("TALK \u201chello\u201d")[1] == (Kind.STRING, ["hello"])


def test_open_bracket_joins_lines_and_semicolon_ends_statement():
    toks, _ = tokenize("a = [1,\n 2]\nb = 3;\n")
    nl = [t for t in toks if t.kind is Kind.NEWLINE]
    assert len(nl) == 2


def test_multiline_string_keeps_newline():
    assert kinds('x = "line1\nline2"')[-1] == (Kind.STRING, ["line1\nline2"])


def test_text_block_becomes_one_token():
    toks, diags = tokenize("BEGIN TALK\n  Hello\n  * a\nEND TALK\nx = 1")
    assert diags == []
    block = toks[0]
    assert block.kind is Kind.TEXTBLOCK and block.value.kind == "TALK"
    assert [t for _, t in block.value.lines] == ["  Hello", "  * a"]


def test_errors_unterminated_string_and_bad_character():
    _, diags = tokenize('x = "abc\ny = 1 @ 2')
    assert any("never closed" in d.message and (d.line, d.col) == (1, 5) for d in diags)
    _, diags = tokenize("y = 1 @ 2")
    assert diags[0].message == "unexpected character '@'" and diags[0].col == 7


def test_unclosed_text_block_is_reported():
    _, diags = tokenize("BEGIN TALK\nhello\n")
    assert "no matching END TALK" in diags[0].message


def test_backtick_string_keeps_backslashes_and_lines_and_reads_interpolations():
    toks, diags = tokenize('TALK `a\\n ``q`` ${x + 1}\nline ${"}"}${}` + 1\nTALK 2')
    assert diags == []
    s = toks[1]
    assert (s.kind, s.quote, s.line, s.col) == (Kind.STRING, "`", 1, 6)
    assert s.parts == ["a\\n `q` ", Interpolation("x + 1", 1, 19), "\nline ",
                       Interpolation('"}"', 2, 8)]  # ${} is empty text, as in Rhai
    assert [(t.value, t.line, t.col) for t in toks[2:4]] == [("+", 2, 17), (1, 2, 19)]
    assert toks[5].value == "TALK" and toks[5].line == 3


def test_backtick_string_never_closed_or_interpolation_never_closed():
    _, diags = tokenize("TALK `abc\n")
    assert [(d.line, d.col, d.message) for d in diags] == [
        (1, 6, "string is never closed (missing `)")]
    _, diags = tokenize("TALK `a ${x`\nTALK 1\n")
    assert [(d.line, d.col, d.message) for d in diags] == [
        (1, 9, "'${' in a `…` string is never closed with '}'")]
