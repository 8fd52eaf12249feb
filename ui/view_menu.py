"""The View menu: one show/hide toggle per dock (whichever feature made it), then the themes.

Rebuilt each time it opens, so docks that features add later (another chat, a help dock) are
listed too; each entry is the dock's own toggle action, so it always matches the dock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu


class ViewMenu(QMenu):
    def __init__(self, window: QMainWindow, extra_menus: list[QMenu],
                 make_docks: Callable[[], None] = lambda: None) -> None:
        """``make_docks`` builds the docks the window has not made yet (it makes some after
        its first paint): each refresh calls it first, so the menu lists every dock."""
        super().__init__("&View", window)
        self._window = window
        self._extra = extra_menus
        self._make_docks = make_docks
        self.aboutToShow.connect(self.refresh)
        # Only the extra menus until it first opens: listing the docks wraps every child of
        # the window for Python (a few ms of the first window), and opening lists them.
        self._list_extras()

    def docks(self) -> list[QDockWidget]:
        """The window's docks, alphabetically (easy to scan; Qt lists children unordered)."""
        docks = [d for d in self._window.findChildren(QDockWidget) if d.parent() is self._window]
        return sorted(docks, key=lambda d: d.objectName().lower())

    def refresh(self) -> None:
        self._make_docks()
        self._list()

    def _list(self) -> None:
        self.clear()
        for dock in self.docks():
            self.addAction(dock.toggleViewAction())
        self._list_extras()

    def _list_extras(self) -> None:
        self.addSeparator()
        for menu in self._extra:
            self.addMenu(menu)

    def toggle_for(self, title: str):
        """The entry that shows/hides the dock titled ``title``."""
        self._list()
        return next(a for a in self.actions() if a.text().replace("&", "") == title)
