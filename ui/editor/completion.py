"""Keyword completion and keyword help for the code editor.

Candidates come from three places: the language (keyword phrases, block and operator words,
built-in functions), identifiers seen in the file, and the memory keys of the current bot. The
keys arrive through a provider the window sets, so the editor never touches the store. Inside a
string literal only memory keys are offered (``GET BOT MEMORY "col|``); elsewhere the rest.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, QRect, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QCompleter

from interpreter.syntax import vocabulary as vocab

from ..turns import Call, FirstPaint, Step, Turns
from .keyword_tips import python_column
from .widget_types import widget_type_steps

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


class Candidate(NamedTuple):
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
    # The builtins registry (~10 ms of imports) loads at the first completion, not with the
    # editor: the first window does not need it.
    from interpreter.library.builtins.core import BUILTINS

    for name in sorted({b.name for b in BUILTINS.values()}):
        add(name.replace(" ", "_") if " " in name else name, Kind.FUNCTION)
    return tuple(sorted(out, key=lambda c: c.text))


# What the word lists import (the builtins registry), dependencies first: the warm-up
# imports them one per turn of the event loop (together they were one turn of 10-20 ms; the
# registry's package imports all its modules at once, so it stays one turn).
WORD_LIST_MODULES = (
    "json", "uuid", "datetime", "decimal", "interpreter.library.formatting",
    "interpreter.library.builtins",
)


@cache
def _language_words() -> frozenset[str]:
    return frozenset({_norm(c.text) for c in language_candidates()} | vocab.all_keyword_words())


def identifier_counts(text: str) -> Counter[str]:
    """How often each word occurs in ``text`` outside strings and comments.

    Neither pattern crosses a line end, so the counts of a text are the sums of its lines'.
    """
    return Counter(_IDENT.findall(_NOT_CODE.sub(" ", text)))


def identifiers_in(
    text: str | Counter[str], exclude_once: str = "", starting: str = ""
) -> list[str]:
    """Identifiers of ``text`` (or of its :func:`identifier_counts`) that are not language words.

    ``exclude_once`` is the word being typed: it counts only if it also appears elsewhere.
    ``starting`` keeps only words starting with it (as :func:`_norm` compares them).
    """
    counts = identifier_counts(text) if isinstance(text, str) else text
    once = exclude_once if exclude_once and counts.get(exclude_once, 0) <= 1 else None
    language = _language_words()
    wanted = _norm(starting)
    found = []
    for w in counts:
        norm = _norm(w)
        if norm.startswith(wanted) and w != once and norm not in language:
            found.append(w)
    return sorted(found)


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
        for v in identifiers_in(document_text, exclude_once=prefix, starting=prefix)
    ]
    out += [c for c in language_candidates() if _norm(c.text).startswith(wanted)]
    return [c for c in out if c.text != prefix][:MAX_ITEMS]


def _line_words(text: str) -> list[tuple[str, ...]]:
    """The identifier occurrences of each line of ``text`` (outside strings and comments).

    Blanking the whole text at once equals blanking line by line: no pattern crosses a line end.
    """
    return [tuple(_IDENT.findall(line)) for line in _NOT_CODE.sub(" ", text).split("\n")]


def _block_words(text: str) -> tuple[str, ...]:
    # A block may hold soft line breaks (Shift+Enter); toPlainText makes them line ends.
    return tuple(w for words in _line_words(text.replace("\u2028", "\n")) for w in words)


class IdentifierIndex(QObject):
    """:func:`identifier_counts` of a document, updated from ``contentsChange`` per changed line.

    Each line keeps its own identifier occurrences; an edit rescans only the lines it touched and
    adjusts the total. A change of more than ``REBUILD_LINES`` lines (opening a file, a big paste)
    drops the lines instead: they are rebuilt in idle slices of at most ``BUILD_SLICE_SECONDS``
    (in one go, ~100 ms for 10,000 lines, it froze the window just after a big file opened), or
    at once when the counts are asked for before that.
    """

    REBUILD_LINES = 1000
    BUILD_SLICE_SECONDS = 0.004

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._lines: list[tuple[str, ...]] | None = None  # per block; None until (re)built
        self._total: Counter[str] = Counter()
        # A rebuild under way in idle slices: the lines and counts so far, the next block.
        self._partial: tuple[list[tuple[str, ...]], Counter[str]] | None = None
        self._next_block = document.begin()
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self._build_slice)
        document.contentsChange.connect(self._on_contents_change)
        self._rebuild_timer.start()

    def detach(self) -> None:
        self.document.contentsChange.disconnect(self._on_contents_change)
        self._rebuild_timer.stop()
        self._lines = None
        self._partial = None

    def counts(self) -> Counter[str]:
        """Occurrences of each identifier in the document (no zero entries). Do not modify."""
        if self._lines is None:
            self._build()
        return self._total

    def _build_slice(self) -> None:
        """Scan blocks for up to BUILD_SLICE_SECONDS; the last slice installs the result."""
        if self._partial is None:
            self._partial = ([], Counter())
            self._next_block = self.document.begin()
        lines, total = self._partial
        block = self._next_block
        deadline = time.perf_counter() + self.BUILD_SLICE_SECONDS
        while block.isValid() and time.perf_counter() < deadline:
            words = _block_words(block.text())
            lines.append(words)
            total.update(words)
            block = block.next()
        if block.isValid():
            self._next_block = block
            self._rebuild_timer.start()
            return
        self._partial = None
        self._lines, self._total = lines, total

    def _build(self) -> None:
        self._rebuild_timer.stop()
        self._partial = None
        doc = self.document
        lines = _line_words(doc.toPlainText())
        if len(lines) != doc.blockCount():  # soft line breaks: one block is several lines
            lines = [_block_words(doc.findBlockByNumber(n).text()) for n in range(doc.blockCount())]
        self._lines = lines
        self._total = Counter(w for words in self._lines for w in words)

    def _on_contents_change(self, position: int, _removed: int, added: int) -> None:
        lines = self._lines
        if lines is None:
            self._partial = None  # a rebuild is due anyway: it starts over on the new text
            self._rebuild_timer.start()
            return
        doc = self.document
        # Qt may count the final paragraph separator in ``added``: stay inside the document.
        end = max(min(position + added, doc.characterCount() - 1), position)
        first = doc.findBlock(position).blockNumber()
        last = doc.findBlock(end).blockNumber()
        old_last = last + len(lines) - doc.blockCount()  # the same lines before the edit
        if first < 0 or last < first or old_last < first or old_last >= len(lines):
            self._drop()  # not a change we can map onto lines: recount everything
            return
        if max(last, old_last) - first >= self.REBUILD_LINES:
            self._drop()
            return
        total = self._total
        for words in lines[first:old_last + 1]:
            for w in words:
                left = total[w] - 1
                if left > 0:
                    total[w] = left
                else:
                    del total[w]
        block = doc.findBlockByNumber(first)
        fresh = []
        while block.isValid() and block.blockNumber() <= last:
            fresh.append(_block_words(block.text()))
            block = block.next()
        for words in fresh:
            total.update(words)
        lines[first:old_last + 1] = fresh

    def _drop(self) -> None:
        self._lines = None
        self._partial = None
        self._total = Counter()
        self._rebuild_timer.start()


class Completion(QObject):
    """A QCompleter popup driven by the editor's key presses (see ``CodeEditor.keyPressEvent``)."""

    def __init__(self, editor: QPlainTextEdit, painted: bool = False) -> None:
        """``painted``: the editor has been painted already (the warm-up starts now)."""
        super().__init__(editor)
        self._editor = editor
        self._memory_keys: MemoryKeys = ()
        self._candidates: list[Candidate] = []
        self._explicit = False  # opened by Ctrl+Space: stays open below MIN_PREFIX
        self.warmed = False  # the one-time costs after the editor's first paint are paid
        # Kept up to date per changed line, so a keystroke never rescans the whole file.
        self._index = IdentifierIndex(editor.document(), self)
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(editor)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The str overload of activated; PySide6's stubs do not model picking it by index.
        self.completer.activated[str].connect(self.insert)  # type: ignore[index]
        # Warmed up once the editor has been painted: a zero timer set before it ran before
        # the window's first paint, and the word lists import the builtins registry (~10 ms).
        warm_up = Turns(self, self._warm_up_steps())
        if painted:
            warm_up.start()
        else:
            FirstPaint(editor, warm_up.start)

    def _warm_up_steps(self) -> list[Step]:
        """One-time costs the first popup would pay on a keystroke, each in its own turn of
        the event loop (in one they held the UI ~25 ms just after the first paint): the word
        lists (the builtins registry, its modules first, in the worker thread), PySide's
        widget classes, its first wrapping of the viewport and the popup."""
        calls: list[Callable[[], object]] = [
            _language_words, *widget_type_steps(), self._editor.viewport,
            self.completer.popup, self._warmed]
        return [*WORD_LIST_MODULES, *(Call(call) for call in calls)]

    def _warmed(self) -> None:
        self.warmed = True

    def set_memory_keys(self, keys: MemoryKeys) -> None:
        """A list of keys, or a callable ``prefix -> keys`` asked when the popup opens."""
        self._memory_keys = keys

    def _popup(self) -> QAbstractItemView:
        """The completer's list; QCompleter makes it on first request, so it is never None."""
        popup = self.completer.popup()
        assert popup is not None
        return popup

    @property
    def popup_visible(self) -> bool:
        return self._popup().isVisible()

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
        popup = self._popup()
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
        self._candidates = candidates_for(prefix, before, self._document_counts(),
                                          self._memory_keys)
        if not self._candidates:
            self.hide()
            return
        self.model.setStringList([c.text for c in self._candidates])
        popup = self._popup()
        rect: QRect = self._editor.cursorRect()
        rect.translate(self._editor.viewport().pos())
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)
        popup.setCurrentIndex(self.model.index(0))

    def _document_counts(self) -> Counter[str]:
        """:func:`identifier_counts` of the whole document, from its incremental index."""
        doc = self._editor.document()
        if self._index.document is not doc:  # the editor was given another document
            self._index.detach()
            self._index = IdentifierIndex(doc, self)
        return self._index.counts()

    def hide(self) -> None:
        self._explicit = False
        self._popup().hide()

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
