"""The Help menu: a searchable keyword reference, the README as the user guide, About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

from app import __version__

if TYPE_CHECKING:
    from .help_windows import GuideViewer, KeywordReference


class HelpMenu:
    """Builds the Help menu on ``window``'s menu bar and keeps its (non-modal) windows."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.reference: KeywordReference | None = None
        self.guide: GuideViewer | None = None
        menu = window.menuBar().addMenu("&Help")
        self.menu = menu
        self.reference_action = menu.addAction("&Keyword Reference", self.show_reference)
        self.reference_action.setShortcut("Ctrl+F1")
        self.guide_action = menu.addAction("Talkbench &Guide (README)", self.show_guide)
        menu.addSeparator()
        self.about_action = menu.addAction("&About Talkbench", self.show_about)

    def show_reference(self) -> KeywordReference:
        if self.reference is None:
            from .help_windows import KeywordReference

            self.reference = KeywordReference(self.window)
        self.reference.show()
        self.reference.raise_()
        return self.reference

    def show_guide(self) -> GuideViewer:
        if self.guide is None:
            from .help_windows import README, GuideViewer

            self.guide = GuideViewer(README, self.window)
        self.guide.show()
        self.guide.raise_()
        return self.guide

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self.window, "About Talkbench", about_text())


def about_text() -> str:
    return (f"<b>Talkbench {__version__}</b><p>An IDE to write, run and step-debug General Bots "
            "BASIC dialogs: a chat panel, the bot's memory table and a debugger.</p>"
            "<p>F1 in the editor shows help for the keyword under the cursor; "
            "Help ▸ Keyword Reference lists them all.</p>")
