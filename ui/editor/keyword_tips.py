"""Keyword help in the editor: the tooltip text of a keyword's help, and the keyword under
the cursor. Apart from completion: the first window shows help only when asked (hover, F1,
the Keyword Reference), and completion's popup is made after its first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QTextCursor

    from interpreter.tooling.keyword_help import KeywordHelp


def help_html(entry: KeywordHelp) -> str:
    """Tooltip text: the syntax forms in monospace, then the summary and an example."""
    import html  # the help texts and this load at the first hover, not with the editor

    syntax = "<br>".join(f"<code>{html.escape(s)}</code>" for s in entry.syntax)
    example = (
        f"<br><i>Example:</i> <code>{html.escape(entry.example)}</code>" if entry.example else ""
    )
    return f"<b>{html.escape(entry.phrase)}</b><br>{syntax}<p>{html.escape(entry.summary)}{example}</p>"


def help_at_cursor(cursor: QTextCursor) -> KeywordHelp | None:
    """Keyword help for the word under ``cursor`` (Qt's UTF-16 column made a Python one)."""
    from interpreter.tooling.keyword_help import help_at

    text = cursor.block().text()
    return help_at(text, python_column(text, cursor.positionInBlock()))


def python_column(text: str, utf16_col: int) -> int:
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_col:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)
