"""Run ▸ "Treat General Bots Translation Defects as Errors": the IDE side of the engine-errors
setting (``talkbench check --engine-errors``), kept in the settings across restarts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from ..workbench import MenuName

if TYPE_CHECKING:
    from interpreter.compat import EngineOptions

    from ..workbench import Workbench

ENGINE_ERRORS_KEY = "check/engineErrors"


def install_engine_errors_action(window: Workbench) -> QAction:
    """A checkable Run-menu item; toggling it re-checks the current tab at once."""
    action = QAction("Treat General Bots &Translation Defects as Errors", window.widget)
    action.setCheckable(True)
    tip = ("On: lines the General Bots converter mangles, drops or cannot compile are errors "
           "in Problems (like talkbench check --engine-errors). Off: they are warnings, "
           "unless TALKBENCH_ENGINE_ERRORS=error or the bot's config.csv "
           "(talkbench-engine-errors) says so")
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setChecked(_engine_errors_on(window))

    def toggled(on: bool) -> None:
        window.settings.setValue(ENGINE_ERRORS_KEY, on)
        window.refresh_diagnostics()

    action.toggled.connect(toggled)
    menu = window.menu(MenuName.RUN)
    if menu is not None:
        menu.addAction(action)
    window.actions_by_name["engine_errors"] = action
    return action


def engine_options(window: Workbench, folder: Any) -> EngineOptions | None:
    """The folder's engine settings (environment, the bot's config.csv), plus the menu item;
    None (the defaults) when the folder's settings are invalid."""
    # Imported at the first check, not with the menu item the first window shows: the
    # settings loader pulls in the engine's build tables and the service registry.
    from app.services.settings import load_settings
    from interpreter.compat import EngineOptions

    try:
        options = load_settings(folder or "").engine_options()
    except ValueError:
        return None
    return EngineOptions(options.build, options.errors or _engine_errors_on(window))


def _engine_errors_on(window: Workbench) -> bool:
    # QSettings converts to the type asked for, though its stubs say object
    return bool(window.settings.value(ENGINE_ERRORS_KEY, False, type=bool))
