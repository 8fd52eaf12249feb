"""Rename a memory key everywhere, previewed: the code action offered after one literal key
was edited by hand (the IDE's cross-reference rename).

Typing ``"last_order_id"`` over ``"last_order"`` in one dialog leaves the workspace's other
dialogs, and the stored row, on the old key. At the edited literal the server offers "Rename
memory key 'last_order' to 'last_order_id' everywhere": its WorkspaceEdit changes the other
literal uses, every edit under a change annotation that needs confirmation (so the client
previews it first), and its command renames the stored row. A client runs a code action's
command only after applying its edit, so the stored row is renamed only when the user applies
the previewed change; computing the action reads the store and changes nothing.

The old key is the one the literal held in the document as last opened or saved (its
baseline): the edited line is matched to the baseline's line by a line diff, and the literal
to the one at the same place among that line's literal keys.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from ..memory.key_xref import KeyUse
from . import memory_keys
from .positions import lines_of

if TYPE_CHECKING:
    from .server import TalkbenchServer

KIND = f"{types.CodeActionKind.Refactor.value}.rename"  # "refactor.rename"


@dataclass(frozen=True)
class KeyEdit:
    """The literal key the user changed by hand: ``old`` in the baseline, ``new`` now."""

    old: str
    new: str


def literal_keys(source: str, path: str, line: int) -> list[KeyUse]:
    """The literal key uses on 1-based ``line`` of ``source``, left to right."""
    return sorted((use for use, _ in memory_keys.literal_spans(source, path)
                   if use.line == line), key=lambda u: u.col)


def baseline_row(baseline: list[str], current: list[str], row: int) -> int | None:
    """The 0-based baseline line that current line ``row`` replaced one for one, if any."""
    matcher = difflib.SequenceMatcher(None, baseline, current, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if j1 <= row < j2:
            same_size = i2 - i1 == j2 - j1
            return i1 + (row - j1) if tag == "replace" and same_size else None
    return None


def edited_key(baseline: str | None, source: str, path: str,
               position: types.Position) -> KeyEdit | None:
    """The hand edit of the literal key at ``position`` since ``baseline``, if it was one: the
    line was changed in place and holds as many literal keys as before."""
    if baseline is None or baseline == source:
        return None
    lines = lines_of(source)
    # Cheap tests first: clients ask for code actions at every cursor move.
    if position.line >= len(lines) or '"' not in lines[position.line]:
        return None
    row = baseline_row(lines_of(baseline), lines, position.line)
    if row is None:
        return None
    found = memory_keys.key_at(source, path, lines, position)
    if found is None:
        return None
    use = found[0]
    now = literal_keys(source, path, use.line)
    before = literal_keys(baseline, path, row + 1)
    if len(now) != len(before):
        return None
    old = before[[u.col for u in now].index(use.col)].key
    return KeyEdit(old, use.key) if old is not None and old != use.key else None


def rename_action(ls: TalkbenchServer, uri: str,
                  position: types.Position) -> types.CodeAction | None:
    """The previewed rename of the hand-edited key at ``position`` everywhere, if any."""
    doc = ls.document(uri)
    found = edited_key(ls.baselines.get(uri), doc.source, doc.path or uri, position)
    if found is None:
        return None
    changes = memory_keys.key_edits(ls, uri, found.old, found.new)
    stored = memory_keys.stored_state(ls, found.old, found.new)
    if not changes and not stored.has_old:
        return None
    bot = memory_keys.bot_of(ls.options)
    where = [f"{sum(len(c.edits) for c in changes)} use(s) in {len(changes)} dialog(s)"]
    if stored.has_old:
        where.append(f"the stored row of bot {bot!r}")
    label = f"Rename memory key {found.old!r} to {found.new!r}"
    action = types.CodeAction(
        title=f"{label}: {' and '.join(where)}", kind=KIND,
        edit=types.WorkspaceEdit(
            document_changes=changes,
            change_annotations={memory_keys.RENAME_ANNOTATION: types.ChangeAnnotation(
                label=label, needs_confirmation=True,
                description=(f"the stored row of bot {bot!r} is renamed too when this is "
                             f"applied" if stored.has_old else "no stored row has this key"))}))
    if stored.has_old:
        # A client runs the command after applying the edit: only once the preview is accepted.
        action.command = types.Command(title=f"Rename stored row {found.old!r}",
                                       command=memory_keys.RENAME_STORED_KEY,
                                       arguments=[found.old, found.new])
    if stored.has_new:
        action.disabled = types.CodeActionDisabled(
            reason=f"memory key {found.new!r} is already stored for bot {bot!r}; renaming "
                   f"{found.old!r} onto it would lose one of the two values")
    return action


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TalkbenchServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.baselines[uri] = params.text if params.text is not None else ls.document(uri).source
