"""Memory keys: completion from the configured SQLite store, rename across the workspace."""

from __future__ import annotations

import pytest
from lsprotocol import types

from app.memory.store import MemoryStore

from .conftest import doc, open_dialog, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _store_with(path, bot: str, **values: str) -> str:
    url = f"sqlite:///{path}"
    store = MemoryStore(url)
    try:
        for key, value in values.items():
            store.set(bot, key, value)
        assert store.flush(10)
    finally:
        store.close()
    return url


def _stored_keys(url: str, bot: str) -> list[str]:
    store = MemoryStore(url)
    try:
        return [e.key for e in store.list(bot)]
    finally:
        store.close()


async def test_completion_inside_a_key_string_offers_stored_and_used_keys(client, tmp_path):
    url = _store_with(tmp_path / "memory.db", "shop", favourite_colour="blue", visits="3")
    (tmp_path / "other.bas").write_text('SET BOT MEMORY "last_order", "none"\n',
                                        encoding="utf-8")
    await start(client, tmp_path, db=url, bot="shop")
    path = tmp_path / "k.bas"
    await open_dialog(client, path, 'x = GET BOT MEMORY "fa\n')
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(path), position=pos(0, 22)))
    assert [i.label for i in result.items] == ["favourite_colour", "last_order", "visits"]
    outside = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(path), position=pos(0, 0)))
    assert "visits" not in {i.label for i in outside.items}


async def test_a_store_that_cannot_open_leaves_completion_working(client, tmp_path):
    await start(client, tmp_path, db=f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    path = tmp_path / "k.bas"
    await open_dialog(client, path, 'SET BOT MEMORY "here", "v"\nx = GET BOT MEMORY "\n')
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(path), position=pos(1, 20)))
    assert [i.label for i in result.items] == ["here"]


async def test_rename_a_key_across_the_workspace_and_the_stored_row(client, tmp_path):
    url = _store_with(tmp_path / "memory.db", "shop", colour="blue")
    on_disk = tmp_path / "sub" / "saved.bas"
    on_disk.parent.mkdir()
    on_disk.write_text('TALK GET BOT MEMORY("colour")\nTALK "colour"\n', encoding="utf-8")
    await start(client, tmp_path, db=url, bot="shop")
    path = tmp_path / "open.bas"
    # Unsaved text: the open document's edits count, not its file on disk.
    await open_dialog(client, path, 'x = 1\nSET BOT MEMORY "colour", "red"\n', write=False)
    ready = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc(path), position=pos(1, 18)))
    assert (ready.start.character, ready.end.character) == (16, 22)
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(path), position=pos(1, 18), new_name='favourite "colour"'))
    new_text = '"favourite ""colour"""'
    assert {c.text_document.uri: [(e.range.start.line, e.range.start.character,
                                   e.range.end.character, e.new_text) for e in c.edits]
            for c in edit.document_changes} == {
        path.as_uri(): [(1, 15, 23, new_text)],
        on_disk.as_uri(): [(0, 20, 28, new_text)],  # not the TALK "colour" text
    }
    message = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="talkbench.renameStoredKey", arguments=["colour", 'favourite "colour"']))
    assert "renamed" in message
    assert _stored_keys(url, "shop") == ['favourite "colour"']
