"""Go to definition, find references and rename for SUBs/FUNCTIONs, labels and variables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from interpreter import vocabulary as vocab
from interpreter.builtins import BUILTINS

from .analysis import Analysis, NameKind, Occurrence
from .positions import char_index, span

if TYPE_CHECKING:
    from .server import TalkbenchServer

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def occurrence_at(analysis: Analysis, position: types.Position) -> Occurrence | None:
    row, index = char_index(analysis.lines, position)
    return analysis.occurrence_at(row + 1, index + 1)


def _location(uri: str, analysis: Analysis, o: Occurrence) -> types.Location:
    return types.Location(uri=uri, range=span(analysis.lines, o.line, o.col, o.end_col))


def rename_problem(analysis: Analysis, target: Occurrence, new_name: str) -> str | None:
    """Why ``new_name`` cannot replace ``target`` (None when it can)."""
    if not _IDENTIFIER.fullmatch(new_name):
        return f"{new_name!r} is not a name: use letters, digits and _ (not first a digit)"
    upper = new_name.upper()
    if upper in vocab.all_keyword_words() or upper in BUILTINS:
        return f"{new_name!r} is a keyword or built-in function"
    lower = new_name.lower()
    clash = (lower in analysis.program.subs or lower in analysis.labels
             or any(o.kind is NameKind.VARIABLE and o.text == new_name
                    for o in analysis.occurrences))
    same = new_name.lower() == target.key.lower()
    if clash and not same:
        return f"{new_name!r} is already a name in this dialog"
    return None


def rename_edits(analysis: Analysis, target: Occurrence, new_name: str) -> list[types.TextEdit]:
    return [types.TextEdit(range=span(analysis.lines, o.line, o.col, o.end_col),
                           new_text=new_name) for o in analysis.uses(target)]


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: TalkbenchServer,
                   params: types.DefinitionParams) -> types.Location | None:
        analysis = ls.analysis(params.text_document.uri)
        target = occurrence_at(analysis, params.position)
        place = analysis.definition(target) if target is not None else None
        return _location(params.text_document.uri, analysis, place) if place else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: TalkbenchServer,
                   params: types.ReferenceParams) -> list[types.Location]:
        analysis = ls.analysis(params.text_document.uri)
        target = occurrence_at(analysis, params.position)
        if target is None:
            return []
        place = analysis.definition(target)
        return [_location(params.text_document.uri, analysis, o) for o in analysis.uses(target)
                if params.context.include_declaration or o != place]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: TalkbenchServer,
                       params: types.PrepareRenameParams) -> types.Range | None:
        from . import memory_keys

        analysis = ls.analysis(params.text_document.uri)
        target = occurrence_at(analysis, params.position)
        if target is not None:
            return span(analysis.lines, target.line, target.col, target.end_col)
        return memory_keys.key_range_at(analysis, params.position)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: TalkbenchServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        from . import memory_keys

        uri = params.text_document.uri
        analysis = ls.analysis(uri)
        target = occurrence_at(analysis, params.position)
        if target is None:
            return memory_keys.rename_key(ls, uri, params.position, params.new_name)
        problem = rename_problem(analysis, target, params.new_name)
        if problem:
            raise JsonRpcInvalidParams(problem)
        return types.WorkspaceEdit(changes={uri: rename_edits(analysis, target,
                                                              params.new_name)})
