"""Go to definition, find references and rename for SUBs/FUNCTIONs, labels and variables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

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
    lower = new_name.lower()
    clash = (lower in analysis.program.subs or lower in analysis.labels
             or any(o.kind is NameKind.VARIABLE and o.text == new_name
                    and _visible_together(o.key, target.key) for o in analysis.occurrences))
    same = (new_name == target.text if target.kind is NameKind.VARIABLE
            else lower == target.key)
    if clash and not same:
        return f"{new_name!r} is already a name in this dialog"
    if not _same_meaning(analysis, target, new_name):
        return f"{new_name!r} would read as a keyword or built-in function here"
    return None


def _same_meaning(analysis: Analysis, target: Occurrence, new_name: str) -> bool:
    """Whether the renamed text still has the same name at the same places (a keyword such as
    TALK would parse as a statement instead)."""
    uses = analysis.uses(target)
    lines = list(analysis.lines)
    for o in sorted(uses, key=lambda o: (o.line, -o.col)):  # right to left keeps columns
        text = lines[o.line - 1]
        lines[o.line - 1] = text[:o.col - 1] + new_name + text[o.end_col - 1:]
    renamed = Analysis("\n".join(lines), analysis.file)
    shift = len(new_name) - len(target.text)
    first = uses[0]
    before = sum(1 for o in uses if o.line == first.line and o.col < first.col)
    moved = renamed.occurrence_at(first.line, first.col + before * shift)
    return moved is not None and len(renamed.uses(moved)) == len(uses)


def _visible_together(key: str, other: str) -> bool:
    """Whether two variable keys can meet: a SUB's parameter meets the dialog's names and its
    own SUB's, not another SUB's parameters."""
    sub, _, _ = key.rpartition(".")
    other_sub, _, _ = other.rpartition(".")
    return not sub or not other_sub or sub == other_sub


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
