"""The previewed rename of a memory key: a code action after one literal key was edited by
hand, renaming the other uses (annotated edits that need confirmation) and, once applied, the
stored row of a real SQLite memory database."""

from __future__ import annotations

from typing import Union

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from app.memory.store import MemoryStore

from .conftest import doc, open_dialog, pos, start
from .test_memory_keys import _store_with, _stored_keys

ASYNC = pytest.mark.asyncio(loop_scope="function")

OPEN = 'x = 1\nSET BOT MEMORY "last_order", "none"\n'
EDITED = 'x = 1\nSET BOT MEMORY "last_order_id", "none"\n'
SAVED = 'TALK GET BOT MEMORY("last_order")\nTALK "last_order"\n'


def _change(client, path, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def _decode_actions_by_the_spec(client) -> None:
    """lsprotocol 2025.0 decodes any code action that has a command as a Command; the spec
    (and VS Code) tell them apart by ``command`` being a string in a Command."""
    converter = client.protocol._converter

    def action_or_command(obj, _):
        command = isinstance(obj.get("command"), str)
        return converter.structure(obj, types.Command if command else types.CodeAction)

    converter.register_structure_hook(types.Command | types.CodeAction, action_or_command)
    converter.register_structure_hook(Union[types.Command, types.CodeAction],  # noqa: UP007
                                      action_or_command)


async def _actions(client, path, line: int, character: int) -> list[types.CodeAction]:
    _decode_actions_by_the_spec(client)
    where = types.Range(start=pos(line, character), end=pos(line, character))
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(path), range=where,
        context=types.CodeActionContext(diagnostics=[])))
    return [a for a in found or [] if isinstance(a, types.CodeAction)
            and a.kind == "refactor.rename"]


def _apply(edit: types.WorkspaceEdit, texts: dict[str, str]) -> dict[str, str]:
    """What a client does with the edit: each document's edits, last first."""
    out = dict(texts)
    for change in edit.document_changes or []:
        lines = out[change.text_document.uri].split("\n")
        for e in sorted(change.edits, key=lambda e: (e.range.start.line,
                                                     e.range.start.character), reverse=True):
            assert e.range.start.line == e.range.end.line
            row = lines[e.range.start.line]
            lines[e.range.start.line] = (row[:e.range.start.character] + e.new_text
                                         + row[e.range.end.character:])
        out[change.text_document.uri] = "\n".join(lines)
    return out


async def _edited_workspace(client, tmp_path, url: str):
    saved = tmp_path / "saved.bas"
    saved.write_text(SAVED, encoding="utf-8")
    await start(client, tmp_path, db=url, bot="shop")
    path = tmp_path / "open.bas"
    await open_dialog(client, path, OPEN)
    _change(client, path, 2, EDITED)
    return path, saved


@ASYNC
async def test_the_action_previews_the_rename_and_renames_the_row_only_when_applied(
        client, tmp_path):
    url = _store_with(tmp_path / "memory.db", "shop", last_order="A-17")
    path, saved = await _edited_workspace(client, tmp_path, url)
    [action] = await _actions(client, path, 1, 20)
    assert action.disabled is None
    assert "'last_order' to 'last_order_id'" in action.title
    annotations = action.edit.change_annotations
    assert [a.needs_confirmation for a in annotations.values()] == [True]
    assert all(isinstance(e, types.AnnotatedTextEdit) and e.annotation_id in annotations
               for c in action.edit.document_changes for e in c.edits)
    assert _stored_keys(url, "shop") == ["last_order"]  # offering it changed nothing
    applied = _apply(action.edit, {saved.as_uri(): SAVED})
    assert applied[saved.as_uri()] == ('TALK GET BOT MEMORY("last_order_id")\n'
                                       'TALK "last_order"\n')  # not the TALK text
    assert action.command.command == "talkbench.renameStoredKey"
    message = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))
    assert "renamed" in message
    assert _stored_keys(url, "shop") == ["last_order_id"]


@ASYNC
async def test_a_key_already_stored_disables_the_action_and_the_command_refuses(
        client, tmp_path):
    url = _store_with(tmp_path / "memory.db", "shop", last_order="A-17", last_order_id="B-2")
    path, _ = await _edited_workspace(client, tmp_path, url)
    [action] = await _actions(client, path, 1, 20)
    assert "already stored" in action.disabled.reason
    with pytest.raises(JsonRpcInvalidParams, match="'last_order_id' is already stored"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=action.command.command, arguments=action.command.arguments))
    store = MemoryStore(url)
    try:
        assert (store.value("shop", "last_order"), store.value("shop", "last_order_id")) == (
            "A-17", "B-2")
    finally:
        store.close()


@ASYNC
async def test_no_rename_is_offered_where_no_key_was_edited_or_after_a_save(client, tmp_path):
    url = _store_with(tmp_path / "memory.db", "shop", last_order="A-17")
    path, _ = await _edited_workspace(client, tmp_path, url)
    assert await _actions(client, path, 0, 2) == []  # line 0 is unchanged
    assert len(await _actions(client, path, 1, 20)) == 1
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=doc(path), text=EDITED))
    assert await _actions(client, path, 1, 20) == []  # the saved text is the new baseline


@ASYNC
async def test_the_rename_request_annotates_its_edits_for_a_preview(client, tmp_path):
    (tmp_path / "saved.bas").write_text(SAVED, encoding="utf-8")
    await start(client, tmp_path)
    path = tmp_path / "open.bas"
    await open_dialog(client, path, OPEN)
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(path), position=pos(1, 20), new_name="order"))
    assert [a.needs_confirmation for a in edit.change_annotations.values()] == [True]
    assert sorted((c.text_document.uri, c.text_document.version) for c in
                  edit.document_changes) == [(path.as_uri(), 1),
                                             ((tmp_path / "saved.bas").as_uri(), None)]


def test_the_edited_key_is_found_after_lines_were_added_above_and_among_two_keys() -> None:
    from app.lsp.key_rename import KeyEdit, edited_key

    before = 'SET BOT MEMORY "a", "1"\nx = GET BOT MEMORY("one") + GET BOT MEMORY("two")\n'
    after = ('TALK "new line"\nSET BOT MEMORY "a", "1"\n'
             'x = GET BOT MEMORY("one") + GET BOT MEMORY("deux")\n')
    assert edited_key(before, after, "/d.bas", pos(2, 47)) == KeyEdit("two", "deux")
    assert edited_key(before, after, "/d.bas", pos(2, 22)) is None  # "one" is unchanged
    assert edited_key(before, after, "/d.bas", pos(1, 17)) is None  # an unchanged line
    assert edited_key(None, after, "/d.bas", pos(2, 47)) is None  # no baseline: not opened
