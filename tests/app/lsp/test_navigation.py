"""Go to definition, references and rename for SUBs, labels and variables."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .conftest import doc, open_dialog, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="function")

DIALOG = """SUB Greet(who)
  TALK "Hi " + who
END SUB
userName = "Ana"
Username = "other casing, another variable"
TALK "Hello ${userName}"
greet userName
obj = NEW OBJECT
obj.userName = "member, not the variable"
again:
GOTO again
"""


def _spots(locations):
    return sorted((x.range.start.line, x.range.start.character, x.range.end.character)
                  for x in locations)


async def test_definition_of_a_sub_call_written_in_another_casing(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "n.bas"
    await open_dialog(client, path, DIALOG)
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(path), position=pos(6, 2)))
    assert (found.range.start.line, found.range.start.character) == (0, 4)
    label = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(path), position=pos(10, 6)))
    assert (label.range.start.line, label.range.start.character) == (9, 0)


async def test_references_of_a_variable_are_case_sensitive_and_include_interpolations(
        client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "r.bas"
    await open_dialog(client, path, DIALOG)
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(path), position=pos(3, 1),
        context=types.ReferenceContext(include_declaration=True)))
    # line 3 assignment, the ${userName} on line 5, the argument on line 6; not Username,
    # not the member obj.userName.
    assert _spots(refs) == [(3, 0, 8), (5, 14, 22), (6, 6, 14)]
    sub_refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(path), position=pos(0, 5),
        context=types.ReferenceContext(include_declaration=False)))
    assert _spots(sub_refs) == [(6, 0, 5)]


async def test_rename_a_variable_and_a_sub(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "m.bas"
    await open_dialog(client, path, DIALOG)
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(path), position=pos(6, 8), new_name="customer"))
    changes = edit.changes[path.as_uri()]
    assert {e.new_text for e in changes} == {"customer"}
    assert _spots(changes) == [(3, 0, 8), (5, 14, 22), (6, 6, 14)]
    sub_edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(path), position=pos(6, 1), new_name="Welcome"))
    assert _spots(sub_edit.changes[path.as_uri()]) == [(0, 4, 9), (6, 0, 5)]


async def test_rename_refuses_keywords_clashes_and_non_names(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "x.bas"
    await open_dialog(client, path, DIALOG)
    for bad, reason in (("TALK", "keyword"), ("Greet", "already"), ("2x", "not a name"),
                        ("Username", "already")):
        with pytest.raises(JsonRpcException, match=reason):
            await client.text_document_rename_async(types.RenameParams(
                text_document=doc(path), position=pos(3, 1), new_name=bad))


async def test_a_subs_parameter_is_renamed_in_that_sub_only(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "p.bas"
    await open_dialog(client, path, 'SUB A(x)\n  TALK x\nEND SUB\nSUB B(x)\n  TALK x\nEND SUB\n'
                                    'x = "main"\nA x\nB x\n')
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(path), position=pos(1, 7), new_name="item"))
    assert _spots(edit.changes[path.as_uri()]) == [(0, 6, 7), (1, 7, 8)]
    main = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(path), position=pos(6, 0),
        context=types.ReferenceContext(include_declaration=True)))
    assert _spots(main) == [(6, 0, 1), (7, 2, 3), (8, 2, 3)]
