"""Bad input gets an error answer or a clear diagnostic; the server keeps serving."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound

from .conftest import diagnostics_for, doc, open_dialog, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def _still_serves(client, tmp_path) -> None:
    path = tmp_path / "alive.bas"
    await open_dialog(client, path, "SUB Hello()\nEND SUB\n")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc(path)))
    assert [s.name for s in symbols] == ["Hello"]


async def test_unknown_method_is_refused_and_the_server_goes_on(client, tmp_path):
    await start(client, tmp_path)
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("talkbench/noSuchMethod", {"x": 1})
    await _still_serves(client, tmp_path)


async def test_malformed_frame_does_not_stop_the_server(client, tmp_path):
    await start(client, tmp_path)
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '  # cut short: not JSON
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await client._server.stdin.drain()
    await _still_serves(client, tmp_path)


async def test_a_10_mb_document_gets_one_clear_diagnostic(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "huge.bas"
    text = 'TALK "0123456789012345678901234567890123456789012345678901234567890"\n' * 150_000
    assert len(text) > 10_000_000
    found = await open_dialog(client, path, text, write=False)
    assert len(found) == 1 and "not checked" in found[0].message
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=doc(path), position=pos(149_999, 1)))
    assert "**TALK**" in hover.contents.value  # line-based help still answers
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="IF THEN\n")]))
    small = await diagnostics_for(client, path.as_uri())
    assert small and small[0].severity == types.DiagnosticSeverity.Error
