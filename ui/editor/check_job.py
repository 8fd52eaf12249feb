"""The live check of a dialog as a picklable job (no Qt): it runs in the checker's child
process (ui.editor.live_check), or on a thread when that process cannot start."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the IDE imports this module early; the check's own modules load in the child
    from pathlib import Path

    from interpreter.compat import EngineOptions, SavedText
    from interpreter.errors import Diagnostic


def check_dialog(source: str, title: str, engine: EngineOptions | None,
                 path: Path | None, saved: SavedText | None = None) -> list[Diagnostic]:
    from app.files.bot_package import package_variable_names
    from interpreter.checking import check_source

    provided = package_variable_names(path) if path is not None else []
    return check_source(source, title, engine, provided=provided, saved=saved)
