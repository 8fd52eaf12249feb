"""Quick fixes for General Bots compatibility warnings: the fix each warning names, as an edit.

- ``^`` (a bitwise XOR in General Bots) -> ``**`` (a power).
- text + number ("write VAL(age) + 1 to add") -> ``VAL(age) + 1``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from interpreter.syntax.lexer import Kind

from . import key_rename
from .analysis import Analysis
from .positions import char_index, span

if TYPE_CHECKING:
    from .server import TalkbenchServer

_XOR = "reads ^ as a bitwise XOR"
_WRITE_VAL = re.compile(r"write VAL\((\w+)\) \+ 1 to add")


def _power(analysis: Analysis, d: types.Diagnostic) -> types.TextEdit | None:
    row, index = char_index(analysis.lines, d.range.start)
    if analysis.lines[row][index:index + 1] != "^":
        return None
    return types.TextEdit(range=span(analysis.lines, row + 1, index + 1, index + 2),
                          new_text="**")


def _val(analysis: Analysis, d: types.Diagnostic, name: str) -> types.TextEdit | None:
    """Wrap the operand ``name`` nearest to the ``+`` the warning points at."""
    row, index = char_index(analysis.lines, d.range.start)
    operand = min((t for t in analysis.tokens if t.kind is Kind.IDENT and t.value == name
                   and t.line == row + 1),
                  key=lambda t: min(abs(t.col - 1 - index), abs(t.end_col - 1 - index)),
                  default=None)
    if operand is None:
        return None
    return types.TextEdit(range=span(analysis.lines, operand.line, operand.col, operand.end_col),
                          new_text=f"VAL({name})")


def fix_for(analysis: Analysis, d: types.Diagnostic) -> tuple[str, types.TextEdit] | None:
    """(title, edit) of the quick fix for diagnostic ``d``, if it has one."""
    if _XOR in d.message:
        edit = _power(analysis, d)
        return ("Write ** for a power", edit) if edit else None
    m = _WRITE_VAL.search(d.message)
    if m:
        edit = _val(analysis, d, m.group(1))
        return (f"Write VAL({m.group(1)}) to add", edit) if edit else None
    return None


def register(server: TalkbenchServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, key_rename.KIND]))
    def code_action(ls: TalkbenchServer,
                    params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analysis(uri)
        actions = []
        for d in params.context.diagnostics:
            found = fix_for(analysis, d) if analysis.lines else None
            if found is None:
                continue
            title, edit = found
            actions.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[d],
                is_preferred=True, edit=types.WorkspaceEdit(changes={uri: [edit]})))
        rename = key_rename.rename_action(ls, uri, params.range.start)
        if rename is not None:
            actions.append(rename)
        return actions
