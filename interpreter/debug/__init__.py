"""The debugger engine that both the IDE and the DAP server drive (as pdb drives bdb):
breakpoints, stepping and pause/resume (:mod:`.debugger`), its data (:mod:`.model`),
expressions evaluated in a paused frame (:mod:`.evaluate`) and conversation-aware pauses
(:mod:`.conversation`). Stdlib only, like the rest of the interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .debugger import Debugger

__all__ = ["Debugger"]


def __getattr__(name: str) -> Any:
    # Loaded on first use (PEP 562): importing ``.model`` (a saved session's breakpoints, at
    # the IDE's start) ran this file, and the debugger pulls in the whole runtime.
    if name != "Debugger":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .debugger import Debugger

    globals()["Debugger"] = Debugger
    return Debugger
