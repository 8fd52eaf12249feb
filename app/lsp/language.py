"""Completion (keywords in both spellings, built-ins, the dialog's names) and keyword hover."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from lsprotocol import types

from interpreter.library.builtins.core import BUILTINS
from interpreter.syntax import vocabulary as vocab
from interpreter.tooling.keyword_help import KeywordHelp, help_at, help_for

from .analysis import Analysis, NameKind
from .positions import char_index

if TYPE_CHECKING:
    from .server import TalkbenchServer

_MEMORY_KEY_STRING = re.compile(r"\b(?:GET|SET)[\s_]+BOT[\s_]+MEMORY\s*\(?\s*\"([^\"]*)$",
                                re.IGNORECASE)
_NAME_KINDS = {
    NameKind.VARIABLE: types.CompletionItemKind.Variable,
    NameKind.SUB: types.CompletionItemKind.Function,
    NameKind.LABEL: types.CompletionItemKind.Reference,
}


@cache
def language_items() -> tuple[types.CompletionItem, ...]:
    """Keyword phrases in both spellings (``SET BOT MEMORY``, ``SET_BOT_MEMORY``), block and
    operator words, built-in functions; each with its help as documentation."""
    items: dict[str, types.CompletionItem] = {}

    def add(label: str, kind: types.CompletionItemKind, phrase: str) -> None:
        if label.upper() not in items:
            items[label.upper()] = types.CompletionItem(
                label=label, kind=kind, documentation=_documentation(help_for(phrase)))

    for phrase in vocab.STATEMENT_PHRASES + vocab.EXPRESSION_PHRASES:
        add(phrase, types.CompletionItemKind.Keyword, phrase)
        if " " in phrase:
            add(phrase.replace(" ", "_"), types.CompletionItemKind.Keyword, phrase)
    for word in vocab.BLOCK_WORDS + vocab.OPERATOR_WORDS:
        add(word, types.CompletionItemKind.Keyword, word)
    for name in sorted({b.name for b in BUILTINS.values()}):
        add(name.replace(" ", "_"), types.CompletionItemKind.Function, name)
    return tuple(items.values())


def _documentation(entry: KeywordHelp | None) -> types.MarkupContent | None:
    if entry is None:
        return None
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=help_markdown(entry))


def help_markdown(entry: KeywordHelp) -> str:
    forms = "\n".join(entry.syntax)
    parts = [f"**{entry.phrase}**", f"```basic\n{forms}\n```", entry.summary]
    if entry.example:
        parts.append(f"Example:\n```basic\n{entry.example}\n```")
    return "\n\n".join(parts)


def name_items(analysis: Analysis, line: int) -> list[types.CompletionItem]:
    """The dialog's variables (each spelling; a SUB's parameters only inside it), SUB/FUNCTION
    names and labels, for 1-based ``line``."""
    seen: dict[tuple[NameKind, str], types.CompletionItem] = {}
    for o in analysis.occurrences:
        if not analysis.visible_at(o, line):
            continue
        label = analysis.program.subs[o.key].name if o.kind is NameKind.SUB else o.text
        seen.setdefault((o.kind, label), types.CompletionItem(
            label=label, kind=_NAME_KINDS[o.kind], detail=o.kind.value))
    return list(seen.values())


def memory_key_prefix(line_before_cursor: str) -> str | None:
    """The key typed so far when the cursor is inside GET/SET BOT MEMORY's key string."""
    m = _MEMORY_KEY_STRING.search(line_before_cursor)
    return m.group(1) if m else None


def register(server: TalkbenchServer) -> None:
    from . import memory_keys

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=['"', "_"]))
    def completion(ls: TalkbenchServer, params: types.CompletionParams) -> types.CompletionList:
        analysis = ls.analysis(params.text_document.uri)
        row, index = char_index(analysis.lines, params.position)
        before = analysis.lines[row][:index] if analysis.lines else ""
        if memory_key_prefix(before) is not None:
            keys = memory_keys.known_keys(ls, params.text_document.uri, row + 1)
            return types.CompletionList(is_incomplete=False, items=[
                types.CompletionItem(label=k, kind=types.CompletionItemKind.Constant,
                                     detail="memory key") for k in keys])
        return types.CompletionList(is_incomplete=False,
                                    items=[*name_items(analysis, row + 1), *language_items()])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: TalkbenchServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.analysis(params.text_document.uri)
        row, index = char_index(analysis.lines, params.position)
        entry = help_at(analysis.lines[row], index) if analysis.lines else None
        if entry is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=help_markdown(entry)))
