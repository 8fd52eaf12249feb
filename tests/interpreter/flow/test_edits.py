"""Flow edits as the smallest text change: only the edited part differs, comments and
spacing stay, and the new text draws the edited flow."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from interpreter.flow import (
    FlowEditError,
    NodeKind,
    Template,
    add_branch,
    build_flow,
    delete_node,
    insert_after,
    insert_into,
    move_node,
    set_field,
)

from .dialogs import dialogs

TEXT = """\
' greeting  (a comment that must survive)
TALK "Hello there"   ' say hi
HEAR name   AS STRING
IF name = "Ann" THEN
    TALK "Hi Ann"
    SET BOT MEMORY "last_name", name
END IF
SELECT CASE name
    CASE "Bob"
        TALK "Hi Bob"
END SELECT
"""


def apply(edit) -> str:  # type: ignore[no-untyped-def]
    return edit.apply(TEXT)


def test_talk_text_changes_only_inside_the_quotes() -> None:
    edit = set_field(TEXT, build_flow(TEXT), "L2.1", "text", "Hello, world")
    assert apply(edit) == TEXT.replace('"Hello there"', '"Hello, world"')
    assert TEXT[edit.start:edit.end] == " there"  # only what differs is replaced


def test_hear_type_and_prompt() -> None:
    graph = build_flow(TEXT)
    typed = apply(set_field(TEXT, graph, "L3.1", "type", "EMAIL"))
    assert "HEAR name   AS EMAIL\n" in typed
    prompted = apply(set_field(TEXT, graph, "L3.1", "prompt", "Your name?"))
    assert 'HEAR name   AS STRING WITH "Your name?"\n' in prompted
    again = build_flow(prompted).nodes["L3.1"]
    assert again.field("prompt").value == "Your name?"


def test_hear_without_as_gets_one() -> None:
    text = "HEAR x\n"
    edit = set_field(text, build_flow(text), "L1.1", "type", "INTEGER")
    assert edit.apply(text) == "HEAR x AS INTEGER\n"


def test_case_value_and_memory_key() -> None:
    graph = build_flow(TEXT)
    assert apply(set_field(TEXT, graph, "L8.1", "case 1", "Rob")) == TEXT.replace(
        'CASE "Bob"', 'CASE "Rob"')
    assert apply(set_field(TEXT, graph, "L6.5", "key", "who")) == TEXT.replace(
        '"last_name"', '"who"')


def test_unknown_field_and_multiline_values_are_refused() -> None:
    graph = build_flow(TEXT)
    with pytest.raises(FlowEditError, match="nothing named"):
        set_field(TEXT, graph, "L2.1", "type", "x")
    with pytest.raises(FlowEditError, match="one line"):
        set_field(TEXT, graph, "L2.1", "text", "a\nb")


def test_insert_after_a_block_and_into_a_branch() -> None:
    graph = build_flow(TEXT)
    after_if = apply(insert_after(TEXT, graph, "L4.1", Template.TALK))
    assert after_if == TEXT.replace("END IF\n", 'END IF\nTALK "Hello"\n')
    into = apply(insert_into(TEXT, graph, "L4.1", 0, Template.HEAR))
    assert into == TEXT.replace('THEN\n', 'THEN\n    HEAR answer AS STRING\n')
    first = apply(insert_after(TEXT, graph, "start:", Template.MEMORY_WRITE))
    assert first == TEXT.replace("TALK \"Hello there\"",
                                 'SET BOT MEMORY "key", answer\nTALK "Hello there"')


def test_new_block_templates_parse_as_their_kind() -> None:
    graph = build_flow(TEXT)
    for template, kind in [(Template.IF, NodeKind.IF), (Template.SELECT, NodeKind.SELECT),
                           (Template.LOOP, NodeKind.LOOP),
                           (Template.MEMORY_READ, NodeKind.MEMORY_READ)]:
        out = apply(insert_after(TEXT, graph, "L2.1", template))
        assert build_flow(out).nodes["L3.1"].kind is kind
        assert not any(n.kind is NodeKind.UNPARSABLE for n in build_flow(out).nodes.values())


def test_add_branch_else_then_elseif_and_case() -> None:
    graph = build_flow(TEXT)
    with_else = apply(add_branch(TEXT, graph, "L4.1"))
    assert '    SET BOT MEMORY "last_name", name\nELSE\n    TALK "Otherwise"\nEND IF' \
        in with_else
    with_elseif = add_branch(with_else, build_flow(with_else), "L4.1").apply(with_else)
    assert 'ELSEIF answer = "other" THEN\n    TALK "Other"\nELSE\n' in with_elseif
    case = apply(add_branch(TEXT, graph, "L8.1"))
    assert 'TALK "Hi Bob"\n    CASE "other"\n        TALK "Other"\nEND SELECT' in case
    assert len(build_flow(case).nodes["L8.1"].branch_lines) == 4


def test_delete_and_move_keep_comments_and_the_rest() -> None:
    graph = build_flow(TEXT)
    deleted = apply(delete_node(TEXT, graph, "L4.1"))
    assert deleted == TEXT.replace(
        'IF name = "Ann" THEN\n    TALK "Hi Ann"\n    SET BOT MEMORY "last_name", name\n'
        'END IF\n', "")
    moved = apply(move_node(TEXT, graph, "L3.1", -1))
    assert moved.splitlines()[1:3] == ["HEAR name   AS STRING", 'TALK "Hello there"   \' say hi']
    assert moved.splitlines()[0] == TEXT.splitlines()[0]
    with pytest.raises(FlowEditError, match="first"):
        move_node(TEXT, graph, "L5.5", -1)


def test_a_statement_sharing_its_line_is_not_deleted() -> None:
    text = 'IF a THEN TALK "x" ELSE TALK "y"\n'
    graph = build_flow(text)
    inner = next(n for n in graph.nodes.values() if n.kind is NodeKind.TALK)
    with pytest.raises(FlowEditError, match="shares line"):
        delete_node(text, graph, inner.id)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogs())
def test_field_edits_change_only_the_field(text: str) -> None:
    graph = build_flow(text)
    for node in list(graph.nodes.values())[:12]:
        for field in node.fields:
            if field.start == field.end:
                continue
            edit = set_field(text, graph, node.id, field.name, field.value + "Z")
            out = edit.apply(text)
            assert out[:field.start] == text[:field.start]
            assert out[field.end + 1:] == text[field.end:]
            same = set_field(text, graph, node.id, field.name, field.value)
            assert (same.start == same.end, same.text) == (True, "")  # nothing to change
            assert build_flow(out).text() == out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogs())
def test_delete_removes_exactly_the_nodes_lines(text: str) -> None:
    graph = build_flow(text)
    for node in [n for n in graph.nodes.values() if n.in_text][:5]:
        try:
            edit = delete_node(text, graph, node.id)
        except FlowEditError:
            continue
        out = edit.apply(text)
        assert out == text[:edit.start] + text[edit.end:]
        assert text[edit.start:edit.end].strip().startswith(text[node.start:node.end].strip()[:1])
