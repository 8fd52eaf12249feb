"""Wires bot packages, the Tables dock and the Schedules dock into the main window.

Kept apart from ``main_window`` so the window only creates one :class:`BotTools` and calls it
on open/close/database change. ``attributes down, messages up``: this object calls the
panels and the window's public parts; the panels only emit signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMessageBox

from app.files.bot_package import BotPackage, PackageError, load_package, package_for
from interpreter.events import Failed, Finished, Stopped

from .. import file_dialogs
from ..workbench import MenuName
from .schedules_panel import SchedulesPanel
from .tables_panel import TablesPanel

if TYPE_CHECKING:
    from ..workbench import Workbench


def make_panels(window: Workbench) -> tuple[TablesPanel, SchedulesPanel]:
    """The Tables and Schedules panels of ``window``'s store and bot (the window's idle
    build makes them a turn before ``BotTools`` puts them in their docks)."""
    return (TablesPanel(window.store, window.runner.bot),
            SchedulesPanel(window.store, window.runner.bot))


class BotTools(QObject):
    def __init__(self, window: Workbench,
                 panels: tuple[TablesPanel, SchedulesPanel] | None = None) -> None:
        """``panels``: what ``make_panels(window)`` made (else made here)."""
        super().__init__(window.widget)
        self.window = window
        self.package: BotPackage | None = None
        # The bot the user chose (--bot, the Memory panel's bot box): dialogs outside a
        # package run as it; a package's dialogs run as the package's bot.
        self.chosen_bot = window.runner.bot
        self.tables, self.schedules = panels or make_panels(window)
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.tables_dock = window.add_dock("Tables", self.tables, bottom)
        self.schedules_dock = window.add_dock("Schedules", self.schedules, bottom)
        output = window.findChild(QDockWidget, "outputDock")
        if output is not None:  # share the bottom tab group, keep Output in front
            window.tabifyDockWidget(output, self.tables_dock)
        window.tabifyDockWidget(self.tables_dock, self.schedules_dock)
        if output is not None:
            output.raise_()
        self.schedules.outputLine.connect(self._output)
        self.schedules.openRequested.connect(self._open_at)
        window.bridge.runEvent.connect(self._on_run_event)
        window.memory.botChanged.connect(self._bot_chosen)
        window.botChanged.connect(self._bot_changed)
        window.tabs.currentChanged.connect(lambda _i: self._follow_current_file())

    def add_menu_items(self) -> None:
        """File → Open Package… (after Open…)."""
        self.open_package_action = QAction("Open &Package…", self.window.widget)
        self.open_package_action.setStatusTip("Open a General Bots .gbai folder as a project")
        self.open_package_action.triggered.connect(self.ask_package)
        menu = self.window.menu(MenuName.FILE)
        if menu is not None:
            after = self.window.actions_by_name.get("open")
            index = menu.actions().index(after) + 1 if after in menu.actions() else 0
            before = menu.actions()[index] if index < len(menu.actions()) else None
            if before is None:  # Open… is the menu's last item
                menu.addAction(self.open_package_action)
            else:
                menu.insertAction(before, self.open_package_action)

    # ------------------------------------------------------------ packages

    def ask_package(self) -> None:
        folder = file_dialogs.existing_directory(self.window.widget, "Open bot package (.gbai)")
        if folder:
            self.open_package(folder)

    def open_package(self, path: Path | str) -> Any:
        """Open ``X.gbai``: its bot becomes the current bot, ``param-*`` values the dialogs'
        variables, ``start.bas`` (else the first dialog) the open tab."""
        try:
            package = load_package(path)
        except PackageError as exc:
            QMessageBox.warning(self.window.widget, "Open package failed", str(exc))
            return None
        self.package = package
        self._use_bot(package)
        self._use_variables(package)
        self.schedules.set_folder(package.root)
        self.window.output.add(f"Opened package {package.name} ({len(package.dialogs)} "
                               f"dialogs, {len(package.variables)} param-* values)", "status")
        first = package.entry or (package.dialogs[0] if package.dialogs else None)
        tab = None
        for dialog in package.dialogs:
            opened = self.window.open_file(dialog)
            tab = opened if dialog == first else tab
        if tab is not None:
            self.window.tabs.setCurrentWidget(tab)
        return tab

    def _use_variables(self, package: BotPackage | None) -> None:
        self.window.runner.variables = dict(package.variables) if package else {}

    def _follow_current_file(self) -> None:
        """The current tab decides the bot: its package's, else the one the user chose."""
        tab = self.window.current_tab()
        if tab is None:
            return
        path = tab.path
        package = package_for(path) if path is not None else None
        if package is not None and (self.package is None or package.root != self.package.root):
            self.package = package
            self._use_variables(package)
        if package is None and self.package is not None:
            self.package = None
            self._use_variables(None)
        self._use_bot(package)
        if path is not None:
            self.schedules.set_folder(package.root if package else Path(path).parent)

    def _use_bot(self, package: BotPackage | None) -> None:
        if package is None:
            self.window.use_bot(self.chosen_bot)
        else:
            self.window.use_bot(package.name, package.root.name)

    def _bot_chosen(self, bot: str) -> None:
        self.chosen_bot = bot

    # ------------------------------------------------------------ store, bot, runs

    def set_store(self, store: Any) -> None:
        bot = self.window.runner.bot
        self.tables.set_store(store, bot)
        self.schedules.set_store(store, bot)

    def _bot_changed(self, bot: str) -> None:
        self.tables.set_store(self.window.store, bot)
        self.schedules.set_store(self.window.store, bot)

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, (Finished, Failed, Stopped)):
            self.tables.refresh()  # the run may have created or changed tables
            self.schedules.refresh()

    def _output(self, line: str) -> None:
        self.window.output.add(line, "error" if "] error: " in line else "info")

    def _open_at(self, path: str, line: int) -> None:
        if self.window.open_file(Path(path)) is not None:
            self.window.jump_to(line, 1)

    def shutdown(self) -> None:
        self.schedules.shutdown()
