"""Diagnostics match ``talkbench check`` (same checker), at UTF-16 columns."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import diagnostics_for, open_dialog, start

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def talkbench_check(path: Path) -> list[str]:
    """What ``talkbench check`` prints for ``path``, one finding a line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "check", str(path), stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    return out.decode("utf-8").splitlines()


async def test_syntax_error_at_its_column_after_astral_characters(client, tmp_path):
    await start(client, tmp_path)
    # 😀 is one character for Talkbench but two UTF-16 units for LSP.
    text = 'TALK "😀😀" +\nTALK "ok"\n'
    found = await open_dialog(client, tmp_path / "a.bas", text)
    checked = await talkbench_check(tmp_path / "a.bas")
    assert found, checked
    first_line = checked[0]
    line, col = (int(x) for x in first_line.split(":")[1:3])
    d = found[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.message in first_line
    assert d.range.start.line == line - 1
    prefix = text.splitlines()[line - 1][:col - 1]
    assert d.range.start.character == len(prefix.encode("utf-16-le")) // 2
    assert d.range.start.character > col - 1  # the emoji widen the column


async def test_same_findings_as_check_including_engine_warnings(client, tmp_path):
    await start(client, tmp_path)
    # HEAR (2026-05 cannot compile it), text + number, two casings: compatibility warnings.
    text = ("HEAR age\nnext_age = age + 1\nTALK next_age\n"
            "Total = 1\ntotal = 2\nTALK Total\nTALK total\n")
    path = tmp_path / "b.bas"
    found = await open_dialog(client, path, text)
    checked = await talkbench_check(path)
    assert checked, "the sample should have findings"
    assert sorted(d.message for d in found) == sorted(
        line.split(": ", 2)[2] for line in checked)
    assert any("General Bots" in d.message for d in found)
    assert [(d.range.start.line, d.range.start.character) for d in found] == [
        (int(c.split(":")[1]) - 1, int(c.split(":")[2]) - 1) for c in checked]


async def test_change_republishes_and_fix_clears(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "c.bas"
    assert await open_dialog(client, path, 'TALK "hi"\n') == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="IF THEN\n")]))
    broken = await diagnostics_for(client, path.as_uri())
    assert any(d.severity == types.DiagnosticSeverity.Error for d in broken)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text='TALK "ok"\n')]))
    assert await diagnostics_for(client, path.as_uri()) == []


async def test_quick_edits_end_with_the_newest_versions_diagnostics(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "q.bas"
    big = 'TALK "line"\n' * 3000  # a check takes a while: edits arrive while it runs
    await open_dialog(client, path, big)
    for version in range(2, 7):
        text = big + ("IF THEN\n" if version == 6 else f'TALK "{version}"\n')
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(),
                                                                version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    versions = []
    while not versions or versions[-1] != 6:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        versions.append(params.version)
    assert versions == sorted(versions)  # never an older version after a newer one
    errors = [d for d in params.diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors and errors[0].range.start.line == 3000


async def test_a_dialog_saved_as_windows_1252_gets_the_utf8_warning_at_its_byte(client,
                                                                                 tmp_path):
    # The client saves the file back in its encoding; production reads only UTF-8
    # (generalbots f59afde5 botdrive/src/drive_monitor/types.rs sync_bas_to_work).
    await start(client, tmp_path)
    text = 'x = 1\nTALK "Olá"\n'
    path = tmp_path / "latin.bas"
    path.write_bytes(text.encode("cp1252"))
    found = await open_dialog(client, path, text, write=False)
    encoding = [d for d in found if "reads dialogs as UTF-8" in d.message]
    assert [(d.range.start.line, d.range.start.character) for d in encoding] == [(1, 8)]
    assert "Windows-1252" in encoding[0].message
    assert encoding[0].message in "\n".join(await talkbench_check(path))
