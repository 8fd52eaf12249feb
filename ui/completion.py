"""Keyword completion and keyword help for the code editor.

Candidates come from three places: the language (keyword phrases, block and operator words,
built-in functions), identifiers seen in the file, and the memory keys of the current bot. The
keys arrive through a provider the window sets, so the editor never touches the store. Inside a
string literal only memory keys are offered (``GET BOT MEMORY "col|``); elsewhere the rest.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QCompleter

from interpreter import vocabulary as vocab
from interpreter.builtins import BUILTINS
from interpreter.keyword_help import KeywordHelp, help_at

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

MIN_PREFIX = 3  # typed word characters before the popup opens by itself
MAX_ITEMS = 200  # a longer list is no help and costs time on every keystroke
MemoryKeys = Sequence[str] | Callable[[str], Iterable[str]]

_WORD_BEFORE = re.compile(r"\w+$")
_IDENT = re.compile(r"\b[^\W\d]\w*")
# Strings and comments hold no variables: blank them before collecting identifiers.
_NOT_CODE = re.compile(r'"[^"\n]*"?|\'[^\n]*|\bREM\b[^\n]*', re.IGNORECASE)


class Kind(Enum):
    KEYWORD = "keyword"
    FUNCTION = "function"
    VARIABLE = "variable"
    MEMORY_KEY = "memory key"


@dataclass(frozen=True)
class Candidate:
    text: str
    kind: Kind


def _norm(text: str) -> str:
    # The language treats ``_`` as a space in keyword phrases: SET_BOT ≡ SET BOT.
    return text.replace("_", " ").upper()


@cache
def language_candidates() -> tuple[Candidate, ...]:
    """Keyword phrases, block/operator words and built-in functions, each once."""
    seen: set[str] = set()
    out: list[Candidate] = []

    def add(text: str, kind: Kind) -> None:
        if _norm(text) not in seen:
            seen.add(_norm(text))
            out.append(Candidate(text, kind))

    for phrase in vocab.STATEMENT_PHRASES + vocab.EXPRESSION_PHRASES:
        add(phrase, Kind.KEYWORD)
    for word in vocab.BLOCK_WORDS + vocab.OPERATOR_WORDS:
        add(word, Kind.KEYWORD)
    for name in sorted({b.name for b in BUILTINS.values()}):
        add(name.replace(" ", "_") if " " in name else name, Kind.FUNCTION)
    return tuple(sorted(out, key=lambda c: c.text))


@cache
def _language_words() -> frozenset[str]:
    return frozenset({_norm(c.text) for c in language_candidates()} | vocab.all_keyword_words())


def identifier_counts(text: str) -> Counter[str]:
    """How often each word occurs in ``text`` outside strings and comments.

    Neither pattern crosses a line end, so the counts of a text are the sums of its lines'.
    """
    return Counter(_IDENT.findall(_NOT_CODE.sub(" ", text)))


def identifiers_in(text: str | Counter[str], exclude_once: str = "") -> list[str]:
    """Identifiers of ``text`` (or of its :func:`identifier_counts`) that are not language words.

    ``exclude_once`` is the word being typed: it counts only if it also appears elsewhere.
    """
    counts = identifier_counts(text) if isinstance(text, str) else text
    once = exclude_once if exclude_once and counts.get(exclude_once, 0) <= 1 else None
    language = _language_words()
    return sorted(w for w in counts if w != once and _norm(w) not in language)


def in_string(line_before_cursor: str) -> bool:
    """True when the cursor sits inside a ``"…"`` literal (an odd number of quotes before)."""
    quotes = 0
    for ch in line_before_cursor:
        if ch == '"':
            quotes += 1
        elif ch == "'" and quotes % 2 == 0:
            return False  # a comment: no completion of anything in particular
    return quotes % 2 == 1


def candidates_for(
    prefix: str, line_before: str, document_text: str | Counter[str], memory_keys: MemoryKeys
) -> list[Candidate]:
    """What to offer for ``prefix`` (the word before the cursor), best first.

    ``document_text`` may be given as its :func:`identifier_counts` instead."""
    wanted = _norm(prefix)
    if in_string(line_before):
        keys = memory_keys(prefix) if callable(memory_keys) else memory_keys
        found = sorted({k for k in keys if _norm(k).startswith(wanted) and k != prefix})
        return [Candidate(k, Kind.MEMORY_KEY) for k in found[:MAX_ITEMS]]
    out = [
        Candidate(v, Kind.VARIABLE)
        for v in identifiers_in(document_text, exclude_once=prefix)
        if _norm(v).startswith(wanted)
    ]
    out += [c for c in language_candidates() if _norm(c.text).startswith(wanted)]
    return [c for c in out if c.text != prefix][:MAX_ITEMS]


def help_html(entry: KeywordHelp) -> str:
    """Tooltip text: the syntax forms in monospace, then the summary and an example."""
    syntax = "<br>".join(f"<code>{html.escape(s)}</code>" for s in entry.syntax)
    example = (
        f"<br><i>Example:</i> <code>{html.escape(entry.example)}</code>" if entry.example else ""
    )
    return f"<b>{html.escape(entry.phrase)}</b><br>{syntax}<p>{html.escape(entry.summary)}{example}</p>"


def help_at_cursor(cursor: QTextCursor) -> KeywordHelp | None:
    """Keyword help for the word under ``cursor`` (Qt's UTF-16 column made a Python one)."""
    text = cursor.block().text()
    return help_at(text, python_column(text, cursor.positionInBlock()))


def python_column(text: str, utf16_col: int) -> int:
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_col:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


class Completion(QObject):
    """A QCompleter popup driven by the editor's key presses (see ``CodeEditor.keyPressEvent``)."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self._memory_keys: MemoryKeys = ()
        self._candidates: list[Candidate] = []
        self._explicit = False  # opened by Ctrl+Space: stays open below MIN_PREFIX
        # Identifier counts of every line but one (``_rest_block``), kept while edits stay
        # inside that line: typing then rescans one line, not the whole file, per keystroke.
        self._rest: Counter[str] | None = None
        self._rest_block = -1
        self._rest_blocks = 0
        self._rest_doc: QTextDocument | None = None
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(editor)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated[str].connect(self.insert)

    def set_memory_keys(self, keys: MemoryKeys) -> None:
        """A list of keys, or a callable ``prefix -> keys`` asked when the popup opens."""
        self._memory_keys = keys

    @property
    def popup_visible(self) -> bool:
        return self.completer.popup().isVisible()

    def items(self) -> list[str]:
        return self.model.stringList()

    def kinds(self) -> list[Kind]:
        return [c.kind for c in self._candidates]

    # -- keys ---------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Keys the popup consumes before the editor sees them; True when consumed."""
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Space and ctrl:
            self.open(explicit=True)
            return True
        if not self.popup_visible:
            return False
        popup = self.completer.popup()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
            index = popup.currentIndex()
            row = index.row() if index.isValid() else 0
            if 0 <= row < self.model.rowCount():
                self.insert(self.model.stringList()[row])
            self.hide()
            return True
        if key == Qt.Key.Key_Escape:
            self.hide()
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            # Real key presses reach the popup first; these come from tests and scripts.
            row = popup.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
            popup.setCurrentIndex(self.model.index(max(0, min(row, self.model.rowCount() - 1))))
            return True
        return False

    def after_key(self, event: QKeyEvent) -> None:
        """Open, narrow or close the popup once the editor has applied a typed key."""
        typed = event.text()
        word = self.prefix()
        if self.popup_visible:
            if (len(word) < MIN_PREFIX and not self._explicit) or (
                typed
                and not (typed[-1].isalnum() or typed[-1] == "_")
                and event.key() != Qt.Key.Key_Backspace
            ):
                self.hide()
            else:
                self.open(self._explicit)
        elif typed and (typed[-1].isalnum() or typed[-1] == "_") and len(word) >= MIN_PREFIX:
            self.open(explicit=False)

    # -- popup ----------------------------------------------------------------------------------

    def prefix(self) -> str:
        cursor = self._editor.textCursor()
        before = cursor.block().text()[
            : python_column(cursor.block().text(), cursor.positionInBlock())
        ]
        match = _WORD_BEFORE.search(before)
        return match.group() if match else ""

    def open(self, explicit: bool) -> None:
        self._explicit = explicit
        cursor = self._editor.textCursor()
        text = cursor.block().text()
        before = text[: python_column(text, cursor.positionInBlock())]
        prefix = self.prefix()
        self._candidates = candidates_for(prefix, before, self._document_counts(cursor),
                                          self._memory_keys)
        if not self._candidates:
            self.hide()
            return
        self.model.setStringList([c.text for c in self._candidates])
        popup = self.completer.popup()
        rect: QRect = self._editor.cursorRect()
        rect.translate(self._editor.viewport().pos())
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)
        popup.setCurrentIndex(self.model.index(0))

    def _document_counts(self, cursor: QTextCursor) -> Counter[str]:
        """:func:`identifier_counts` of the whole document, rescanning only the cursor's line
        when nothing outside it changed since the last call."""
        doc = self._editor.document()
        block = cursor.block()
        if (
            self._rest is None
            or doc is not self._rest_doc
            or block.blockNumber() != self._rest_block
            or doc.blockCount() != self._rest_blocks
        ):
            if doc is not self._rest_doc:
                if self._rest_doc is not None:
                    self._rest_doc.contentsChange.disconnect(self._on_contents_change)
                doc.contentsChange.connect(self._on_contents_change)
                self._rest_doc = doc
            lines = doc.toPlainText().split("\n")  # block i is line i (U+2029 made "\n")
            del lines[block.blockNumber()]
            self._rest = identifier_counts("\n".join(lines))
            self._rest_block, self._rest_blocks = block.blockNumber(), doc.blockCount()
        return self._rest + identifier_counts(block.text())

    def _on_contents_change(self, position: int, _removed: int, added: int) -> None:
        # An edit that starts and ends in the cached line (with the line count unchanged, so
        # no line end was removed) leaves the other lines alone; anything else rescans them.
        doc = self._rest_doc
        if doc is None or self._rest is None:
            return
        if (
            doc.blockCount() != self._rest_blocks
            or doc.findBlock(position).blockNumber() != self._rest_block
            or doc.findBlock(position + added).blockNumber() != self._rest_block
        ):
            self._rest = None

    def hide(self) -> None:
        self._explicit = False
        self.completer.popup().hide()

    def insert(self, text: str) -> None:
        """Replace the word before the cursor with ``text`` (one undo step)."""
        cursor = self._editor.textCursor()
        prefix = self.prefix()
        cursor.beginEditBlock()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left,
            QTextCursor.MoveMode.KeepAnchor,
            len(prefix.encode("utf-16-le")) // 2,
        )
        cursor.insertText(text)
        cursor.endEditBlock()
        self._editor.setTextCursor(cursor)
