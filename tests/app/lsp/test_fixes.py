"""Quick fixes for the General Bots compatibility warnings
(interpreter/compat/value_pitfalls.py; engine: Rhai's ^ is XOR, + appends text)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .conftest import doc, open_dialog, start

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(edits, key=lambda e: (e.range.start.line, -e.range.start.character)):
        line = lines[e.range.start.line]  # ASCII sample: UTF-16 units are characters
        lines[e.range.start.line] = (line[:e.range.start.character] + e.new_text
                                     + line[e.range.end.character:])
    return "\n".join(lines)


async def test_quick_fixes_write_what_the_warnings_say(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "fix.bas"
    text = "HEAR age\nnext_age = 1 + age\nTALK next_age\nx = 2 ^ 3\nTALK x\n"
    found = await open_dialog(client, path, text)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(path), range=types.Range(start=found[0].range.start,
                                                    end=found[-1].range.end),
        context=types.CodeActionContext(diagnostics=found)))
    assert sorted(a.title for a in actions) == ["Write ** for a power", "Write VAL(age) to add"]
    edits = [e for a in actions for e in a.edit.changes[path.as_uri()]]
    fixed = _apply(text, edits)
    assert fixed == "HEAR age\nnext_age = 1 + VAL(age)\nTALK next_age\nx = 2 ** 3\nTALK x\n"
    again = await open_dialog(client, tmp_path / "fixed.bas", fixed)
    assert again and not any("VAL(" in d.message or "XOR" in d.message for d in again)
