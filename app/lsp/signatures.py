"""Signature help: the syntax forms of the built-in function or keyword statement being typed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from interpreter.tooling.keyword_help import KeywordHelp, help_at, help_for

from .positions import char_index

if TYPE_CHECKING:
    from .server import TalkbenchServer

_NAME_BEFORE = re.compile(r"(\w+)\s*$")


def _open_call(before: str) -> tuple[str, str] | None:
    """(function name, its arguments so far) of the innermost unclosed ``(`` before the cursor,
    brackets and commas inside strings ignored."""
    opened: list[int] = []
    in_string = False
    for i, ch in enumerate(before):
        if ch == '"':
            in_string = not in_string
        elif not in_string and ch == "(":
            opened.append(i)
        elif not in_string and ch == ")" and opened:
            opened.pop()
    for start in reversed(opened):
        m = _NAME_BEFORE.search(before[:start])
        if m:
            return m.group(1), before[start + 1:]
    return None


def _commas(text: str) -> int:
    """Top-level commas outside strings: the index of the argument being typed."""
    depth, count, in_string = 0, 0, False
    for ch in text:
        if ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif ch == "," and depth == 0:
            count += 1
    return count


def signature_at(line: str, index: int) -> tuple[KeywordHelp, int] | None:
    """The help entry whose arguments the cursor is in, and the argument's index."""
    before = line[:index]
    call = _open_call(before)
    if call is not None:
        entry = help_for(call[0])
        if entry is not None:
            return entry, _commas(call[1])
    start = len(line) - len(line.lstrip())
    entry = help_at(line, start) if start < index else None
    if entry is None:
        return None
    return entry, _commas(before[start:])


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP,
                    types.SignatureHelpOptions(trigger_characters=["(", ",", " "]))
    def signature_help(ls: TalkbenchServer,
                       params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        analysis = ls.analysis(params.text_document.uri)
        row, index = char_index(analysis.lines, params.position)
        found = signature_at(analysis.lines[row], index) if analysis.lines else None
        if found is None:
            return None
        entry, argument = found
        return types.SignatureHelp(
            signatures=[types.SignatureInformation(label=form, documentation=entry.summary)
                        for form in entry.syntax],
            active_signature=0, active_parameter=argument)
