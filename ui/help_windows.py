"""The Help menu's windows: the searchable keyword reference and the README as the guide.
Made when first asked for (the first window only builds the menu)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .editor.keyword_tips import help_html

if TYPE_CHECKING:
    from interpreter.tooling.keyword_help import KeywordHelp

README = Path(__file__).resolve().parent.parent / "README.md"
_ENTRY = Qt.ItemDataRole.UserRole


class KeywordReference(QDialog):
    """Every keyword and built-in function with its syntax, summary and example; type to
    filter by name or by a word of the summary."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyword Reference")
        self.resize(820, 560)
        self.filter = QLineEdit(placeholderText="Filter keywords (name or a word of the summary)")
        self.list = QListWidget()
        self.text = QTextBrowser()
        from interpreter.tooling.keyword_help import all_help  # the texts load when shown

        for entry in sorted(all_help(), key=lambda e: e.phrase):
            item = QListWidgetItem(entry.phrase)
            item.setData(_ENTRY, entry)
            self.list.addItem(item)
        self.filter.textChanged.connect(self.apply_filter)
        self.list.currentItemChanged.connect(self._show)
        left = QVBoxLayout()
        left.addWidget(self.filter)
        left.addWidget(self.list)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.text, 2)
        self.list.setCurrentRow(0)

    def apply_filter(self, text: str) -> None:
        wanted = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            entry: KeywordHelp = item.data(_ENTRY)
            hit = wanted in entry.phrase.lower() or wanted in entry.summary.lower()
            item.setHidden(not hit)
        current = self.list.currentItem()
        if current is None or current.isHidden():
            items = (self.list.item(i) for i in range(self.list.count()))
            first = next((it for it in items if it is not None and not it.isHidden()), None)
            if first is None:
                self.list.setCurrentRow(-1)
            else:
                self.list.setCurrentItem(first)

    def visible_phrases(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def _show(self, item: QListWidgetItem | None) -> None:
        self.text.setHtml(help_html(item.data(_ENTRY)) if item is not None else "")


class GuideViewer(QDialog):
    """The README, rendered: the guide a new user reads first."""

    def __init__(self, path: Path = README, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Talkbench Guide")
        self.resize(900, 680)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        if path.is_file():
            self.text.setSearchPaths([str(path.parent)])  # the screenshots under docs/
            self.text.setMarkdown(path.read_text("utf-8"))
        else:
            self.text.setPlainText(f"The guide ({path.name}) is not installed with this copy.")
        QVBoxLayout(self).addWidget(self.text)
