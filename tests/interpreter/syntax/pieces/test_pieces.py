"""Lexing, parsing, reading the physical lines, following the General Bots converter and the code
generator's analysis over a dialog by pieces, reusing the pieces of the dialog before an edit,
give exactly what doing each of them on the whole dialog gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import check_source
from interpreter.checking import clear_caches
from interpreter.codegen.analysis import forget_facts, program_facts
from interpreter.compat import EngineBuild
from interpreter.compat.converter_rules import ConverterModel, converter_findings
from interpreter.compat.dialog_rules import whole_dialog_findings
from interpreter.compat.source_lines import SourceLine, _lines_of, line_pieces, source_lines
from interpreter.syntax import nodes as n
from interpreter.syntax.lexer import Lexer, normalized
from interpreter.syntax.parser.core import Parser, parse_with, whole_program
from interpreter.syntax.parser.pieces import parse_reusing
from interpreter.syntax.pieces.lexing import lex_dialog
from interpreter.syntax.pieces.shift import CannotShift, moved_from, shifted_nodes

from .edits import BASE, BASE_LINES, apply, edits, moving_edits

FILE = "dialog.bas"


def assert_lexed_as_a_whole(text: str) -> None:
    lexer = Lexer(text)
    tokens = lexer.tokenize()
    lexed = lex_dialog(text)
    assert list(lexed.tokens) == tokens
    assert list(lexed.diagnostics) == lexer.diagnostics
    assert [t for c in lexed.chunks for t in c.tokens] == tokens[:-1]


def assert_same_program(a: n.Program, b: n.Program) -> None:
    assert a == b
    assert list(a.subs.items()) == list(b.subs.items())  # the order SUBs are listed in
    assert list(a.names.items()) == list(b.names.items())


def assert_parsed_as_a_whole(text: str) -> None:
    program, diagnostics = parse_reusing(text, FILE)
    whole, whole_diagnostics = parse_with(text, FILE, whole_program)
    assert diagnostics == whole_diagnostics
    assert_same_program(program, whole)
    # The code generator's facts, reusing those of the statements and SUBs parsed before
    facts = program_facts(program)
    forget_facts()
    assert facts == program_facts(program)


def lines_from_scratch(text: str) -> list[SourceLine]:
    return list(_lines_of(normalized(text).split("\n"), 1, tuple(Lexer(text).tokenize())))


def assert_all_as_a_whole(text: str) -> None:
    assert_lexed_as_a_whole(text)
    assert_parsed_as_a_whole(text)
    lines = lines_from_scratch(text)
    assert source_lines(text) == lines
    for build in EngineBuild:  # the converter's rules, a piece's open blocks carried over
        expected = list(ConverterModel(build).findings(lines))
        expected += whole_dialog_findings(build.label, lines, expected)  # across pieces, last
        assert converter_findings(build, line_pieces(text)) == expected


def edit_and_compare(steps: list[tuple[str, int, str]]) -> None:
    clear_caches()
    text = BASE
    assert_all_as_a_whole(text)
    for step in steps:
        text = apply(text, step)
        assert_all_as_a_whole(text)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=4))
def test_pieces_after_edits_are_what_the_whole_dialog_gives(steps) -> None:
    edit_and_compare(steps)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=8))
def test_many_edit_runs_by_pieces_are_what_the_whole_dialog_gives(steps) -> None:
    edit_and_compare(steps)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=3))
def test_a_check_after_edits_reports_what_a_check_from_scratch_reports(steps) -> None:
    clear_caches()
    text = BASE
    check_source(text, FILE)
    for step in steps:
        text = apply(text, step)
        reused = check_source(text, FILE)
        clear_caches()
        assert reused == check_source(text, FILE)


def test_the_dialog_is_cut_into_many_pieces_that_mostly_stand_alone() -> None:
    # Otherwise the tests above compare one piece with the whole, which proves nothing.
    clear_caches()
    assert len(lex_dialog(BASE).chunks) > 20


def test_a_name_assigned_in_an_earlier_piece_changes_how_a_later_piece_parses() -> None:
    before = "SUB A()\nTALK 1\nEND SUB\nSUB B()\ny = find[0]\nEND SUB\n"
    after = "find = [1, 2]\n" + before
    clear_caches()
    parse_reusing(before, FILE)
    program, _ = parse_reusing(after, FILE)
    assert isinstance(program.subs["b"].body[0].value, n.Index)  # a variable, not FIND
    assert_parsed_as_a_whole(after)
    assert_parsed_as_a_whole(before)  # the other way round: FIND again


def test_renaming_a_sub_to_an_earlier_ones_name_reports_the_later_one() -> None:
    text = "SUB A()\nTALK 1\nEND SUB\nSUB B()\nTALK 2\nEND SUB\n"
    clear_caches()
    parse_reusing(text, FILE)
    _, diagnostics = parse_reusing(text.replace("SUB A()", "SUB B()"), FILE)
    assert [(d.line, d.message) for d in diagnostics] == [
        (4, "SUB B is already defined at line 1")]
    _, diagnostics = parse_reusing(text, FILE)
    assert diagnostics == []


def test_a_block_left_open_takes_in_the_pieces_after_it() -> None:
    text = "x = 1\nSUB A()\nTALK 1\nEND SUB\nSUB B()\nTALK 2\nEND SUB\n"
    clear_caches()
    parse_reusing(text, FILE)
    opened = text.replace("x = 1", "IF x THEN")
    program, diagnostics = parse_reusing(opened, FILE)
    assert [d.message for d in diagnostics] == [
        "IF at line 1 is not closed: expected END IF, found end of file"]
    assert len(program.body) == 1 and set(program.subs) == {"a", "b"}
    assert_parsed_as_a_whole(opened)


def test_a_parser_state_records_what_the_pieces_before_answered() -> None:
    tokens = Lexer("IF get_session OR x THEN TALK 1\n").tokenize()
    parser = Parser(tokens, FILE, "")
    parser.parse_program()
    assert parser.names.asked == {"get_session": False}
    assert parser.subs.asked == {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(moving_edits(), min_size=1, max_size=4))
def test_pieces_moved_by_inserted_and_deleted_lines_are_what_the_whole_dialog_gives(
        steps) -> None:
    edit_and_compare(steps)


def test_a_line_inserted_at_the_top_moves_every_piece_after_it() -> None:
    clear_caches()
    parse_reusing(BASE, FILE)
    moved = "x = 1\n" + BASE
    program, _ = parse_reusing(moved, FILE)
    whole, _ = parse_with(moved, FILE, whole_program)
    assert program.subs["s11"].line == whole.subs["s11"].line == \
        BASE_LINES.index("SUB S11(a)") + 2
    assert_all_as_a_whole(moved)
    assert_all_as_a_whole(BASE)  # and back: every piece moved up again


def test_the_last_piece_keeps_its_last_empty_line_when_the_same_text_is_not_last() -> None:
    # The same text and first line read as the last piece (its line after the last \n is a
    # line of its own) and as a piece before another one.
    clear_caches()
    assert_all_as_a_whole(BASE)
    assert_all_as_a_whole(apply(BASE, ("replace", 228, "DIM shared_x")))


def test_a_parse_holding_a_value_of_unknown_kind_is_not_moved() -> None:
    with pytest.raises(CannotShift):
        shifted_nodes(n.Literal(1, 1, object()), 3)
    moved = shifted_nodes(n.With(2, 1, n.Name(2, 6, "o"), [("a", n.Literal(3, 3, 1), 3, 2)]), 4)
    assert moved == n.With(6, 1, n.Name(6, 6, "o"), [("a", n.Literal(7, 3, 1), 7, 2)])


def test_a_moved_sub_is_known_as_the_one_it_was_moved_from() -> None:
    # The code generator's facts of a moved SUB are those of the original (none is a line).
    text = "".join(f"SUB S{i}(a)\nIF a > {i} THEN\nTALK a\nEND IF\nEND SUB\n" for i in range(9))
    clear_caches()
    before, _ = parse_reusing(text, FILE)
    after, _ = parse_reusing("x = 1\n" + text, FILE)
    assert moved_from(after.subs["s8"]) is before.subs["s8"]
    assert after.subs["s8"].line == before.subs["s8"].line + 1 == 42
    facts = program_facts(after)
    forget_facts()
    assert facts == program_facts(after)
