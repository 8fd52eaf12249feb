"""Completion, hover, document symbols and folding ranges."""

from __future__ import annotations

import pytest
from lsprotocol import types

from interpreter.tooling.keyword_help import help_for

from .conftest import doc, open_dialog, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="function")

DIALOG = """SUB Greet(who)
  TALK "Hi " + who
END SUB
FUNCTION Twice(n)
  Twice = n * 2
END FUNCTION
userName = "Ana"
IF userName = "Ana" THEN
  Greet userName
ELSE
  FOR i = 1 TO 3
    TALK "x"
  NEXT
END IF
start:
IF userName = "Bo" THEN TALK "one line"
GOTO start
"""


async def test_completion_offers_keywords_in_both_spellings_and_the_dialogs_names(
        client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "d.bas"
    await open_dialog(client, path, DIALOG)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(path), position=pos(16, 0)))
    labels = {item.label: item for item in result.items}
    assert {"SET BOT MEMORY", "SET_BOT_MEMORY", "TALK", "FOR", "THEN"} <= set(labels)
    assert labels["userName"].kind == types.CompletionItemKind.Variable
    assert labels["Greet"].kind == types.CompletionItemKind.Function
    assert labels["Twice"].kind == types.CompletionItemKind.Function
    assert labels["start"].kind == types.CompletionItemKind.Reference
    talk_help = labels["TALK"].documentation
    assert help_for("TALK").summary in talk_help.value


async def test_hover_shows_the_f1_help_of_the_keyword_under_the_cursor(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "h.bas"
    await open_dialog(client, path, 'x = 1\nSET BOT MEMORY "k", "v"\n')
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=doc(path), position=pos(1, 5)))  # on BOT
    entry = help_for("SET BOT MEMORY")
    assert entry.summary in hover.contents.value
    assert entry.syntax[0] in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=doc(path), position=pos(1, 17)))  # inside the "k" string
    assert nothing is None


async def test_document_symbols_list_subs_functions_and_labels(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "s.bas"
    await open_dialog(client, path, DIALOG)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc(path)))
    found = [(s.name, s.detail, s.range.start.line, s.range.end.line,
              s.selection_range.start.character) for s in symbols]
    assert found == [("Greet", "SUB", 0, 2, 4), ("Twice", "FUNCTION", 3, 5, 9),
                     ("start", "label", 14, 14, 0)]


async def test_folding_ranges_cover_blocks_not_one_line_ifs(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "f.bas"
    await open_dialog(client, path, DIALOG)
    ranges = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=doc(path)))
    assert sorted((r.start_line, r.end_line) for r in ranges) == [
        (0, 2), (3, 5), (7, 13), (10, 12)]


async def test_signature_help_for_built_ins_and_keyword_statements(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "g.bas"
    text = 'x = MID("a,b", 1\nSET BOT MEMORY "k", \n'
    await open_dialog(client, path, text)
    call = await client.text_document_signature_help_async(types.SignatureHelpParams(
        text_document=doc(path), position=pos(0, 16)))
    assert [s.label for s in call.signatures] == list(help_for("MID").syntax)
    assert call.active_parameter == 1  # the comma inside "a,b" does not count
    statement = await client.text_document_signature_help_async(types.SignatureHelpParams(
        text_document=doc(path), position=pos(1, 20)))
    assert statement.signatures[0].label == help_for("SET BOT MEMORY").syntax[0]
    assert statement.active_parameter == 1


def _decode(data: list[int], legend: list[str]) -> list[tuple[int, int, int, str]]:
    tokens, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        d_line, d_start, length, kind, _ = data[i:i + 5]
        line += d_line
        start = d_start if d_line else start + d_start
        tokens.append((line, start, length, legend[kind]))
    return tokens


async def test_semantic_tokens_tell_subs_variables_and_keywords_apart(client, tmp_path):
    result = await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri()))
    legend = result.capabilities.semantic_tokens_provider.legend.token_types
    path = tmp_path / "t.bas"
    await open_dialog(client, path, 'SUB Greet(who)\n  TALK "😀 ${who}" \' hi\nEND SUB\n'
                                    'Greet LEFT("ab", 1)\n')
    tokens = _decode((await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(path)))).data, legend)
    assert (0, 4, 5, "function") in tokens and (0, 10, 3, "variable") in tokens
    assert (1, 2, 4, "keyword") in tokens
    assert (1, 7, 4, "string") in tokens  # `"😀 `: 😀 counts two UTF-16 units
    assert (1, 19, 4, "comment") in tokens
    assert (3, 0, 5, "function") in tokens and (3, 6, 4, "function") in tokens
    ends = [(line, start + length) for line, start, length, _ in tokens]
    starts = [(line, start) for line, start, _, _ in tokens]
    assert all(end <= nxt for end, nxt in zip(ends, starts[1:]) if end[0] == nxt[0])


async def test_a_subs_parameters_are_offered_inside_it_only(client, tmp_path):
    await start(client, tmp_path)
    path = tmp_path / "v.bas"
    await open_dialog(client, path, 'SUB Show(item)\n  TALK item\nEND SUB\ntotal = 1\nShow total\n')

    async def names_at(line: int) -> set[str]:
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=doc(path), position=pos(line, 0)))
        return {i.label for i in result.items if i.kind == types.CompletionItemKind.Variable}

    assert await names_at(1) == {"item", "total"}
    assert await names_at(4) == {"total"}
